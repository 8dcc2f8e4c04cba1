package realtime

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tickarena/tickarena/game/wire"
	"github.com/tickarena/tickarena/internal/servertest"
)

// mapAuth is an Authenticator over a fixed map of tokens.
type mapAuth map[string][2]string

func (a mapAuth) Verify(token string) (string, string, error) {
	v, ok := a[token]
	if !ok {
		return "", "", errors.New("unknown token")
	}
	return v[0], v[1], nil
}

// panicAuth panics on the token "panic", like a buggy Authenticator would.
type panicAuth struct{ mapAuth }

func (a panicAuth) Verify(token string) (string, string, error) {
	if token == "panic" {
		panic("authenticator bug")
	}
	return a.mapAuth.Verify(token)
}

// testAuth knows tokens "tok-<name>" for a few players.
var testAuth = mapAuth{
	"tok-ann": {"p-ann", "Ann"}, "tok-bob": {"p-bob", "Bob"}, "tok-cat": {"p-cat", "Cat"},
	"tok-dan": {"p-dan", "Dan"}, "tok-eve": {"p-eve", "Eve"}, "tok-fay": {"p-fay", "Fay"},
}

// countingObserver counts what the server reports.
type countingObserver struct {
	NopObserver
	mu       sync.Mutex
	closed   map[string]int
	rejected map[string]int
	skipped  int
	late     int
}

func (o *countingObserver) LateTicks(_ string, late, dropped int) {
	o.mu.Lock()
	o.late += late + dropped
	o.mu.Unlock()
}

func (o *countingObserver) lateCount() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.late
}

func (o *countingObserver) skippedCount() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.skipped
}

func newCountingObserver() *countingObserver {
	return &countingObserver{closed: map[string]int{}, rejected: map[string]int{}}
}

func (o *countingObserver) ConnClosed(reason string) {
	o.mu.Lock()
	o.closed[reason]++
	o.mu.Unlock()
}

func (o *countingObserver) InputRejected(reason string) {
	o.mu.Lock()
	o.rejected[reason]++
	o.mu.Unlock()
}

func (o *countingObserver) DeltaSkipped(string) {
	o.mu.Lock()
	o.skipped++
	o.mu.Unlock()
}

func (o *countingObserver) closedCount(reason string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.closed[reason]
}

func (o *countingObserver) rejectedCount(reason string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.rejected[reason]
}

// startServer runs a Manager behind a real HTTP server on loopback and returns
// it with the ws:// URL; both stop when the test ends.
func startServer(t testing.TB, opts Options) (*Manager, string) {
	t.Helper()
	if opts.Auth == nil {
		opts.Auth = testAuth
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opts.SchedLatency == 0 {
		// A test machine busy with other packages makes goroutines wait for
		// a CPU; that must not refuse the tests' own players.
		opts.SchedLatency = -1
	}
	if opts.CPUCeiling == 0 {
		// Nor must the test binary's own CPU use, whatever its tests do.
		opts.CPUCeiling = -1
	}
	m, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	srv := httptest.NewServer(m)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = m.Shutdown(ctx)
		srv.Close()
	})
	return m, "ws" + strings.TrimPrefix(srv.URL, "http")
}

// expectTicksMoveOn reads eleven deltas of p and fails unless each is of a
// later tick than the one before: who's room goes on and reaches it.
func expectTicksMoveOn(t *testing.T, p *servertest.Player, who string) {
	t.Helper()
	last := p.Next(t, wire.TypeDelta).Delta.Tick
	for range 10 {
		d := p.Next(t, wire.TypeDelta).Delta
		if d.Tick <= last {
			t.Fatalf("%s got the delta of tick %d after tick %d: deltas do not move on", who, d.Tick, last)
		}
		last = d.Tick
	}
}
