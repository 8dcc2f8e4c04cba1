//go:build unix

package realtime

import (
	"fmt"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
)

// A socket a read poller took out of Go's network poller (readpoll_linux.go).
//
// While Go's poller holds a socket, every message a player sends wakes it,
// whether or not a goroutine waits for the socket: with thousands of
// players, a wake-up of the runtime for each input, on top of the read
// poller's own look. So a read poller takes the socket: it keeps a
// duplicate of its descriptor (ownedFD) and closes the connection's own,
// which takes it out of Go's poller. Its reads and the fast path's writes
// then use the duplicate (sockRaw), and the rare waits — a write the socket
// does not take (a slow reader), gws's read loop once the poller hands the
// connection back — go through a net.Conn made then over another duplicate
// (sockConn.promote), back in Go's poller, where deadlines work as always.

// ownedFD is the descriptor of a socket the process holds outside Go's
// network poller. A system call on it holds mu shared, and close holds it
// whole, so that the number is never closed, and reused, under a call.
type ownedFD struct {
	mu sync.RWMutex
	fd int // -1 once closed
}

// close closes the descriptor; net.ErrClosed if it was already.
func (o *ownedFD) close() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.fd < 0 {
		return net.ErrClosed
	}
	err := syscall.Close(o.fd)
	o.fd = -1
	if err != nil {
		return fmt.Errorf("close socket: %w", err)
	}
	return nil
}

// writeSome writes b with non-blocking writes until the socket takes no
// more for now, and returns how much it took.
func (o *ownedFD) writeSome(b []byte) (int, error) {
	o.mu.RLock()
	defer o.mu.RUnlock()
	if o.fd < 0 {
		return 0, net.ErrClosed
	}
	n := 0
	for n < len(b) {
		k, err := sendNow(o.fd, b[n:])
		switch {
		case err == syscall.EAGAIN:
			return n, nil
		case err != nil:
			return n, fmt.Errorf("write: %w", err)
		case k <= 0:
			return n, nil
		}
		n += k
	}
	return n, nil
}

// recv reads what the socket holds into b without waiting (recvNow):
// syscall.EAGAIN when it holds nothing, net.ErrClosed once o was closed.
func (o *ownedFD) recv(b []byte) (int, error) {
	fd, err := o.rlock()
	if err != nil {
		return 0, err
	}
	n, err := recvNow(int(fd), b)
	o.mu.RUnlock()
	return n, err
}

// dup returns a new descriptor of the socket, close-on-exec.
func (o *ownedFD) dup() (int, error) {
	o.mu.RLock()
	defer o.mu.RUnlock()
	if o.fd < 0 {
		return -1, net.ErrClosed
	}
	return dupCloseOnExec(o.fd)
}

// dupCloseOnExec duplicates fd so that no child started meanwhile inherits
// the duplicate.
func dupCloseOnExec(fd int) (int, error) {
	syscall.ForkLock.RLock()
	defer syscall.ForkLock.RUnlock()
	nfd, err := syscall.Dup(fd)
	if err != nil {
		return -1, fmt.Errorf("dup: %w", err)
	}
	syscall.CloseOnExec(nfd)
	return nfd, nil
}

// sockRaw is a client's raw connection: the TCP connection's until a read
// poller takes the socket, then the owned descriptor's. On the owned one,
// Read and Write call f once, whatever it returns: their callers' f never
// asks to wait.
type sockRaw struct {
	rc  syscall.RawConn
	own atomic.Pointer[ownedFD]
}

// Control runs f with the descriptor, kept open meanwhile.
func (r *sockRaw) Control(f func(uintptr)) error {
	o := r.own.Load()
	if o == nil {
		return r.rc.Control(f)
	}
	fd, err := o.rlock()
	if err != nil {
		return err
	}
	defer o.mu.RUnlock()
	f(fd)
	return nil
}

// Read runs f with the descriptor (see sockRaw).
func (r *sockRaw) Read(f func(uintptr) bool) error {
	if r.own.Load() == nil {
		return r.rc.Read(f)
	}
	return r.Control(func(fd uintptr) { f(fd) })
}

// Write runs f with the descriptor (see sockRaw), without a closure: the
// fast path writes every frame through it.
func (r *sockRaw) Write(f func(uintptr) bool) error {
	o := r.own.Load()
	if o == nil {
		return r.rc.Write(f)
	}
	fd, err := o.rlock()
	if err == nil {
		f(fd)
		o.mu.RUnlock()
	}
	return err
}

// rlock holds o's lock shared and returns its descriptor, or
// net.ErrClosed, holding nothing, once it was closed.
func (o *ownedFD) rlock() (uintptr, error) {
	o.mu.RLock()
	if o.fd < 0 {
		o.mu.RUnlock()
		return 0, net.ErrClosed
	}
	return uintptr(o.fd), nil
}

// take takes s's socket out of Go's network poller: raw and s use a
// duplicate of its descriptor from now on, and the TCP connection's own is
// closed. The caller is the read poller about to read the socket, before
// anything else reads it; writers are kept out meanwhile (the write lock).
func (s *sockConn) take(tc *net.TCPConn, raw *sockRaw) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	nfd, derr := -1, error(nil)
	if err := raw.rc.Control(func(fd uintptr) { nfd, derr = dupCloseOnExec(int(fd)) }); err != nil {
		return fmt.Errorf("take socket: %w", err)
	}
	if derr != nil {
		return fmt.Errorf("take socket: %w", derr)
	}
	o := &ownedFD{fd: nfd}
	s.own.Store(o)
	raw.own.Store(o)
	_ = tc.Close() // the socket lives on in the duplicate
	return nil
}

// promote returns a net.Conn over s's owned socket, in Go's network poller,
// made the first time it is asked for (see above), with s's deadlines.
func (s *sockConn) promote() (net.Conn, error) {
	s.promoteMu.Lock()
	defer s.promoteMu.Unlock()
	if p := s.promoted.Load(); p != nil {
		return p.Conn, nil
	}
	o := s.own.Load()
	nfd, err := o.dup()
	if err != nil {
		return nil, fmt.Errorf("promote socket: %w", err)
	}
	f := os.NewFile(uintptr(nfd), "socket")
	c, err := net.FileConn(f) // a duplicate of its own
	_ = f.Close()
	if err != nil {
		return nil, fmt.Errorf("promote socket: %w", err)
	}
	s.applyDeadlines(c)
	s.promoted.Store(&promotedConn{c})
	return c, nil
}
