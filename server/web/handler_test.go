package web_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/andybalholm/brotli"
	"github.com/tickarena/tickarena/assets"
	"github.com/tickarena/tickarena/server/web"

	"github.com/tickarena/tickarena/internal/testwait"
)

// quietLogger drops the handler's startup lines so that test output stays readable.
var quietLogger = slog.New(slog.DiscardHandler)

// wasmBody stands in for a built client: a WebAssembly header and enough
// repetitive bytes for gzip to pay.
var wasmBody = append([]byte("\x00asm\x01\x00\x00\x00"), bytes.Repeat([]byte("tickarena wasm "), 5000)...) // above largeFile: served from the file system, not a copy

func br(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	bw := brotli.NewWriterLevel(&buf, brotli.BestSpeed)
	if _, err := bw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := bw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func gz(t testing.TB, b []byte, level int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, level)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// siteFS returns a small site shaped like assets.Static(), with game.wasm,
// its precompressed gzip and wasm_exec.js when built is true.
func siteFS(t testing.TB, built bool) fstest.MapFS {
	fsys := fstest.MapFS{
		"index.html":       {Data: []byte(`<!doctype html><link rel="stylesheet" href="/static/style.css"><script src="/static/lobby.js"></script><h1>Lobby</h1>` + strings.Repeat("<p>Fly. Shoot. Survive the round.</p>\n", 30))},
		"play.html":        {Data: []byte(`<!doctype html><main data-wasm="/static/game.wasm"></main>`)},
		"style.css":        {Data: []byte("body { color: #fff; }\n" + strings.Repeat(".room { margin: 0; }\n", 60))},
		"lobby.js":         {Data: []byte(strings.Repeat("console.log('lobby');\n", 60))},
		"favicon.svg":      {Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg"></svg>`)},
		"sprites/ship.png": {Data: []byte("\x89PNG\r\n\x1a\n" + strings.Repeat("\x00", 1000))},
	}
	if built {
		fsys[assets.ClientFile] = &fstest.MapFile{Data: wasmBody}
		// A fast level, so that the test can tell this file from a gzip the handler made.
		fsys[assets.ClientFile+".gz"] = &fstest.MapFile{Data: gz(t, wasmBody, gzip.BestSpeed)}
		fsys[assets.LoaderFile] = &fstest.MapFile{Data: []byte("globalThis.Go = class {};\n")}
	}
	return fsys
}

func newServer(t testing.TB, fsys fstest.MapFS) *httptest.Server {
	t.Helper()
	h, err := web.New(web.Options{FS: fsys, Logger: quietLogger})
	if err != nil {
		t.Fatalf("web.New: %v", err)
	}
	mux := http.NewServeMux()
	h.Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// get sends a request with the given headers without Go's transparent gzip,
// and returns the response with its raw body.
func get(t testing.TB, method, url string, header map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	client := &http.Client{Timeout: testwait.Default, Transport: &http.Transport{DisableCompression: true}}
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return res, body
}

func TestContentTypes(t *testing.T) {
	srv := newServer(t, siteFS(t, true))
	tests := []struct {
		path string
		want string
	}{
		{"/", "text/html; charset=utf-8"},
		{"/play", "text/html; charset=utf-8"},
		{"/static/style.css", "text/css; charset=utf-8"},
		{"/static/lobby.js", "text/javascript; charset=utf-8"},
		{"/static/favicon.svg", "image/svg+xml"},
		{"/static/game.wasm", "application/wasm"},
		{"/static/sprites/ship.png", "image/png"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			res, _ := get(t, http.MethodGet, srv.URL+tt.path, nil)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("status = %d, want 200", res.StatusCode)
			}
			if got := res.Header.Get("Content-Type"); got != tt.want {
				t.Errorf("Content-Type = %q, want %q", got, tt.want)
			}
			if got := res.Header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options = %q, want nosniff", got)
			}
		})
	}
}

func TestETagRevalidation(t *testing.T) {
	srv := newServer(t, siteFS(t, true))
	tests := []struct {
		path     string
		encoding string
	}{
		{"/", ""},
		{"/", "gzip"},
		{"/static/style.css", "gzip"},
		{"/static/game.wasm", ""},
		{"/static/game.wasm", "gzip"},
		{"/static/sprites/ship.png", "gzip"},
	}
	for _, tt := range tests {
		t.Run(tt.path+"/"+tt.encoding, func(t *testing.T) {
			hdr := map[string]string{"Accept-Encoding": tt.encoding}
			first, body := get(t, http.MethodGet, srv.URL+tt.path, hdr)
			etag := first.Header.Get("ETag")
			if !strings.HasPrefix(etag, `"`) || len(etag) < 10 {
				t.Fatalf("ETag = %q, want a strong quoted tag", etag)
			}
			if len(body) == 0 {
				t.Fatal("first response has no body")
			}
			hdr["If-None-Match"] = etag
			again, body := get(t, http.MethodGet, srv.URL+tt.path, hdr)
			if again.StatusCode != http.StatusNotModified {
				t.Fatalf("revalidation status = %d, want 304", again.StatusCode)
			}
			if len(body) != 0 {
				t.Errorf("304 has a %d-byte body", len(body))
			}
			if got := again.Header.Get("ETag"); got != etag {
				t.Errorf("304 ETag = %q, want %q", got, etag)
			}
			hdr["If-None-Match"] = `"something-else"`
			changed, _ := get(t, http.MethodGet, srv.URL+tt.path, hdr)
			if changed.StatusCode != http.StatusOK {
				t.Errorf("status with another ETag = %d, want 200", changed.StatusCode)
			}
		})
	}
}

func TestETagFollowsContent(t *testing.T) {
	a := siteFS(t, false)
	b := siteFS(t, false)
	b["style.css"] = &fstest.MapFile{Data: []byte("body { color: red; }")}
	etag := func(fsys fstest.MapFS, path string) string {
		res, _ := get(t, http.MethodGet, newServer(t, fsys).URL+path, nil)
		return res.Header.Get("ETag")
	}
	if etag(a, "/static/style.css") == etag(b, "/static/style.css") {
		t.Error("a changed stylesheet kept its ETag")
	}
	if etag(a, "/") == etag(b, "/") {
		t.Error("the lobby page kept its ETag although the stylesheet it names changed")
	}
	if etag(a, "/static/lobby.js") != etag(b, "/static/lobby.js") {
		t.Error("an unchanged script got a new ETag")
	}
}

func TestGzipNegotiation(t *testing.T) {
	fsys := siteFS(t, true)
	srv := newServer(t, fsys)
	tests := []struct {
		name     string
		path     string
		accept   string
		wantGzip bool
	}{
		{"page gzip", "/", "gzip, deflate, br", true},
		{"page identity", "/", "", false},
		{"css gzip", "/static/style.css", "gzip", true},
		{"css star", "/static/style.css", "*", true},
		{"css gzip refused", "/static/style.css", "gzip;q=0, *;q=1", false},
		{"css only br", "/static/style.css", "br", false},
		{"wasm gzip", "/static/game.wasm", "gzip, deflate", true},
		{"wasm gzip preferred", "/static/game.wasm", "br;q=0.5, gzip;q=0.8", true},
		{"png never", "/static/sprites/ship.png", "gzip", false},
		{"tiny svg never", "/static/favicon.svg", "gzip", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, body := get(t, http.MethodGet, srv.URL+tt.path, map[string]string{"Accept-Encoding": tt.accept})
			gotGzip := res.Header.Get("Content-Encoding") == "gzip"
			if gotGzip != tt.wantGzip {
				t.Fatalf("Content-Encoding = %q, want gzip %v", res.Header.Get("Content-Encoding"), tt.wantGzip)
			}
			if gotGzip {
				zr, err := gzip.NewReader(bytes.NewReader(body))
				if err != nil {
					t.Fatalf("body is not gzip: %v", err)
				}
				if body, err = io.ReadAll(zr); err != nil {
					t.Fatalf("decompress: %v", err)
				}
			}
			want := res.Header.Get("X-Uncompressed-Length")
			if want != strconv.Itoa(len(body)) {
				t.Errorf("decoded body has %d bytes, X-Uncompressed-Length says %s", len(body), want)
			}
			if tt.path != "/static/sprites/ship.png" && tt.path != "/static/favicon.svg" {
				if got := res.Header.Get("Vary"); got != "Accept-Encoding" {
					t.Errorf("Vary = %q, want Accept-Encoding", got)
				}
			}
		})
	}
}

func TestBrotliClient(t *testing.T) {
	fsys := siteFS(t, true)
	fsys["game.wasm.br"] = &fstest.MapFile{Data: br(t, wasmBody)}
	srv := newServer(t, fsys)
	tests := []struct {
		name, accept, want string
	}{
		{"browser", "gzip, deflate, br, zstd", "br"},
		{"br only", "br", "br"},
		{"star", "*", "br"},
		{"br preferred", "br;q=1.0, gzip;q=0.8", "br"},
		{"gzip preferred", "br;q=0.5, gzip", "gzip"},
		{"br refused", "gzip, br;q=0", "gzip"},
		{"identity", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, body := get(t, http.MethodGet, srv.URL+"/static/game.wasm", map[string]string{"Accept-Encoding": tt.accept})
			if got := res.Header.Get("Content-Encoding"); got != tt.want {
				t.Fatalf("Content-Encoding = %q, want %q", got, tt.want)
			}
			var plain []byte
			var err error
			switch tt.want {
			case "br":
				if !bytes.Equal(body, fsys["game.wasm.br"].Data) {
					t.Error("the Brotli body is not the precompressed game.wasm.br")
				}
				plain, err = io.ReadAll(brotli.NewReader(bytes.NewReader(body)))
			case "gzip":
				var zr *gzip.Reader
				if zr, err = gzip.NewReader(bytes.NewReader(body)); err == nil {
					plain, err = io.ReadAll(zr)
				}
			default:
				plain = body
			}
			if err != nil || !bytes.Equal(plain, wasmBody) {
				t.Errorf("decoded body is not game.wasm (err %v)", err)
			}
			if got := res.Header.Get("Vary"); got != "Accept-Encoding" {
				t.Errorf("Vary = %q, want Accept-Encoding", got)
			}
		})
	}
	t.Run("ETags differ by encoding", func(t *testing.T) {
		b, _ := get(t, http.MethodGet, srv.URL+"/static/game.wasm", map[string]string{"Accept-Encoding": "br"})
		g, _ := get(t, http.MethodGet, srv.URL+"/static/game.wasm", map[string]string{"Accept-Encoding": "gzip"})
		if b.Header.Get("ETag") == g.Header.Get("ETag") {
			t.Errorf("Brotli and gzip share the ETag %s", b.Header.Get("ETag"))
		}
		res, _ := get(t, http.MethodGet, srv.URL+"/static/game.wasm", map[string]string{"Accept-Encoding": "br", "If-None-Match": b.Header.Get("ETag")})
		if res.StatusCode != http.StatusNotModified {
			t.Errorf("revalidating the Brotli copy: status %d, want 304", res.StatusCode)
		}
	})
	t.Run("game.wasm.br is not a file", func(t *testing.T) {
		res, _ := get(t, http.MethodGet, srv.URL+"/static/game.wasm.br", nil)
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("status %d, want 404", res.StatusCode)
		}
	})
	t.Run("stale .br is ignored", func(t *testing.T) {
		fsys := siteFS(t, true)
		fsys["game.wasm.br"] = &fstest.MapFile{Data: br(t, []byte("an older build"))}
		srv := newServer(t, fsys)
		res, _ := get(t, http.MethodGet, srv.URL+"/static/game.wasm", map[string]string{"Accept-Encoding": "br, gzip"})
		if got := res.Header.Get("Content-Encoding"); got != "gzip" {
			t.Errorf("Content-Encoding = %q, want gzip in place of the stale Brotli file", got)
		}
	})
}

func TestPrecompressedClient(t *testing.T) {
	t.Run("matching .gz is served as is", func(t *testing.T) {
		fsys := siteFS(t, true)
		srv := newServer(t, fsys)
		_, body := get(t, http.MethodGet, srv.URL+"/static/game.wasm", map[string]string{"Accept-Encoding": "gzip"})
		if !bytes.Equal(body, fsys["game.wasm.gz"].Data) {
			t.Error("the gzip body is not the precompressed game.wasm.gz")
		}
		res, _ := get(t, http.MethodGet, srv.URL+"/static/game.wasm.gz", nil)
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("game.wasm.gz as a file: status %d, want 404", res.StatusCode)
		}
	})
	t.Run("stale .gz is ignored", func(t *testing.T) {
		fsys := siteFS(t, true)
		fsys["game.wasm.gz"] = &fstest.MapFile{Data: gz(t, []byte("an older build"), gzip.BestSpeed)}
		srv := newServer(t, fsys)
		_, body := get(t, http.MethodGet, srv.URL+"/static/game.wasm", map[string]string{"Accept-Encoding": "gzip"})
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("body is not gzip: %v", err)
		}
		plain, _ := io.ReadAll(zr)
		if !bytes.Equal(plain, wasmBody) {
			t.Errorf("served %q…, want the current game.wasm", plain[:min(len(plain), 16)])
		}
	})
}

func TestHead(t *testing.T) {
	srv := newServer(t, siteFS(t, true))
	full, fullBody := get(t, http.MethodGet, srv.URL+"/static/game.wasm", nil)
	head, headBody := get(t, http.MethodHead, srv.URL+"/static/game.wasm", nil)
	if head.StatusCode != http.StatusOK || len(headBody) != 0 {
		t.Fatalf("HEAD: status %d with %d body bytes, want 200 and none", head.StatusCode, len(headBody))
	}
	if got, want := head.Header.Get("Content-Length"), strconv.Itoa(len(fullBody)); got != want {
		t.Errorf("HEAD Content-Length = %s, want %s", got, want)
	}
	if head.Header.Get("ETag") != full.Header.Get("ETag") {
		t.Errorf("HEAD ETag %q differs from GET ETag %q", head.Header.Get("ETag"), full.Header.Get("ETag"))
	}
}

func TestCacheControl(t *testing.T) {
	srv := newServer(t, siteFS(t, false))
	_, page := get(t, http.MethodGet, srv.URL+"/", nil)
	// The lobby page names its stylesheet by version; find that URL.
	start := bytes.Index(page, []byte("/static/style.css?v="))
	if start < 0 {
		t.Fatalf("the page does not name a versioned stylesheet: %s", page)
	}
	end := bytes.IndexByte(page[start:], '"')
	versioned := string(page[start : start+end])
	tests := []struct {
		name string
		path string
		want string
	}{
		{"page", "/", "no-cache"},
		{"play page", "/play", "no-cache"},
		{"versioned asset", versioned, "public, max-age=31536000, immutable"},
		{"unversioned asset", "/static/style.css", "public, max-age=300"},
		{"old version", "/static/style.css?v=old", "public, max-age=300"},
		{"missing client", "/static/game.wasm", "no-store"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, _ := get(t, http.MethodGet, srv.URL+tt.path, nil)
			if got := res.Header.Get("Cache-Control"); got != tt.want {
				t.Errorf("Cache-Control = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNotFound(t *testing.T) {
	srv := newServer(t, siteFS(t, false))
	tests := []struct {
		name       string
		method     string
		path       string
		wantStatus int
		wantType   string
		wantBody   string
	}{
		{"api path is JSON", http.MethodGet, "/api/nope", http.StatusNotFound, "application/json; charset=utf-8", `"error":"no such API endpoint: GET /api/nope"`},
		{"api POST is JSON", http.MethodPost, "/api/rooms/x", http.StatusNotFound, "application/json; charset=utf-8", `"error":`},
		{"page is plain", http.MethodGet, "/nowhere", http.StatusNotFound, "text/plain; charset=utf-8", "404 page not found"},
		{"asset is plain", http.MethodGet, "/static/nope.css", http.StatusNotFound, "text/plain; charset=utf-8", "404 page not found"},
		{"escaping the root", http.MethodGet, "/static/../go.mod", http.StatusNotFound, "", ""},
		{"client not built", http.MethodGet, "/static/game.wasm", http.StatusNotFound, "text/plain; charset=utf-8", "client not built: run make wasm"},
		{"wrong method", http.MethodPost, "/static/style.css", http.StatusMethodNotAllowed, "text/plain; charset=utf-8", "method not allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, body := get(t, tt.method, srv.URL+tt.path, nil)
			if res.StatusCode != tt.wantStatus {
				t.Fatalf("status = %d, want %d (%s)", res.StatusCode, tt.wantStatus, body)
			}
			if tt.wantType != "" && res.Header.Get("Content-Type") != tt.wantType {
				t.Errorf("Content-Type = %q, want %q", res.Header.Get("Content-Type"), tt.wantType)
			}
			if !strings.Contains(string(body), tt.wantBody) {
				t.Errorf("body = %q, want it to contain %q", body, tt.wantBody)
			}
		})
	}
}

func TestClientBuilt(t *testing.T) {
	for _, built := range []bool{false, true} {
		h, err := web.New(web.Options{FS: siteFS(t, built), Logger: quietLogger})
		if err != nil {
			t.Fatal(err)
		}
		if h.ClientBuilt() != built {
			t.Errorf("ClientBuilt = %v, want %v", h.ClientBuilt(), built)
		}
	}
}

func TestNewNeedsPages(t *testing.T) {
	fsys := siteFS(t, false)
	delete(fsys, "play.html")
	if _, err := web.New(web.Options{FS: fsys, Logger: quietLogger}); err == nil {
		t.Error("New without play.html succeeded")
	}
}

func TestEmbeddedAssets(t *testing.T) {
	h, err := web.New(web.Options{Logger: quietLogger})
	if err != nil {
		t.Fatalf("web.New with the embedded assets: %v", err)
	}
	mux := http.NewServeMux()
	h.Register(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	for _, path := range []string{"/", "/play", "/static/lobby.js", "/static/play.js", "/static/style.css", "/static/favicon.svg"} {
		res, _ := get(t, http.MethodGet, srv.URL+path, nil)
		if res.StatusCode != http.StatusOK {
			t.Errorf("GET %s: status %d, want 200", path, res.StatusCode)
		}
	}
	pageAssets := map[string][]string{
		"/":     {"/static/style.css?v=", "/static/lobby.js?v=", "/static/favicon.svg?v="},
		"/play": {"/static/style.css?v=", "/static/play.js?v="},
	}
	if h.ClientBuilt() {
		// Without gzip, so that the test does not wait for a large client to be compressed.
		res, _ := get(t, http.MethodHead, srv.URL+"/static/game.wasm", nil)
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/wasm" {
			t.Errorf("built client: status %d, type %q; want 200, application/wasm",
				res.StatusCode, res.Header.Get("Content-Type"))
		}
		if res, _ := get(t, http.MethodGet, srv.URL+"/static/wasm_exec.js", nil); res.StatusCode != http.StatusOK {
			t.Errorf("GET /static/wasm_exec.js with a built client: status %d, want 200", res.StatusCode)
		}
		pageAssets["/play"] = append(pageAssets["/play"], "/static/wasm_exec.js?v=")
	}
	for path, urls := range pageAssets {
		_, page := get(t, http.MethodGet, srv.URL+path, nil)
		for _, u := range urls {
			if !bytes.Contains(page, []byte(u)) {
				t.Errorf("%s does not load %s with a version", path, u)
			}
		}
	}
}

func TestConcurrentFirstRequests(t *testing.T) {
	fsys := siteFS(t, false)
	fsys["game.wasm"] = &fstest.MapFile{Data: wasmBody} // no .gz: compressed on first use
	srv := newServer(t, fsys)
	const n = 8
	bodies := make([][]byte, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			accept := map[string]string{"Accept-Encoding": "gzip"}
			if i%2 == 1 {
				accept = nil
			}
			res, body := get(t, http.MethodGet, srv.URL+"/static/game.wasm", accept)
			if res.Header.Get("Content-Encoding") == "gzip" {
				zr, err := gzip.NewReader(bytes.NewReader(body))
				if err != nil {
					t.Errorf("request %d: %v", i, err)
					return
				}
				body, _ = io.ReadAll(zr)
			}
			bodies[i] = body
		}()
	}
	wg.Wait()
	for i, b := range bodies {
		if !bytes.Equal(b, wasmBody) {
			t.Errorf("request %d got %d bytes that are not game.wasm", i, len(b))
		}
	}
}

func TestSharedRoomLink(t *testing.T) {
	srv := newServer(t, siteFS(t, false))
	_, lobby := get(t, http.MethodGet, srv.URL+"/", nil)
	tests := []struct {
		path string
		want int
	}{
		{"/r/K7PQ2M", http.StatusOK},
		{"/r/k7pq2m", http.StatusOK},
		{"/r/ABCDEFGHIJKL", http.StatusOK},
		{"/r/", http.StatusNotFound},
		{"/r/ABCDEFGHIJKLM", http.StatusNotFound},
		{"/r/K7P%21", http.StatusNotFound},
		{"/r/K7PQ2M/more", http.StatusNotFound},
		{"/r/..%2Fstatic%2Fstyle.css", http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			res, body := get(t, http.MethodGet, srv.URL+tt.path, nil)
			if res.StatusCode != tt.want {
				t.Fatalf("status %d, want %d", res.StatusCode, tt.want)
			}
			if tt.want == http.StatusOK && !bytes.Equal(body, lobby) {
				t.Error("the shared link does not serve the lobby page")
			}
			if tt.want == http.StatusOK && res.Header.Get("Cache-Control") != "no-cache" {
				t.Errorf("Cache-Control = %q, want no-cache as for the lobby", res.Header.Get("Cache-Control"))
			}
		})
	}
}

// Page serves a page file at any path, as the pages are served, for the
// routes of other packages (the leaderboard's /replay/{id}).
func TestPageHandler(t *testing.T) {
	fsys := siteFS(t, true)
	fsys[web.ReplayPage] = &fstest.MapFile{Data: []byte(`<!doctype html><link rel="stylesheet" href="/static/style.css"><main data-replay="/api/rounds/"></main>`)}
	h, err := web.New(web.Options{FS: fsys, Logger: quietLogger})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	h.Register(mux)
	mux.Handle("GET /replay/{id}", h.Page(web.ReplayPage))
	mux.Handle("GET /broken/{id}", h.Page("style.css"))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	res, body := get(t, http.MethodGet, srv.URL+"/replay/r1?t=3", nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), `data-replay="/api/rounds/"`) ||
		!strings.Contains(string(body), "/static/style.css?v=") {
		t.Errorf("GET /replay/r1 = %d %q; want the replay page with versioned assets", res.StatusCode, body)
	}
	if cc := res.Header.Get("Cache-Control"); cc != "no-cache" || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Errorf("GET /replay/r1: Cache-Control %q, Content-Type %q; want a page's", cc, res.Header.Get("Content-Type"))
	}
	if res, _ := get(t, http.MethodGet, srv.URL+"/broken/x", nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("Page of a file that is not a page answered %d; want 404", res.StatusCode)
	}
}

// TestLargeFilesStayOutOfTheHeap holds the host's memory rule: the game client
// and its encodings (about 17 MB together) are served from the file system
// they were embedded in, not copied onto the heap, where the garbage
// collector would double what they cost.
func TestLargeFilesStayOutOfTheHeap(t *testing.T) {
	big := bytes.Repeat([]byte("\x00asm a large client "), 16<<20/20)
	fsys := siteFS(t, true)
	fsys["game.wasm"] = &fstest.MapFile{Data: big}
	fsys["game.wasm.gz"] = &fstest.MapFile{Data: gz(t, big, gzip.BestSpeed)}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	h, err := web.New(web.Options{FS: fsys, Logger: quietLogger})
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	grown := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	if grown > 2<<20 {
		t.Errorf("loading a %d MiB client grew the heap by %.1f MiB; want it served without a copy", len(big)>>20, float64(grown)/(1<<20))
	}
	mux := http.NewServeMux()
	h.Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	for _, accept := range []string{"", "gzip"} {
		res, body := get(t, http.MethodGet, srv.URL+"/static/game.wasm", map[string]string{"Accept-Encoding": accept})
		if accept == "gzip" {
			if res.Header.Get("Content-Encoding") != "gzip" {
				t.Fatalf("Accept-Encoding gzip: Content-Encoding %q", res.Header.Get("Content-Encoding"))
			}
			zr, err := gzip.NewReader(bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			if body, err = io.ReadAll(zr); err != nil {
				t.Fatal(err)
			}
		}
		if !bytes.Equal(body, big) {
			t.Errorf("Accept-Encoding %q: the body (%d bytes) is not the client (%d bytes)", accept, len(body), len(big))
		}
	}
	runtime.KeepAlive(h)
}
