package main

// This file holds all the protocol code of the clients that do not run the
// netcode: the light clients of the game server (-verify-fraction) and the
// clients of the transport floor. They speak just enough of the protocol to
// be served like a player: the hello, one input a tick acknowledging the
// last delta received, pongs to the server's pings and a ping of their own
// every 2 s. They decode nothing else: a delta is counted by its type and
// its tick read from its header. A change of the wire protocol (messages
// sent, framing of what the server sends) is made here.

import (
	"encoding/binary"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lxzan/gws"
	"github.com/tickarena/tickarena/client/netcode"
	"github.com/tickarena/tickarena/game/wire"
)

// lightPingInterval is how often a light or floor client pings.
const lightPingInterval = 2 * time.Second

// lightConn is the connection of a light or floor client. The connection's
// read goroutine runs OnMessage; the shared ticker runs sendInputs. The
// writes of both go straight to the socket (gws serialises them), without a
// goroutine per message.
type lightConn struct {
	gws.BuiltinEventHandler
	p     *player
	floor bool // the transport floor: every message but welcome and pong is an update

	conn   atomic.Pointer[gws.Conn]
	closed atomic.Bool
	// lastTick is the tick of the last delta received: the inputs' ack.
	lastTick atomic.Uint32

	mu       sync.Mutex // guards what follows: the ticker's state
	seq      uint32
	steps    netcode.Stepper
	nextPing time.Time
	buf      []byte
}

// connect dials url and becomes the connection's read loop.
func (t *lightConn) connect(url string) {
	c, resp, err := gws.NewClient(t, &gws.ClientOption{Addr: url, ReadMaxPayloadSize: wire.MaxServerMessage, HandshakeTimeout: 10 * time.Second})
	if err != nil {
		t.p.wsFailed(err, resp)
		return
	}
	t.conn.Store(c)
	if t.closed.Load() {
		_ = c.WriteClose(wire.CloseNormal, nil)
	}
	c.ReadLoop()
}

// OnOpen sends the hello.
func (t *lightConn) OnOpen(c *gws.Conn) {
	p := t.p
	p.mu.Lock()
	token, room := p.token, p.room
	p.mu.Unlock()
	t.write(c, wire.AppendHello(nil, wire.Hello{Version: wire.Version, Token: token, Room: room}))
}

// OnMessage counts one server message and answers what needs an answer.
func (t *lightConn) OnMessage(c *gws.Conn, m *gws.Message) {
	t.received(c, m.Bytes(), time.Now())
	_ = m.Close()
}

// received handles one server message b.
func (t *lightConn) received(c *gws.Conn, b []byte, now time.Time) {
	p := t.p
	p.bytesDown.Add(uint64(len(b)))
	typ := wire.PeekType(b)
	switch {
	case typ == wire.TypeWelcome:
		p.welcomed.Store(true)
		p.everWelcomed.Store(true)
	case typ == wire.TypePong:
		var m wire.ServerMsg
		if wire.DecodeServer(b, &m) == nil {
			p.rttNanos.Store(now.UnixNano() - m.Pong.Time)
		}
	case typ == wire.TypePing && !t.floor:
		var m wire.ServerMsg
		if wire.DecodeServer(b, &m) == nil {
			t.write(c, wire.AppendPong(nil, wire.Pong{Time: m.Ping.Time}))
		}
	case typ == wire.TypeDelta && !t.floor:
		if tick, ok := deltaTick(b); ok {
			t.lastTick.Store(tick)
		}
		p.updates.Add(1)
		p.sizes.add(len(b))
	case t.floor && typ == 0:
		p.updates.Add(1) // the floor's tick message
		p.sizes.add(len(b))
	}
}

// deltaTick reads the tick of an encoded delta from its header, `[4, tick,
// …]`, without decoding the rest.
func deltaTick(b []byte) (uint32, bool) {
	// fixarray header, then the type as a positive fixint
	if len(b) < 3 || b[0]&0xf0 != 0x90 || b[1] != byte(wire.TypeDelta) {
		return 0, false
	}
	b = b[2:]
	switch {
	case b[0] < 0x80:
		return uint32(b[0]), true
	case b[0] == 0xcc && len(b) >= 2:
		return uint32(b[1]), true
	case b[0] == 0xcd && len(b) >= 3:
		return uint32(binary.BigEndian.Uint16(b[1:])), true
	case b[0] == 0xce && len(b) >= 5:
		return binary.BigEndian.Uint32(b[1:]), true
	}
	return 0, false
}

// sendInputs sends the inputs due at now, each acknowledging the last delta
// received, and a ping when one is due.
func (t *lightConn) sendInputs(now time.Time) {
	c := t.conn.Load()
	if c == nil || t.closed.Load() || !t.p.welcomed.Load() {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.steps.Interval == 0 {
		t.steps.Interval = time.Second / inputRate
	}
	for n := t.steps.Steps(now); n > 0; n-- {
		b, a := t.p.brain.next(now)
		t.seq++
		t.buf = wire.AppendInput(t.buf[:0], wire.Input{Seq: t.seq, Ack: t.lastTick.Load(), Buttons: b, Aim: a})
		t.write(c, t.buf)
	}
	if !now.Before(t.nextPing) {
		t.nextPing = now.Add(lightPingInterval)
		t.buf = wire.AppendPing(t.buf[:0], wire.Ping{Time: now.UnixNano()})
		t.write(c, t.buf)
	}
}

// write sends msg at once and counts its bytes.
func (t *lightConn) write(c *gws.Conn, msg []byte) {
	t.p.bytesUp.Add(uint64(len(msg)))
	_ = c.WriteMessage(gws.OpcodeBinary, msg)
}

// Close sends a close frame.
func (t *lightConn) Close() {
	t.closed.Store(true)
	if c := t.conn.Load(); c != nil {
		_ = c.WriteClose(wire.CloseNormal, []byte("done"))
	}
}

// OnClose reports the end of the connection: a close the client did not
// ask for is a drop, or a refusal when the server said "try again later".
func (t *lightConn) OnClose(c *gws.Conn, err error) {
	t.p.welcomed.Store(false)
	if t.closed.Load() {
		return
	}
	code, reason := wire.CloseAbnormal, ""
	var ce *gws.CloseError
	if errors.As(err, &ce) {
		code, reason = int(ce.Code), string(ce.Reason)
	}
	t.p.wsClosed(code, reason, err)
}
