package session

import (
	"bytes"
	"log/slog"
	"net/http"
	"strings"
	"testing"
)

// TestRateLimitedRequestIsLoggedOnce: a refused session request writes one
// line to the handler's logger, naming the client.
func TestRateLimitedRequestIsLoggedOnce(t *testing.T) {
	var logs bytes.Buffer
	srv, _ := startSessionServer(t, HandlerOptions{
		Limit:  WindowOptions{Max: 1},
		Logger: slog.New(slog.NewTextHandler(&logs, nil)),
	})
	if r := post(t, srv, "application/json", `{"name":"Ann"}`); r.status != http.StatusCreated {
		t.Fatalf("first request: %d %v", r.status, r.body)
	}
	if r := post(t, srv, "application/json", `{"name":"Ann"}`); r.status != http.StatusTooManyRequests {
		t.Fatalf("second request: %d %v, want 429", r.status, r.body)
	}
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], "rate limited") || !strings.Contains(lines[0], "127.0.0.1") {
		t.Fatalf("log %q, want one line saying the client 127.0.0.1 was rate limited", logs.String())
	}
}

// TestHandlerHonoursMaxBody: a host that lowers MaxBody gets its limit: a
// larger body is refused with 413, a body within it is served.
func TestHandlerHonoursMaxBody(t *testing.T) {
	srv, _ := startSessionServer(t, HandlerOptions{MaxBody: 64, Limit: WindowOptions{Max: 1000}})
	if r := post(t, srv, "application/json", `{"name":"Ann"}`); r.status != http.StatusCreated {
		t.Fatalf("small body: %d %v, want 201", r.status, r.body)
	}
	big := `{"name":"Ann","pad":"` + strings.Repeat("x", 100) + `"}`
	if r := post(t, srv, "application/json", big); r.status != http.StatusRequestEntityTooLarge {
		t.Fatalf("%d-byte body with MaxBody 64: %d %v, want 413", len(big), r.status, r.body)
	}
}
