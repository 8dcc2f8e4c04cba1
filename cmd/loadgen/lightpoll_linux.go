//go:build linux

package main

import (
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
	"github.com/tickarena/tickarena/server/epollset"
)

// The read side of the light and floor clients on Linux: read pollers.
//
// With gws's read loop, each client is a goroutine that Go's network poller
// wakes for every frame the server sends, and that reads twice per frame
// (the frame, then nothing before it parks again). A light client's socket
// is read instead by one of a few lightPollers, one goroutine each, with a
// set of sockets of its own (server/epollset): it reads each socket that
// has bytes until a read leaves it empty and handles the WebSocket frames
// it finds (lightConn.frames). Writes stay gws's.

// lightPollEvents is how many readiness events a poller takes per wait.
const lightPollEvents = 256

// lightReadBuffer is a poller's read buffer: tick frames are a few hundred
// bytes, so one read takes a socket's whole backlog.
const lightReadBuffer = 64 << 10

// lightPolled is what a light client's poller keeps of it.
type lightPolled struct {
	raw    syscall.RawConn // set before the poller has it; read only by the poller
	poller atomic.Pointer[lightPoller]
	rest   []byte // the start of a frame not whole yet; only the poller touches it
}

// unpoll takes t's connection out of its poller, if it has one.
func (t *lightConn) unpoll() {
	if p := t.poller.Load(); p != nil {
		p.set.Remove(t)
	}
}

// lightPoller reads the sockets of the light clients given to it.
type lightPoller struct {
	set *epollset.Set[lightConn]

	// Only the poller's goroutine touches these.
	events []syscall.EpollEvent
	buf    [lightReadBuffer]byte
	n      int
	err    error
	readFn func(uintptr) // read, bound once
}

var (
	lightPollersOnce sync.Once
	lightPollers     []*lightPoller
	lightPollNext    atomic.Uint32
)

// pollLight makes a poller read t's connection c, after running OnOpen as
// gws's read loop would, and reports whether it did; when it did not, the
// caller runs c.ReadLoop.
func pollLight(t *lightConn, c *gws.Conn) bool {
	tc, ok := c.NetConn().(*net.TCPConn)
	if !ok || !lightPollReads {
		return false
	}
	raw, err := tc.SyscallConn()
	if err != nil {
		return false
	}
	lightPollersOnce.Do(func() {
		for range runtime.GOMAXPROCS(0) {
			if p, err := newLightPoller(); err == nil {
				lightPollers = append(lightPollers, p)
			} else {
				fmt.Fprintln(os.Stderr, "loadgen: light read poller:", err)
			}
		}
	})
	if len(lightPollers) == 0 {
		return false
	}
	p := lightPollers[int(lightPollNext.Add(1))%len(lightPollers)]
	t.raw = raw
	t.poller.Store(p) // first: a Close from now on takes t out of the set
	t.OnOpen(c)
	if err := p.set.Add(t, raw); err != nil {
		t.poller.Store(nil)
		go c.ReadLoop() // OnOpen ran already: the read loop's call does nothing
	}
	return true
}

// newLightPoller makes a poller and starts its goroutine.
func newLightPoller() (*lightPoller, error) {
	set, err := epollset.New[lightConn]()
	if err != nil {
		return nil, err
	}
	p := &lightPoller{set: set, events: make([]syscall.EpollEvent, lightPollEvents)}
	p.readFn = p.read
	go p.run()
	return p, nil
}

// run reads the sockets that have bytes, for the process's life.
func (p *lightPoller) run() {
	for {
		n, err := p.set.Wait(p.events, nil)
		if err != nil {
			fmt.Fprintln(os.Stderr, "loadgen: light read poller stopped:", err)
			return
		}
		for _, ev := range p.events[:n] {
			if t := p.set.Lookup(ev); t != nil {
				p.readConn(t)
			}
		}
	}
}

// read is the callback of a read: one read(2) into p.buf.
func (p *lightPoller) read(fd uintptr) {
	for {
		p.n, p.err = syscall.Read(int(fd), p.buf[:])
		if p.err != syscall.EINTR {
			return
		}
	}
}

// readConn reads t's socket until a read leaves it empty, handling the
// frames; at the end of the connection it reports it.
func (p *lightPoller) readConn(t *lightConn) {
	c := t.conn.Load()
	for {
		err := t.raw.Control(p.readFn)
		n := p.n
		switch {
		case err != nil: // closed by this process (Close)
			p.end(t, c, err)
			return
		case p.err == syscall.EAGAIN:
			return
		case p.err != nil:
			p.end(t, c, p.err)
			return
		case n == 0:
			p.end(t, c, io.EOF)
			return
		}
		data := p.buf[:n]
		if len(t.rest) > 0 {
			t.rest = append(t.rest, data...)
			data = t.rest
		}
		used, end := t.frames(c, data, time.Now())
		t.rest = append(t.rest[:0], data[used:]...)
		if end != nil {
			p.end(t, c, end)
			return
		}
		if n < len(p.buf) {
			return // the socket is empty: the set reports the next bytes
		}
	}
}

// end reports the end of t's connection as gws's read loop does once it
// stops: its socket closed (which takes it out of the set), then OnClose.
func (p *lightPoller) end(t *lightConn, c *gws.Conn, err error) {
	p.set.Remove(t)
	t.rest = nil
	_ = c.NetConn().Close()
	t.OnClose(c, err)
}
