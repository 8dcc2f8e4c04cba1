package e2e

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/tickarena/tickarena/assets"
	"github.com/tickarena/tickarena/internal/servertest"
)

func TestMain(m *testing.M) { os.Exit(servertest.Main(m)) }

// requireClient skips the test when the WebAssembly client is not built,
// or fails it in CI, where a missing client is a broken build.
func requireClient(t *testing.T) {
	t.Helper()
	root, err := servertest.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	if assets.ClientBuilt(os.DirFS(filepath.Join(root, "assets", "static"))) {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatal("assets/static/game.wasm or wasm_exec.js is missing: run make wasm before the tests")
	}
	t.Skip("assets/static/game.wasm or wasm_exec.js is missing: run make wasm")
}

// startServer runs the server binary on a free loopback port with a fresh
// database, short rounds and a few bots, plus args, and stops it when the
// test ends.
func startServer(t *testing.T, args ...string) *servertest.Proc {
	t.Helper()
	return servertest.Start(t, append([]string{
		"-db", filepath.Join(t.TempDir(), "t.db"),
		"-round-length", "8s",
		"-bots", "3",
		"-public-rooms", "1",
		"-reconnect-grace", "30s",
		"-drain-timeout", "1s",
	}, args...)...)
}
