package redisstore

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tickarena/tickarena/internal/redistest"
	"github.com/tickarena/tickarena/server/leaderboard"
	"github.com/tickarena/tickarena/server/leaderboard/storetest"
)

// While Redis is down, every leaderboard page, HTML or JSON, answers 503
// with Retry-After and says so; an outage does not fail the store for good,
// and the pages come back with Redis.
func TestPagesWhileRedisIsDown(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	opts, err := redis.ParseURL(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	opts.DialTimeout, opts.MaxRetries = 200*time.Millisecond, -1
	rdb := redis.NewClient(opts)
	t.Cleanup(func() { rdb.Close() })
	store := New(rdb, Options{})
	storetest.MustRecord(t, store, storetest.Round("r1", time.Now(), storetest.Line("ann", "Ann", 100, 2, 1)))

	health := leaderboard.NewHealth(nil)
	mux := http.NewServeMux()
	leaderboard.NewHandler(store, leaderboard.HandlerOptions{Logger: slog.New(slog.DiscardHandler), Health: health}).Register(mux)
	web := httptest.NewServer(mux)
	t.Cleanup(web.Close)

	tests := []struct {
		path, contentType, message string
	}{
		{"/leaderboard", "text/html", "The leaderboard cannot be reached right now. Try again in a few seconds."},
		{"/leaderboard?q=ann", "text/html", "The leaderboard cannot be reached right now."},
		{"/leaderboard/players/ann", "text/html", "The leaderboard cannot be reached right now."},
		{"/api/leaderboard", "application/json", "the leaderboard store is unreachable; try again in a few seconds"},
		{"/api/players/ann", "application/json", "the leaderboard store is unreachable"},
	}
	get := func(path string) (*http.Response, string) {
		t.Helper()
		resp, err := http.Get(web.URL + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp, string(body)
	}
	for _, tt := range tests {
		if resp, body := get(tt.path); resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s with Redis up = %d %q", tt.path, resp.StatusCode, body)
		}
	}

	srv.Stop()
	for _, tt := range tests {
		resp, body := get(tt.path)
		if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
			t.Errorf("GET %s with Redis down = %d, Retry-After %q; want 503 with Retry-After", tt.path, resp.StatusCode, resp.Header.Get("Retry-After"))
		}
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, tt.contentType) || !strings.Contains(body, tt.message) {
			t.Errorf("GET %s with Redis down: %s %q, want %s saying %q", tt.path, ct, body, tt.contentType, tt.message)
		}
	}
	if err := health.Err(); err != nil {
		t.Errorf("a Redis outage failed the store for good: %v", err)
	}

	srv.Restart()
	for _, tt := range tests {
		if resp, body := get(tt.path); resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s after Redis came back = %d %q", tt.path, resp.StatusCode, body)
		}
	}
}
