//go:build linux

package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/lxzan/gws"
	"github.com/tickarena/tickarena/game/wire"
	"github.com/tickarena/tickarena/server/epollset"
)

// The read side of the light and floor clients on Linux: read pollers.
//
// With gws's read loop, each client is a goroutine that Go's network poller
// wakes for every frame the server sends, and that reads twice per frame
// (the frame, then nothing before it parks again). A light client owns its
// socket instead (lightsock_linux.go), and the socket is read by one of a
// few lightPollers, one goroutine each, with a set of sockets of its own
// (server/epollset): it reads each socket that has bytes until a read
// leaves it empty and handles the WebSocket frames it finds
// (lightConn.frames).
//
// A poller does not sleep in an epoll wait: it looks at its set every
// lightPollPace, without waiting (an epollset.Set, which is not in
// Go's network poller). A frame's arrival then wakes no thread — no
// wake-up from the kernel's epoll callback, none of Go's poller and
// scheduler — and the frames that came meanwhile are read together. What
// is counted is the same; a frame is handled at most one pace late, and so
// a light client's ping RTT is late by at most one pace.

// lightPollPace is how often a read poller looks at its sockets: a small
// part of a tick (33 ms), so that the frames of a tick are read in it and
// the RTT measured is hardly later than the network's.
const lightPollPace = 2 * time.Millisecond

// lightPollEvents is how many readiness events a poller takes per poll.
const lightPollEvents = 256

// lightReadBuffer is a poller's read buffer: tick frames are a few hundred
// bytes, so one read takes a socket's whole backlog.
const lightReadBuffer = 64 << 10

// lightPolled is a light client's own socket and its poller.
type lightPolled struct {
	sock   atomic.Pointer[lightSock] // set once the client owns its socket
	poller *lightPoller              // set before sock
	rest   []byte                    // the start of a frame not whole yet; only the poller touches it
}

// lightPoller reads the sockets of the light clients given to it.
type lightPoller struct {
	set *epollset.Set[lightConn]

	// Only the poller's goroutine touches these.
	events []syscall.EpollEvent
	buf    [lightReadBuffer]byte
}

var (
	lightPollersOnce sync.Once
	lightPollers     []*lightPoller
	lightPollNext    atomic.Uint32
)

// startLightPollers starts the read pollers, one per GOMAXPROCS, the first
// time it is called, and returns them.
func startLightPollers() []*lightPoller {
	lightPollersOnce.Do(func() {
		for range runtime.GOMAXPROCS(0) {
			if p, err := newLightPoller(); err == nil {
				lightPollers = append(lightPollers, p)
			} else {
				fmt.Fprintln(os.Stderr, "loadgen: light read poller:", err)
			}
		}
	})
	return lightPollers
}

// ownLight takes c's socket for t and gives it to a read poller, and
// reports whether it did; t then sends the hello itself. nc is c's network
// connection and behind what the handshake read past its response: frames
// the server sent right behind it, which t handles before it reads the
// socket. When it did not take the socket, c is as it was and the caller
// runs gws's read loop.
func ownLight(t *lightConn, c *gws.Conn, nc net.Conn, behind []byte) bool {
	tc, ok := nc.(*net.TCPConn)
	if !ok || !lightPollReads {
		return false
	}
	pollers := startLightPollers()
	if len(pollers) == 0 {
		return false
	}
	fd, err := takeSocket(tc)
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen: light client:", err)
		return false
	}
	p := pollers[int(lightPollNext.Add(1))%len(pollers)]
	s := newLightSock(fd)
	t.poller = p
	t.sock.Store(s) // first: a Close from now on closes s
	if t.closed.Load() {
		t.closeOwned() // Close came during the handshake
		return true
	}
	if len(behind) > 0 {
		// No poller has t yet: its frames are handled here, and what is
		// not whole yet waits in t.rest for the socket's next bytes.
		used, end := t.frames(behind, time.Now())
		if end != nil {
			t.endOwned(s, end)
			return true
		}
		t.rest = append(t.rest[:0], behind[used:]...)
	}
	err = s.control(func(fd int) error { return p.set.AddFd(t, fd) })
	switch {
	case errors.Is(err, errSockClosed):
		return true // closed meanwhile
	case err != nil:
		t.endOwned(s, fmt.Errorf("light read poller: %w", err))
		return true
	case t.closed.Load():
		t.closeOwned() // a Close that took t out of the set before it was in
		return true
	}
	t.OnOpen(c) // the hello, through s
	return true
}

// owned reports whether t owns its socket (it may be closed since).
func (t *lightConn) owned() bool { return t.sock.Load() != nil }

// sendOwned sends a frame through t's own socket, if it has one, and
// reports whether it has; a socket that takes no more ends the connection
// as a drop.
func (t *lightConn) sendOwned(op gws.Opcode, payload []byte) bool {
	s := t.sock.Load()
	if s == nil {
		return false
	}
	if err := s.send(op, payload); err != nil && !errors.Is(err, errSockClosed) {
		t.endOwned(s, err)
	}
	return true
}

// flushOwned sends what t's own socket did not take before, if anything.
func (t *lightConn) flushOwned() {
	s := t.sock.Load()
	if s == nil {
		return
	}
	if err := s.flush(); err != nil && !errors.Is(err, errSockClosed) {
		t.endOwned(s, err)
	}
}

// closeOwned is Close for a client that owns its socket: a close frame,
// then the socket out of its poller and closed. It reports whether t owns
// its socket.
func (t *lightConn) closeOwned() bool {
	s := t.sock.Load()
	if s == nil {
		return false
	}
	_ = s.send(gws.OpcodeCloseConnection, closePayload(wire.CloseNormal, "done")) // the socket closes whatever the send says
	t.poller.set.Remove(t)
	s.close()
	return true
}

// endOwned ends t's connection at err, from any goroutine, as gws's read
// loop does once it stops: its socket out of its poller and closed, then
// OnClose; only the first end or Close of a connection does it.
func (t *lightConn) endOwned(s *lightSock, err error) {
	t.poller.set.Remove(t)
	if s.close() {
		t.OnClose(nil, err)
	}
}

// newLightPoller makes a poller and starts its goroutine.
func newLightPoller() (*lightPoller, error) {
	set, err := epollset.New[lightConn]()
	if err != nil {
		return nil, fmt.Errorf("light read poller: %w", err)
	}
	p := &lightPoller{set: set, events: make([]syscall.EpollEvent, lightPollEvents)}
	go p.run()
	return p, nil
}

// run reads the sockets that have bytes, every lightPollPace, for the
// process's life.
func (p *lightPoller) run() {
	next := time.Now()
	for {
		next = next.Add(lightPollPace)
		if d := time.Until(next); d > 0 {
			time.Sleep(d)
		} else {
			next = time.Now() // behind: the next slot is a pace from now
		}
		for {
			n, err := p.set.Poll(p.events)
			if err != nil {
				fmt.Fprintln(os.Stderr, "loadgen: light read poller stopped:", err)
				return
			}
			for _, ev := range p.events[:n] {
				if t := p.set.Lookup(ev); t != nil {
					p.readConn(t)
				}
			}
			if n < len(p.events) {
				break
			}
			runtime.Gosched() // a full batch: let the ticker send its inputs before the next
		}
	}
}

// readConn reads t's socket until a read leaves it empty, handling the
// frames; at the end of the connection it reports it.
func (p *lightPoller) readConn(t *lightConn) {
	s := t.sock.Load()
	for {
		n, err := s.read(p.buf[:])
		switch {
		case errors.Is(err, errSockClosed): // by Close, or a write's end: reported there
			t.rest = nil
			return
		case err == syscall.EAGAIN:
			return
		case err != nil:
			p.end(t, s, err)
			return
		case n == 0:
			p.end(t, s, io.EOF)
			return
		}
		data := p.buf[:n]
		if len(t.rest) > 0 {
			t.rest = append(t.rest, data...)
			data = t.rest
		}
		used, end := t.frames(data, time.Now())
		t.rest = append(t.rest[:0], data[used:]...)
		if end != nil {
			p.end(t, s, end)
			return
		}
		if n < len(p.buf) {
			return // the socket is empty: the set reports the next bytes
		}
	}
}

// end reports the end of t's connection, seen by its poller.
func (p *lightPoller) end(t *lightConn, s *lightSock, err error) {
	t.rest = nil
	t.endOwned(s, err)
}
