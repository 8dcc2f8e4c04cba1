package session

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

type apiResult struct {
	status int
	header http.Header
	body   map[string]string
}

func startSessionServer(t *testing.T, opts HandlerOptions) (*httptest.Server, *Issuer, *fakeClock) {
	t.Helper()
	clock := newFakeClock()
	is := newTestIssuer(t, clock)
	if opts.Limit.Now == nil {
		opts.Limit.Now = clock.Now
	}
	opts.Logger = slog.New(slog.DiscardHandler)
	mux := http.NewServeMux()
	NewHandler(is, opts).Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, is, clock
}

func post(t *testing.T, url, contentType, body string) apiResult {
	t.Helper()
	resp, err := http.Post(url+"/api/session", contentType, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	res := apiResult{status: resp.StatusCode, header: resp.Header}
	if err := json.Unmarshal(raw, &res.body); err != nil {
		t.Fatalf("status %d, body %q is not a JSON object of strings: %v", resp.StatusCode, raw, err)
	}
	return res
}

func TestCreateSession(t *testing.T) {
	srv, is, clock := startSessionServer(t, HandlerOptions{Limit: LimitOptions{PerMinute: 1000, Burst: 1000}})
	is.Issue("old name")
	_, staleTok, _ := is.Issue("stale")
	clock.Advance(31 * 24 * time.Hour)
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
		// encoding/json turns invalid UTF-8 into U+FFFD before the name is checked.
		{name: "invalid utf8 in name", contentType: ct, body: "{\"name\":\"a\xffb\"}", wantStatus: 201, wantName: "a\ufffdb"},
		{name: "bad json", contentType: ct, body: `{"name":`, wantStatus: 400},
		{name: "unknown field", contentType: ct, body: `{"name":"x","score":9}`, wantStatus: 400},
		{name: "wrong content type", contentType: "text/plain", body: `{"name":"x"}`, wantStatus: 415},
		{name: "form post", contentType: "application/x-www-form-urlencoded", body: `name=x`, wantStatus: 415},
		{name: "body too large", contentType: ct, body: `{"name":"` + strings.Repeat("a", 8<<10) + `"}`, wantStatus: 413},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := post(t, srv.URL, tt.contentType, tt.body)
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
	srv, _, _ := startSessionServer(t, HandlerOptions{})
	resp, err := http.Get(srv.URL + "/api/session")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("GET status = %d, want 405", resp.StatusCode)
	}
}

func TestCreateSessionRateLimit(t *testing.T) {
	srv, _, clock := startSessionServer(t, HandlerOptions{Limit: LimitOptions{PerMinute: 10, Burst: 3}})
	const body = `{"name":"spam"}`
	for i := range 3 {
		if res := post(t, srv.URL, "application/json", body); res.status != 201 {
			t.Fatalf("request %d: status %d", i, res.status)
		}
	}
	res := post(t, srv.URL, "application/json", body)
	if res.status != http.StatusTooManyRequests || res.body["error"] == "" {
		t.Fatalf("4th request: %d %v, want 429 with an error", res.status, res.body)
	}
	if got := res.header.Get("Retry-After"); got != "6" {
		t.Fatalf("Retry-After = %q, want 6", got)
	}
	// Invalid requests count too, so a client cannot probe for free.
	clock.Advance(6 * time.Second)
	if res := post(t, srv.URL, "application/json", `{"name":""}`); res.status != 400 {
		t.Fatalf("after waiting: status %d, want 400", res.status)
	}
	if res := post(t, srv.URL, "application/json", body); res.status != 429 {
		t.Fatalf("invalid request did not use a token: status %d", res.status)
	}
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
