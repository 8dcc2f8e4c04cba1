package session

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tickarena/tickarena/internal/servertest"
)

type apiResult struct {
	status int
	header http.Header
	body   map[string]string
}

// sessionMux is a mux serving a Handler with opts, and the Handler's Issuer.
func sessionMux(t *testing.T, opts HandlerOptions) (*http.ServeMux, *Issuer) {
	t.Helper()
	is := newTestIssuer(t)
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	mux := http.NewServeMux()
	NewHandler(is, opts).Register(mux)
	return mux, is
}

// startSessionServer serves a Handler with opts on loopback.
func startSessionServer(t *testing.T, opts HandlerOptions) (servertest.Client, *Issuer) {
	t.Helper()
	mux, is := sessionMux(t, opts)
	return servertest.Serve(t, mux), is
}

// post posts body with contentType to the session endpoint.
func post(t *testing.T, c servertest.Client, contentType, body string) apiResult {
	t.Helper()
	r, _ := http.NewRequest(http.MethodPost, "/api/session", strings.NewReader(body))
	r.Header.Set("Content-Type", contentType)
	a := c.Send(t, r)
	res := apiResult{status: a.Status, header: a.Header}
	a.Decode(t, &res.body)
	return res
}

func TestCreateSession(t *testing.T) {
	srv, is := startSessionServer(t, HandlerOptions{Limit: WindowOptions{Max: 1000}})
	stale, _, _ := is.Issue("stale")
	_, staleTok, _ := is.issueAt(stale.PlayerID, "stale", time.Now().Add(-31*24*time.Hour))
	_, validTok, _ := is.Issue("old name")
	validSession, _ := is.Verify(validTok)
	const ct = "application/json"
	tests := []struct {
		name        string
		contentType string
		body        string
		wantStatus  int
		wantName    string
		wantField   string
		wantSameID  bool
	}{
		{name: "new player", contentType: ct, body: `{"name":"alice"}`, wantStatus: 201, wantName: "alice"},
		{name: "charset in content type", contentType: ct + "; charset=utf-8", body: `{"name":"bob"}`, wantStatus: 201, wantName: "bob"},
		{name: "name cleaned", contentType: ct, body: `{"name":"  Zoë  the   Great "}`, wantStatus: 201, wantName: "Zoë the Great"},
		{name: "rename keeps id", contentType: ct, body: `{"name":"new name","token":"` + validTok + `"}`, wantStatus: 201, wantName: "new name", wantSameID: true},
		{name: "expired token gets new id", contentType: ct, body: `{"name":"carol","token":"` + staleTok + `"}`, wantStatus: 201, wantName: "carol"},
		{name: "garbage token gets new id", contentType: ct, body: `{"name":"dave","token":"xyz"}`, wantStatus: 201, wantName: "dave"},
		{name: "empty name", contentType: ct, body: `{"name":"  "}`, wantStatus: 400, wantField: "name"},
		{name: "missing name", contentType: ct, body: `{}`, wantStatus: 400, wantField: "name"},
		{name: "name too long", contentType: ct, body: `{"name":"abcdefghijklmnopq"}`, wantStatus: 400, wantField: "name"},
		{name: "zero width in name", contentType: ct, body: `{"name":"a\u200bb"}`, wantStatus: 400, wantField: "name"},
		{name: "bidi override in name", contentType: ct, body: `{"name":"\u202eevil"}`, wantStatus: 400, wantField: "name"},
		{name: "control in name", contentType: ct, body: `{"name":"a\u0007b"}`, wantStatus: 400, wantField: "name"},
		// encoding/json would turn these into U+FFFD: they are refused, not replaced.
		{name: "invalid utf8 in name", contentType: ct, body: "{\"name\":\"a\xffb\"}", wantStatus: 400},
		{name: "lone surrogate escape in name", contentType: ct, body: `{"name":"a\ud800b"}`, wantStatus: 400, wantField: "name"},
		{name: "letter and 15 combining marks", contentType: ct, body: `{"name":"a` + strings.Repeat(`\u0301`, 15) + `"}`, wantStatus: 400, wantField: "name"},
		{name: "two marks on a letter", contentType: ct, body: `{"name":"Vie\u0323\u0302t"}`, wantStatus: 201, wantName: "Vie\u0323\u0302t"},
		{name: "bad json", contentType: ct, body: `{"name":`, wantStatus: 400},
		{name: "unknown field", contentType: ct, body: `{"name":"x","score":9}`, wantStatus: 400},
		{name: "wrong content type", contentType: "text/plain", body: `{"name":"x"}`, wantStatus: 415},
		{name: "form post", contentType: "application/x-www-form-urlencoded", body: `name=x`, wantStatus: 415},
		{name: "body too large", contentType: ct, body: `{"name":"` + strings.Repeat("a", 8<<10) + `"}`, wantStatus: 413},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := post(t, srv, tt.contentType, tt.body)
			if res.status != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body %v", res.status, tt.wantStatus, res.body)
			}
			if ct := res.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type = %q", ct)
			}
			if tt.wantStatus != 201 {
				if res.body["error"] == "" || res.body["field"] != tt.wantField {
					t.Errorf("error body = %v, want an error with field %q", res.body, tt.wantField)
				}
				return
			}
			s, err := is.Verify(res.body["token"])
			if err != nil {
				t.Fatalf("returned token does not verify: %v", err)
			}
			if s.Name != tt.wantName || res.body["name"] != tt.wantName || res.body["player_id"] != s.PlayerID {
				t.Errorf("body %v, token session %+v; want name %q", res.body, s, tt.wantName)
			}
			if (s.PlayerID == validSession.PlayerID) != tt.wantSameID {
				t.Errorf("player id %s, old %s, want same = %v", s.PlayerID, validSession.PlayerID, tt.wantSameID)
			}
			if res.header.Get("Cache-Control") != "no-store" {
				t.Errorf("Cache-Control = %q, want no-store", res.header.Get("Cache-Control"))
			}
		})
	}
}

func TestCreateSessionMethodNotAllowed(t *testing.T) {
	srv, _ := startSessionServer(t, HandlerOptions{})
	if code := srv.Get(t, "/api/session", nil); code != http.StatusMethodNotAllowed {
		t.Fatalf("GET status = %d, want 405", code)
	}
}

// TestCreateSessionRateLimit checks that -session-rate N means N sessions per
// address in any minute: not one more, whether they come at once or spread out.
func TestCreateSessionRateLimit(t *testing.T) {
	const body = `{"name":"spam"}`
	type step struct {
		at        time.Duration // since the first request
		want      int
		wantRetry string
	}
	var atOnce, spread []step
	for range 10 {
		atOnce = append(atOnce, step{at: 0, want: 201})
	}
	atOnce = append(atOnce,
		step{at: 0, want: 429, wantRetry: "60"},
		step{at: 59 * time.Second, want: 429, wantRetry: "1"},
		step{at: 59*time.Second + 999*time.Millisecond, want: 429, wantRetry: "1"},
		step{at: 60 * time.Second, want: 201},
		step{at: 60 * time.Second, want: 201},
		step{at: 60 * time.Second, want: 201},
	)
	for i := range 10 {
		spread = append(spread, step{at: time.Duration(i) * 5 * time.Second, want: 201})
	}
	spread = append(spread,
		step{at: 50 * time.Second, want: 429, wantRetry: "10"},
		step{at: 55 * time.Second, want: 429, wantRetry: "5"},
		step{at: 60 * time.Second, want: 201}, // the request of t=0 left the window
		step{at: 60 * time.Second, want: 429, wantRetry: "5"},
		step{at: 65 * time.Second, want: 201},
	)
	tests := []struct {
		name  string
		steps []step
	}{
		{"ten at once", atOnce},
		{"one every five seconds", spread},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The clock is synctest's: each request is made at the
			// instant its step says.
			synctest.Test(t, func(t *testing.T) {
				mux, _ := sessionMux(t, HandlerOptions{Limit: WindowOptions{Max: 10}})
				api := servertest.Direct(mux)
				start := time.Now()
				allowed := 0
				for i, s := range tt.steps {
					time.Sleep(time.Until(start.Add(s.at)))
					res := post(t, api, "application/json", body)
					if res.status != s.want {
						t.Fatalf("request %d at %v: status %d, want %d (%v)", i, s.at, res.status, s.want, res.body)
					}
					if res.status == 201 && s.at < time.Minute {
						allowed++
					}
					if got := res.header.Get("Retry-After"); got != s.wantRetry {
						t.Fatalf("request %d at %v: Retry-After %q, want %q", i, s.at, got, s.wantRetry)
					}
					if res.status == 429 && res.body["error"] == "" {
						t.Fatalf("request %d: 429 without an error message", i)
					}
				}
				if allowed != 10 {
					t.Fatalf("%d sessions allowed in the first minute, want 10", allowed)
				}
			})
		})
	}
}

func TestCreateSessionRateLimitCountsInvalidRequests(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		mux, _ := sessionMux(t, HandlerOptions{Limit: WindowOptions{Max: 2}})
		api := servertest.Direct(mux)
		for i, body := range []string{`{"name":""}`, `{"name":"ok"}`} {
			if res := post(t, api, "application/json", body); res.status/100 == 5 || res.status == 429 {
				t.Fatalf("request %d: status %d", i, res.status)
			}
		}
		// The invalid request used its place, so a client cannot probe for free.
		if res := post(t, api, "application/json", `{"name":"spam"}`); res.status != 429 {
			t.Fatalf("third request: status %d, want 429", res.status)
		}
		time.Sleep(time.Minute)
		if res := post(t, api, "application/json", `{"name":"spam"}`); res.status != 201 {
			t.Fatalf("a minute later: status %d, want 201", res.status)
		}
	})
}

func TestClientIP(t *testing.T) {
	tests := []struct{ remote, want string }{
		{"192.0.2.1:1234", "192.0.2.1"},
		{"[2001:db8::1]:443", "2001:db8::1"},
		{"unix-socket", "unix-socket"},
	}
	for _, tt := range tests {
		t.Run(tt.remote, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/api/session", nil)
			r.RemoteAddr = tt.remote
			if got := ClientIP(r); got != tt.want {
				t.Fatalf("ClientIP = %q, want %q", got, tt.want)
			}
		})
	}
}
