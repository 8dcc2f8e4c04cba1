package e2e

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/tickarena/tickarena/internal/browsertest"
	"github.com/tickarena/tickarena/internal/certtest"
	"github.com/tickarena/tickarena/internal/servertest"
)

// TestPlayOverTLS plays from the lobby over https:// and wss:// against the
// server's own TLS, with a certificate the test generates (Chromium told to
// accept it). A page served over https may only open wss://, so playing at
// all proves the lobby handed out a wss:// URL.
func TestPlayOverTLS(t *testing.T) {
	requireClient(t)
	pair := certtest.Write(t, t.TempDir(), "e2e")
	srv := servertest.StartWith(t, servertest.Options{HTTPS: true, Args: []string{
		"-tls-cert", pair.CertFile, "-tls-key", pair.KeyFile,
		"-db", filepath.Join(t.TempDir(), "t.db"),
		"-round-length", "8s", "-bots", "3", "-drain-timeout", "1s",
	}})
	if !strings.HasPrefix(srv.URL, "https://") {
		t.Fatalf("server URL %s is not https", srv.URL)
	}
	opts := browserOptions
	opts.IgnoreCertErrors = true
	p := browsertest.New(t, opts).NewPage()

	start := enterFromLobby(t, p, srv.URL, "Secure")
	if proto := browsertest.Eval[string](p, `location.protocol`); proto != "https:" {
		t.Errorf("the play page is served over %q, want https:", proto)
	}
	moveAndCheck(t, p, "playing over wss")
	t.Logf("playing over TLS: ship %d in room %s", start.ShipID, start.Room)
	if !strings.Contains(srv.Logs(), "realtime: connection opened") {
		t.Error("the server logged no game connection")
	}
}
