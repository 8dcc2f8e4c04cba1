// Package servertest runs the real tickarena server binary as a child process,
// for end-to-end tests: it builds the binary once per test binary, starts it on
// a free loopback port, waits until it is ready, and stops it when the test
// ends, printing its log if the test failed.
//
// A package that uses it wraps its tests so that the binary is removed at the end:
//
//	func TestMain(m *testing.M) { os.Exit(servertest.Main(m)) }
package servertest

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/tickarena/tickarena/internal/testwait"
)

var build struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// Main runs the tests of m and removes the binary built for them.
func Main(m *testing.M) int {
	code := m.Run()
	if build.dir != "" {
		os.RemoveAll(build.dir)
	}
	return code
}

// Binary returns the path of the server binary, building it (CGO_ENABLED=0,
// with whatever client is in assets/static) on the first call.
func Binary(t testing.TB) string {
	t.Helper()
	build.once.Do(func() {
		root, err := RepoRoot()
		if err != nil {
			build.err = err
			return
		}
		if build.dir, err = os.MkdirTemp("", "tickarena-bin-"); err != nil {
			build.err = fmt.Errorf("build the server: %w", err)
			return
		}
		build.path = filepath.Join(build.dir, "tickarena")
		cmd := exec.Command("go", "build", "-o", build.path, "./server")
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			build.err = fmt.Errorf("build the server: %w\n%s", err, out)
		}
	})
	if build.err != nil {
		t.Fatal(build.err)
	}
	return build.path
}

// RepoRoot walks up from the working directory to the directory holding go.mod.
func RepoRoot() (string, error) {
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

// FreeAddr returns a loopback address with a port that was free a moment ago.
func FreeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("find a free port: %v", err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// Proc is a running server process.
type Proc struct {
	// Client calls its HTTP API; its URL is the server's base URL,
	// http://127.0.0.1:port (https:// with Options.HTTPS).
	Client
	// Addr is its listen address, 127.0.0.1:port.
	Addr   string
	cmd    *exec.Cmd
	logs   *LogBuffer
	exited chan struct{}
	err    error
}

// Options say how to start a server. The zero value works.
type Options struct {
	// Args are the flags after -addr; Flags, when set, makes them from the
	// listen address instead (for flags such as -public-url).
	Args  []string
	Flags func(addr string) []string
	// Ready is the path polled until it answers 200. Default "/readyz".
	Ready string
	// Within bounds the wait for readiness. Default 20 s.
	Within time.Duration
	// HTTPS says the server serves TLS (the test passes -tls-cert): URL is
	// https://, and readiness is polled without verifying the certificate.
	HTTPS bool
}

// Start runs the server with -addr on a free port followed by args, waits
// until it is ready, and stops it when the test ends.
func Start(t testing.TB, args ...string) *Proc {
	t.Helper()
	return StartWith(t, Options{Args: args})
}

// StartWith runs the server as opts say. Its environment holds no TICKARENA_
// variables, so that nothing configures it behind the test's back.
func StartWith(t testing.TB, opts Options) *Proc {
	t.Helper()
	bin := Binary(t)
	addr := FreeAddr(t)
	args := opts.Args
	if opts.Flags != nil {
		args = opts.Flags(addr)
	}
	if opts.Ready == "" {
		opts.Ready = "/readyz"
	}
	if opts.Within <= 0 {
		opts.Within = 20 * time.Second
	}
	scheme, poll := "http", &http.Client{Timeout: 2 * time.Second}
	if opts.HTTPS {
		scheme = "https"
		poll = &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	}
	// -sched-latency 0 and -cpu-ceiling 0: a test machine busy with other
	// packages makes the server's goroutines wait for a CPU, and a test may
	// keep the server's own busy, which must not make it refuse the tests'
	// own players (a test's own flags, later, win).
	args = append([]string{"-addr", addr, "-sched-latency", "0", "-cpu-ceiling", "0"}, args...)
	p := &Proc{Client: Client{URL: scheme + "://" + addr, HTTP: apiClient(opts.HTTPS)}, Addr: addr, cmd: exec.Command(bin, args...), logs: &LogBuffer{}, exited: make(chan struct{})}
	p.cmd.Env = cleanEnv()
	p.cmd.Stdout, p.cmd.Stderr = p.logs, p.logs
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start the server: %v", err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.exited) }()
	t.Cleanup(func() {
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		if exited, _ := p.Wait(15 * time.Second); !exited {
			p.Kill()
		}
		if t.Failed() {
			t.Logf("log of the server at %s:\n%s", p.URL, p.Logs())
		}
	})
	deadline := time.Now().Add(opts.Within)
	for {
		resp, err := poll.Get(p.URL + opts.Ready)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p
			}
		}
		select {
		case <-p.exited:
			t.Fatalf("the server exited before it was ready (%v):\n%s", p.err, p.Logs())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server was not ready within %s (last error %v):\n%s", opts.Within, err, p.Logs())
		}
	}
}

// Logs returns what the server has written so far.
func (p *Proc) Logs() string { return p.logs.String() }

// WaitLog waits until the server's log holds text, failing the test after
// within. Its output reaches the test through a pipe, a little after the
// event that caused it.
func (p *Proc) WaitLog(t testing.TB, within time.Duration, text string) {
	t.Helper()
	testwait.Until(t, within, fmt.Sprintf("the server's log to say %q", text), func() bool {
		return strings.Contains(p.Logs(), text)
	})
}

// Signal sends sig to the server.
func (p *Proc) Signal(sig os.Signal) error { return p.cmd.Process.Signal(sig) }

// Kill ends the server with SIGKILL and waits until it is gone.
func (p *Proc) Kill() {
	_ = p.cmd.Process.Kill()
	<-p.exited
}

// Wait reports whether the server ended within d, and its exit status if so.
func (p *Proc) Wait(d time.Duration) (exited bool, err error) {
	select {
	case <-p.exited:
		return true, p.err
	case <-time.After(d):
		return false, nil
	}
}

// apiClient is the HTTP client of a Proc's Client: an HTTPS server's
// certificate is the test's own, not verified.
func apiClient(https bool) *http.Client {
	if !https {
		return nil
	}
	return &http.Client{Timeout: testwait.Default, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
}

func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TICKARENA_") {
			env = append(env, kv)
		}
	}
	return env
}
