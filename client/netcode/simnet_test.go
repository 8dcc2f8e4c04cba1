package netcode

import (
	"errors"
	"sort"
	"time"

	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/wire"
)

// This file is a simulated network and a small test double of the real-time
// server: a real game.World stepped at its tick rate, encoded with the real
// wire package, over links with latency and jitter in virtual time. Nothing
// here sleeps; a test advances the virtual clock.

// epoch is the virtual time zero.
var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// delivery is one message (or close) in flight.
type delivery struct {
	at    time.Time
	order int
	run   func()
}

// simNet is the virtual clock and the messages in flight.
type simNet struct {
	now      time.Time
	inflight []delivery
	order    int
	rng      game.Rand
	// Latency is the one-way delay; each message gets ±Jitter more or less,
	// but messages on one link never overtake each other (like TCP).
	Latency, Jitter time.Duration
	// StampArrival makes the client's links report when each message
	// arrived (Inbox.ReceivedAt), as the browser's WebSocket does.
	StampArrival bool
	// Shape, when set, moves the delivery time of each message to the
	// client (after latency and jitter) to the time it returns, never
	// earlier: bursts, stalls.
	Shape func(at time.Time) time.Time
}

func newSimNet(latency, jitter time.Duration, seed uint64) *simNet {
	return &simNet{now: epoch, rng: game.NewRand(seed), Latency: latency, Jitter: jitter}
}

func (n *simNet) delay() time.Duration {
	d := n.Latency
	if n.Jitter > 0 {
		d += time.Duration(int64(n.rng.Uint64()%uint64(2*n.Jitter+1))) - n.Jitter
	}
	return max(d, 0)
}

// schedule runs f at the later of now+delay and *last, which keeps a link in order.
func (n *simNet) schedule(last *time.Time, f func()) { n.scheduleShaped(last, nil, f) }

// scheduleShaped is schedule with the delivery time passed through shape.
func (n *simNet) scheduleShaped(last *time.Time, shape func(time.Time) time.Time, f func()) {
	at := n.now.Add(n.delay())
	if shape != nil {
		if s := shape(at); s.After(at) {
			at = s
		}
	}
	if at.Before(*last) {
		at = *last
	}
	*last = at
	n.order++
	n.inflight = append(n.inflight, delivery{at: at, order: n.order, run: f})
}

// advance moves the clock to t, running every delivery due by then in order.
func (n *simNet) advance(t time.Time) {
	for {
		sort.Slice(n.inflight, func(i, j int) bool {
			a, b := n.inflight[i], n.inflight[j]
			if !a.at.Equal(b.at) {
				return a.at.Before(b.at)
			}
			return a.order < b.order
		})
		if len(n.inflight) == 0 || n.inflight[0].at.After(t) {
			break
		}
		d := n.inflight[0]
		n.inflight = n.inflight[1:]
		if d.at.After(n.now) {
			n.now = d.at
		}
		d.run()
	}
	n.now = t
}

var errClosed = errors.New("link closed")

// simConn is one connection: the client's Transport and the server's side.
type simConn struct {
	net      *simNet
	srv      *testServer
	in       *Inbox
	closed   bool
	upLast   time.Time // last delivery time to the server
	downLast time.Time // last delivery time to the client

	// server side state
	ship     uint32
	token    string
	welcomed bool
	base     wire.View
	cur      wire.View
	pongs    int
	lastSeq  uint32 // the last input taken from this connection
	// With the server's sendEvery set: the events since the last frame
	// sent, and the client's latest ping waiting for the next frame (its
	// time, and when it came; pingAt zero when none waits).
	missed   []game.Event
	pingTime int64
	pingAt   time.Time
}

// Send delivers msg to the server after the link's delay.
func (sc *simConn) Send(msg []byte) error {
	if sc.closed {
		return errClosed
	}
	b := append([]byte(nil), msg...)
	sc.net.schedule(&sc.upLast, func() {
		if !sc.closed {
			sc.srv.receive(sc, b)
		}
	})
	return nil
}

// Close closes the connection from the client's side.
func (sc *simConn) Close(code int, reason string) error {
	if sc.closed {
		return nil
	}
	sc.net.schedule(&sc.upLast, func() { sc.srv.disconnect(sc) })
	sc.closed = true
	return nil
}

// toClient sends a server message down the link.
func (sc *simConn) toClient(msg []byte) {
	b := append([]byte(nil), msg...)
	in := sc.in
	n := sc.net
	n.scheduleShaped(&sc.downLast, n.Shape, func() {
		if n.StampArrival {
			in.ReceivedAt(b, n.now)
			return
		}
		in.Received(b)
	})
}

// drop cuts the connection abruptly, as a dropped Wi-Fi does: both ends see it.
func (sc *simConn) drop() {
	if sc.closed {
		return
	}
	sc.closed = true
	sc.srv.disconnect(sc)
	in := sc.in
	sc.net.schedule(&sc.downLast, func() { in.Closed(wire.CloseAbnormal, "") })
}

// closeWith sends an error and closes from the server's side.
func (sc *simConn) closeWith(code int, e wire.Error) {
	if sc.closed {
		return
	}
	sc.toClient(wire.AppendError(nil, e))
	sc.closed = true
	sc.srv.disconnect(sc)
	in := sc.in
	sc.net.schedule(&sc.downLast, func() { in.Closed(code, e.Reason) })
}

// testServer is the test double of the real-time server.
type testServer struct {
	net      *simNet
	world    *game.World
	snap     wire.Snapshot
	enc      wire.DeltaEncoder
	conns    []*simConn
	byToken  map[string]uint32
	queues   map[uint32][]game.Input // per ship, applied one per tick in order
	area     wire.Area
	events   []game.Event
	buf      []byte
	nextTick time.Time
	interval time.Duration
	nextPing time.Time
	// applied records the ship's motion right after the tick that applied each input.
	applied map[uint32]map[uint32]game.Motion
	// positions records every ship's position at every tick.
	positions map[uint32]map[uint32][2]int32
	// script steers server-side ships that have no client.
	script map[uint32]func(tick uint32) game.Input
	// corruptAt makes the delta of that tick name a wrong base.
	corruptAt uint32
	// rejectToken closes connections with this token with an auth error.
	rejectToken string
	refusals    int
	// latestWins applies only the newest queued input each tick and drops the
	// others, instead of one per tick in order.
	latestWins bool
	// inputMessages counts the input messages received.
	inputMessages int
	// loseInputsEvery, when set, loses every so many input messages, as an
	// unreliable link or a server that had to drop them would.
	loseInputsEvery int
	// sendEvery, when set, sends each client a frame only every so many
	// ticks, its delta spanning them all with their events (the real
	// server's send rate below its tick rate), and answers a ping in the
	// next frame with how long the pong was held, as the real server
	// does. Zero sends every tick and answers pings at once.
	sendEvery uint32
	// skipFrom and skipTo, with sendEvery, send no frame in the ticks from
	// skipFrom to skipTo, as the real server skips a client whose socket
	// fell behind: the next delta spans the gap.
	skipFrom, skipTo uint32
	// onEvent, when set, sees every event of every tick.
	onEvent func(ev game.Event, tick uint32)
}

func newTestServer(n *simNet, rules game.Rules) *testServer {
	w := game.NewWorld(rules)
	s := &testServer{
		net: n, world: w, byToken: map[string]uint32{}, queues: map[uint32][]game.Input{},
		area: wire.DefaultArea, applied: map[uint32]map[uint32]game.Motion{},
		positions: map[uint32]map[uint32][2]int32{}, script: map[uint32]func(uint32) game.Input{},
	}
	s.interval = time.Second / time.Duration(w.TickRate)
	s.nextTick = n.now.Add(s.interval)
	s.nextPing = n.now.Add(2 * time.Second)
	return s
}

// dial is the Dialer of clients of this server.
func (s *testServer) dial(url string, in *Inbox) (Transport, error) {
	sc := &simConn{net: s.net, srv: s, in: in}
	s.conns = append(s.conns, sc)
	s.net.schedule(&sc.downLast, in.Opened)
	return sc, nil
}

func (s *testServer) receive(sc *simConn, b []byte) {
	var m wire.ClientMsg
	if err := wire.DecodeClient(b, &m); err != nil {
		sc.closeWith(1007, wire.Error{Code: wire.ErrCodeBadMessage, Reason: err.Error()})
		return
	}
	switch m.Type {
	case wire.TypeHello:
		s.hello(sc, m.Hello)
	case wire.TypeInput:
		if !sc.welcomed {
			break
		}
		// Like the real server: each input once, in order; repeats skipped.
		s.inputMessages++
		if s.loseInputsEvery > 0 && s.inputMessages%s.loseInputsEvery == 0 {
			break // lost
		}
		for i, st := range m.Input.Steps[:m.Input.N] {
			if seq := m.Input.SeqOf(i); seq > sc.lastSeq {
				sc.lastSeq = seq
				s.queues[sc.ship] = append(s.queues[sc.ship], game.Input{Ship: sc.ship, Seq: seq, Buttons: st.Buttons, Aim: st.Aim})
			}
		}
	case wire.TypePing:
		if s.sendEvery > 0 {
			sc.pingTime, sc.pingAt = m.Ping.Time, s.net.now
			break
		}
		sc.toClient(wire.AppendPong(nil, wire.Pong{Time: m.Ping.Time}))
	case wire.TypePong:
		sc.pongs++
	case wire.TypeLeave:
		delete(s.byToken, sc.token)
		_ = s.world.RemoveShip(sc.ship)
		sc.closed = true
		s.disconnect(sc)
	}
}

func (s *testServer) hello(sc *simConn, h wire.Hello) {
	if h.Version != wire.Version {
		sc.closeWith(wire.ClosePolicy, wire.Error{Code: wire.ErrCodeVersion, Reason: "protocol version mismatch"})
		return
	}
	if h.Token == s.rejectToken {
		s.refusals++
		sc.closeWith(wire.ClosePolicy, wire.Error{Code: wire.ErrCodeAuth, Reason: "invalid session token"})
		return
	}
	id, ok := s.byToken[h.Token]
	if ok && s.world.Ship(id) != nil {
		_ = s.world.SetIdle(id, false)
	} else {
		id = s.world.AddShip(h.Token, false)
		s.byToken[h.Token] = id
	}
	sc.ship, sc.token, sc.welcomed = id, h.Token, true
	sc.base, sc.cur = wire.View{}, wire.View{}
	r := s.world.Rules
	sc.toClient(wire.AppendWelcome(nil, wire.Welcome{Ship: id, ServerTick: s.world.Tick, Rules: r, RoomID: "r1", RoomName: "test"}))
}

func (s *testServer) disconnect(sc *simConn) {
	for i, c := range s.conns {
		if c == sc {
			s.conns = append(s.conns[:i], s.conns[i+1:]...)
			break
		}
	}
	if sc.welcomed && s.world.Ship(sc.ship) != nil {
		_ = s.world.SetIdle(sc.ship, true)
		s.queues[sc.ship] = nil
	}
}

// run advances the server to the network's clock, stepping due ticks.
func (s *testServer) run() {
	for !s.net.now.Before(s.nextTick) {
		s.tick()
		s.nextTick = s.nextTick.Add(s.interval)
	}
	if !s.net.now.Before(s.nextPing) {
		s.nextPing = s.nextPing.Add(2 * time.Second)
		for _, sc := range s.conns {
			if sc.welcomed {
				sc.toClient(wire.AppendPing(nil, wire.Ping{Time: s.net.now.UnixNano(), RTT: 100}))
			}
		}
	}
}

func (s *testServer) tick() {
	w := s.world
	var inputs []game.Input
	for _, sc := range s.conns {
		q := s.queues[sc.ship]
		switch {
		case !sc.welcomed || len(q) == 0:
		case s.latestWins:
			inputs = append(inputs, q[len(q)-1])
			s.queues[sc.ship] = q[:0]
		default:
			inputs = append(inputs, q[0])
			s.queues[sc.ship] = q[1:]
		}
	}
	for id, f := range s.script {
		if w.Ship(id) != nil {
			inputs = append(inputs, f(w.Tick+1))
		}
	}
	game.Step(w, inputs)
	for _, in := range inputs {
		if sh := w.Ship(in.Ship); sh != nil && sh.LastSeq == in.Seq {
			if s.applied[in.Ship] == nil {
				s.applied[in.Ship] = map[uint32]game.Motion{}
			}
			s.applied[in.Ship][in.Seq] = sh.Motion
		}
	}
	for i := range w.Ships {
		sh := &w.Ships[i]
		if s.positions[sh.ID] == nil {
			s.positions[sh.ID] = map[uint32][2]int32{}
		}
		s.positions[sh.ID][w.Tick] = [2]int32{sh.X, sh.Y}
	}
	s.events = s.events[:0]
	for _, ev := range w.Events {
		if s.onEvent != nil {
			s.onEvent(ev, w.Tick)
		}
		s.events = append(s.events, wire.WireEvent(ev))
	}
	s.snap.Capture(w)
	for _, sc := range s.conns {
		if !sc.welcomed || sc.closed {
			continue
		}
		events := s.events
		if s.sendEvery > 0 {
			sc.missed = append(sc.missed, s.events...)
			skipped := w.Tick >= s.skipFrom && w.Tick < s.skipTo
			if sc.base.Tick != 0 && (w.Tick-sc.base.Tick < s.sendEvery || skipped) {
				continue
			}
			events = sc.missed
		}
		s.snap.ViewInto(&sc.cur, sc.ship, &sc.base, s.area)
		var lastSeq uint32
		if sh := w.Ship(sc.ship); sh != nil {
			lastSeq = sh.LastSeq
		}
		s.buf = s.enc.Append(s.buf[:0], &sc.base, &sc.cur, lastSeq, events)
		sc.missed = sc.missed[:0]
		if !sc.pingAt.IsZero() {
			held := s.net.now.Sub(sc.pingAt) / time.Microsecond
			s.buf = wire.AppendPong(s.buf, wire.Pong{Time: sc.pingTime, Held: uint32(held)})
			sc.pingAt = time.Time{}
		}
		if w.Tick == s.corruptAt && sc.base.Tick != 0 {
			// A delta naming a base the client does not have.
			bad := sc.base
			bad.Tick -= 3
			s.buf = s.enc.Append(s.buf[:0], &bad, &sc.cur, lastSeq, s.events)
		}
		sc.toClient(s.buf)
		sc.base, sc.cur = sc.cur, sc.base
	}
}
