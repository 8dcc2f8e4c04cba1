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

// TestWaitNamesTheSocketWithBytes: of the sockets in a set, Wait reports
// the one whose peer wrote, Lookup gives its value, and after it was read
// empty nothing more is reported until new bytes come; a removed socket's
// events no longer name its value, even once its slot is used again.
func TestWaitNamesTheSocketWithBytes(t *testing.T) {
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
		if err := s.SetDeadline(time.Now().Add(testwait.Default)); err != nil {
			t.Fatal(err)
		}
		n, err := s.Wait(events, nil)
		if err != nil || n != 1 {
			t.Fatalf("Wait: %d events, %v; want one", n, err)
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

	// Nothing new: the deadline passes, having found the set empty.
	empties := 0
	_ = s.SetDeadline(time.Now().Add(50 * time.Millisecond))
	if n, err := s.Wait(events, func() { empties++ }); !errors.Is(err, os.ErrDeadlineExceeded) || n != 0 {
		t.Fatalf("Wait with nothing ready: %d events, %v; want the deadline", n, err)
	}
	if empties == 0 {
		t.Error("empty was not called while nothing was ready")
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

// TestWaitAllocatesNothing: a poller waits thousands of times a second,
// for bytes and for its deadline.
func TestWaitAllocatesNothing(t *testing.T) {
	s, err := New[string]()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	v := "v"
	c, peer := pair(t)
	add(t, s, &v, c)
	events := make([]syscall.EpollEvent, 4)
	empty := func() {}
	one := []byte("x")
	_ = s.SetDeadline(time.Now().Add(testwait.Default))
	ready := testing.AllocsPerRun(100, func() {
		if _, err := peer.Write(one); err != nil {
			t.Fatal(err)
		}
		if n, err := s.Wait(events, empty); n != 1 || err != nil {
			t.Fatalf("Wait: %d, %v", n, err)
		}
	})
	_ = s.SetDeadline(time.Now())
	late := testing.AllocsPerRun(100, func() {
		if _, err := s.Wait(events, empty); !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatalf("Wait past the deadline: %v", err)
		}
	})
	if ready != 0 || late != 0 {
		t.Errorf("allocations per Wait: %.1f with bytes, %.1f past the deadline; want 0", ready, late)
	}
}

// TestUnparkedPoll: an unparked set's Poll reports the socket whose peer
// wrote, added by its descriptor, and nothing once it was read empty,
// without waiting; Wait and SetDeadline on it say it cannot be waited on,
// and Close closes its descriptor once.
func TestUnparkedPoll(t *testing.T) {
	s, err := NewUnparked[string]()
	if err != nil {
		t.Fatal(err)
	}
	a, b := "a", "b"
	ca, _ := pair(t)
	cb, pb := pair(t)
	add(t, s, &a, ca) // a RawConn, as a parked set takes
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

	if _, err := s.Wait(events, nil); !errors.Is(err, ErrUnparked) {
		t.Errorf("Wait on an unparked set: %v, want ErrUnparked", err)
	}
	if err := s.SetDeadline(time.Now()); !errors.Is(err, ErrUnparked) {
		t.Errorf("SetDeadline on an unparked set: %v, want ErrUnparked", err)
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
