package main

import (
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lxzan/gws"
	"github.com/tickarena/tickarena/client/netcode"
	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/wire"
)

// player is one simulated client. Its netcode client is guarded by mu: the
// connection's read goroutine feeds it messages and the shared ticker sends
// its inputs.
type player struct {
	id    int
	url   string
	token string
	room  string
	floor bool
	sizes *histogram

	mu sync.Mutex
	nc *netcode.Client // nil in floor mode
	// floor mode: the one connection, and the next input's sequence number
	fc       *wsTransport
	seq      uint32
	in       wire.Input      // the inputs not sent yet
	steps    netcode.Stepper // inputs due, at the floor's tick rate
	nextPing time.Time
	brain    brain

	// Counters read by the reporter without the lock.
	welcomed  atomic.Bool
	updates   atomic.Uint64 // deltas applied, or floor tick messages
	bytesDown atomic.Uint64
	bytesUp   atomic.Uint64
	rttNanos  atomic.Int64
	dialErrs  atomic.Uint64
	closes    atomic.Uint64
	lastErr   atomic.Value // string
}

var errNotOpen = errors.New("connection not open")

// wsTransport is a gws client connection as a netcode Transport.
type wsTransport struct {
	gws.BuiltinEventHandler
	p      *player
	in     *netcode.Inbox // nil in floor mode
	conn   atomic.Pointer[gws.Conn]
	closed atomic.Bool
}

// bufPool recycles input buffers between WriteAsync and its callback.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 64); return &b }}

// Send queues msg on the connection's write queue; msg is copied.
func (t *wsTransport) Send(msg []byte) error {
	c := t.conn.Load()
	if c == nil || t.closed.Load() {
		return errNotOpen
	}
	bp := bufPool.Get().(*[]byte)
	*bp = append((*bp)[:0], msg...)
	t.p.bytesUp.Add(uint64(len(msg)))
	c.WriteAsync(gws.OpcodeBinary, *bp, func(error) { bufPool.Put(bp) })
	return nil
}

// Close sends a close frame and closes the socket.
func (t *wsTransport) Close(code int, reason string) error {
	t.closed.Store(true)
	if c := t.conn.Load(); c != nil {
		return c.WriteClose(uint16(code), []byte(reason))
	}
	return nil
}

// connect dials url and becomes the connection's read loop.
func (t *wsTransport) connect(url string) {
	c, _, err := gws.NewClient(t, &gws.ClientOption{Addr: url, ReadMaxPayloadSize: wire.MaxServerMessage, HandshakeTimeout: 10 * time.Second})
	if err != nil {
		t.p.dialErrs.Add(1)
		t.p.lastErr.Store(err.Error())
		if t.in != nil {
			t.in.Closed(wire.CloseAbnormal, err.Error())
			t.p.poke()
		}
		return
	}
	t.conn.Store(c)
	if t.closed.Load() {
		_ = c.WriteClose(wire.CloseNormal, nil)
	}
	c.ReadLoop()
}

// OnOpen reports the open connection; in floor mode it sends the hello.
func (t *wsTransport) OnOpen(c *gws.Conn) {
	if t.in != nil {
		t.in.Opened()
		t.p.poke()
		return
	}
	_ = t.Send(wire.AppendHello(nil, wire.Hello{Version: wire.Version, Token: t.p.token, Room: t.p.room}))
}

// OnMessage hands a message to the player.
func (t *wsTransport) OnMessage(c *gws.Conn, m *gws.Message) {
	t.p.received(t, m.Bytes())
	_ = m.Close()
}

// OnClose reports the end of the connection.
func (t *wsTransport) OnClose(c *gws.Conn, err error) {
	code, reason := wire.CloseAbnormal, ""
	var ce *gws.CloseError
	if errors.As(err, &ce) {
		code, reason = int(ce.Code), string(ce.Reason)
	}
	if !t.closed.Load() {
		t.p.closes.Add(1)
		if err != nil {
			t.p.lastErr.Store(err.Error())
		}
	}
	if t.in != nil {
		t.in.Closed(code, reason)
		t.p.poke()
	} else {
		t.p.welcomed.Store(false)
	}
}

// dial is the netcode Dialer: it returns at once and connects in the
// goroutine that then runs the connection's read loop.
func (p *player) dial(url string, in *netcode.Inbox) (netcode.Transport, error) {
	t := &wsTransport{p: p, in: in}
	go t.connect(url)
	return t, nil
}

// start opens the player's connection.
func (p *player) start(now time.Time) {
	if p.floor {
		p.mu.Lock()
		p.fc = &wsTransport{p: p}
		p.mu.Unlock()
		go p.fc.connect(p.url)
		return
	}
	p.mu.Lock()
	p.nc.Start(now)
	p.mu.Unlock()
}

// received counts a message and, with netcode, applies it at once, so that
// decoding runs in the connection's own goroutine.
func (p *player) received(t *wsTransport, b []byte) {
	now := time.Now()
	p.bytesDown.Add(uint64(len(b)))
	if p.floor {
		switch wire.PeekType(b) {
		case wire.TypeWelcome:
			p.welcomed.Store(true)
		case wire.TypePong:
			var m wire.ServerMsg
			if _, err := wire.DecodeServerNext(b, &m); err == nil {
				p.rttNanos.Store(now.UnixNano() - m.Pong.Time)
			}
		default:
			p.updates.Add(1)
			p.sizes.add(len(b))
		}
		return
	}
	if wire.PeekType(b) == wire.TypeDelta {
		p.sizes.add(len(b))
	}
	p.mu.Lock()
	t.in.Received(b)
	p.nc.Update(now)
	p.publish()
	p.mu.Unlock()
}

// poke lets the netcode client react to a connection event at once.
func (p *player) poke() {
	p.mu.Lock()
	p.nc.Update(time.Now())
	p.publish()
	p.mu.Unlock()
}

// publish copies the netcode client's figures into the atomic counters. The
// caller holds mu.
func (p *player) publish() {
	st := p.nc.Stats()
	p.updates.Store(st.Deltas)
	p.welcomed.Store(p.nc.State() == netcode.StatePlaying)
	p.rttNanos.Store(int64(p.nc.RTT()))
}

// tick sends the inputs due at now.
func (p *player) tick(now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.floor {
		if p.nc == nil {
			return // no seat yet
		}
		p.nc.Update(now)
		for n := p.nc.InputsDue(now); n > 0; n-- {
			b, a := p.brain.next(now)
			p.nc.Tick(b, a)
		}
		p.publish()
		return
	}
	if p.fc == nil || !p.welcomed.Load() {
		return
	}
	bp := bufPool.Get().(*[]byte)
	defer bufPool.Put(bp)
	if p.steps.Interval == 0 {
		p.steps.Interval = time.Second / inputRate
	}
	for n := p.steps.Steps(now); n > 0; n-- {
		b, a := p.brain.next(now)
		p.seq++
		// Like a game client (docs/protocol.md §4.3): one message per two
		// inputs, carrying both.
		p.in.Steps[p.in.N] = wire.InputStep{Buttons: b, Aim: a}
		if p.in.N++; p.in.N == 2 {
			p.in.Seq = p.seq
			_ = p.fc.Send(wire.AppendInput((*bp)[:0], p.in))
			p.in = wire.Input{}
		}
	}
	if !now.Before(p.nextPing) {
		p.nextPing = now.Add(2 * time.Second)
		_ = p.fc.Send(wire.AppendPing((*bp)[:0], wire.Ping{Time: now.UnixNano()}))
	}
}

// stop closes the connection.
func (p *player) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.nc != nil {
		p.nc.Close()
		p.publish()
		return
	}
	if p.fc != nil {
		_ = p.fc.Close(wire.CloseNormal, "done")
	}
}

// brain plays like a human who moves and shoots: a random direction held for
// about a second, the aim sweeping, fire held part of the time.
type brain struct {
	rng      game.Rand
	move     game.Buttons
	turnAt   time.Time
	aim      game.Angle
	aimSpeed int32
	fire     bool
}

var directions = [...]game.Buttons{0, game.Up, game.Up | game.Right, game.Right, game.Down | game.Right, game.Down, game.Down | game.Left, game.Left, game.Up | game.Left}

// next returns the buttons and aim for one input at now.
func (b *brain) next(now time.Time) (game.Buttons, game.Angle) {
	if !now.Before(b.turnAt) {
		b.move = directions[b.rng.Intn(int32(len(directions)))]
		b.turnAt = now.Add(700*time.Millisecond + time.Duration(b.rng.Intn(600))*time.Millisecond)
		b.aimSpeed = b.rng.Intn(1200) - 600
		b.fire = b.rng.Intn(100) < 40
	}
	b.aim += game.Angle(b.aimSpeed)
	out := b.move
	if b.fire {
		out |= game.Fire
	}
	return out, b.aim
}
