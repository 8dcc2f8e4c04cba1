package netcode

import (
	"sync"
	"time"
)

// Transport is one open (or opening) connection to the server, provided by the
// caller: a browser WebSocket, a gws client connection, or an in-memory link in
// tests. The Client calls it only from the game loop.
type Transport interface {
	// Send sends msg as one binary message. It must not block for long and must
	// not keep msg after it returns: the Client reuses the buffer.
	Send(msg []byte) error
	// Close closes the connection with a WebSocket close code and reason. The
	// transport need not report the close back through the Inbox.
	Close(code int, reason string) error
}

// Dialer starts connecting to url and returns the transport at once, without
// waiting for the connection to open. The transport then reports, through in,
// that it opened (Opened), every binary message it receives (Received) and
// its end (Closed), from any goroutine.
type Dialer func(url string, in *Inbox) (Transport, error)

type eventKind uint8

const (
	evOpened eventKind = iota + 1
	evMessage
	evClosed
)

type inboxEvent struct {
	kind   eventKind
	gen    uint32
	off, n int       // the message's bytes in the queue's buffer
	at     time.Time // when the transport received the message; zero when unknown
	code   int
	reason string
}

// Inbox is the queue between a transport and its Client. The Client makes one
// per connection attempt and hands it to the Dialer, so that a late event of
// an old connection is recognised and dropped. Its methods are safe for
// concurrent use and never block on the game loop for longer than a copy.
type Inbox struct {
	q   *queue
	gen uint32
}

// Opened reports that the connection is open and messages may be sent.
func (in *Inbox) Opened() { in.q.push(inboxEvent{kind: evOpened, gen: in.gen}, nil) }

// Received queues one binary message. msg is copied, so the transport may
// reuse it once Received returns.
func (in *Inbox) Received(msg []byte) { in.q.push(inboxEvent{kind: evMessage, gen: in.gen}, msg) }

// ReceivedAt is Received with the time the transport got msg. A transport
// that knows it (the browser's, whose callbacks run between frames) makes
// the measured round-trip time independent of the frame rate.
func (in *Inbox) ReceivedAt(msg []byte, at time.Time) {
	in.q.push(inboxEvent{kind: evMessage, gen: in.gen, at: at}, msg)
}

// Closed reports the end of the connection with its close code (wire.CloseAbnormal
// when it dropped) and reason. Events after Closed are ignored.
func (in *Inbox) Closed(code int, reason string) {
	in.q.push(inboxEvent{kind: evClosed, gen: in.gen, code: code, reason: reason}, nil)
}

// queue is a mutex-protected double buffer of events; message bytes live in
// one growing buffer so that queuing a message does not allocate once warm.
type queue struct {
	mu     sync.Mutex
	events []inboxEvent
	buf    []byte
	// overflow is set when more than maxQueued events piled up (the game loop
	// stopped, e.g. a hidden browser tab); the client then resyncs.
	overflow bool
	// spare buffers swapped in by drain
	spareEvents []inboxEvent
	spareBuf    []byte
}

// maxQueued bounds the events waiting for Update: about a minute of deltas.
const maxQueued = 2048

func (q *queue) push(ev inboxEvent, msg []byte) {
	q.mu.Lock()
	if len(q.events) >= maxQueued && ev.kind == evMessage {
		// Nobody is draining: drop the messages and keep the memory bounded.
		q.events, q.buf, q.overflow = q.events[:0], q.buf[:0], true
	}
	if msg != nil {
		ev.off, ev.n = len(q.buf), len(msg)
		q.buf = append(q.buf, msg...)
	}
	q.events = append(q.events, ev)
	q.mu.Unlock()
}

// drain swaps out the queued events and their bytes. They stay valid until the
// next drain.
func (q *queue) drain() ([]inboxEvent, []byte, bool) {
	q.mu.Lock()
	ev, buf, overflow := q.events, q.buf, q.overflow
	q.overflow = false
	q.events, q.buf = q.spareEvents[:0], q.spareBuf[:0]
	q.spareEvents, q.spareBuf = ev, buf
	q.mu.Unlock()
	return ev, buf, overflow
}
