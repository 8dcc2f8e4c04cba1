// Package redistest runs a real redis-server for tests: on a free loopback
// port, in the test's temporary directory, with the append-only file on, so
// that tests exercise the persistence the host is told to configure.
//
// When redis-server is not installed, Start skips the test with a hint
// (apt-get install redis-server), unless the CI environment variable is set,
// in which case it fails: CI must run these tests.
package redistest

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Options tunes Start. The zero value works.
type Options struct {
	// AppendFsync is the appendfsync policy: "always" or "everysec".
	// Default "everysec".
	AppendFsync string
	// Dir is where the server keeps its data files. Default t.TempDir().
	// A restarted server reads the append-only file it finds there.
	Dir string
	// Port is the loopback port to listen on. Default: a free port.
	Port int
}

// Server is one running redis-server.
type Server struct {
	t    testing.TB
	opts Options
	cmd  *exec.Cmd
	done chan struct{}
}

// Start runs redis-server until the end of the test.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	bin := Binary(t)
	if opts.AppendFsync == "" {
		opts.AppendFsync = "everysec"
	}
	if opts.Dir == "" {
		opts.Dir = t.TempDir()
	}
	if opts.Port == 0 {
		opts.Port = freePort(t)
	}
	s := &Server{t: t, opts: opts}
	s.start(bin)
	t.Cleanup(s.Stop)
	return s
}

// Binary returns the path of redis-server, or skips (fails under CI) the
// test when it is not installed.
func Binary(t testing.TB) string {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err == nil {
		return bin
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("redis-server not found (CI is set, so this test must run): %v", err)
	}
	t.Skip("redis-server not found; apt-get install redis-server to run this test")
	return ""
}

// URL returns the redis:// URL of database 0.
func (s *Server) URL() string { return fmt.Sprintf("redis://%s/0", s.Addr()) }

// Addr returns host:port.
func (s *Server) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.opts.Port)) }

// Dir returns the directory holding the server's data files.
func (s *Server) Dir() string { return s.opts.Dir }

func (s *Server) start(bin string) {
	s.t.Helper()
	conf := strings.Join([]string{
		"bind 127.0.0.1",
		"port " + strconv.Itoa(s.opts.Port),
		"dir " + s.opts.Dir,
		"appendonly yes",
		"appendfsync " + s.opts.AppendFsync,
		"save \"\"",
		"daemonize no",
		"protected-mode yes",
		"loglevel warning",
		"logfile " + filepath.Join(s.opts.Dir, "redis.log"),
	}, "\n") + "\n"
	path := filepath.Join(s.opts.Dir, "redis.conf")
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		s.t.Fatalf("write redis.conf: %v", err)
	}
	s.cmd = exec.Command(bin, path)
	if err := s.cmd.Start(); err != nil {
		s.t.Fatalf("start redis-server: %v", err)
	}
	s.done = make(chan struct{})
	go func(cmd *exec.Cmd, done chan struct{}) {
		_ = cmd.Wait()
		close(done)
	}(s.cmd, s.done)
	deadline := time.Now().Add(10 * time.Second)
	for {
		if err := ping(s.Addr()); err == nil {
			return
		}
		select {
		case <-s.done:
			log, _ := os.ReadFile(filepath.Join(s.opts.Dir, "redis.log"))
			s.t.Fatalf("redis-server exited at start:\n%s", log)
		default:
		}
		if time.Now().After(deadline) {
			s.t.Fatal("redis-server did not answer PING within 10s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Stop shuts the server down gracefully (SIGTERM: the append-only file is
// flushed) and waits for it to exit. Stopping a stopped server does nothing.
func (s *Server) Stop() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
	s.cmd = nil
}

// Kill stops the server with SIGKILL, as a crash would: only what the
// append-only file holds survives.
func (s *Server) Kill() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	<-s.done
	s.cmd = nil
}

// Restart starts the server again on the same port and directory, after
// Stop or Kill; it loads the append-only file.
func (s *Server) Restart() {
	s.t.Helper()
	s.Stop()
	s.start(Binary(s.t))
}

// ping sends PING in the inline protocol and waits for +PONG.
func ping(addr string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Second))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if !strings.HasPrefix(line, "+PONG") {
		return fmt.Errorf("unexpected answer %q", line)
	}
	return nil
}

func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("find a free port: %v", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
