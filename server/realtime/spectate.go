package realtime

import (
	"sync/atomic"
	"time"

	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/wire"
)

// Spectators: connections whose hello asked to watch a room (wire.Hello's
// Spectate). They hold no seat and no ship and send no inputs. The room keeps
// its recent frames (spectate_frames.go) and cuts each spectator's view out of
// the frame SpectateDelay old, so that a spectator never sees the room as it
// is now and cannot relay positions to the players.

// wholeArenaEvery is the number of ticks between two deltas of a spectator
// who watches the whole arena (15 a second at 30 Hz). Measured with
// BenchmarkSpectatorFrames (50 players, 10 bots): the whole arena costs about
// 4.9 KB/s at every tick, 4.6 at every second, 4.2 at every third, against
// 1.2 KB/s following a ship. Bytes hardly depend on the rate, because a
// delta carries what changed and a moving ship changes every tick; what a
// lower rate saves is messages, hence system calls and wake-ups, half of them
// at every second tick. A third would save a third more, but leave 100 ms
// between frames, the client's least interpolation delay: one late frame
// would freeze the picture. docs/performance.md has the figures.
const wholeArenaEvery = 2

// noFollowRequest is the value of client.followReq when no follow message
// waits for the room.
const noFollowRequest = -1

// spectator is a spectating connection as the room sees it. Only the room
// goroutine touches it.
type spectator struct {
	client *client
	follow uint32 // followed ship, 0 for the whole arena

	base, cur    wire.View // last view queued, and scratch for the next
	skippedSince time.Time
	missed       []game.Event // events of frames not yet sent (slow, or between whole-arena deltas)
	events       []game.Event // scratch for the events of one delta
	announce     bool         // a spectating message is due
	// rosterDue and pingDue put the delayed roster and a ping into the
	// spectator's next frame, which may come a tick later than the
	// players' (wholeArenaEvery) or, for a slow spectator, later still.
	rosterDue, pingDue bool
	rosterTick         uint32 // tick of the last roster queued; 0: none
}

// watch asks the room to add c as a spectator following ship follow. It
// blocks the caller (c's read goroutine), never the room.
func (r *room) watch(c *client, follow uint32) joinResult {
	reply := make(chan joinReply, 1)
	select {
	case r.cmds <- command{kind: cmdWatch, c: c, ship: follow, reply: reply}:
	case <-r.done:
		return joinClosed
	}
	select {
	case rep := <-reply:
		return rep.res
	case <-r.done:
		return joinClosed
	}
}

// handleSpectator runs a spectator's command on the room goroutine and
// reports whether cmd was one.
func (r *room) handleSpectator(cmd command) bool {
	switch cmd.kind {
	case cmdWatch:
		cmd.reply <- joinReply{res: r.addSpectator(cmd.c, cmd.ship)}
	case cmdUnwatch:
		r.removeSpectator(cmd.c)
	default:
		return false
	}
	return true
}

// addSpectator adds c as a spectator within MaxSpectatorsPerRoom and sends
// its welcome and spectating messages.
func (r *room) addSpectator(c *client, follow uint32) joinResult {
	o := r.m.opts
	switch {
	case r.m.draining.Load():
		return joinDraining
	case len(r.spectators) >= o.MaxSpectatorsPerRoom:
		return joinFull
	}
	s := &spectator{client: c, follow: r.followable(follow, 0), announce: true}
	r.spectators = append(r.spectators, s)
	if r.frames.frames == nil {
		r.frames = newFrameRing(r.delayTicks(), int(r.every))
		r.pendingRoundEnd = nil // announced before anyone watched
	}
	tick := r.world.Tick - min(r.world.Tick, uint32(r.delayTicks()))
	c.send(wire.AppendWelcome(nil, wire.Welcome{
		ServerTick: tick, Rules: r.world.Rules, RoomID: r.id, RoomName: r.spec.Name,
	}))
	r.announce(s)
	r.publish()
	r.m.log.Info("realtime: spectator joined", "room", r.id, "player", c.playerID, "follow", s.follow,
		"spectators", len(r.spectators))
	return joinOK
}

// removeSpectator forgets c's spectator; the last one to leave frees the
// room's frames.
func (r *room) removeSpectator(c *client) {
	for i, s := range r.spectators {
		if s.client == c {
			r.spectators = append(r.spectators[:i], r.spectators[i+1:]...)
			r.publish()
			break
		}
	}
	if len(r.spectators) == 0 {
		r.frames = frameRing{}
		r.specSnap = wire.Snapshot{}
		r.delayedRoster = rosterCast{}
		r.specRosterDue, r.specPingDue = false, false
	}
}

// delayTicks is SpectateDelay in ticks, rounded up.
func (r *room) delayTicks() int {
	d, dt := r.m.opts.SpectateDelay, r.dt
	return int((d + dt - 1) / dt)
}

// followable returns ship when a spectator may follow it (a ship of the
// room, now or in the frame spectators see), else fallback.
func (r *room) followable(ship, fallback uint32) uint32 {
	if ship == 0 || r.byShip[ship] != nil || r.specSnap.Find(ship) != nil {
		return ship
	}
	return fallback
}

// announce queues s the spectating message that says what it watches.
func (r *room) announce(s *spectator) {
	s.announce = false
	s.client.send(wire.AppendSpectating(nil, wire.Spectating{
		Follow: s.follow, DelayMs: uint32(r.m.opts.SpectateDelay.Milliseconds()),
	}))
}

// fanoutSpectators keeps this tick's frame and sends every spectator its
// tick frame of the frame SpectateDelay old: its delta, then the roster of
// that frame and a ping when they are due and the pong to its last ping,
// through the players' send path (queueFrame). Like the players' fan-out it
// never waits on a socket: a spectator with MaxInFlight messages queued is
// skipped and closed after SlowTimeout.
func (r *room) fanoutSpectators(now time.Time) {
	if len(r.spectators) == 0 {
		r.pendingRoundEnd = nil // nobody to keep it for
		return
	}
	r.frames.push(r.snap, r.events, r.pendingRoundEnd)
	r.pendingRoundEnd = nil
	if now.Sub(r.specSecond) >= time.Second {
		r.specSecond = now
		r.closeIdleSpectators(now)
	}
	r.specRosterDue = r.specRosterDue || r.rosterDue
	r.specPingDue = r.specPingDue || r.pingDue
	f := r.frames.nextFrame(r.snap.Tick)
	if f == nil {
		// The first spectator of the room waits for the delay to pass; or
		// the frame that old is the one last served (the fan-outs it was
		// taken from were spaced unevenly: a room that caught up): the
		// roster and ping due wait for the next delayed frame.
		return
	}
	r.specSnap.Load(f.tick, f.round, f.entities, r.world.Size)
	if r.specRosterDue {
		// The roster of the delayed frame: the live one would tell
		// spectators where every ship is now.
		r.delayedRoster.encode(&r.specSnap, r.world.Size)
	}
	for _, s := range r.spectators {
		s.rosterDue = s.rosterDue || r.specRosterDue
		s.pingDue = s.pingDue || r.specPingDue
		if !s.client.closing.Load() {
			r.sendSpectator(s, f, now)
		}
	}
	r.specRosterDue, r.specPingDue = false, false
}

// sendSpectator sends s what it gets of frame f: the round end announced
// with it, a spectating message when what s watches changed, and its tick
// frame (every wholeArenaEvery frames for the whole arena).
func (r *room) sendSpectator(s *spectator, f *keptFrame, now time.Time) {
	o, c := r.m.opts, s.client
	r.takeFollow(s)
	if f.roundEnd != nil {
		c.send(f.roundEnd)
	}
	if s.announce && int(c.inflight.Load()) < o.MaxInFlight {
		r.announce(s)
	}
	switch {
	case int(c.inflight.Load()) >= o.MaxInFlight:
		r.skipSpectator(s, f.events, now)
	case s.follow == 0 && s.base.Tick != 0 && f.tick-s.base.Tick < wholeArenaEvery:
		s.skippedSince = time.Time{}
		s.missed = keepEvents(s.missed, f.events, o.MissedEvents)
	default:
		s.skippedSince = time.Time{}
		r.sendSpectatorFrame(s, f.events, now)
	}
}

// takeFollow applies the spectator's latest follow message, if any, and
// follows the whole arena once the followed ship has left the room.
func (r *room) takeFollow(s *spectator) {
	if req := s.client.followReq.Swap(noFollowRequest); req != noFollowRequest {
		s.follow = r.followable(uint32(req), s.follow)
		s.announce = true
	}
	if s.follow != 0 && r.followable(s.follow, 0) == 0 {
		s.follow = 0
		s.announce = true
	}
}

// sendSpectatorFrame queues s its tick frame of the delayed frame: its
// delta, then the delayed roster and the ping if due and the pong to its
// last ping. The view sent becomes s's baseline.
func (r *room) sendSpectatorFrame(s *spectator, events []game.Event, now time.Time) {
	c := s.client
	buf := r.encodeSpectatorDelta(s, c.frameBuf(), events)
	if s.rosterDue && r.delayedRoster.tick != 0 {
		buf = append(buf, r.delayedRoster.forClient(s.rosterTick)...)
		s.rosterTick = r.delayedRoster.tick
	}
	buf = appendPingPong(c, buf, s.pingDue, now)
	if r.queueFrame(c, buf, now) {
		s.base, s.cur = s.cur, s.base
		s.rosterDue, s.pingDue = false, false
	}
}

// encodeSpectatorDelta appends to buf the delta that takes s from its
// baseline to its view of the delayed frame (r.specSnap), with the events of
// that frame (events) and those it has not been sent yet near what it
// watches.
func (r *room) encodeSpectatorDelta(s *spectator, buf []byte, events []game.Event) []byte {
	snap := &r.specSnap
	area, cx, cy := r.m.opts.Area, r.world.Size/2, r.world.Size/2
	if s.follow == 0 {
		area = wire.WholeWorld
	}
	snap.ViewInto(&s.cur, s.follow, &s.base, area)
	if e := snap.Find(s.follow); e != nil {
		cx, cy = e.X, e.Y
	}
	s.events = area.EventsNear(s.events[:0], s.missed, cx, cy, s.follow)
	s.events = area.EventsNear(s.events, events, cx, cy, s.follow)
	s.missed = s.missed[:0]
	return r.enc.Append(buf, &s.base, &s.cur, 0, s.events)
}

// skipSpectator is skip for a spectator: it keeps its baseline and (bounded)
// the events it missed, and is closed once behind for SlowTimeout.
func (r *room) skipSpectator(s *spectator, events []game.Event, now time.Time) {
	o := r.m.opts
	o.Observer.DeltaSkipped(r.id)
	if s.skippedSince.IsZero() {
		s.skippedSince = now
	} else if now.Sub(s.skippedSince) >= o.SlowTimeout {
		r.m.limitedLog("too slow", "realtime: closing slow spectator", "room", r.id, "player", s.client.playerID,
			"in_flight", s.client.inflight.Load())
		s.client.closeWith(wire.ClosePolicy, wire.ErrCodeTooSlow, "too slow", "too slow")
		return
	}
	s.missed = keepEvents(s.missed, events, o.MissedEvents)
}

// keepEvents appends events to kept up to limit events in all.
func keepEvents(kept, events []game.Event, limit int) []game.Event {
	room := max(limit-len(kept), 0)
	return append(kept, events[:min(room, len(events))]...)
}

// closeIdleSpectators closes the spectators silent for IdleTimeout.
func (r *room) closeIdleSpectators(now time.Time) {
	o := r.m.opts
	for _, s := range r.spectators {
		c := s.client
		if !c.closing.Load() && now.Sub(time.Unix(0, c.lastRecv.Load())) >= o.IdleTimeout {
			c.closeWith(wire.ClosePolicy, wire.ErrCodeIdle, "no traffic for too long", "idle")
		}
	}
}

// closeSpectators closes every spectator of a room that is ending.
func (r *room) closeSpectators(shutdown bool) {
	for _, s := range r.spectators {
		if shutdown {
			s.client.closeWith(wire.CloseGoingAway, wire.ErrCodeShutdown, "server shutting down", "shutdown")
		} else {
			s.client.closeWith(wire.CloseNormal, wire.ErrCodeNoRoom, "the room closed", "room closed")
		}
	}
}

// spectatorSeats counts the spectators of a Manager against MaxSpectators.
type spectatorSeats struct{ n atomic.Int64 }

// take counts one more spectator unless max are already counted.
func (s *spectatorSeats) take(max int) bool {
	for {
		n := s.n.Load()
		if n >= int64(max) {
			return false
		}
		if s.n.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

func (s *spectatorSeats) release() { s.n.Add(-1) }

// Spectators returns the number of spectators watching a room of the Manager.
func (m *Manager) Spectators() int { return int(m.spectators.n.Load()) }

// spectate is the hello of a spectator: c watches r, which the hello named
// (open says whether anyone may enter, see Admission), following ship
// follow. A spectator takes no seat, so the Admission is not asked; but a
// private room named by its id is refused exactly like a player without a
// reservation.
func (c *client) spectate(r *room, open bool, follow uint32) {
	m := c.m
	switch {
	case !open:
		m.limitedLog("not invited", "realtime: spectator refused: private room by id", "addr", c.addr, "player", c.playerID, "room", r.id)
		c.closeWith(wire.ClosePolicy, wire.ErrCodeNoRoom, "no such room", "no room")
		return
	case m.draining.Load():
		c.closeWith(wire.CloseTryAgainLater, wire.ErrCodeShutdown, "server is draining: try another server", "draining")
		return
	case !m.spectators.take(m.opts.MaxSpectators):
		m.limitedLog("spectators", "realtime: spectator refused: server cap", "addr", c.addr, "max", m.opts.MaxSpectators)
		c.closeWith(wire.CloseTryAgainLater, wire.ErrCodeSpectators, "too many spectators on this server", "spectators full")
		return
	}
	c.room = r
	switch r.watch(c, follow) {
	case joinOK:
		c.spectating.Store(true)
		c.state.Store(stateJoined)
		c.helloTimer.Stop()
		c.secStart = time.Now()
		return
	case joinFull:
		c.closeWith(wire.CloseTryAgainLater, wire.ErrCodeSpectators, "too many spectators in this room", "spectators full")
	case joinDraining:
		c.closeWith(wire.CloseTryAgainLater, wire.ErrCodeShutdown, "server is draining: try another server", "draining")
	default:
		c.closeWith(wire.ClosePolicy, wire.ErrCodeNoRoom, "no such room", "no room")
	}
	c.room = nil
	m.spectators.release()
}

// unwatch tells the room that spectator c's connection ended.
func (c *client) unwatch() {
	select {
	case c.room.cmds <- command{kind: cmdUnwatch, c: c}:
	case <-c.room.done:
	}
	c.m.spectators.release()
}

// spectatorMessage handles a message that only a spectator may send (a
// follow), or that a spectator must not send (an input).
func (c *client) spectatorMessage(msg *wire.ClientMsg) {
	switch {
	case !c.spectating.Load():
		c.closeWith(wire.ClosePolicy, wire.ErrCodeBadMessage, "only spectators follow", "bad message")
	case msg.Type == wire.TypeFollow:
		c.followReq.Store(int64(msg.Follow.Ship))
	default:
		c.m.limitedLog("spectator input", "realtime: input from a spectator", "addr", c.addr, "player", c.playerID)
		c.closeWith(wire.ClosePolicy, wire.ErrCodeBadMessage, "spectators send no inputs", "bad message")
	}
}
