package realtime

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/wire"
	"github.com/tickarena/tickarena/internal/servertest"
	"github.com/tickarena/tickarena/internal/testwait"
)

// TestPlayerOverTLSPlays: a player on a wss:// connection (the server
// terminating TLS itself) is welcomed, steers and gets a delta every tick,
// though the server's fast path cannot write raw bytes under TLS: its frames
// go by the connection's own writes.
func TestPlayerOverTLSPlays(t *testing.T) {
	m, err := New(Options{CPUCeiling: -1, Bots: -1, Auth: testAuth, SchedLatency: -1,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	srv := httptest.NewTLSServer(m)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = m.Shutdown(ctx)
		srv.Close()
	})
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	url := "wss" + strings.TrimPrefix(srv.URL, "https")
	ann, _, err := servertest.DialTLS(t, url, nil, &tls.Config{RootCAs: pool})
	if err != nil {
		t.Fatalf("dial %s: %v", url, err)
	}
	ann.Join(t, "tok-ann", "arena-1")
	seq := ann.Input(game.Right, 0)
	expired := testwait.Deadline(t, testwait.Default, "a delta over TLS applying Ann's input")
	for !expired() && ann.Next(t, wire.TypeDelta).Delta.LastSeq < seq {
	}
	expectTicksMoveOn(t, ann, "Ann over TLS")
}
