//go:build linux

package epollset

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// edgeTriggered is EPOLLET as the unsigned event mask it belongs to
// (package syscall declares it as a negative int).
const edgeTriggered = 1 << 31

// key names a value's slot in a Set and the slot's use, which every event
// of its socket carries.
type key struct{ slot, gen int32 }

// Set is an edge-triggered epoll set of sockets, each with a value of type
// T. Its methods may be called from any goroutine; Poll and PollFor from one
// at a time.
type Set[T any] struct {
	fd     int
	closed atomic.Bool // Close ran: fd is closed

	mu    sync.Mutex
	slots []entry[T]
	keys  map[*T]key
	free  []int32
	gen   int32
}

type entry[T any] struct {
	v   *T
	gen int32
}

// New makes an empty Set: a plain epoll descriptor, not in Go's network
// poller, so that its sockets' events wake no thread and wait for the
// caller's next Poll.
func New[T any]() (*Set[T], error) {
	fd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("epoll_create1: %w", err)
	}
	return &Set[T]{fd: fd, keys: make(map[*T]key)}, nil
}

// Fd returns the set's descriptor, for what the caller adds to it itself
// (an eventfd that wakes its goroutine, with an event Lookup ignores: Fd
// -1) and removes from it.
func (s *Set[T]) Fd() int { return s.fd }

// Add puts the socket of rc in the set with value v, reported when bytes
// come, when the peer hangs up and on errors. A value is in the set once.
func (s *Set[T]) Add(v *T, rc syscall.RawConn) error {
	return s.add(v, func(ev *syscall.EpollEvent) error {
		var cerr error
		if err := rc.Control(func(fd uintptr) { cerr = syscall.EpollCtl(s.fd, syscall.EPOLL_CTL_ADD, int(fd), ev) }); err != nil {
			return err
		}
		return cerr
	})
}

// AddFd is Add for a socket descriptor the caller owns and reads itself,
// outside Go's network poller. The caller must not close fd while it may
// still read it from another goroutine; closing it takes it out of the
// set (when no other descriptor refers to the same socket).
func (s *Set[T]) AddFd(v *T, fd int) error {
	return s.add(v, func(ev *syscall.EpollEvent) error {
		return syscall.EpollCtl(s.fd, syscall.EPOLL_CTL_ADD, fd, ev)
	})
}

// add gives v a slot and has ctl put its socket in the epoll set with the
// event given, which names the slot.
func (s *Set[T]) add(v *T, ctl func(ev *syscall.EpollEvent) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.keys[v]; ok {
		return errors.New("epollset: the value is in the set already")
	}
	var k key
	if n := len(s.free); n > 0 {
		k.slot, s.free = s.free[n-1], s.free[:n-1]
	} else {
		k.slot = int32(len(s.slots))
		s.slots = append(s.slots, entry[T]{})
	}
	s.gen++
	k.gen = s.gen
	s.slots[k.slot] = entry[T]{v: v, gen: k.gen}
	s.keys[v] = k
	ev := syscall.EpollEvent{Events: syscall.EPOLLIN | syscall.EPOLLRDHUP | edgeTriggered, Fd: k.slot, Pad: k.gen}
	if err := ctl(&ev); err != nil {
		s.slots[k.slot] = entry[T]{}
		delete(s.keys, v)
		s.free = append(s.free, k.slot)
		return fmt.Errorf("epoll_ctl add: %w", err)
	}
	return nil
}

// Remove frees v's slot, if v is in the set: its socket's events no longer
// name it. The socket leaves the set when it is closed, or by the caller's
// EPOLL_CTL_DEL on Fd.
func (s *Set[T]) Remove(v *T) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if k, ok := s.keys[v]; ok {
		delete(s.keys, v)
		s.slots[k.slot] = entry[T]{}
		s.free = append(s.free, k.slot)
	}
}

// Lookup returns the value of the socket an event is about, or nil when
// the event is the caller's own (Fd < 0) or its socket was removed since.
func (s *Set[T]) Lookup(ev syscall.EpollEvent) *T {
	if ev.Fd < 0 {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if int(ev.Fd) < len(s.slots) && s.slots[ev.Fd].gen == ev.Pad {
		return s.slots[ev.Fd].v
	}
	return nil
}

// All appends the values in the set to dst and returns it.
func (s *Set[T]) All(dst []*T) []*T {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range s.slots {
		if e.v != nil {
			dst = append(dst, e.v)
		}
	}
	return dst
}

// Poll fills events with what is ready now, without waiting, and returns
// how many it filled: epoll_wait with a timeout of 0. An interrupted call
// reports nothing ready. One goroutine at a time polls.
func (s *Set[T]) Poll(events []syscall.EpollEvent) (int, error) { return s.PollFor(events, 0) }

// PollFor is Poll that waits up to timeout (rounded up to milliseconds;
// negative: without end) for something to be ready, in epoll_wait: the
// calling goroutine's thread sleeps in the kernel meanwhile, outside Go's
// network poller.
func (s *Set[T]) PollFor(events []syscall.EpollEvent, timeout time.Duration) (int, error) {
	ms := -1
	if timeout >= 0 {
		ms = int((timeout + time.Millisecond - 1) / time.Millisecond)
	}
	n, err := syscall.EpollWait(s.fd, events, ms)
	switch {
	case err == syscall.EINTR:
		return 0, nil
	case err != nil:
		return 0, fmt.Errorf("epoll_wait: %w", err)
	}
	return n, nil
}

// Close closes the set; the sockets in it are not closed. A second Close
// returns an error and closes nothing.
func (s *Set[T]) Close() error {
	if s.closed.Swap(true) {
		return fmt.Errorf("epollset: close: %w", os.ErrClosed)
	}
	if err := syscall.Close(s.fd); err != nil {
		return fmt.Errorf("epollset: close: %w", err)
	}
	return nil
}
