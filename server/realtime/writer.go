package realtime

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/lxzan/gws"
)

// The write path. Every message to a connection goes through its outbox, a
// FIFO written by one owner at a time, so that tick frames, other messages
// and the final error message and close frame leave in the order they were
// queued.
//
// A room queues its clients' tick frames and hands the clients with
// something new to its roomWriter, which, on one goroutine per room and
// tick, writes each client's frames with one non-blocking write system call
// each (the fast path). A write that the socket does not take whole (its
// send buffer is full: a slow reader) passes the connection to its own
// goroutine (drain, the slow path), which finishes it with blocking writes
// under the write deadline and stays until the outbox is empty. Messages
// queued off the room's goroutine (pongs, close frames, the welcome) start
// the slow path directly. So a healthy client costs per tick one system
// call and no goroutine and no allocation, and a stalled one holds up only
// its own goroutine.
//
// gws writes to the socket itself too, without our outbox: the 101
// response, the close frame it answers a peer's close frame with, and a
// close frame after a read error; it writes under its own lock, which we
// cannot take. So the socket gws holds is a sockConn whose Write takes the
// connection's write lock, the lock every writer of ours holds for a whole
// frame: gws's frames can never land inside one of ours, even when ours
// was written in part and the slow path finishes it.

// Kinds of outgoing message, for what happens once one is written.
const (
	msgFrame = iota // a tick frame: recycled, counted in sentBytes; in flight
	msgOther        // a message counted as sent when queued; in flight
	msgError        // closeWith's error message: counted as sent when written
	msgClose        // the close frame: the read deadline becomes closeLinger
)

// Outbox states.
const (
	outIdle   = iota // nothing queued, nobody writing
	outQueued        // in a roomWriter's list, waiting for its turn
	outBusy          // a writer (roomWriter or drain) owns the outbox
	outDead          // a write failed: the socket is closed, messages are dropped
)

// outMsg is one message waiting in an outbox.
type outMsg struct {
	data []byte
	op   gws.Opcode
	kind uint8
}

// outbox is a connection's queue of messages to write, a ring that grows
// only when more than its length wait (it starts at MaxInFlight+2 places,
// which tick frames never exceed).
type outbox struct {
	mu     sync.Mutex
	q      []outMsg
	head   int
	n      int
	state  uint8
	closed bool // the close frame is queued: nothing may follow it
	// sent is how many bytes of the first message's frame, header
	// included, are on the socket. Only the owner touches it.
	sent int
	// spare holds tick frame buffers written and ready for the fan-out to
	// encode into again (client.frameBuf), at most as many as its capacity.
	spare [][]byte
}

// sockConn is the connection gws reads and writes through: its writes take
// mu, the connection's write lock (see above). It unwraps with NetConn.
//
// While a read poller reads the connection (readpoll_linux.go), poll is set:
// closing the socket asks the poller to hand the connection back to gws,
// and the read deadline is kept for the poller to see. prefix holds the
// bytes the poller read but left to gws; gws's ReadLoop reads them first.
//
// Once a read poller took the socket out of Go's poller (own; see
// ownsock_unix.go), the embedded TCP connection is closed: reads and writes
// use the owned descriptor, and what has to wait goes through the promoted
// net.Conn.
type sockConn struct {
	net.Conn
	mu sync.Mutex // held by whoever writes a frame: gws, a roomWriter, drain

	poll          atomic.Pointer[polled]
	readDeadline  atomic.Int64 // unix nanoseconds; 0: none
	writeDeadline atomic.Int64 // unix nanoseconds; 0: none
	prefix        []byte       // only gws's ReadLoop reads it, once it runs

	own       atomic.Pointer[ownedFD]      // the socket, once a read poller took it
	promoted  atomic.Pointer[promotedConn] // a net.Conn over own, for waits
	promoteMu sync.Mutex                   // held while promoted is made, and to close
}

// promotedConn is a sockConn's net.Conn over its owned socket.
type promotedConn struct{ net.Conn }

// applyDeadlines gives c the deadlines kept for s.
func (s *sockConn) applyDeadlines(c net.Conn) {
	if d := s.readDeadline.Load(); d != 0 {
		_ = c.SetReadDeadline(time.Unix(0, d))
	}
	if d := s.writeDeadline.Load(); d != 0 {
		_ = c.SetWriteDeadline(time.Unix(0, d))
	}
}

// deadlineConn returns the connection whose deadlines to set: the TCP
// connection, or once the socket is owned its promoted one (nil before
// there is one: the deadlines kept apply when it is made).
func (s *sockConn) deadlineConn() net.Conn {
	if s.own.Load() == nil {
		return s.Conn
	}
	if p := s.promoted.Load(); p != nil {
		return p.Conn
	}
	return nil
}

// Read reads what the read poller left first, then the socket.
func (s *sockConn) Read(b []byte) (int, error) {
	if len(s.prefix) > 0 {
		n := copy(b, s.prefix)
		if s.prefix = s.prefix[n:]; len(s.prefix) == 0 {
			s.prefix = nil
		}
		return n, nil
	}
	if s.own.Load() != nil {
		c, err := s.promote()
		if err != nil {
			return 0, err
		}
		return c.Read(b)
	}
	return s.Conn.Read(b)
}

// SetReadDeadline sets the socket's read deadline and keeps it for the
// read poller.
func (s *sockConn) SetReadDeadline(t time.Time) error {
	keepDeadline(&s.readDeadline, t)
	if c := s.deadlineConn(); c != nil {
		return c.SetReadDeadline(t)
	}
	return nil
}

// SetWriteDeadline sets the socket's write deadline.
func (s *sockConn) SetWriteDeadline(t time.Time) error {
	keepDeadline(&s.writeDeadline, t)
	if c := s.deadlineConn(); c != nil {
		return c.SetWriteDeadline(t)
	}
	return nil
}

// SetDeadline sets the socket's deadlines and keeps the read one for the
// read poller.
func (s *sockConn) SetDeadline(t time.Time) error {
	keepDeadline(&s.readDeadline, t)
	keepDeadline(&s.writeDeadline, t)
	if c := s.deadlineConn(); c != nil {
		return c.SetDeadline(t)
	}
	return nil
}

func keepDeadline(v *atomic.Int64, t time.Time) {
	if t.IsZero() {
		v.Store(0)
		return
	}
	v.Store(t.UnixNano())
}

// Close closes the socket; a read poller reading it hands it back to gws,
// whose ReadLoop then sees it closed and ends the connection (OnClose).
func (s *sockConn) Close() error {
	err := s.Conn.Close()
	if o := s.own.Load(); o != nil {
		s.promoteMu.Lock()
		err = o.close() // the TCP connection was closed when the socket was taken
		p := s.promoted.Load()
		s.promoteMu.Unlock()
		if p != nil {
			_ = p.Close()
		}
	}
	if pc := s.poll.Load(); pc != nil {
		pc.poller.ask(pc, requestHandBack)
	}
	return err
}

// Write writes p, one whole frame of gws's, under the connection's write lock.
func (s *sockConn) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.writeLocked(p)
}

// writeLocked writes b, blocking under the write deadline; the caller holds
// the write lock. An owned socket is written without Go's poller until it
// takes no more, and then through the promoted connection, which waits.
func (s *sockConn) writeLocked(b []byte) (int, error) {
	o := s.own.Load()
	if o == nil {
		return s.Conn.Write(b)
	}
	if p := s.promoted.Load(); p != nil {
		return p.Write(b)
	}
	n, err := o.writeSome(b)
	if err != nil || n == len(b) {
		return n, err
	}
	c, err := s.promote()
	if err != nil {
		return n, err
	}
	k, err := c.Write(b[n:])
	return n + k, err
}

// NetConn returns the connection under s.
func (s *sockConn) NetConn() net.Conn { return s.Conn }

// attach makes s the client's socket: its lock, and the raw descriptor for
// the fast path when the connection is plain TCP (a TLS connection has to
// be written through its TLS layer, so always by drain).
func (c *client) attach(s *sockConn) {
	c.sock = s
	if tc, ok := plainTCP(s.Conn); ok && canTryWrite {
		if rc, err := tc.SyscallConn(); err == nil {
			c.raw = &sockRaw{rc: rc}
		}
	}
}

// plainTCP returns the TCP connection under conn when conn writes its bytes
// to it unchanged: conn itself, or a wrapper that says so (the PROXY
// protocol's, which only reads a header), never TLS.
func plainTCP(conn net.Conn) (*net.TCPConn, bool) {
	for range 4 {
		switch v := conn.(type) {
		case *net.TCPConn:
			return v, true
		case interface {
			NetConn() net.Conn
			WritesThrough()
		}:
			conn = v.NetConn()
		default:
			return nil, false
		}
	}
	return nil, false
}

// push queues m. When the outbox was idle it becomes next and push reports
// start: the caller must give it a writer (outQueued: the room's writer;
// outBusy: a drain goroutine). It reports ok false when the message was
// dropped (the socket failed, or the close frame is queued already), in
// which case nothing of m was counted.
func (c *client) push(m outMsg, next uint8) (start, ok bool) {
	o := &c.out
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.state == outDead || o.closed {
		return false, false
	}
	if m.kind == msgClose {
		o.closed = true
	}
	if o.n == len(o.q) {
		q := make([]outMsg, max(2*len(o.q), 4))
		for i := range o.n {
			q[i] = o.q[(o.head+i)%len(o.q)]
		}
		o.q, o.head = q, 0
	}
	o.q[(o.head+o.n)%len(o.q)] = m
	o.n++
	if m.kind == msgFrame || m.kind == msgOther {
		c.inflight.Add(1)
	}
	if o.state == outIdle {
		o.state = next
		return true, true
	}
	return false, true
}

// queueOff queues m from any goroutine but the room's: it starts the slow
// path when the outbox was idle.
func (c *client) queueOff(m outMsg) bool {
	start, ok := c.push(m, outBusy)
	if start {
		go c.drainFn()
	}
	return ok
}

// first returns the first message of the outbox, or, when it is empty,
// makes the outbox idle, releases the write lock and reports false.
func (c *client) first() (outMsg, bool) {
	o := &c.out
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.n == 0 {
		c.sock.mu.Unlock()
		if o.state != outDead {
			o.state = outIdle
		}
		return outMsg{}, false
	}
	return o.q[o.head], true
}

// written takes m, the first message, off the outbox once it is all on the
// socket, and does what its kind asks.
func (c *client) written(m outMsg) {
	o := &c.out
	o.mu.Lock()
	o.q[o.head] = outMsg{}
	o.head = (o.head + 1) % len(o.q)
	o.n--
	if m.kind == msgFrame && len(o.spare) < cap(o.spare) {
		o.spare = append(o.spare, m.data[:0])
	}
	o.mu.Unlock()
	o.sent = 0
	c.done(m, true)
}

// done ends m's life: written (ok) or dropped. A frame's buffer was made
// spare by written, if it was written.
func (c *client) done(m outMsg, ok bool) {
	switch m.kind {
	case msgFrame:
		if ok {
			c.m.opts.Observer.MessageSent(len(m.data))
			c.sentBytes.Add(int64(len(m.data)))
		}
		c.inflight.Add(-1)
	case msgOther:
		c.inflight.Add(-1)
	case msgError:
		if ok {
			c.m.opts.Observer.MessageSent(len(m.data))
		}
	case msgClose:
		if ok {
			// The read loop goes on (discarding) until the peer answers with
			// its own close frame, then gws closes the socket, or until
			// closeLinger.
			_ = c.sock.SetReadDeadline(time.Now().Add(closeLinger))
		}
	}
}

// fail gives the connection up after a failed write, as gws does after its
// own: everything queued is dropped, later messages too, and the socket is
// closed, which ends the read loop (OnClose). The caller holds no lock.
func (c *client) fail() {
	o := &c.out
	o.mu.Lock()
	o.state = outDead
	var dropped [8]outMsg
	for o.n > 0 {
		k := 0
		for ; k < len(dropped) && o.n > 0; k++ {
			dropped[k] = o.q[o.head]
			o.q[o.head] = outMsg{}
			o.head = (o.head + 1) % len(o.q)
			o.n--
		}
		o.mu.Unlock()
		for _, m := range dropped[:k] {
			c.done(m, false)
		}
		o.mu.Lock()
	}
	o.mu.Unlock()
	_ = c.sock.Close()
}

// flush is the fast path, on a roomWriter's goroutine: it writes what c has
// queued with one non-blocking attempt per frame, and hands c to drain when
// the socket does not take a frame whole or gws is writing.
func (c *client) flush(w *roomWriter) {
	o := &c.out
	o.mu.Lock()
	if o.state != outQueued {
		o.mu.Unlock()
		return
	}
	o.state = outBusy
	o.mu.Unlock()
	if c.raw == nil || !c.sock.mu.TryLock() {
		go c.drainFn()
		return
	}
	for {
		m, ok := c.first()
		if !ok {
			return
		}
		w.buf = appendFrame(w.buf[:0], m.op, m.data)
		n, err := w.try(c.raw)
		switch {
		case err != nil:
			c.sock.mu.Unlock()
			c.m.log.Debug("realtime: write failed", "addr", c.addr, "err", err)
			c.fail()
			return
		case n < len(w.buf):
			c.out.sent = n
			go c.drainLockedFn() // it inherits the write lock
			return
		}
		c.written(m)
	}
}

// drain is the slow path, on the connection's own goroutine: blocking
// writes, each bounded by the write deadline, until the outbox is empty.
func (c *client) drain() {
	c.sock.mu.Lock()
	c.drainLocked()
}

// drainLocked is drain with the write lock held (by a flush that wrote a
// frame in part, which drain finishes).
func (c *client) drainLocked() {
	bp := slowBufs.Get().(*[]byte)
	defer slowBufs.Put(bp)
	for {
		m, ok := c.first()
		if !ok {
			return
		}
		*bp = appendFrame((*bp)[:0], m.op, m.data)
		if _, err := c.sock.writeLocked((*bp)[c.out.sent:]); err != nil {
			c.sock.mu.Unlock()
			c.m.log.Debug("realtime: write failed", "addr", c.addr, "err", err)
			c.fail()
			return
		}
		c.written(m)
	}
}

// slowBufs holds drain's frame buffers.
var slowBufs = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// appendFrame appends to buf the WebSocket frame of one whole unmasked
// message (the server's side: RFC 6455 section 5.2) with opcode op.
func appendFrame(buf []byte, op gws.Opcode, payload []byte) []byte {
	n := len(payload)
	switch {
	case n < 126:
		buf = append(buf, 0x80|byte(op), byte(n))
	case n <= 0xFFFF:
		buf = append(buf, 0x80|byte(op), 126, byte(n>>8), byte(n))
	default:
		buf = append(buf, 0x80|byte(op), 127, 0, 0, 0, 0, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
	return append(buf, payload...)
}

// roomWriter writes a room's tick frames (flush) on a goroutine started
// when the room hands it clients and none runs: one per room and tick, with
// a func value bound once, so that starting it allocates nothing. Its
// zero value is ready; only the room's goroutine calls add and kick.
type roomWriter struct {
	mu      sync.Mutex
	ready   []*client // clients handed over, waiting for flush
	running bool

	// the writing goroutine's own
	spare   []*client
	buf     []byte // one frame
	wrote   int    // what the last attempt wrote
	werr    error
	attempt func(fd uintptr) bool // try's callback, bound once
	flushFn func()
}

// add hands the writer c, whose outbox the caller made outQueued.
func (w *roomWriter) add(c *client) {
	w.mu.Lock()
	w.ready = append(w.ready, c)
	w.mu.Unlock()
}

// kick starts the writer's goroutine if clients wait and none runs.
func (w *roomWriter) kick() {
	w.mu.Lock()
	start := len(w.ready) > 0 && !w.running
	w.running = w.running || start
	w.mu.Unlock()
	if start {
		if w.flushFn == nil {
			w.flushFn, w.attempt = w.flush, w.tryOnce
		}
		go w.flushFn()
	}
}

// flush writes the clients handed over until none waits.
func (w *roomWriter) flush() {
	for {
		w.mu.Lock()
		batch := w.ready
		if len(batch) == 0 {
			w.running = false
			w.mu.Unlock()
			return
		}
		w.ready = w.spare[:0]
		w.mu.Unlock()
		for i, c := range batch {
			c.flush(w)
			batch[i] = nil
		}
		w.spare = batch[:0]
	}
}

// try writes w.buf to the socket rc with one system call that does not
// wait, and returns what it wrote (0 when the socket's buffer is full).
func (w *roomWriter) try(rc syscall.RawConn) (int, error) {
	w.wrote, w.werr = 0, nil
	if err := rc.Write(w.attempt); err != nil {
		return 0, err
	}
	return w.wrote, w.werr
}

// readBufferSize is the size of a connection's read buffer, in bytes, kept
// for the connection's life: it holds a whole client frame
// (wire.MaxClientMessage and a 14-byte header).
const readBufferSize = 512

// upgrade hijacks the request's connection and upgrades it to a WebSocket
// over a sockConn, so that gws's own writes take the connection's write
// lock. It does what gws's Upgrader.Upgrade does otherwise.
func (m *Manager) upgrade(w http.ResponseWriter, r *http.Request) (*gws.Conn, *sockConn, error) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("realtime: the response cannot be hijacked")
	}
	netConn, _, err := hj.Hijack()
	if err != nil {
		return nil, nil, fmt.Errorf("hijack: %w", err)
	}
	sock := &sockConn{Conn: netConn}
	socket, err := m.upgrader.UpgradeFromConn(sock, bufio.NewReaderSize(sock, readBufferSize), r)
	if err != nil {
		return nil, nil, fmt.Errorf("upgrade: %w", err)
	}
	return socket, sock, nil
}
