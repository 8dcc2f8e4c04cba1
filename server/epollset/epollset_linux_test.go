//go:build linux

package epollset

import (
	"errors"
	"net"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/tickarena/tickarena/internal/testwait"
)

// pair returns both ends of a TCP connection over loopback; the server's
// end is the one a Set holds.
func pair(t *testing.T) (held *net.TCPConn, peer net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	peer, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	c, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close(); _ = peer.Close() })
	return c.(*net.TCPConn), peer
}

func add[T any](t *testing.T, s *Set[T], v *T, c *net.TCPConn) {
	t.Helper()
	rc, err := c.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Add(v, rc); err != nil {
		t.Fatal(err)
	}
}

// TestPollNamesTheSocketWithBytes: of the sockets in a set, PollFor reports
// the one whose peer wrote, Lookup gives its value, and after it was read
// empty nothing more is reported until new bytes come; a removed socket's
// events no longer name its value, even once its slot is used again.
func TestPollNamesTheSocketWithBytes(t *testing.T) {
	s, err := New[string]()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	a, b := "a", "b"
	ca, pa := pair(t)
	cb, pb := pair(t)
	add(t, s, &a, ca)
	add(t, s, &b, cb)
	events := make([]syscall.EpollEvent, 8)
	wait := func(want string) {
		t.Helper()
		n, err := s.PollFor(events, testwait.Default)
		if err != nil || n != 1 {
			t.Fatalf("PollFor: %d events, %v; want one", n, err)
		}
		if v := s.Lookup(events[0]); v == nil || *v != want {
			t.Fatalf("the event names %v, want %q", v, want)
		}
	}
	if _, err := pb.Write([]byte("x")); err != nil {
		t.Fatal(err)
	}
	wait("b")
	var buf [8]byte
	if n, err := cb.Read(buf[:]); n != 1 || err != nil {
		t.Fatalf("read %d, %v", n, err)
	}

	// Nothing new: the timeout passes with nothing reported.
	if n, err := s.PollFor(events, 50*time.Millisecond); err != nil || n != 0 {
		t.Fatalf("PollFor with nothing ready: %d events, %v; want none at the timeout", n, err)
	}

	if _, err := pa.Write([]byte("y")); err != nil {
		t.Fatal(err)
	}
	wait("a")
	stale := events[0]
	s.Remove(&a)
	if v := s.Lookup(stale); v != nil {
		t.Errorf("an event of a removed socket names %q", *v)
	}
	c2, _ := pair(t)
	c := "c"
	add(t, s, &c, c2)
	if s.keys[&c].slot != stale.Fd {
		t.Fatalf("the free slot %d was not used again (got %d)", stale.Fd, s.keys[&c].slot)
	}
	if v := s.Lookup(stale); v != nil {
		t.Errorf("an event of a removed socket names %q, the value now in its slot", *v)
	}
	if got := len(s.All(nil)); got != 2 {
		t.Errorf("All: %d values, want 2", got)
	}
	if v := s.Lookup(syscall.EpollEvent{Fd: -1}); v != nil {
		t.Error("the caller's own event (Fd -1) names a value")
	}
}

// TestPollAllocatesNothing: a poller looks thousands of times a second,
// finding bytes or nothing.
func TestPollAllocatesNothing(t *testing.T) {
	s, err := New[string]()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	v := "v"
	c, peer := pair(t)
	add(t, s, &v, c)
	events := make([]syscall.EpollEvent, 4)
	one := []byte("x")
	ready := testing.AllocsPerRun(100, func() {
		if _, err := peer.Write(one); err != nil {
			t.Fatal(err)
		}
		if n, err := s.PollFor(events, testwait.Default); n != 1 || err != nil {
			t.Fatalf("PollFor: %d, %v", n, err)
		}
	})
	nothing := testing.AllocsPerRun(100, func() {
		if n, err := s.Poll(events); n != 0 || err != nil {
			t.Fatalf("Poll with nothing new: %d, %v", n, err)
		}
	})
	if ready != 0 || nothing != 0 {
		t.Errorf("allocations per look: %.1f with bytes, %.1f with nothing; want 0", ready, nothing)
	}
}

// TestPollOwnedDescriptor: Poll reports the socket whose peer wrote, added
// by its descriptor, and nothing once it was read empty, without waiting;
// PollFor waits for bytes; Close closes the set's descriptor once.
func TestPollOwnedDescriptor(t *testing.T) {
	s, err := New[string]()
	if err != nil {
		t.Fatal(err)
	}
	a, b := "a", "b"
	ca, _ := pair(t)
	cb, pb := pair(t)
	add(t, s, &a, ca) // by its RawConn
	rc, err := cb.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var fd int
	if err := rc.Control(func(f uintptr) { fd = int(f) }); err != nil {
		t.Fatal(err)
	}
	if err := s.AddFd(&b, fd); err != nil {
		t.Fatal(err)
	}
	events := make([]syscall.EpollEvent, 8)
	if n, err := s.Poll(events); n != 0 || err != nil {
		t.Fatalf("Poll with nothing written: %d events, %v; want none", n, err)
	}
	if _, err := pb.Write([]byte("xy")); err != nil {
		t.Fatal(err)
	}
	var n int
	testwait.Until(t, testwait.Default, "Poll to report the socket with bytes", func() bool {
		n, err = s.Poll(events)
		if err != nil {
			t.Fatalf("Poll: %v", err)
		}
		return n > 0
	})
	if n != 1 {
		t.Fatalf("Poll: %d events, want one", n)
	}
	if v := s.Lookup(events[0]); v == nil || *v != "b" {
		t.Fatalf("the event names %v, want %q", v, "b")
	}
	var buf [8]byte
	if n, err := syscall.Read(fd, buf[:]); n != 2 || err != nil {
		t.Fatalf("read %d, %v", n, err)
	}
	if n, err := s.Poll(events); n != 0 || err != nil {
		t.Fatalf("Poll after the socket was read empty: %d events, %v; want none", n, err)
	}
	// PollFor waits in the kernel: until the timeout with nothing ready,
	// and until bytes come when they come first.
	if n, err := s.PollFor(events, 10*time.Millisecond); n != 0 || err != nil {
		t.Fatalf("PollFor with nothing written: %d events, %v; want none", n, err)
	}
	go func() { time.Sleep(20 * time.Millisecond); _, _ = pb.Write([]byte("z")) }()
	if n, err := s.PollFor(events, testwait.Default); n != 1 || err != nil || s.Lookup(events[0]) != &b {
		t.Fatalf("PollFor while the peer writes: %d events, %v; want the socket with bytes", n, err)
	}
	if n, err := syscall.Read(fd, buf[:]); n != 1 || err != nil {
		t.Fatalf("read %d, %v", n, err)
	}

	epfd := s.Fd()
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	var st syscall.Stat_t
	if err := syscall.Fstat(epfd, &st); err == nil {
		// The number may have been given to a descriptor opened since by
		// another goroutine; it is not an epoll set then.
		if _, err := syscall.EpollWait(epfd, events, 0); err == nil {
			t.Errorf("the set's descriptor %d is still an epoll set after Close", epfd)
		}
	}
	if err := s.Close(); !errors.Is(err, os.ErrClosed) {
		t.Errorf("a second Close: %v, want os.ErrClosed", err)
	}
}
