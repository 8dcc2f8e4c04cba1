package realtime

import (
	"errors"
	"fmt"
	"runtime/debug"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/lxzan/gws"
	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/wire"
)

// Connection states.
const (
	stateHello  int32 = iota // waiting for the hello
	stateJoined              // in a room
)

// client is one WebSocket connection. Fields under "read goroutine" belong to
// the connection's gws read loop; the room reads only the atomic ones.
type client struct {
	m      *Manager
	conn   *gws.Conn
	addr   string
	opened time.Time

	state    atomic.Int32
	started  atomic.Bool // OnOpen ran
	closing  atomic.Bool
	reason   atomic.Pointer[string]
	inflight atomic.Int32
	lastRecv atomic.Int64 // unix nanoseconds of the last message or ping
	// readDeadlineSet is when the read deadline was last moved (unix nanoseconds).
	readDeadlineSet atomic.Int64
	// writeDeadlineSet is when the room last moved the write deadline; only the
	// room's goroutine touches it.
	writeDeadlineSet time.Time
	// frameCap is the capacity of the largest tick frame buffer so far; only
	// the room's goroutine touches it.
	frameCap int
	rtt      atomic.Uint32 // milliseconds, 0 when unknown
	// out is the queue of messages to write (writer.go), and the tick frame
	// buffers written and ready for reuse by the fan-out.
	out outbox
	// sock is the socket gws holds, with the connection's write lock; raw
	// is its descriptor for the fast path, nil when there is none.
	sock *sockConn
	raw  syscall.RawConn
	// drainFn and drainLockedFn are the slow path, bound once so that
	// starting it allocates nothing.
	drainFn, drainLockedFn func()

	sentBytes atomic.Int64
	// pingTime and pingAt are the time field of the client's latest ping and
	// when it arrived (unix nanoseconds, 0 when answered): the room answers
	// it in the client's next tick frame.
	pingTime atomic.Int64
	pingAt   atomic.Int64

	helloTimer *time.Timer

	// spectating is set once the connection watches a room (spectate.go);
	// followReq is the ship its last follow message asked for, or
	// noFollowRequest once the room took it.
	spectating atomic.Bool
	followReq  atomic.Int64

	// read goroutine
	room     *room
	slot     *inputSlot
	playerID string
	name     string
	lastSeq  uint32
	joinTick uint32 // room tick when the client took its seat
	tickSeen uint32 // room tick of the inputs counted in inTick
	inTick   int
	secStart time.Time
	inSec    int
	floodRun int
}

func newClient(m *Manager, conn *gws.Conn, addr string) *client {
	c := &client{m: m, conn: conn, addr: addr, opened: time.Now()}
	n := m.opts.MaxInFlight + 1
	c.out.q = make([]outMsg, n+1) // the frames, and a message besides
	c.out.spare = make([][]byte, 0, n)
	c.drainFn, c.drainLockedFn = c.drain, c.drainLocked
	c.lastRecv.Store(c.opened.UnixNano())
	c.followReq.Store(noFollowRequest)
	return c
}

// send queues an encoded message that stays untouched until written.
func (c *client) send(msg []byte) {
	c.m.opts.Observer.MessageSent(len(msg))
	c.queueOff(outMsg{data: msg, op: gws.OpcodeBinary, kind: msgOther})
}

// handler receives gws's events and routes them to the connection's client.
type handler struct{ m *Manager }

func clientOf(socket *gws.Conn) *client {
	v, _ := socket.Session().Load(clientKey)
	c, _ := v.(*client)
	return c
}

// OnOpen starts the hello timer, once: a connection read by a read poller
// had it called when the poller took it, and again by gws's ReadLoop if the
// poller hands it back.
func (h handler) OnOpen(socket *gws.Conn) {
	c := clientOf(socket)
	if !c.started.CompareAndSwap(false, true) {
		return
	}
	c.helloTimer = time.AfterFunc(h.m.opts.HelloTimeout, func() {
		if c.state.Load() == stateHello {
			c.closeWith(wire.ClosePolicy, wire.ErrCodeIdle, "no hello in time", "hello timeout")
		}
	})
	c.touch()
}

// OnPing answers a protocol-level ping with a pong, without blocking the reader.
func (h handler) OnPing(socket *gws.Conn, payload []byte) {
	c := clientOf(socket)
	c.touch()
	if c.state.Load() == stateJoined && c.flooding() {
		return
	}
	c.reply(gws.OpcodePong, payload)
}

// OnPong notes that the peer is alive.
func (h handler) OnPong(socket *gws.Conn, _ []byte) { clientOf(socket).touch() }

// OnClose releases the connection's seat, counts and logs it.
func (h handler) OnClose(socket *gws.Conn, err error) {
	c := clientOf(socket)
	if c.helloTimer != nil {
		c.helloTimer.Stop()
	}
	reason, leave := closeReason(c, err)
	switch {
	case c.spectating.Load():
		c.unwatch()
	case c.room != nil:
		c.room.detach(c, leave)
	}
	h.m.forget(c)
	h.m.opts.Observer.ConnClosed(reason)
	h.m.log.Info("realtime: connection closed", "addr", c.addr, "player", c.playerID,
		"reason", reason, "seconds", time.Since(c.opened).Seconds(), "bytes_sent", c.sentBytes.Load())
}

// closeReason names why a connection ended and whether the player left for
// good. Only a leave message gives the ship up: a client that closes, even
// with 1000 (a reload, a resync, a library's default), keeps it for the
// reconnect grace period like a dropped connection.
func closeReason(c *client, err error) (string, bool) {
	if r := c.reason.Load(); r != nil {
		return *r, *r == "leave"
	}
	var ce *gws.CloseError
	if errors.As(err, &ce) {
		if ce.Code == wire.CloseNormal {
			return "client closed", false
		}
		return "client closed with error", false
	}
	var sc interface{ Uint16() uint16 }
	if errors.As(err, &sc) && sc.Uint16() == wire.CloseTooBig {
		return "too large", false
	}
	return "network", false
}

// touch notes traffic from the peer. The room closes a client silent for
// IdleTimeout with a clear reason; the read deadline, a little later, is the
// backstop for connections no room looks after.
func (c *client) touch() {
	if c.closing.Load() {
		return // the close linger bounds the read deadline now
	}
	now := time.Now().UnixNano()
	c.lastRecv.Store(now)
	// Moving the deadline is a system call's worth of work; inputs arrive 30 times
	// a second, so move it at most once a second (the slack covers the lag).
	if now-c.readDeadlineSet.Load() >= int64(time.Second) {
		c.readDeadlineSet.Store(now)
		_ = c.conn.NetConn().SetReadDeadline(time.Unix(0, now).Add(c.m.opts.IdleTimeout + idleSlack))
	}
}

// idleSlack is how much longer than IdleTimeout the read deadline waits.
const idleSlack = 3 * time.Second

// OnMessage decodes and dispatches one client message on the read goroutine.
func (h handler) OnMessage(socket *gws.Conn, message *gws.Message) {
	defer message.Close()
	h.m.dispatch(clientOf(socket), message.Opcode, message.Bytes())
}

// dispatch decodes and handles one client message of c, of opcode, on c's
// reader: its gws ReadLoop, or its read poller (readpoll_linux.go) once it
// joined a room. data is not kept.
func (m *Manager) dispatch(c *client, opcode gws.Opcode, data []byte) {
	defer func() {
		// A bug must cost one connection, never the process.
		if e := recover(); e != nil {
			m.log.Error("realtime: panic handling a message", "addr", c.addr, "panic", e, "stack", string(debug.Stack()))
			c.closeWith(wire.CloseInternalError, wire.ErrCodeBadMessage, "internal error", "panic")
		}
	}()
	if c.closing.Load() {
		return
	}
	c.touch()
	m.opts.Observer.MessageReceived(len(data))
	if opcode != gws.OpcodeBinary {
		c.closeWith(wire.CloseUnsupported, wire.ErrCodeBadMessage, "text frames are not accepted", "text frame")
		return
	}
	var msg wire.ClientMsg
	if err := wire.DecodeClient(data, &msg); err != nil {
		m.limitedLog("bad message", "realtime: malformed message", "addr", c.addr, "err", err)
		c.closeWith(wire.CloseInvalidData, wire.ErrCodeBadMessage, "malformed message", "bad message")
		return
	}
	joined := c.state.Load() == stateJoined
	if joined && c.flooding() {
		return
	}
	switch {
	case msg.Type == wire.TypeHello && !joined:
		c.hello(msg.Hello)
	case msg.Type == wire.TypeHello:
		c.closeWith(wire.ClosePolicy, wire.ErrCodeBadMessage, "second hello", "bad message")
	case !joined:
		c.closeWith(wire.ClosePolicy, wire.ErrCodeBadMessage, "hello must come first", "bad message")
	case msg.Type == wire.TypeFollow, msg.Type == wire.TypeInput && c.spectating.Load():
		c.spectatorMessage(&msg)
	case msg.Type == wire.TypeInput:
		c.input(&msg.Input)
	case msg.Type == wire.TypePing:
		// Answered in the next tick frame (fanout), with the time it waited.
		c.pingTime.Store(msg.Ping.Time)
		c.pingAt.Store(time.Now().UnixNano())
	case msg.Type == wire.TypePong:
		c.pong(msg.Pong)
	case msg.Type == wire.TypeLeave:
		c.closeWith(wire.CloseNormal, 0, "bye", "leave")
	}
}

// hello verifies the player and asks the room for a seat (see enter); the
// room sends the welcome itself so that it precedes the first delta.
func (c *client) hello(h wire.Hello) {
	m := c.m
	if h.Version != wire.Version {
		c.closeWith(wire.ClosePolicy, wire.ErrCodeVersion, fmt.Sprintf(
			"protocol version %d is not supported (this server speaks %d): reload the page", h.Version, wire.Version), "version")
		return
	}
	playerID, name, err := m.opts.Auth.Verify(h.Token)
	if err != nil || playerID == "" {
		c.closeWith(wire.ClosePolicy, wire.ErrCodeAuth, "invalid session token", "auth")
		return
	}
	r, open := m.lookup(h.Room)
	if r == nil {
		c.closeWith(wire.ClosePolicy, wire.ErrCodeNoRoom, "no such room", "no room")
		return
	}
	c.playerID, c.name = playerID, name
	if h.Spectate {
		c.spectate(r, open, h.Follow)
		return
	}
	c.enter(r, open)
}

// flooding counts one message of a joined client and reports whether the
// client has sent more than FloodRate×TickRate messages a second for
// FloodSeconds seconds in a row, in which case it is being closed.
func (c *client) flooding() bool {
	m := c.m
	if now := time.Now(); now.Sub(c.secStart) >= time.Second {
		if c.inSec > m.opts.FloodRate*m.opts.TickRate {
			c.floodRun++
		} else {
			c.floodRun = 0
		}
		c.secStart, c.inSec = now, 0
		if c.floodRun >= m.opts.FloodSeconds {
			m.limitedLog("flood", "realtime: message flood", "addr", c.addr, "player", c.playerID)
			c.closeWith(wire.ClosePolicy, wire.ErrCodeFlood, "too many messages", "flood")
			return true
		}
	}
	c.inSec++
	return false
}

// reply queues an answer to the peer unless its queue is already full: a
// peer that asks without reading must not grow the server's memory.
func (c *client) reply(opcode gws.Opcode, msg []byte) {
	if int(c.inflight.Load()) >= c.m.opts.MaxInFlight {
		return
	}
	c.m.opts.Observer.MessageSent(len(msg))
	c.queueOff(outMsg{data: msg, op: opcode, kind: msgOther})
}

// input takes the steps of one input message that the server has not
// queued yet and hands them to the room's inbox, in order. A message repeats
// the newest inputs the client has not seen acknowledged, so most of its
// steps are usually known: they are skipped without a word. A message with
// nothing newer than the last step queued is a replay; steps over
// MaxInputsPerTick in one room tick are dropped and may come back in the
// client's next message, which repeats them.
func (c *client) input(in *wire.Input) {
	m := c.m
	if c.fellBehind(in.Ack) {
		return
	}
	if in.Seq <= c.lastSeq {
		m.opts.Observer.InputRejected("replayed")
		m.limitedLog("replayed", "realtime: replayed input", "addr", c.addr, "player", c.playerID, "seq", in.Seq, "last", c.lastSeq)
		return
	}
	if tick := c.room.tick.Load(); tick != c.tickSeen {
		c.tickSeen, c.inTick = tick, 0
	}
	for i := range in.N {
		seq := in.SeqOf(i)
		if seq <= c.lastSeq {
			continue
		}
		if c.inTick >= m.opts.MaxInputsPerTick {
			m.opts.Observer.InputRejected("too many")
			m.limitedLog("too many", "realtime: too many inputs in one tick", "addr", c.addr, "player", c.playerID)
			return
		}
		c.inTick++
		c.lastSeq = seq
		st := in.Steps[i]
		if c.slot.put(game.Input{Seq: seq, Buttons: st.Buttons, Aim: st.Aim}) {
			m.opts.Observer.InputRejected("overflow")
		}
	}
}

// fellBehind reports whether an input acknowledging tick ack shows that the
// client has not received what the room sent it for more than MaxAckLag, and
// if so closes it as too slow. An ack before the client's seat (0 before its
// first delta) counts as the tick it joined at. This catches a client that
// sends but does not read long before the kernel's buffers fill up.
func (c *client) fellBehind(ack uint32) bool {
	m := c.m
	tick := c.room.tick.Load()
	lag := int64(tick) - int64(max(ack, c.joinTick))
	if lag <= int64(m.opts.MaxAckLag)*int64(m.opts.TickRate)/int64(time.Second) {
		return false
	}
	m.limitedLog("too slow", "realtime: closing a client that fell behind", "addr", c.addr, "player", c.playerID,
		"ack", ack, "tick", tick, "behind", time.Duration(lag)*time.Second/time.Duration(m.opts.TickRate))
	c.closeWith(wire.ClosePolicy, wire.ErrCodeTooSlow, "too slow", "too slow")
	return true
}

// pong turns the echo of a server ping into a round-trip time.
func (c *client) pong(p wire.Pong) {
	rtt := time.Since(time.UnixMilli(p.Time))
	if rtt >= 0 && rtt < time.Minute {
		c.rtt.Store(uint32(rtt.Milliseconds()))
	}
}
