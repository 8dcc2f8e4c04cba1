package main

// This file holds all the protocol code of the clients that do not run the
// netcode: the light clients of the game server (-verify-fraction) and the
// clients of the transport floor. They speak just enough of the protocol to
// be served like a player: the hello, one input message per two ticks
// carrying both inputs and acknowledging the last delta received, pongs to
// the server's pings and a ping of their own every 2 s. They decode nothing
// else: a delta is counted by its type and its tick read from its header.
// A change of the wire protocol (messages sent, the WebSocket framing of
// what a client that owns its socket reads and writes) is made here.

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lxzan/gws"
	"github.com/tickarena/tickarena/client/netcode"
	"github.com/tickarena/tickarena/game/wire"
	"github.com/tickarena/tickarena/internal/wsframe"
)

// lightPollReads lets the light clients own their sockets, read by read
// pollers, where there are any (lightpoll_linux.go); tests turn it off to
// check that both read paths do the same.
var lightPollReads = true

// lightPingInterval is how often a light or floor client pings.
const lightPingInterval = 2 * time.Second

// lightConn is the connection of a light or floor client. Where there are
// read pollers (lightpoll_linux.go) the client owns its socket once the
// WebSocket handshake is done: its read poller reads it and runs frames,
// and its writes are the client's own (lightSock). Elsewhere gws's read
// loop runs OnMessage and gws writes. The shared ticker runs sendInputs.
// Writes go straight to the socket, serialised, without a goroutine per
// message.
type lightConn struct {
	gws.BuiltinEventHandler
	lightPolled // the owned socket and its read poller (lightpoll_linux.go)
	p           *player
	floor       bool   // the transport floor: every message but welcome and pong is an update
	gen         uint32 // the player's connection generation when it was made

	conn   atomic.Pointer[gws.Conn] // gws's connection, when gws reads and writes it
	opened atomic.Bool              // OnOpen ran: the hello is sent once
	closed atomic.Bool
	// lastTick is the tick of the last delta received: the inputs' ack.
	lastTick atomic.Uint32

	mu       sync.Mutex // guards what follows: the ticker's state
	seq      uint32
	in       wire.Input // inputs made but not sent yet: they go in pairs
	steps    netcode.Stepper
	nextPing time.Time
	buf      []byte
}

// connect dials url and takes the connection's socket from gws, or becomes
// its read loop.
func (t *lightConn) connect(url string) {
	d := &recordingDialer{}
	c, resp, err := gws.NewClient(t, &gws.ClientOption{Addr: url, ReadMaxPayloadSize: wire.MaxServerMessage, HandshakeTimeout: 10 * time.Second,
		NewDialer: func() (gws.Dialer, error) { return d, nil }})
	if err != nil {
		t.p.wsFailed(t.gen, err, resp)
		return
	}
	behind := d.conn.stop() // gws's reader holds these too, for its read loop
	if ownLight(t, c, d.conn.Conn, behind) {
		return // the client and a read poller have the socket from now on
	}
	t.conn.Store(c)
	if t.closed.Load() {
		_ = c.WriteClose(wire.CloseNormal, nil)
	}
	c.ReadLoop()
}

// OnOpen sends the hello, once.
func (t *lightConn) OnOpen(c *gws.Conn) {
	if t.opened.Swap(true) {
		return
	}
	p := t.p
	p.mu.Lock()
	token, room := p.token, p.room
	p.mu.Unlock()
	t.write(wire.AppendHello(nil, wire.Hello{Version: wire.Version, Token: token, Room: room}))
}

// OnPing answers a WebSocket ping with its payload, as RFC 6455 asks (gws's
// built-in handler answers with an empty pong). An owned socket's pings
// are answered the same way by frames.
func (t *lightConn) OnPing(c *gws.Conn, b []byte) { _ = c.WritePong(b) }

// OnMessage counts one server message and answers what needs an answer.
func (t *lightConn) OnMessage(c *gws.Conn, m *gws.Message) {
	t.received(m.Bytes(), time.Now())
	_ = m.Close()
}

// received handles one server frame b: since protocol version 2 a frame
// holds one or more messages back to back (the tick's delta, then its roster,
// ping and pong). Each is told by its type and skipped over undecoded, except
// the small ping and pong.
func (t *lightConn) received(b []byte, now time.Time) {
	p := t.p
	p.bytesDown.Add(uint64(len(b)))
	if t.floor {
		t.receivedFloor(b, now)
		return
	}
	for len(b) > 0 {
		n, ok := skipValue(b)
		if !ok {
			return
		}
		msg := b[:n]
		b = b[n:]
		switch wire.PeekType(msg) {
		case wire.TypeWelcome:
			p.welcomed.Store(true)
			p.firstWelcome(now)
		case wire.TypePong:
			var m wire.ServerMsg
			if wire.DecodeServer(msg, &m) == nil {
				p.rttNanos.Store(now.UnixNano() - m.Pong.Time - int64(m.Pong.Held)*int64(time.Microsecond))
			}
		case wire.TypePing:
			var m wire.ServerMsg
			if wire.DecodeServer(msg, &m) == nil {
				t.write(wire.AppendPong(nil, wire.Pong{Time: m.Ping.Time}))
			}
		case wire.TypeDelta:
			if tick, ok := deltaTick(msg); ok {
				t.lastTick.Store(tick)
				p.countTick(tick)
			}
			p.updates.Add(1)
			p.sizes.add(len(msg))
		}
	}
}

// receivedFloor handles one message of the transport floor: every message
// but the welcome and the pong is its tick message.
func (t *lightConn) receivedFloor(b []byte, now time.Time) {
	p := t.p
	switch wire.PeekType(b) {
	case wire.TypeWelcome:
		p.welcomed.Store(true)
		p.firstWelcome(now)
	case wire.TypePong:
		var m wire.ServerMsg
		if _, err := wire.DecodeServerNext(b, &m); err == nil {
			p.rttNanos.Store(now.UnixNano() - m.Pong.Time)
		}
	default:
		p.updates.Add(1)
		p.ticks.Add(1) // the floor sends one message a tick
		p.sizes.add(len(b))
	}
}

// skipValue returns the length of the MessagePack value at the start of b,
// without decoding it; ok is false when b does not hold a whole one.
func skipValue(b []byte) (n int, ok bool) {
	if len(b) == 0 {
		return 0, false
	}
	c := b[0]
	size := func(w int) (int, bool) { // a length of w bytes after the tag
		if len(b) < 1+w {
			return 0, false
		}
		var l uint64
		for _, x := range b[1 : 1+w] {
			l = l<<8 | uint64(x)
		}
		return int(l), true
	}
	var head, items, raw int // header bytes, values that follow, bytes that follow
	switch {
	case c <= 0x7f, c >= 0xe0, c == 0xc0, c == 0xc2, c == 0xc3:
		return 1, true
	case c&0xf0 == 0x80: // fixmap
		head, items = 1, 2*int(c&0x0f)
	case c&0xf0 == 0x90: // fixarray
		head, items = 1, int(c&0x0f)
	case c&0xe0 == 0xa0: // fixstr
		head, raw = 1, int(c&0x1f)
	case c == 0xcc, c == 0xd0:
		head = 2
	case c == 0xcd, c == 0xd1:
		head = 3
	case c == 0xca, c == 0xce, c == 0xd2:
		head = 5
	case c == 0xcb, c == 0xcf, c == 0xd3:
		head = 9
	case c == 0xd9, c == 0xc4: // str8, bin8
		l, ok := size(1)
		if !ok {
			return 0, false
		}
		head, raw = 2, l
	case c == 0xda, c == 0xc5:
		l, ok := size(2)
		if !ok {
			return 0, false
		}
		head, raw = 3, l
	case c == 0xdb, c == 0xc6:
		l, ok := size(4)
		if !ok {
			return 0, false
		}
		head, raw = 5, l
	case c == 0xdc, c == 0xde: // array16, map16
		l, ok := size(2)
		if !ok {
			return 0, false
		}
		head, items = 3, l
		if c == 0xde {
			items *= 2
		}
	case c == 0xdd, c == 0xdf: // array32, map32
		l, ok := size(4)
		if !ok {
			return 0, false
		}
		head, items = 5, l
		if c == 0xdf {
			items *= 2
		}
	default: // ext types: the game's protocol has none
		return 0, false
	}
	n = head + raw
	if n > len(b) {
		return 0, false
	}
	for ; items > 0; items-- {
		m, ok := skipValue(b[n:])
		if !ok {
			return 0, false
		}
		n += m
	}
	return n, true
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
	if (t.conn.Load() == nil && !t.owned()) || t.closed.Load() || !t.p.welcomed.Load() {
		return
	}
	t.flushOwned()
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.steps.Interval == 0 {
		t.steps.Interval = time.Second / inputRate
	}
	for n := t.steps.Steps(now); n > 0; n-- {
		b, a := t.p.brain.next(now)
		t.seq++
		// Like a game client (docs/protocol.md §4.3): one message per two
		// inputs, carrying both.
		t.in.Steps[t.in.N] = wire.InputStep{Buttons: b, Aim: a}
		if t.in.N++; t.in.N == 2 {
			t.in.Seq, t.in.Ack = t.seq, t.lastTick.Load()
			t.buf = wire.AppendInput(t.buf[:0], t.in)
			t.write(t.buf)
			t.in = wire.Input{}
		}
	}
	if !now.Before(t.nextPing) {
		t.nextPing = now.Add(lightPingInterval)
		t.buf = wire.AppendPing(t.buf[:0], wire.Ping{Time: now.UnixNano()})
		t.write(t.buf)
	}
}

// write sends msg, a binary message, at once and counts its bytes: through
// the client's own socket, or gws's connection. Before either is there it
// sends nothing.
func (t *lightConn) write(msg []byte) {
	t.p.bytesUp.Add(uint64(len(msg)))
	if t.sendOwned(gws.OpcodeBinary, msg) {
		return
	}
	if c := t.conn.Load(); c != nil {
		_ = c.WriteMessage(gws.OpcodeBinary, msg)
	}
}

// Close sends a close frame; an owned socket is closed at once.
func (t *lightConn) Close() {
	t.closed.Store(true)
	if t.closeOwned() {
		return
	}
	if c := t.conn.Load(); c != nil {
		_ = c.WriteClose(wire.CloseNormal, []byte("done"))
	}
}

// frames handles the whole WebSocket frames at the start of b, the bytes a
// read poller read from the client's own socket, as gws's read loop does
// for a light client: a binary frame is received, a ping answered with its
// payload, a close frame answered and reported as the end of the
// connection. It returns how many bytes it used; end is set when the
// connection ended (a close frame, or a frame a server may not send).
func (t *lightConn) frames(b []byte, now time.Time) (used int, end error) {
	for {
		head, size, masked, ok := wsframe.Header(b[used:])
		if !ok {
			return used, nil
		}
		if size > wire.MaxServerMessage || masked {
			t.sendOwned(gws.OpcodeCloseConnection, closePayload(1002, ""))
			return used, fmt.Errorf("server frame of %d bytes or masked", size)
		}
		if len(b)-used < head+size {
			return used, nil
		}
		fin, op := b[used]&0x80 != 0, gws.Opcode(b[used]&0x0f)
		payload := b[used+head : used+head+size]
		used += head + size
		switch {
		case fin && op == gws.OpcodeBinary:
			t.received(payload, now)
		case op == gws.OpcodePing:
			t.sendOwned(gws.OpcodePong, payload)
		case op == gws.OpcodePong:
		case op == gws.OpcodeCloseConnection:
			ce := &gws.CloseError{}
			if len(payload) >= 2 {
				ce.Code, ce.Reason = binary.BigEndian.Uint16(payload), append([]byte(nil), payload[2:]...)
			}
			t.sendOwned(gws.OpcodeCloseConnection, closePayload(wire.CloseNormal, ""))
			return used, ce
		default:
			t.sendOwned(gws.OpcodeCloseConnection, closePayload(1002, ""))
			return used, fmt.Errorf("server frame with opcode %d, fin %v: not from a tickarena server", op, fin)
		}
	}
}

// closePayload is the payload of a close frame: the code, then the reason.
func closePayload(code uint16, reason string) []byte {
	return append(binary.BigEndian.AppendUint16(make([]byte, 0, 2+len(reason)), code), reason...)
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
	t.p.wsClosed(t.gen, code, reason, err)
}
