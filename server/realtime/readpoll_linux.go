//go:build linux

package realtime

import (
	"fmt"
	"net"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"github.com/lxzan/gws"
	"github.com/tickarena/tickarena/server/epollset"
)

// The read path of a plain TCP connection on Linux: read pollers.
//
// A goroutine per connection (gws's ReadLoop) costs, for every message a
// player sends (15 a second), a wake-up of that goroutine through Go's
// poller, the read(2) that gets the message and a second one that finds the
// socket empty before the goroutine parks again, and 8 KiB or more of stack
// for the connection's life. With thousands of players those goroutines are
// most of what waits for the CPU, and every other goroutine — a room's
// writer, an HTTP handler answering "full" — waits behind them.
//
// So a plain TCP connection is read by one of the Manager's readPollers
// instead: one goroutine with an edge-triggered epoll set of its own, which
// takes the socket out of Go's poller (ownsock_unix.go), looks at its set
// every Options.ReadPace while it finds bytes (and waits in epoll_wait once
// idleLooks looks in a row found none), and reads each connection that has bytes
// with one read(2) — a read that does not fill the buffer leaves the socket
// empty, and the set reports the next bytes — and handles the whole binary
// messages it finds on its own goroutine (readframe.go). The first frame it
// does not handle (a control frame, a fragment, anything a client should not
// send) and any read error or end of stream hand the connection back to gws:
// the bytes not yet handled are put before the socket's (sockConn.Read) and
// the connection's ReadLoop starts on a goroutine of its own, which handles
// them with gws's rules and close codes and runs OnClose at the end.
//
// A message that may wait (a hello asks a room, or a cluster, for a seat)
// is handled on a goroutine of its own while the poller leaves that
// connection unread; it asks the poller to read on when done.
//
// A connection leaves its poller (for gws's ReadLoop) when its socket is
// closed through its sockConn, when its read deadline passes (the poller
// looks every pollSweep) and as said above; the poller never holds one
// whose ReadLoop runs.

// pollEvents is how many readiness events a poller's first epoll_wait of a
// look takes. A look that fills them takes the rest at once, in room it
// grows for them (more): a look takes every socket that is ready, so that the
// pass after it reads all of them and the poller is caught up when it ends.
const pollEvents = 256

// passYield is how many ready sockets a poller reads before it yields its P
// to other goroutines within one pass. Without it a paced pass over a few
// hundred sockets makes the rooms' ticks wait behind it (frames p1 fell from
// 14.9 to 14.7 at 2,500 clients on one core); with it they run on time.
const passYield = 32

// idleLooks is how many paced looks in a row may find nothing before the
// poller stops pacing and its thread waits in epoll_wait for the next bytes.
// Fifty players send an input every 1.3 ms or so, and a pace of 2 ms finds
// none of them about one time in five: waiting then, to be woken by the next
// input a moment later, blocks the thread and hands its P off each time, and
// costs more than the sleeps of a few empty paces: with 3, ×0.67 of the CPU
// at 50 players against waiting at the first empty look, and the same at 5
// (docs/performance.md).
const idleLooks = 3

// pollSweep is how often a poller looks for connections whose read deadline
// passed (idle, or lingering after their close frame).
const pollSweep = 250 * time.Millisecond

// canPollReads says whether this platform has read pollers.
const canPollReads = true

// readPoller reads the plain TCP connections given to it (see above).
type readPoller struct {
	m    *Manager
	set  *epollset.Set[polled] // the connections' sockets, and wake
	wake int                   // eventfd in the set: other goroutines' word that requests wait

	mu       sync.Mutex
	requests []request // from other goroutines, taken by the poller
	closed   bool      // stop was called: hand every connection back and return
	exited   bool      // run returned: the epoll set and eventfd are closed

	// busySince is when the poller woke with events to handle after it
	// last found its set empty (unix nanoseconds; 0 while it waits), and
	// longest the longest such spell ended since the saturation sampler
	// last read it (see behind).
	busySince atomic.Int64
	longest   atomic.Int64

	// Only the poller's goroutine touches these.
	events []syscall.EpollEvent
	buf    [2 * readBufferSize]byte // a connection's bytes while they are handled
	swept  []*polled                // sweep's list of the connections held, reused
	done   chan struct{}            // closed when run has returned
}

// requestKind is what another goroutine asks of the poller about a connection.
type requestKind uint8

const (
	requestHandBack requestKind = iota // the socket was closed: hand it to gws
	requestResume                      // a message handled off the poller is done: read on
)

type request struct {
	p    *polled
	kind requestKind
}

// polled is a connection its poller reads. Only the poller's goroutine
// touches the fields after gen.
type polled struct {
	poller *readPoller
	c      *client  // its socket is c.raw
	own    *ownedFD // the socket the poller took, which it reads: c.raw's own

	rest []byte // the start of a frame not whole yet, or (held) frames not handled
	held bool   // rest holds what came after a message handled off the poller
	hup  bool   // the peer hung up or the connection failed: read to the end
	busy bool   // a message is handled off the poller: leave the socket unread
	gone bool   // handed back to gws
	// loopOnResume is set when pc was handed back while busy: its ReadLoop
	// starts once the message handled off the poller is done.
	loopOnResume bool
}

// newReadPoller makes an epoll set and starts its goroutine.
func newReadPoller(m *Manager) (*readPoller, error) {
	set, err := epollset.New[polled]()
	if err != nil {
		return nil, fmt.Errorf("read poller: %w", err)
	}
	wfd, _, errno := syscall.Syscall(syscall.SYS_EVENTFD2, 0, syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if errno != 0 {
		_ = set.Close()
		return nil, fmt.Errorf("read poller: eventfd: %w", errno)
	}
	ev := syscall.EpollEvent{Events: syscall.EPOLLIN, Fd: -1}
	if err := syscall.EpollCtl(set.Fd(), syscall.EPOLL_CTL_ADD, int(wfd), &ev); err != nil {
		_ = set.Close()
		_ = syscall.Close(int(wfd))
		return nil, fmt.Errorf("read poller: watch eventfd: %w", err)
	}
	p := &readPoller{m: m, set: set, wake: int(wfd), events: make([]syscall.EpollEvent, pollEvents), done: make(chan struct{})}
	go p.run()
	return p, nil
}

// add makes p read c's socket from now on, or reports false when it cannot
// (the caller then starts gws's ReadLoop). It runs OnOpen first, as ReadLoop
// would.
func (p *readPoller) add(c *client, h handler) bool {
	if c.raw == nil {
		return false
	}
	if _, ok := c.sock.Conn.(*net.TCPConn); !ok {
		return false // a wrapper (PROXY) may hold bytes read ahead of the socket's
	}
	h.OnOpen(c.conn)
	raw, ok := c.raw.(*sockRaw)
	if !ok {
		return false
	}
	if err := c.sock.take(c.sock.Conn.(*net.TCPConn), raw); err != nil {
		p.m.log.Debug("realtime: socket not taken", "addr", c.addr, "err", err)
		return false
	}
	pc := &polled{poller: p, c: c, own: raw.own.Load()}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	if err := p.set.Add(pc, c.raw); err != nil {
		return false
	}
	c.sock.poll.Store(pc)
	return true
}

// ask queues a request for the poller's goroutine and wakes it.
// It reports false when the poller has ended: it has handed every
// connection back then.
func (p *readPoller) ask(pc *polled, kind requestKind) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.exited {
		return false
	}
	p.requests = append(p.requests, request{p: pc, kind: kind})
	p.poke()
	return true
}

// poke wakes the poller's goroutine. The caller holds p.mu and has checked
// that the poller has not exited, so the eventfd is still open (and its
// number not another file's).
func (p *readPoller) poke() {
	one := uint64(1)
	_, _ = syscall.Write(p.wake, (*[8]byte)(unsafe.Pointer(&one))[:])
}

// stop hands every connection back to gws and ends the poller.
func (p *readPoller) stop() {
	p.mu.Lock()
	p.closed = true
	if !p.exited {
		p.poke()
	}
	p.mu.Unlock()
	<-p.done
}

// run handles readiness events until stop.
func (p *readPoller) run() {
	defer close(p.done)
	defer func() {
		// Every connection was handed back before return; a message
		// handled off the poller that ended since starts its read loop
		// here, and those that end later start it themselves (see handle).
		p.mu.Lock()
		p.exited = true
		left := p.requests
		p.requests = nil
		p.mu.Unlock()
		for _, r := range left {
			if r.kind == requestResume && r.p.loopOnResume {
				r.p.loopOnResume = false
				go p.m.readLoop(r.p.c)
			}
		}
		_ = p.set.Close()
		_ = syscall.Close(p.wake)
	}()
	var reqs []request
	nextSweep := time.Now().Add(pollSweep)
	pace := p.m.opts.ReadPace
	paced := false     // a recent look found bytes: look again a pace after the last, without parking
	empty := 0         // looks in a row that found nothing while paced
	var look time.Time // when the last look began
	for {
		var n int
		var err error
		if paced {
			if d := pace - time.Since(look); d > 0 {
				time.Sleep(d)
			}
			look = time.Now()
			if n, err = p.set.Poll(p.events); n == 0 && err == nil {
				p.caughtUp()
				if empty++; empty >= idleLooks {
					paced = false // nothing came for a while: wait for bytes
				}
				continue
			}
			if err == nil {
				n, err = p.more(n)
			}
			empty = 0
		} else {
			n, err = p.wait(nextSweep)
			look = time.Now()
		}
		if err != nil {
			p.m.log.Error("realtime: read poller stopped", "err", err)
			p.handBackAll()
			return
		}
		paced = n > 0 && pace > 0
		if n > 0 && p.busySince.Load() == 0 {
			p.busySince.Store(time.Now().UnixNano())
		}
		woken := false
		for i, ev := range p.events[:n] {
			if i%passYield == passYield-1 {
				// A pass may read hundreds of sockets on the only P: let
				// the rooms' ticks, due meanwhile, run between its parts.
				runtime.Gosched()
			}
			if ev.Fd < 0 {
				woken = true
				continue
			}
			if pc := p.set.Lookup(ev); pc != nil {
				if ev.Events&(syscall.EPOLLRDHUP|syscall.EPOLLHUP|syscall.EPOLLERR) != 0 {
					// The peer closed or the connection failed: the end of
					// stream or error is read after the bytes before it,
					// and no later event will say so.
					pc.hup = true
				}
				p.readConn(pc)
			}
		}
		if paced {
			// Every socket ready at the look is read: caught up, as a
			// wait that finds the set empty would say.
			p.caughtUp()
		}
		if woken {
			var b [8]byte
			_, _ = syscall.Read(p.wake, b[:])
			p.mu.Lock()
			reqs = append(reqs[:0], p.requests...)
			clear(p.requests)
			p.requests = p.requests[:0]
			closed := p.closed
			p.mu.Unlock()
			if closed {
				p.handBackAll()
				return
			}
			for i, r := range reqs {
				pc := r.p
				switch {
				case r.kind == requestHandBack:
					p.handBack(pc)
				case pc.loopOnResume:
					pc.busy, pc.loopOnResume = false, false
					go p.m.readLoop(pc.c)
				case !pc.gone:
					pc.busy = false
					p.readConn(pc) // bytes may have come while it was busy
				}
				reqs[i] = request{}
			}
		}
		if now := time.Now(); !now.Before(nextSweep) {
			p.sweep(now)
			nextSweep = now.Add(pollSweep)
		}
	}
}

// wait returns what is ready in the set, waiting for it until next at
// most. It looks without waiting first; when nothing is ready the busy
// spell ends (caughtUp), and the poller's thread sleeps in epoll_wait (the
// set is not in Go's poller: see ownsock_unix.go).
func (p *readPoller) wait(next time.Time) (int, error) {
	n, err := p.set.Poll(p.events)
	if n == 0 && err == nil {
		p.caughtUp()
		n, err = p.set.PollFor(p.events, max(time.Until(next), 0))
	}
	if err != nil {
		return n, err
	}
	return p.more(n)
}

// more completes a look whose epoll_wait filled p.events with n events: it
// takes the rest of what is ready, in p.events grown for it, and returns how
// many events the look took in all. p.events keeps its size after, so that
// a poller with thousands of sockets ready at once grows it a few times, and
// then takes them with one call a look.
//
// A look that took only the first pollEvents sockets would leave the others
// ready for the next: the poller would not be caught up after its pass, and
// with a few thousand players sending 15 inputs a second (a few hundred
// ready every few milliseconds) it would count as behind (pollBehind) while
// every input was read within a few milliseconds, turning a node that
// keeps up full (docs/performance.md).
func (p *readPoller) more(n int) (int, error) {
	for n == len(p.events) {
		p.events = append(p.events, make([]syscall.EpollEvent, len(p.events))...)
		k, err := p.set.Poll(p.events[n:])
		n += k
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// pollBehind is how long a read poller may go without emptying its set
// before it counts as behind (see Manager.readsBehind): one that keeps up
// empties it within a few milliseconds of waking, every time. A look takes
// every ready socket (more), so a spell is one pass: the inputs ready when it
// began waited at most that long, besides the pace.
const pollBehind = 100 * time.Millisecond

// caughtUp notes that the poller found its set empty: its busy spell, if
// any, ends.
func (p *readPoller) caughtUp() {
	since := p.busySince.Swap(0)
	if since == 0 {
		return
	}
	spell := time.Now().UnixNano() - since
	for {
		old := p.longest.Load()
		if spell <= old || p.longest.CompareAndSwap(old, spell) {
			return
		}
	}
}

// behind reports whether the poller's longest busy spell since the last
// call, or the one it is in, lasted pollBehind or more: its connections'
// messages waited that long to be read. Only the saturation sampler calls it.
func (p *readPoller) behind(now time.Time) bool {
	spell := p.longest.Swap(0)
	if since := p.busySince.Load(); since != 0 {
		spell = max(spell, now.UnixNano()-since)
	}
	return spell >= int64(pollBehind)
}

// sweep hands back the connections whose read deadline passed by now.
func (p *readPoller) sweep(now time.Time) {
	t := now.UnixNano()
	p.swept = p.set.All(p.swept[:0])
	late := p.swept[:0] // filtered in place: four times a second, no garbage
	for _, pc := range p.swept {
		if !pc.gone {
			if d := pc.c.sock.readDeadline.Load(); d != 0 && t >= d {
				late = append(late, pc)
			}
		}
	}
	for _, pc := range late {
		p.handBack(pc)
	}
	clear(p.swept) // the connections handed back are not kept
}

// handBackAll hands every connection back to gws.
func (p *readPoller) handBackAll() {
	p.mu.Lock()
	all := p.set.All(nil)
	p.mu.Unlock()
	for _, pc := range all {
		p.handBack(pc)
	}
}

// readConn reads what pc's socket holds and handles the whole messages in
// it, until a read leaves the socket empty, pc is busy or gone.
func (p *readPoller) readConn(pc *polled) {
	for !pc.gone && !pc.busy {
		have := copy(p.buf[:], pc.rest)
		if pc.held {
			pc.held = false
			if !p.handle(pc, p.buf[:have]) {
				return
			}
			continue
		}
		n, err := pc.own.recv(p.buf[have:])
		switch {
		case err == net.ErrClosed:
			p.handBack(pc) // closed: gws's read sees it too
			return
		case err == syscall.EAGAIN:
			return
		case err != nil || n == 0:
			// End of stream or an error: gws reads it (after the bytes
			// held) and closes the connection with its usual reason.
			p.handBack(pc)
			return
		}
		// A read that did not fill the buffer left the socket empty: the set
		// reports the next bytes. After a hang-up, read on to its end.
		more := have+n == len(p.buf) || pc.hup
		if !p.handle(pc, p.buf[:have+n]) || !more {
			return
		}
	}
}

// handle handles the whole frames at the start of b, keeps the start of a
// frame not whole yet, and reports whether pc stays with the poller.
func (p *readPoller) handle(pc *polled, b []byte) bool {
	for {
		kind, payload, size := nextFrame(b)
		switch kind {
		case frameShort:
			pc.rest = append(pc.rest[:0], b...)
			return true
		case frameOther:
			pc.rest = append(pc.rest[:0], b...)
			p.handBack(pc)
			return false
		}
		b = b[size:]
		c := pc.c
		if c.state.Load() != stateJoined {
			// A hello may wait for a room or the cluster: not on the
			// poller. The rest waits its turn.
			pc.busy, pc.held = true, len(b) > 0
			pc.rest = append(pc.rest[:0], b...)
			msg := append([]byte(nil), payload...)
			go func() {
				p.m.dispatch(c, gws.OpcodeBinary, msg)
				if !p.ask(pc, requestResume) {
					// The poller ended meanwhile and handed pc back,
					// leaving its read loop to start here.
					go p.m.readLoop(pc.c)
				}
			}()
			return true
		}
		p.m.dispatch(c, gws.OpcodeBinary, payload)
		if len(b) == 0 {
			pc.rest = pc.rest[:0]
			return true
		}
	}
}

// handBack gives pc's connection to gws: the bytes held go before the
// socket's, and its ReadLoop starts.
func (p *readPoller) handBack(pc *polled) {
	if pc.gone {
		return
	}
	pc.gone = true
	// Out of the set while the descriptor is surely pc's (Control keeps it
	// from being closed and reused meanwhile); a closed one left the set
	// when it was closed.
	_ = pc.c.raw.Control(func(fd uintptr) { _ = syscall.EpollCtl(p.set.Fd(), syscall.EPOLL_CTL_DEL, int(fd), nil) })
	p.set.Remove(pc)
	sock := pc.c.sock
	sock.poll.Store(nil)
	if len(pc.rest) > 0 {
		sock.prefix = append([]byte(nil), pc.rest...)
	}
	pc.rest = nil
	if pc.busy {
		// A message handled off the poller is still running: the
		// connection's ReadLoop must not start before it is done.
		pc.loopOnResume = true
		return
	}
	go p.m.readLoop(pc.c)
}
