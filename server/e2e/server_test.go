package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// binary is the server built by TestMain; clientBuilt says whether the
// WebAssembly client was there to embed.
var (
	binary      string
	clientBuilt bool
)

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

// runTests builds the server once for every test of the package.
func runTests(m *testing.M) int {
	root, err := repoRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	info, err := os.Stat(filepath.Join(root, "assets", "static", "game.wasm"))
	clientBuilt = err == nil && info.Size() > 0
	dir, err := os.MkdirTemp("", "tickarena-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	binary = filepath.Join(dir, "tickarena")
	build := exec.Command("go", "build", "-o", binary, "./server")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: build the server: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

// repoRoot walks up from the working directory to the directory holding go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("find the repository root: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("find the repository root: no go.mod above the working directory")
		}
		dir = parent
	}
}

// requireClient skips the test when the WebAssembly client is not built,
// or fails it in CI, where a missing client is a broken build.
func requireClient(t *testing.T) {
	t.Helper()
	if clientBuilt {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatal("assets/static/game.wasm is missing: run make wasm before the tests")
	}
	t.Skip("assets/static/game.wasm is missing: run make wasm")
}

// server is a running tickarena process.
type server struct {
	URL string
	cmd *exec.Cmd
	out *syncBuffer
}

// syncBuffer collects a process's output from its copying goroutine.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startServer runs the server binary on a free loopback port with a fresh
// database, short rounds and a few bots, plus args, and stops it when the
// test ends. Its log is printed when the test fails.
func startServer(t *testing.T, args ...string) *server {
	t.Helper()
	addr := freeAddr(t)
	base := []string{
		"-addr", addr,
		"-db", filepath.Join(t.TempDir(), "t.db"),
		"-round-length", "8s",
		"-bots", "3",
		"-public-rooms", "1",
		"-reconnect-grace", "30s",
		"-drain-timeout", "1s",
	}
	cmd := exec.Command(binary, append(base, args...)...)
	cmd.Env = cleanEnv()
	s := &server{URL: "http://" + addr, cmd: cmd, out: &syncBuffer{}}
	cmd.Stdout, cmd.Stderr = s.out, s.out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start the server: %v", err)
	}
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(done)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("server log:\n%s", s.out)
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/healthz", nil)
		res, err := http.DefaultClient.Do(req)
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return s
			}
		}
		select {
		case <-done:
			t.Fatalf("the server exited before answering /healthz:\n%s", s.out)
		case <-ctx.Done():
			t.Fatalf("the server did not answer /healthz within 20 s (last error %v):\n%s", err, s.out)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// freeAddr returns a loopback address with a port that was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("find a free port: %v", err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// cleanEnv is the test's environment without TICKARENA_ variables, which
// would change the server's configuration behind the test's back.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TICKARENA_") {
			env = append(env, kv)
		}
	}
	return env
}
