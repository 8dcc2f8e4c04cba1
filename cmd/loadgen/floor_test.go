package main

import (
	"bytes"
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tickarena/tickarena/cmd/floor/floorserver"

	"github.com/tickarena/tickarena/internal/testwait"
)

// startFloor runs the transport floor in a real HTTP server on a random
// loopback port until the test ends and returns its WebSocket URL.
func startFloor(t *testing.T) (string, *floorserver.Server) {
	t.Helper()
	s := floorserver.New(floorserver.Options{Logger: quietLog()})
	ts := httptest.NewServer(s)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Run(ctx); close(done) }()
	t.Cleanup(func() {
		cancel()
		testwait.Recv(t, testwait.Default, "the floor server to stop", done)
		ts.Close()
	})
	return "ws" + strings.TrimPrefix(ts.URL, "http") + "/", s
}

// The floor sends 30 messages a second: every client must receive them.
func TestFloorClientsGetEveryTick(t *testing.T) {
	url, floor := startFloor(t)
	var progress bytes.Buffer
	sum, err := run(context.Background(), config{URL: url, N: 20, Duration: 2 * time.Second, Floor: true, Progress: &progress, Logger: quietLog()})
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	sum.print(&out)
	t.Log(out.String())
	if sum.Connected != 20 {
		t.Errorf("%d of 20 clients connected at the end", sum.Connected)
	}
	if sum.UpdatesMin <= 20 {
		t.Errorf("slowest client got %.1f updates/s, want over 20 (the floor sends 30)", sum.UpdatesMin)
	}
	if sum.UpdateBytesP50 < 120 || sum.UpdateBytesP50 > 128 {
		t.Errorf("update size p50 %.0f B, want the floor's 120 (8-byte buckets)", sum.UpdateBytesP50)
	}
	if sum.RTTP50ms <= 0 {
		t.Errorf("no RTT measured")
	}
	if sum.DialErrors != 0 {
		t.Errorf("%d dial errors (%s)", sum.DialErrors, sum.LastError)
	}
	st := floor.Stats()
	t.Logf("floor: %+v", st)
	if st.Received < 20*30 {
		t.Errorf("floor read %d client messages, want the clients' inputs (≥ 600)", st.Received)
	}
	if !strings.Contains(progress.String(), "connected 20/20") {
		t.Errorf("no progress line shows every client connected:\n%s", progress.String())
	}
}
