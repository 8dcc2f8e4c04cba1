package realtime

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tickarena/tickarena/game/wire"
	"github.com/tickarena/tickarena/internal/servertest"
)

// TestHandlerReturnsAfterUpgrade checks that Manager.ServeHTTP returns once
// the connection is upgraded while the connection plays on: as long as the
// handler runs, net/http keeps the request, its 4 KiB read and write buffers
// and the handler's stack, which would cost every connection about 20 KB.
func TestHandlerReturnsAfterUpgrade(t *testing.T) {
	m, err := New(Options{CPUCeiling: -1, Auth: testAuth, Bots: -1, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	returned := make(chan struct{}, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m.ServeHTTP(w, r)
		returned <- struct{}{}
	}))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = m.Shutdown(ctx)
		srv.Close()
	})
	c := servertest.MustDial(t, "ws"+strings.TrimPrefix(srv.URL, "http"))
	select {
	case <-returned:
	case <-time.After(5 * time.Second):
		t.Fatal("ServeHTTP still runs 5 s after the upgrade: net/http keeps the request's buffers for the connection's life")
	}
	// The connection lives on without its handler: it joins and plays.
	c.Join(t, "tok-ann", "arena-1")
	seq := c.Input(0, 0)
	deadline := time.After(10 * time.Second)
	for {
		select {
		case b := <-c.Messages():
			var msg wire.ServerMsg
			if wire.PeekType(b) == wire.TypeDelta && wire.DecodeServer(b, &msg) == nil && msg.Delta.LastSeq >= seq {
				return
			}
		case <-deadline:
			t.Fatalf("no delta acknowledging input %d within 10 s of the handler returning", seq)
		}
	}
}
