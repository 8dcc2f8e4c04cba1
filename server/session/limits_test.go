package session

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestRateLimiterDefaults: a limiter with zero options lets a client make 5
// requests at once, then one every 6 seconds (10 a minute).
func TestRateLimiterDefaults(t *testing.T) {
	clock := newFakeClock()
	l := NewRateLimiter(LimitOptions{Now: clock.Now})
	for i := range 5 {
		if ok, _ := l.Allow("ip"); !ok {
			t.Fatalf("request %d of the burst refused; want a burst of 5", i+1)
		}
	}
	ok, retry := l.Allow("ip")
	if ok || retry != 6*time.Second {
		t.Fatalf("6th request: allowed %v, retry after %v; want refused, retry after 6s", ok, retry)
	}
	clock.Advance(6 * time.Second)
	if ok, _ := l.Allow("ip"); !ok {
		t.Fatal("refused 6 s later; want one request every 6 s")
	}
}

// limited returns how many of keys are refused a request right now.
func limited(l *RateLimiter, keys []string) int {
	n := 0
	for _, k := range keys {
		if ok, _ := l.Allow(k); !ok {
			n++
		}
	}
	return n
}

// TestRateLimiterForgetsNoClientBeforeItIsFull: while fewer than MaxKeys
// clients are remembered, a new client makes none of the others forgotten:
// every client that used up its requests stays limited.
func TestRateLimiterForgetsNoClientBeforeItIsFull(t *testing.T) {
	clock := newFakeClock()
	l := NewRateLimiter(LimitOptions{PerMinute: 1, Burst: 1, MaxKeys: 100, Now: clock.Now})
	var keys []string
	for i := range 95 {
		keys = append(keys, fmt.Sprint("ip", i))
		l.Allow(keys[i])
	}
	l.Allow("newcomer")
	if n := limited(l, keys); n != 95 {
		t.Fatalf("%d of 95 clients still limited after a 96th arrived; want all (MaxKeys 100)", n)
	}
}

// TestRateLimiterFullTableForgetsATenth: when MaxKeys clients are remembered,
// all limited, a new one makes the limiter forget a tenth of them (so that a
// flood of new clients costs one scan per tenth) and no more.
func TestRateLimiterFullTableForgetsATenth(t *testing.T) {
	clock := newFakeClock()
	l := NewRateLimiter(LimitOptions{PerMinute: 1, Burst: 1, MaxKeys: 20, Now: clock.Now})
	var keys []string
	for i := range 20 {
		keys = append(keys, fmt.Sprint("ip", i))
		l.Allow(keys[i])
	}
	l.Allow("newcomer")
	if n := l.Len(); n != 19 {
		t.Errorf("remembers %d clients, want 19 (20 - 2 forgotten + the newcomer)", n)
	}
	remembered := 0
	for _, k := range keys {
		if _, ok := l.full[k]; ok {
			remembered++
		}
	}
	if remembered != 18 {
		t.Errorf("%d of the 20 limited clients still remembered, want 18: exactly a tenth forgotten", remembered)
	}
}

// TestRateLimitedRequestIsLoggedOnce: a refused session request writes one
// line to the handler's logger, naming the client.
func TestRateLimitedRequestIsLoggedOnce(t *testing.T) {
	clock := newFakeClock()
	var logs bytes.Buffer
	mux := http.NewServeMux()
	NewHandler(newTestIssuer(t, clock), HandlerOptions{
		Limit:  WindowOptions{Max: 1, Now: clock.Now},
		Logger: slog.New(slog.NewTextHandler(&logs, nil)),
	}).Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	if r := post(t, srv.URL, "application/json", `{"name":"Ann"}`); r.status != http.StatusCreated {
		t.Fatalf("first request: %d %v", r.status, r.body)
	}
	if r := post(t, srv.URL, "application/json", `{"name":"Ann"}`); r.status != http.StatusTooManyRequests {
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
	srv, _, _ := startSessionServer(t, HandlerOptions{MaxBody: 64, Limit: WindowOptions{Max: 1000}})
	if r := post(t, srv.URL, "application/json", `{"name":"Ann"}`); r.status != http.StatusCreated {
		t.Fatalf("small body: %d %v, want 201", r.status, r.body)
	}
	big := `{"name":"Ann","pad":"` + strings.Repeat("x", 100) + `"}`
	if r := post(t, srv.URL, "application/json", big); r.status != http.StatusRequestEntityTooLarge {
		t.Fatalf("%d-byte body with MaxBody 64: %d %v, want 413", len(big), r.status, r.body)
	}
}
