package web_test

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/chromedp/chromedp/kb"

	"github.com/tickarena/tickarena/assets"
	"github.com/tickarena/tickarena/internal/browsertest"
	"github.com/tickarena/tickarena/server/httpjson"
	"github.com/tickarena/tickarena/server/web"
)

// fakeAPI is a test double of the lobby's JSON API, following its contract:
// sessions, the public room list, quick play, join and create.
type fakeAPI struct {
	mu            sync.Mutex
	sessions      map[string]string // token → name
	reusedTokens  int               // POST /api/session calls that carried a known token
	rooms         []map[string]any
	lastCreate    map[string]any
	authorizedHit int
}

func newFakeAPI() *fakeAPI {
	return &fakeAPI{
		sessions: map[string]string{},
		rooms: []map[string]any{
			{"id": "r1", "name": "Nebula Brawl", "humans": 3, "bots": 2, "capacity": 8, "round_seconds_left": 135, "ws_url": "/ws?room=r1"},
			{"id": "r2", "name": `<img src=x onerror="document.title='pwned'">`, "humans": 6, "bots": 0, "capacity": 6, "round_seconds_left": 42, "ws_url": "/ws?room=r2"},
		},
	}
}

func (f *fakeAPI) register(mux *http.ServeMux) {
	mux.HandleFunc("POST /api/session", f.session)
	mux.HandleFunc("GET /api/rooms", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		httpjson.Write(w, http.StatusOK, map[string]any{"rooms": f.rooms})
	})
	mux.HandleFunc("POST /api/play", f.authorized(func(w http.ResponseWriter, r *http.Request) {
		httpjson.Write(w, http.StatusOK, f.rooms[0])
	}))
	mux.HandleFunc("POST /api/join", f.authorized(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Room string `json:"room"`
			Code string `json:"code"`
		}
		if err := httpjson.Decode(w, r, 0, &req); err != nil {
			httpjson.WriteDecodeError(w, err)
			return
		}
		for _, room := range f.rooms {
			if room["id"] == req.Room || (req.Code != "" && room["code"] == req.Code) {
				httpjson.Write(w, http.StatusOK, room)
				return
			}
		}
		httpjson.WriteError(w, http.StatusNotFound, "no room with this code", "code")
	}))
	mux.HandleFunc("POST /api/rooms", f.authorized(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Name         string `json:"name"`
			Capacity     int    `json:"capacity"`
			Bots         int    `json:"bots"`
			RoundSeconds int    `json:"round_seconds"`
			Public       bool   `json:"public"`
		}
		if err := httpjson.Decode(w, r, 0, &req); err != nil {
			httpjson.WriteDecodeError(w, err)
			return
		}
		room := map[string]any{"id": "r9", "name": req.Name, "humans": 0, "bots": req.Bots, "capacity": req.Capacity,
			"round_seconds_left": req.RoundSeconds, "ws_url": "/ws?room=r9"}
		if !req.Public {
			room["code"] = "K7QF"
		}
		f.mu.Lock()
		f.lastCreate = map[string]any{"name": req.Name, "capacity": req.Capacity, "bots": req.Bots, "round_seconds": req.RoundSeconds, "public": req.Public}
		f.rooms = append(f.rooms, room)
		f.mu.Unlock()
		httpjson.Write(w, http.StatusCreated, room)
	}))
}

func (f *fakeAPI) session(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Name  string `json:"name"`
		Token string `json:"token"`
	}
	if err := httpjson.Decode(w, r, 0, &req); err != nil {
		httpjson.WriteDecodeError(w, err)
		return
	}
	if req.Name == "Admin" {
		httpjson.WriteError(w, http.StatusBadRequest, "this name is reserved, pick another", "name")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	token := req.Token
	if _, known := f.sessions[token]; known {
		f.reusedTokens++
	} else {
		token = "tok-" + strings.Repeat("x", len(f.sessions)+1)
	}
	f.sessions[token] = req.Name
	httpjson.Write(w, http.StatusCreated, map[string]any{"player_id": len(f.sessions), "name": req.Name, "token": token})
}

// authorized answers 401 unless the request carries a token from POST /api/session.
func (f *fakeAPI) authorized(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		token, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		f.mu.Lock()
		_, ok := f.sessions[token]
		f.authorizedHit++
		f.mu.Unlock()
		if !ok {
			httpjson.WriteError(w, http.StatusUnauthorized, "unknown session", "")
			return
		}
		next(w, r)
	}
}

// withoutClient copies the embedded assets without game.wasm and its loader,
// so that the test sees the same play view whether or not `make wasm` has run.
func withoutClient(t *testing.T) fs.FS {
	t.Helper()
	out := fstest.MapFS{}
	src := assets.Static()
	err := fs.WalkDir(src, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(name, assets.ClientFile) || name == assets.LoaderFile {
			return err
		}
		b, err := fs.ReadFile(src, name)
		out[name] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestLobbyInBrowser(t *testing.T) {
	b := browsertest.New(t, browsertest.Options{})
	h, err := web.New(web.Options{FS: withoutClient(t), Logger: quietLogger})
	if err != nil {
		t.Fatal(err)
	}
	api := newFakeAPI()
	mux := http.NewServeMux()
	h.Register(mux)
	api.register(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	p := b.NewPage()
	p.Navigate(srv.URL + "/")
	p.WaitFor(`document.querySelectorAll("#rooms li.room").length === 2`)
	p.Screenshot("lobby")

	t.Run("rooms are listed with what players typed shown as text", func(t *testing.T) {
		p := p.In(t)
		text := p.Text("#rooms")
		for _, want := range []string{"Nebula Brawl", "3 pilots", "2 bots", "2:15", "3 / 8", `<img src=x onerror="document.title='pwned'">`, "6 / 6 full"} {
			if !strings.Contains(text, want) {
				t.Errorf("room list %q lacks %q", text, want)
			}
		}
		if n := browsertest.Eval[int](p, `document.querySelectorAll("#rooms img").length`); n != 0 {
			t.Errorf("a room name became %d <img> elements", n)
		}
		if browsertest.Eval[bool](p, `document.querySelector('[data-room="r2"] button').disabled`) != true {
			t.Error("the Join button of a full room is enabled")
		}
	})

	t.Run("API errors are shown next to the field", func(t *testing.T) {
		p := p.In(t)
		p.Type("#name", "Admin")
		p.Click("#play")
		p.WaitFor(`!document.getElementById("message").hidden`)
		if got := p.Text("#message"); got != "this name is reserved, pick another" {
			t.Errorf("message = %q", got)
		}
		if got := browsertest.Eval[string](p, `document.getElementById("name").getAttribute("aria-invalid")`); got != "true" {
			t.Errorf("name input aria-invalid = %q, want true", got)
		}
		if !browsertest.Eval[bool](p, `document.querySelector('[data-room="r2"] button').disabled`) {
			t.Error("after an error, the Join button of a full room is enabled")
		}
		p.Screenshot("name-error")
	})

	t.Run("Play opens the play view", func(t *testing.T) {
		p := p.In(t)
		p.Type("#name", "Nova <3")
		p.Click("#play")
		p.WaitFor(`location.pathname === "/play"`)
		query := browsertest.Eval[string](p, `location.search`)
		if query != "?room=r1&ws=%2Fws%3Froom%3Dr1" {
			t.Errorf("play URL query = %q", query)
		}
		if got := browsertest.Eval[string](p, `localStorage.getItem("tickarena.name")`); got != "Nova <3" {
			t.Errorf(`localStorage["tickarena.name"] = %q`, got)
		}
		if got := browsertest.Eval[string](p, `localStorage.getItem("tickarena.token")`); !strings.HasPrefix(got, "tok-") {
			t.Errorf(`localStorage["tickarena.token"] = %q`, got)
		}
		p.WaitFor(`document.getElementById("load-status").textContent.includes("make wasm")`)
		if got := p.Text("#load-status"); got != web.ClientMissing {
			t.Errorf("play view says %q, want %q", got, web.ClientMissing)
		}
		p.Screenshot("play-client-not-built")
	})

	t.Run("Escape goes back to the lobby and reuses the session", func(t *testing.T) {
		p := p.In(t)
		p.Press(kb.Escape)
		p.WaitFor(`location.pathname === "/" && document.querySelectorAll("#rooms li.room").length > 0`)
		if got := browsertest.Eval[string](p, `document.getElementById("name").value`); got != "Nova <3" {
			t.Errorf("name field = %q, want the remembered name", got)
		}
		p.WaitFor(`!document.getElementById("pilot-status").hidden`)
		api.mu.Lock()
		reused := api.reusedTokens
		api.mu.Unlock()
		if reused == 0 {
			t.Error("the lobby did not reuse the stored token")
		}
	})

	t.Run("a private room shows its code", func(t *testing.T) {
		p := p.In(t)
		p.Type("#room-name", "Friday night")
		p.Type("#capacity", "6")
		p.Type("#bots", "2")
		p.Click("#public")
		p.Click("#create-form button[type=submit]")
		p.WaitFor(`!document.getElementById("created").hidden`)
		if got := p.Text("#created-code"); got != "K7QF" {
			t.Errorf("join code = %q, want K7QF", got)
		}
		api.mu.Lock()
		got := api.lastCreate
		api.mu.Unlock()
		want := map[string]any{"name": "Friday night", "capacity": 6, "bots": 2, "round_seconds": 180, "public": false}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("create request %s = %v, want %v", k, got[k], v)
			}
		}
		p.Screenshot("private-room-code")
		p.Click("#enter-created")
		p.WaitFor(`location.pathname === "/play" && new URLSearchParams(location.search).get("room") === "r9"`)
	})

	t.Run("join by an unknown code explains the error", func(t *testing.T) {
		p := p.In(t)
		p.Navigate(srv.URL + "/")
		p.Type("#code", "zzzz")
		p.Click("#join-form button")
		p.WaitFor(`!document.getElementById("message").hidden`)
		// The lobby says which room and offers quick play instead.
		if got := p.Text("#message"); !strings.Contains(got, "ZZZZ") || !strings.Contains(got, "does not exist") || !strings.Contains(got, "Play") {
			t.Errorf("message = %q, want it to name room ZZZZ, say it does not exist and offer Play", got)
		}
	})

	t.Run("phone layout", func(t *testing.T) {
		p := p.In(t)
		p.SetViewport(390, 844)
		p.Navigate(srv.URL + "/")
		p.WaitFor(`document.querySelectorAll("#rooms li.room").length > 0`)
		if w := browsertest.Eval[int](p, `document.documentElement.scrollWidth`); w > 390 {
			t.Errorf("the lobby is %d px wide on a 390 px screen", w)
		}
		p.Screenshot("lobby-phone")
	})

	if got := browsertest.Eval[string](p, `document.title`); got == "pwned" {
		t.Error("a room name ran script in the lobby")
	}
}

// buildClient compiles testdata/fakeclient for the browser and returns the
// assets with it as game.wasm and the toolchain's wasm_exec.js.
func buildClient(t *testing.T) fs.FS {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not in PATH, cannot build a WebAssembly client")
	}
	wasm := filepath.Join(t.TempDir(), "game.wasm")
	cmd := exec.Command(goTool, "build", "-o", wasm, "./testdata/fakeclient")
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build the fake client: %v\n%s", err, out)
	}
	b, err := os.ReadFile(wasm)
	if err != nil {
		t.Fatal(err)
	}
	goroot, err := exec.Command(goTool, "env", "GOROOT").Output()
	if err != nil {
		t.Fatalf("go env GOROOT: %v", err)
	}
	loader, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", assets.LoaderFile))
	if err != nil {
		t.Fatalf("the toolchain's %s: %v", assets.LoaderFile, err)
	}
	fsys := withoutClient(t).(fstest.MapFS)
	fsys[assets.ClientFile] = &fstest.MapFile{Data: b}
	fsys[assets.LoaderFile] = &fstest.MapFile{Data: loader}
	return fsys
}

// TestPlayRunsClient loads a small client from the play page twice: served
// as application/wasm it is compiled while it downloads
// (instantiateStreaming); served with a wrong type, the page falls back to
// reading it whole. Either way it runs, with the progress bar at 100%.
func TestPlayRunsClient(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a WebAssembly program; skipped in -short mode")
	}
	b := browsertest.New(t, browsertest.Options{})
	h, err := web.New(web.Options{FS: buildClient(t), Logger: quietLogger})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name          string
		wasmType      string // Content-Type forced on game.wasm; "" keeps the server's
		wantStreaming bool
	}{
		{"application/wasm streams", "", true},
		{"wrong type falls back", "application/octet-stream", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mux := http.NewServeMux()
			h.Register(mux)
			newFakeAPI().register(mux)
			var handler http.Handler = mux
			if tt.wasmType != "" {
				handler = forceType(mux, "/static/game.wasm", tt.wasmType)
			}
			srv := httptest.NewServer(handler)
			defer srv.Close()

			p := b.NewPage().In(t)
			p.Navigate(srv.URL + "/")
			p.Type("#name", "Vega")
			p.Click("#play")
			// Compiling the module is the slow part on a busy machine.
			p.WaitForWithin(`document.title.startsWith("running")`, 2*time.Minute)
			want := "running room=r1 ws=/ws?room=r1 name=Vega token=tok-x"
			if got := browsertest.Eval[string](p, `document.title`); got != want {
				t.Errorf("the client read %q, want %q", got, want)
			}
			if !browsertest.Eval[bool](p, `document.getElementById("loading").hidden`) {
				t.Error("the loading screen still covers the running game")
			}
			if got := browsertest.Eval[string](p, `document.getElementById("progress").getAttribute("aria-valuenow")`); got != "100" {
				t.Errorf("progress ended at %q%%, want 100", got)
			}
			if got := browsertest.Eval[bool](p, `!!(window.tickarenaLoad && window.tickarenaLoad.streaming)`); got != tt.wantStreaming {
				t.Errorf("compiled while downloading: %v, want %v", got, tt.wantStreaming)
			}
			p.Screenshot("client-running")
			p.Click("#leave")
			p.WaitFor(`location.pathname === "/"`)
		})
	}
}

// forceType serves next, with the Content-Type of the file at path replaced
// by ct, as a misconfigured proxy or server would send it.
func forceType(next http.Handler, path, ct string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == path {
			w = &typeWriter{ResponseWriter: w, ct: ct}
		}
		next.ServeHTTP(w, r)
	})
}

// typeWriter replaces the Content-Type just before the header is written.
type typeWriter struct {
	http.ResponseWriter
	ct string
}

func (w *typeWriter) WriteHeader(code int) {
	w.Header().Set("Content-Type", w.ct)
	w.ResponseWriter.WriteHeader(code)
}

func (w *typeWriter) Write(b []byte) (int, error) {
	if w.Header().Get("Content-Type") != w.ct {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}
