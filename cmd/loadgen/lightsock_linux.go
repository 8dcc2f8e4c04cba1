//go:build linux

package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/lxzan/gws"
	"github.com/tickarena/tickarena/internal/wsframe"
)

// A light client's own socket (Linux). Once the WebSocket handshake is done
// the client takes the socket's descriptor from gws and Go's network
// poller (takeSocket) and uses it with plain system calls: its read poller
// reads it (lightPoller.readConn) and its writes frame and mask each
// message themselves (lightSock.send). Go's poller is then never woken for
// the frames the server sends, and a write is one write(2), without gws's
// write path.

// lightPendingMax is how many bytes a client's socket may leave unsent
// before the connection counts as stuck and ends as a drop: a client sends
// about a kilobyte a second, so a server that takes none of 64 KiB is not
// reading it.
const lightPendingMax = 64 << 10

// errSockClosed is what an owned socket's methods return once it was
// closed: whoever closed it reported the end.
var errSockClosed = errors.New("light client socket closed")

// errStuck ends a connection whose socket does not take what the client
// writes.
var errStuck = errors.New("the server takes no more of what the client writes")

// lightSock is the descriptor of a socket a light client owns and what it
// has written that the socket has not taken yet. Its methods may be called
// from any goroutine: the ticker's (inputs, pings) and the read poller's
// (reads, pongs, close frames); mu serialises them and keeps the
// descriptor open, and its number not reused, while a read or write uses
// it.
type lightSock struct {
	mu        sync.Mutex
	fd        int    // -1 once closed
	closeSent bool   // a close frame went: no frame follows it
	out       []byte // the frames the socket did not take yet, first to go
	write     func(fd int, b []byte) (int, error)

	// pending is len(out) > 0, for the ticker's retry to look without mu.
	pending atomic.Bool
}

// newLightSock makes the lightSock of descriptor fd, which it owns from now.
func newLightSock(fd int) *lightSock { return &lightSock{fd: fd, write: syscall.Write} }

// takeSocket takes the socket of tc, whose WebSocket handshake is done and
// which nothing reads or writes (gws.NewClient starts no goroutine for a
// connection), out of Go's hands: it returns a duplicate of its descriptor
// and closes tc's own, which takes it out of Go's network poller; the
// socket lives on in the duplicate, non-blocking as tc's was (dups share
// O_NONBLOCK). On an error nothing was taken and tc is as it was. Bytes
// the server sent right behind its handshake response are in gws's
// handshake reader, not in the socket: the caller has them from its
// recordingConn (handshake.go).
func takeSocket(tc *net.TCPConn) (int, error) {
	raw, err := tc.SyscallConn()
	if err != nil {
		return -1, fmt.Errorf("take socket: %w", err)
	}
	fd, derr := -1, error(nil)
	if err := raw.Control(func(f uintptr) {
		syscall.ForkLock.RLock() // no child inherits the dup before it is close-on-exec
		defer syscall.ForkLock.RUnlock()
		if fd, derr = syscall.Dup(int(f)); derr == nil {
			syscall.CloseOnExec(fd)
		}
	}); err != nil {
		return -1, fmt.Errorf("take socket: %w", err)
	}
	if derr != nil {
		return -1, fmt.Errorf("take socket: dup: %w", derr)
	}
	// Close fails only on a connection closed already: the socket is the
	// dup's either way, and tc is not used again.
	_ = tc.Close()
	return fd, nil
}

// send writes one frame of opcode op and the payload given, masked with a
// fresh key, after the bytes still pending; what the socket does not take
// now stays pending, for the next send or flush. It returns errSockClosed
// once the socket was closed or a close frame sent, and errStuck (wrapped)
// when more than lightPendingMax bytes are pending: the caller ends the
// connection then. It never blocks on the socket.
func (s *lightSock) send(op gws.Opcode, payload []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fd < 0 || s.closeSent {
		return errSockClosed
	}
	s.closeSent = op == gws.OpcodeCloseConnection
	var key [4]byte
	binary.LittleEndian.PutUint32(key[:], rand.Uint32())
	s.out = wsframe.AppendClient(s.out, byte(op), payload, key)
	return s.flushLocked()
}

// flush sends what is pending, if anything: the ticker's retry of what the
// socket did not take. Its errors are send's.
func (s *lightSock) flush() error {
	if !s.pending.Load() {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fd < 0 {
		return errSockClosed
	}
	return s.flushLocked()
}

// flushLocked writes out; the caller holds mu.
func (s *lightSock) flushLocked() error {
	var err error
	s.out, err = sendSome(s.fd, s.out, s.write)
	s.pending.Store(len(s.out) > 0)
	if err == nil && len(s.out) > lightPendingMax {
		err = fmt.Errorf("%d bytes unsent: %w", len(s.out), errStuck)
	}
	return err
}

// sendSome writes out to fd with write until the socket has taken it all,
// takes no more for now (EAGAIN) or fails, and returns what it did not
// take, moved to the start of out. An interrupted write is tried again.
func sendSome(fd int, out []byte, write func(fd int, b []byte) (int, error)) ([]byte, error) {
	sent := 0
	var err error
	for sent < len(out) {
		n, werr := write(fd, out[sent:])
		if werr == syscall.EINTR {
			continue
		}
		if werr == syscall.EAGAIN {
			break
		}
		if werr != nil {
			err = fmt.Errorf("write: %w", werr)
			break
		}
		if n <= 0 {
			break // took nothing, and said no more: as EAGAIN
		}
		sent += n
	}
	return out[:copy(out, out[sent:])], err
}

// read is one read(2) of the socket into b (tried again when interrupted);
// errSockClosed once the socket was closed.
func (s *lightSock) read(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fd < 0 {
		return 0, errSockClosed
	}
	for {
		n, err := syscall.Read(s.fd, b)
		if err != syscall.EINTR {
			return n, err
		}
	}
}

// control runs f with the socket's descriptor, kept open meanwhile;
// errSockClosed once the socket was closed.
func (s *lightSock) control(f func(fd int) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fd < 0 {
		return errSockClosed
	}
	return f(s.fd)
}

// close closes the socket, which takes it out of its epoll set, and drops
// what is pending; it reports whether this call closed it (only the first
// does).
func (s *lightSock) close() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fd < 0 {
		return false
	}
	// close(2) releases the descriptor even when it reports an error, and
	// there is nothing left to do for this socket either way.
	_ = syscall.Close(s.fd)
	s.fd, s.out = -1, nil
	s.pending.Store(false)
	return true
}
