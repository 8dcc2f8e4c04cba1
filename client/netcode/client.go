package netcode

import (
	"errors"
	"fmt"
	"time"

	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/wire"
)

// ErrNoDialer is the reason a client closes at once when Options.Dial is nil.
var ErrNoDialer = errors.New("netcode: no dialer")

// Client is one player's connection to a room and everything the game knows
// from it. Make it with New; it belongs to one goroutine (see the package doc).
type Client struct {
	opt Options

	state    State
	reason   string
	q        queue
	gen      uint32
	tr       Transport
	attempts int       // reconnect attempts since the last welcome
	deadline time.Time // when the current connecting/reconnecting step times out or fires
	lastMsg  time.Time
	rng      game.Rand

	welcome    wire.Welcome
	hasWelcome bool
	tuning     game.Tuning
	interval   time.Duration
	lastError  wire.Error

	msg      wire.ServerMsg
	mirror   wire.View
	mirrorOK bool
	out      []byte

	pred   prediction
	inputs Stepper

	clock   clock
	history history
	frame   Frame

	bullets  []bullet
	hits     []hitPlace // the hits of the delta being applied (delta.go)
	effects  []Effect
	fxTick   float64 // render tick of the last frame: effects up to it are due
	killFeed []KillLine
	roster   []wire.RosterLine // by score, for the scoreboard
	// rosterView is the roster by ship id, to which differences apply.
	rosterView wire.RosterView
	roundEnd   wire.RoundEnd
	hasEnd     bool

	rtt       time.Duration
	rtts      rttSamples
	arrived   time.Time // when the message being handled arrived, if known
	serverRTT time.Duration
	nextPing  time.Time

	stats Stats

	spec spectating // spectate.go
}

// New returns a client for the options, not yet connected: call Start.
func New(o Options) *Client {
	o = o.withDefaults()
	c := &Client{opt: o, rng: game.NewRand(o.Seed)}
	c.spec.follow = o.Follow
	c.history.init(o.History)
	return c
}

// Start opens the first connection (or a new one after the client closed,
// e.g. from a "try again" button).
func (c *Client) Start(now time.Time) {
	if c.state != StateIdle && c.state != StateClosed {
		return
	}
	c.attempts = 0
	c.reason = ""
	c.dial(now)
}

// State returns the connection state.
func (c *Client) State() State { return c.state }

// Reason returns why the client is reconnecting or closed: the last error the
// server sent, or the close reason. It is empty while all is well.
func (c *Client) Reason() string { return c.reason }

// Welcome returns the welcome of the current connection, and false before one.
func (c *Client) Welcome() (wire.Welcome, bool) { return c.welcome, c.hasWelcome }

// Ship returns the id of the own ship, 0 before the welcome.
func (c *Client) Ship() uint32 { return c.welcome.Ship }

// Tuning returns the rules of the room, valid after the welcome.
func (c *Client) Tuning() game.Tuning { return c.tuning }

// TickInterval returns the server's tick interval, 0 before the welcome.
func (c *Client) TickInterval() time.Duration { return c.interval }

// Mirror returns the client's copy of the server's view at its latest tick.
// The caller must not change it; it is valid until the next Update.
func (c *Client) Mirror() *wire.View { return &c.mirror }

// Stats returns the client's counters.
func (c *Client) Stats() Stats { return c.stats }

// RTT returns the latest round-trip time measured by the client's own pings,
// or else the one the server reported; 0 when unknown.
func (c *Client) RTT() time.Duration {
	if c.rtt > 0 {
		return c.rtt
	}
	return c.serverRTT
}

// RTTMean returns the mean of the latest round-trip times the client
// measured (up to 16), or RTT when it measured none.
func (c *Client) RTTMean() time.Duration {
	if m := c.rtts.mean(); m > 0 {
		return m
	}
	return c.RTT()
}

// RTTMin returns the lowest of the latest round-trip times the client
// measured (up to 16), or RTT when it measured none. On a page that draws
// few frames a second a message waits for the frame to end before the game
// sees it; the lowest sample is the one that waited least.
func (c *Client) RTTMin() time.Duration {
	if m := c.rtts.min(); m > 0 {
		return m
	}
	return c.RTT()
}

// RTTJitter returns the mean change between consecutive round-trip times
// the client measured; 0 with fewer than two.
func (c *Client) RTTJitter() time.Duration { return c.rtts.jitter() }

// Update processes what the transport queued since the last call, answers
// pings, sends the client's own pings and runs the reconnect timers. Call it
// once per frame, before Tick and Frame.
func (c *Client) Update(now time.Time) {
	events, buf, overflow := c.q.drain()
	if overflow && c.tr != nil {
		// Messages were dropped: the mirror cannot follow the deltas that remain.
		c.resync(now, "too many messages waiting: the game loop stalled")
	}
	for i := range events {
		ev := &events[i]
		if ev.gen != c.gen || c.tr == nil {
			continue // from an old connection
		}
		switch ev.kind {
		case evOpened:
			c.opened(now)
		case evMessage:
			c.arrived = ev.at
			c.handle(now, buf[ev.off:ev.off+ev.n])
		case evClosed:
			c.dropped(now, ev.code, ev.reason)
		}
	}
	c.timers(now)
}

// Leave tells the server the player quits (giving up the ship) and closes.
func (c *Client) Leave() {
	if c.tr != nil && c.state == StatePlaying {
		c.send(wire.AppendLeave(c.out[:0]))
	}
	c.finish(wire.CloseNormal, "left the game")
}

// Close closes the connection without giving up the ship: the server keeps it
// for its grace period.
func (c *Client) Close() { c.finish(wire.CloseNormal, "closed") }

func (c *Client) finish(code int, reason string) {
	if c.tr != nil {
		_ = c.tr.Close(code, reason)
		c.tr = nil
	}
	c.gen++
	if c.state != StateClosed {
		c.state = StateClosed
		if c.reason == "" {
			c.reason = reason
		}
	}
}

func (c *Client) dial(now time.Time) {
	c.gen++
	if c.opt.Dial == nil {
		c.state, c.reason = StateClosed, ErrNoDialer.Error()
		return
	}
	c.state = StateConnecting
	c.deadline = now.Add(c.opt.HandshakeTimeout)
	in := &Inbox{q: &c.q, gen: c.gen}
	tr, err := c.opt.Dial(c.opt.URL, in)
	if err != nil {
		c.tr = nil
		c.opt.Logger.Debug("dial failed", "url", c.opt.URL, "err", err)
		c.retry(now, fmt.Sprintf("connect: %v", err))
		return
	}
	c.tr = tr
}

func (c *Client) opened(now time.Time) {
	if c.state != StateConnecting {
		return
	}
	c.lastError = wire.Error{}
	c.send(wire.AppendHello(c.out[:0], c.hello()))
	c.state = StateHelloSent
	c.lastMsg = now
}

// dropped handles the end of the connection: reconnect when the cause may
// pass, close for good when retrying cannot help.
func (c *Client) dropped(now time.Time, code int, reason string) {
	c.tr = nil
	c.gen++
	if c.state == StateClosed {
		return
	}
	why := closeReason(code, reason, c.lastError)
	if !retryable(code, c.lastError.Code) && !c.spectatorRetries(c.lastError.Code) && !c.helloWasLate(c.lastError.Code) {
		c.opt.Logger.Info("connection closed", "code", code, "reason", why)
		c.state, c.reason = StateClosed, why
		return
	}
	c.opt.Logger.Debug("connection dropped", "code", code, "reason", why)
	c.retry(now, why)
}

// retry schedules the next connection attempt with exponential backoff and
// jitter, or gives up after MaxAttempts.
func (c *Client) retry(now time.Time, why string) {
	if c.tr != nil {
		_ = c.tr.Close(wire.CloseNormal, "reconnecting")
		c.tr = nil
	}
	c.gen++
	c.reason = why
	if c.opt.MaxAttempts > 0 && c.attempts >= c.opt.MaxAttempts {
		c.state = StateClosed
		c.reason = fmt.Sprintf("%s (gave up after %d attempts)", why, c.attempts)
		return
	}
	c.state = StateReconnecting
	c.deadline = now.Add(c.backoff())
	c.attempts++
}

func (c *Client) backoff() time.Duration {
	d := c.opt.BackoffMin
	for i := 0; i < c.attempts && d < c.opt.BackoffMax; i++ {
		d *= 2
	}
	d = min(d, c.opt.BackoffMax)
	// ±25% jitter so that many clients dropped together do not return together.
	j := int64(d) / 2
	if j > 0 {
		d += time.Duration(int64(c.rng.Uint64()%uint64(j)) - j/2)
	}
	return d
}

// resync drops the connection at once to get a full snapshot on a new one.
func (c *Client) resync(now time.Time, why string) {
	c.opt.Logger.Warn("resync", "reason", why)
	c.stats.Resyncs++
	if c.tr != nil {
		_ = c.tr.Close(wire.CloseNormal, "resync")
		c.tr = nil
	}
	c.reason = why
	c.state = StateReconnecting
	c.deadline = now
	c.gen++
}

func (c *Client) timers(now time.Time) {
	switch c.state {
	case StateReconnecting:
		if !now.Before(c.deadline) {
			c.stats.Reconnects++
			c.dial(now)
		}
	case StateConnecting, StateHelloSent:
		if !now.Before(c.deadline) {
			c.retry(now, "timed out connecting")
		}
	case StatePlaying:
		if now.Sub(c.lastMsg) > c.opt.SilenceTimeout {
			c.retry(now, "server stopped answering")
			return
		}
		if !now.Before(c.nextPing) {
			c.nextPing = now.Add(c.opt.PingInterval)
			c.send(wire.AppendPing(c.out[:0], wire.Ping{Time: now.UnixNano(), RTT: uint32(c.RTT() / time.Millisecond)}))
		}
	}
}

func (c *Client) send(msg []byte) {
	c.out = msg[:0]
	if c.tr == nil {
		return
	}
	if err := c.tr.Send(msg); err != nil {
		c.opt.Logger.Debug("send failed", "err", err)
		return
	}
	c.stats.BytesOut += uint64(len(msg))
}

// handle decodes and applies one server frame, message by message: a tick
// frame holds the delta and what else the tick brings (docs/protocol.md §1).
func (c *Client) handle(now time.Time, frame []byte) {
	c.stats.FramesIn++
	c.stats.BytesIn += uint64(len(frame))
	c.lastMsg = now
	gen := c.gen
	for len(frame) > 0 && c.gen == gen {
		rest, err := wire.DecodeServerNext(frame, &c.msg)
		if err != nil {
			c.stats.DecodeErrors++
			c.resync(now, fmt.Sprintf("bad message from server: %v", err))
			return
		}
		c.stats.MessagesIn++
		c.handleMessage(now)
		frame = rest
	}
}

// handleMessage applies the message just decoded into c.msg.
func (c *Client) handleMessage(now time.Time) {
	m := &c.msg
	switch m.Type {
	case wire.TypeWelcome:
		c.welcomed(now, m.Welcome)
	case wire.TypeDelta:
		if c.state != StatePlaying {
			c.resync(now, "delta before welcome")
			return
		}
		c.applyDelta(now, &m.Delta)
	case wire.TypePing:
		c.serverRTT = time.Duration(m.Ping.RTT) * time.Millisecond
		c.send(wire.AppendPong(c.out[:0], wire.Pong{Time: m.Ping.Time}))
	case wire.TypePong:
		at := now
		if !c.arrived.IsZero() && c.arrived.Before(now) {
			at = c.arrived
		}
		// The server held the pong for its next tick frame: not network time.
		held := time.Duration(m.Pong.Held) * time.Microsecond
		if sent := time.Unix(0, m.Pong.Time); !sent.After(at) {
			c.rtt = max(at.Sub(sent)-held, 0)
			c.rtts.add(c.rtt)
		}
	case wire.TypeRoster:
		c.setRoster(now, &m.Roster)
	case wire.TypeRoundEnd:
		c.setRoundEnd(&m.RoundEnd)
	case wire.TypeError:
		c.lastError = m.Error
		c.reason = m.Error.Reason
	case wire.TypeSpectating:
		c.setSpectating(m.Spectating)
	}
}

func (c *Client) welcomed(now time.Time, w wire.Welcome) {
	if c.state != StateHelloSent {
		c.resync(now, "unexpected welcome")
		return
	}
	c.stats.Welcomes++
	c.welcome, c.hasWelcome = w, true
	w.Rules.Seed = 0
	c.tuning = game.Tune(w.Rules)
	c.interval = time.Second / time.Duration(c.tuning.TickRate)
	c.inputs = Stepper{Interval: c.interval}
	c.state = StatePlaying
	c.reason = ""
	c.attempts = 0
	c.nextPing = now.Add(c.opt.PingInterval / 2)
	c.mirror = wire.View{Entities: c.mirror.Entities[:0]}
	c.mirrorOK = false
	c.pred.reset()
	c.clock.reset()
	c.history.reset()
	c.bullets = c.bullets[:0]
}

// InputsDue returns how many inputs are due at now: call Tick that many times.
// It keeps the input rate equal to the server's tick rate whatever the frame
// rate, and is 0 unless the client is playing.
func (c *Client) InputsDue(now time.Time) int {
	if c.state != StatePlaying || c.opt.Spectate {
		return 0 // a spectator sends no inputs
	}
	return c.inputs.Steps(now)
}

// closeReason words the end of a connection for the player.
func closeReason(code int, reason string, last wire.Error) string {
	if last.Reason != "" {
		return last.Reason
	}
	if reason != "" {
		return reason
	}
	switch code {
	case wire.CloseNormal:
		return "the server ended the connection"
	case wire.CloseGoingAway:
		return "the server is shutting down"
	case wire.ClosePolicy:
		return "refused by the server"
	case wire.CloseTryAgainLater:
		return "the room is full"
	case wire.CloseAbnormal, 0:
		return "connection lost"
	}
	return fmt.Sprintf("connection closed (code %d)", code)
}

// helloWasLate reports whether the server closed the connection as idle
// before it welcomed the client: its hello came too late ("no hello in
// time"), which happens when a page is starved of CPU while it opens the
// socket. Nothing is lost by trying again, while closing for good would
// leave the player at "Disconnected" before ever playing.
func (c *Client) helloWasLate(errCode wire.ErrorCode) bool {
	return errCode == wire.ErrCodeIdle && (c.state == StateConnecting || c.state == StateHelloSent)
}

// retryable reports whether a connection that ended with code, after the
// server's error errCode (0 for none), is worth reconnecting.
func retryable(code int, errCode wire.ErrorCode) bool {
	switch errCode {
	case wire.ErrCodeTooSlow, wire.ErrCodeShutdown:
		return true
	case 0:
	default:
		return false
	}
	switch code {
	case wire.CloseNormal, wire.ClosePolicy, wire.CloseTryAgainLater, wire.CloseProtocolError,
		wire.CloseUnsupported, wire.CloseInvalidData, wire.CloseTooBig:
		return false
	}
	return true
}
