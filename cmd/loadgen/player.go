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

// player is one simulated client: a verifying client runs the full netcode
// (nc), a light or floor client speaks the protocol through a lightConn
// (lc). The netcode client is guarded by mu: the connection's read
// goroutine feeds it messages and the shared ticker sends its inputs.
type player struct {
	id    int
	url   string
	token string
	room  string
	mode  clientMode
	sizes *histogram

	mu    sync.Mutex
	nc    *netcode.Client // verifying clients
	lc    *lightConn      // light and floor clients
	brain brain

	// Counters read by the reporter without the lock.
	started   atomic.Bool // its connection was opened
	welcomed  atomic.Bool
	updates   atomic.Uint64 // deltas applied or counted, or floor tick messages: frames
	bytesDown atomic.Uint64
	bytesUp   atomic.Uint64
	rttNanos  atomic.Int64
	dialErrs  atomic.Uint64
	closes    atomic.Uint64
	failure   atomic.Int32 // a failKind: why the client never got in
	lastErr   atomic.Value // string

	// ticks is the ticks the deltas covered: the sum of each delta's
	// advance over the one received before it (k per delta at a send rate
	// of TickRate/k), or one per floor tick message.
	ticks     atomic.Uint64
	lastDelta atomic.Uint32 // tick of the last delta counted in ticks; 0: none yet
	// earlyDeltas and earlyTicks are the first earlyDeltas deltas that
	// moved on, and the ticks they covered: the server's send spacing
	// while this client was new (see earlySpacing).
	earlyDeltas, earlyTicks atomic.Uint32

	// session is the token the API gave the client, kept (under mu) so
	// that asking for a seat again does not take a new session.
	session string
	// firstAsk is when the client first asked to play (its session
	// request, or its first dial without the API), and welcomedAt when it
	// was first welcomed, in Unix nanoseconds; 0 for not yet.
	firstAsk   atomic.Int64
	welcomedAt atomic.Int64

	// With -retry-full (retry not nil): refused is set once the server
	// refused the client, retries counts the times it asked again,
	// retrying is set while a retry loop owns it, and connGen is the
	// generation of its connection, moved on when a retry replaces a
	// refused one (its late events are then ignored).
	retry    *retrier
	refused  atomic.Bool
	retries  atomic.Uint32
	retrying atomic.Bool
	connGen  atomic.Uint32
}

// clientMode is what a player runs.
type clientMode int

const (
	// modeVerify runs the full netcode: mirror, prediction, interpolation.
	modeVerify clientMode = iota
	// modeLight sends the same inputs and counts frames and bytes only.
	modeLight
	// modeFloor talks to the transport floor.
	modeFloor
)

var errNotOpen = errors.New("connection not open")

// wsTransport is a gws client connection as a netcode Transport.
type wsTransport struct {
	gws.BuiltinEventHandler
	p      *player
	gen    uint32 // the player's connection generation at the dial
	in     *netcode.Inbox
	conn   atomic.Pointer[gws.Conn]
	closed atomic.Bool
}

// Send writes msg on the connection at once, as a browser's WebSocket.send
// hands it to the network and as the light clients write their inputs:
// queueing it for a writer goroutine would hold a verifying client's inputs
// back whenever the load generator is short of CPU, and the server would be
// blamed for the corrections that follow.
func (t *wsTransport) Send(msg []byte) error {
	c := t.conn.Load()
	if c == nil || t.closed.Load() {
		return errNotOpen
	}
	t.p.bytesUp.Add(uint64(len(msg)))
	return c.WriteMessage(gws.OpcodeBinary, msg)
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
	c, resp, err := gws.NewClient(t, &gws.ClientOption{Addr: url, ReadMaxPayloadSize: wire.MaxServerMessage, HandshakeTimeout: 10 * time.Second})
	if err != nil {
		t.p.wsFailed(t.gen, err, resp)
		t.in.Closed(wire.CloseAbnormal, err.Error())
		t.p.poke()
		return
	}
	t.conn.Store(c)
	if t.closed.Load() {
		_ = c.WriteClose(wire.CloseNormal, nil)
	}
	c.ReadLoop()
}

// OnOpen reports the open connection.
func (t *wsTransport) OnOpen(c *gws.Conn) {
	t.in.Opened()
	t.p.poke()
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
		t.p.wsClosed(t.gen, code, reason, err)
	}
	t.in.Closed(code, reason)
	t.p.poke()
}

// dial is the netcode Dialer: it returns at once and connects in the
// goroutine that then runs the connection's read loop.
func (p *player) dial(url string, in *netcode.Inbox) (netcode.Transport, error) {
	t := &wsTransport{p: p, in: in, gen: p.connGen.Load()}
	go t.connect(url)
	return t, nil
}

// start opens the player's connection.
func (p *player) start(now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.started.Store(true)
	p.firstAsk.CompareAndSwap(0, now.UnixNano())
	if p.mode != modeVerify {
		p.lc = &lightConn{p: p, floor: p.mode == modeFloor, gen: p.connGen.Load()}
		go p.lc.connect(p.url)
		return
	}
	p.nc.Start(now)
}

// received applies a message to the netcode client at once, so that
// decoding runs in the connection's own goroutine.
func (p *player) received(t *wsTransport, b []byte) {
	now := time.Now()
	p.bytesDown.Add(uint64(len(b)))
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
	p.countTick(p.nc.Mirror().Tick)
	playing := p.nc.State() == netcode.StatePlaying
	p.welcomed.Store(playing)
	if playing && !p.everWelcomed() {
		p.firstWelcome(time.Now())
	}
	p.rttNanos.Store(int64(p.nc.RTT()))
}

// firstWelcome records the client's first welcome, at now.
func (p *player) firstWelcome(now time.Time) { p.welcomedAt.CompareAndSwap(0, now.UnixNano()) }

// everWelcomed reports whether the client was ever welcomed.
func (p *player) everWelcomed() bool { return p.welcomedAt.Load() != 0 }

// tick sends the inputs due at now; a verifying client also draws a frame,
// which counts interpolation underflows.
func (p *player) tick(now time.Time) {
	if p.mode != modeVerify {
		p.mu.Lock()
		lc := p.lc
		p.mu.Unlock()
		if lc != nil {
			lc.sendInputs(now)
		}
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.nc == nil {
		return // no seat yet
	}
	p.nc.Update(now)
	for n := p.nc.InputsDue(now); n > 0; n-- {
		b, a := p.brain.next(now)
		p.nc.Tick(b, a)
	}
	p.nc.Frame(now)
	p.publish()
}

// stats returns the netcode client's counters; ok is false for a client
// without netcode.
func (p *player) stats() (st netcode.Stats, ok bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.nc == nil {
		return st, false
	}
	return p.nc.Stats(), true
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
	if p.lc != nil {
		p.lc.Close()
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

// countTick adds to ticks how far the delta of tick moved on from the one
// counted before it, and makes it the last. The first delta, a full
// snapshot, covers nothing yet; one not past the last (the same mirror
// read again, or a new connection's first) covers nothing. One goroutine at
// a time calls it: a verifying client's under mu, a light one's reader.
func (p *player) countTick(tick uint32) {
	last := p.lastDelta.Load()
	if tick == 0 || tick == last {
		return
	}
	if last != 0 && tick > last {
		p.ticks.Add(uint64(tick - last))
		if p.earlyDeltas.Load() < earlyDeltas {
			p.earlyTicks.Add(tick - last)
			p.earlyDeltas.Add(1)
		}
	}
	p.lastDelta.Store(tick)
}

// earlyDeltas is how many of a client's first deltas tell the server's send
// spacing.
const earlyDeltas = 16
