package realtime

import (
	"math"
	"time"

	"github.com/lxzan/gws"
	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/wire"
	"github.com/tickarena/tickarena/server/leaderboard"
)

// fanout captures the world once and queues every connected client one
// frame: its delta, covering the ticks since the last fan-out (one, or
// TickRate/SendRate) with their events, then the roster and a ping when they
// are due and the answer to the client's last ping. It never waits on a
// socket: a client with MaxInFlight frames queued is skipped, keeps its
// baseline and gets the gap in its next delta (and the roster and ping next
// time).
func (r *room) fanout(now time.Time) {
	o := r.m.opts
	r.sentTick = r.world.Tick
	defer func() { r.rosterDue, r.pingDue = false, false }()
	if len(r.order) == 0 && len(r.spectators) == 0 {
		r.events = r.events[:0]
		return // nobody to tell
	}
	r.capture()
	if r.rosterDue && len(r.order) > 0 {
		r.liveRoster.encode(r.snap, r.world.Size)
	}
	r.fanoutSpectators(now) // spectate.go
	for _, p := range r.order {
		c := p.client
		if c == nil || c.closing.Load() {
			continue
		}
		if r.queued(c) >= o.MaxInFlight { // overload.go counts late frames here
			r.skip(p, now)
			continue
		}
		p.skippedSince = time.Time{}
		r.sendFrame(p, c, now)
	}
	r.out.kick()
	r.events = r.events[:0]
}

// capture takes the world's snapshot for this fan-out into r.snap: one
// that no player's baseline refers to any more, linked to the last (see
// wire.Snapshot.Follow), to which most of them do.
func (r *room) capture() {
	prev := r.snap
	r.snaps.sweep(r.order)
	r.snap = r.snaps.get()
	r.snap.Capture(r.world)
	if prev != nil && prev != r.snap {
		r.snap.Follow(prev)
	}
}

// snapshots keeps a room's snapshots while a player's baseline is a view of
// one: a few at a time, the last fan-out's and those of clients skipped
// since, reused once no baseline refers to them.
type snapshots struct {
	held, free []*wire.Snapshot
}

// get returns a snapshot to capture into.
func (ss *snapshots) get() *wire.Snapshot {
	var s *wire.Snapshot
	if n := len(ss.free); n > 0 {
		s = ss.free[n-1]
		ss.free = ss.free[:n-1]
	} else {
		s = new(wire.Snapshot)
	}
	ss.held = append(ss.held, s)
	return s
}

// sweep frees the held snapshots that no player's baseline refers to.
func (ss *snapshots) sweep(players []*player) {
	kept := ss.held[:0]
	for _, s := range ss.held {
		used := false
		for _, p := range players {
			if p.base.Snap == s {
				used = true
				break
			}
		}
		if used {
			kept = append(kept, s)
		} else {
			ss.free = append(ss.free, s)
		}
	}
	clear(ss.held[len(kept):])
	ss.held = kept
}

// sendFrame encodes p's tick frame (its delta against its baseline, then
// the rest, see appendExtras) into a recycled buffer and queues it; the view
// sent becomes the new baseline.
func (r *room) sendFrame(p *player, c *client, now time.Time) {
	buf := r.encodeDelta(p, c.frameBuf())
	if r.rosterDue {
		buf = append(buf, r.liveRoster.forClient(p.rosterTick)...)
		p.rosterTick = r.liveRoster.tick
	}
	buf = appendPingPong(c, buf, r.pingDue, now)
	if r.queueFrame(c, buf, now) {
		r.commit(p)
	}
}

// frameBuf returns a buffer to encode c's next tick frame into: one whose
// frame was written, or, when all are still queued, a new one as large as
// the largest frame's buffer so far, so that encoding does not grow it
// step by step.
func (c *client) frameBuf() []byte {
	o := &c.out
	o.mu.Lock()
	if k := len(o.spare); k > 0 {
		buf := o.spare[k-1]
		o.spare[k-1] = nil
		o.spare = o.spare[:k-1]
		o.mu.Unlock()
		return buf
	}
	o.mu.Unlock()
	if c.frameCap == 0 {
		return nil
	}
	return make([]byte, 0, c.frameCap)
}

// queueFrame queues buf, c's tick frame, for writing, and reports whether
// it did. It is the one path by which a player's or a spectator's frame
// leaves the room goroutine: the room's writer (writer.go) writes it once
// the fan-out is done, never this goroutine.
func (r *room) queueFrame(c *client, buf []byte, now time.Time) bool {
	start, ok := c.push(outMsg{data: buf, op: gws.OpcodeBinary, kind: msgFrame}, outQueued)
	if !ok {
		// The connection failed or is closing: the frame is dropped, and
		// the caller keeps its baseline, which stays correct.
		return false
	}
	if start {
		r.out.add(c)
	}
	c.frameCap = max(c.frameCap, cap(buf))
	if now.Sub(c.writeDeadlineSet) >= time.Second {
		// At most once a second: the deadline only has to catch a peer that
		// stopped reading for WriteTimeout, not time each write.
		c.writeDeadlineSet = now
		_ = c.sock.SetWriteDeadline(now.Add(r.m.opts.WriteTimeout))
	}
	return true
}

// appendPingPong appends to a client's tick frame, after its delta and
// roster, the server's ping when ping is set (every PingInterval) and the
// pong to the client's latest ping, with how long it waited for this frame.
func appendPingPong(c *client, buf []byte, ping bool, now time.Time) []byte {
	if ping {
		buf = wire.AppendPing(buf, wire.Ping{Time: now.UnixMilli(), RTT: c.rtt.Load()})
	}
	if at := c.pingAt.Swap(0); at != 0 {
		held := min(max(time.Now().UnixNano()-at, 0)/int64(time.Microsecond), math.MaxUint32)
		buf = wire.AppendPong(buf, wire.Pong{Time: c.pingTime.Load(), Held: uint32(held)})
	}
	return buf
}

// encodeDelta appends to buf the delta that takes p from its baseline to its
// view of the current snapshot, with the events near it (those it missed first).
func (r *room) encodeDelta(p *player, buf []byte) []byte {
	a := r.m.opts.Area
	r.snap.ViewRefInto(&p.cur, p.ship, &p.base, a)
	cx, cy := r.world.Size/2, r.world.Size/2
	var lastSeq uint32
	if s := r.world.Ship(p.ship); s != nil {
		cx, cy, lastSeq = s.X, s.Y, s.LastSeq
	}
	p.events = a.EventsNear(p.events[:0], p.missed, cx, cy, p.ship)
	p.events = a.EventsNear(p.events, r.events, cx, cy, p.ship)
	p.missed = drained(p.missed)
	return r.enc.AppendRef(buf, &p.base, &p.cur, lastSeq, p.events)
}

// commit makes the view just encoded p's baseline, by swapping, not copying.
func (r *room) commit(p *player) {
	if h := r.m.opts.viewHook; h != nil {
		var v wire.View
		p.cur.CopyTo(&v)
		h(r.id, p.id, &v)
	}
	p.base, p.cur = p.cur, p.base
}

// skip counts a skipped tick for a slow client, keeps (bounded) the events it
// missed, and closes it once it has been behind for SlowTimeout.
func (r *room) skip(p *player, now time.Time) {
	o := r.m.opts
	o.Observer.DeltaSkipped(r.id)
	if p.skippedSince.IsZero() {
		p.skippedSince = now
	} else if now.Sub(p.skippedSince) >= o.SlowTimeout {
		r.m.limitedLog("too slow", "realtime: closing slow client", "room", r.id, "player", p.id,
			"in_flight", p.client.inflight.Load())
		p.client.closeWith(wire.ClosePolicy, wire.ErrCodeTooSlow, "too slow", "too slow")
		return
	}
	room := max(o.MissedEvents-len(p.missed), 0)
	p.missed = append(p.missed, r.events[:min(room, len(r.events))]...)
}

// broadcast queues the same encoded message to every connected client; when
// force is false, clients over their in-flight bound are left out.
func (r *room) broadcast(msg []byte, force bool) {
	for _, p := range r.order {
		c := p.client
		if c == nil || c.closing.Load() || (!force && int(c.inflight.Load()) >= r.m.opts.MaxInFlight) {
			continue
		}
		c.send(msg)
	}
}

// roster has the room's roster sent to every player in the next tick
// frames, after the delta, and to every spectator in its next frame, of the
// delayed snapshot it sees. It is made from the snapshot of that fan-out, so
// that the roster for tick T lists exactly the ships the deltas for tick T
// hold, even when a ship left the world since (a reconnect grace that
// ended, a player who left).
func (r *room) roster() { r.rosterDue = true }

// rosterCast is a roster sent to many clients: the roster of the ships of
// one snapshot at tick (0: none yet), encoded once as its difference from
// the roster of the snapshot before (prev, at tick base) and, only if a
// client needs it (forClient), whole. It reuses its buffers.
type rosterCast struct {
	prev, lines []wire.RosterLine
	base, tick  uint32
	diff, full  []byte
}

// encode makes the roster of snap, in an arena of side size, the one to
// send, and the one sent until now the base of its difference.
func (rc *rosterCast) encode(snap *wire.Snapshot, size int32) {
	if rc.tick != 0 {
		rc.prev, rc.lines, rc.base = rc.lines, rc.prev, rc.tick
	}
	lines := rc.lines[:0]
	for i := range snap.Entities {
		e := &snap.Entities[i]
		if e.Kind != wire.KindShip {
			continue
		}
		lines = append(lines, wire.RosterLine{
			Ship: e.ID, Name: e.Name, Flags: e.Flags, Score: e.Score, Kills: e.Kills, Deaths: e.Deaths,
			MapX: mapCoord(e.X, size), MapY: mapCoord(e.Y, size),
		})
	}
	rc.lines, rc.tick = lines, snap.Tick
	rc.diff = wire.AppendRosterDiff(rc.diff[:0], rc.tick, rc.base, rc.prev, lines)
	rc.full = rc.full[:0]
}

// forClient returns the encoded roster for a client that holds the roster of
// tick held (0: none): the difference when it holds the base, else (a new
// client, or one skipped then) the whole roster.
func (rc *rosterCast) forClient(held uint32) []byte {
	if rc.base != 0 && held == rc.base {
		return rc.diff
	}
	if len(rc.full) == 0 {
		rc.full = wire.AppendRosterDiff(rc.full, rc.tick, 0, nil, rc.lines)
	}
	return rc.full
}

func mapCoord(v, size int32) uint8 {
	return uint8(min(max(int64(v)*256/int64(size), 0), 255))
}

// ping has every client sent a protocol ping, carrying its last measured
// RTT, in its next tick frame.
func (r *room) ping(time.Time) { r.pingDue = true }

// roundEnded tells every client the result and hands the record to OnRoundEnd.
func (r *room) roundEnded(round, endTick uint32, players []game.PlayerResult, now time.Time, early bool) {
	w := r.world
	if !early {
		msg := wire.AppendRoundEnd(nil, wire.RoundEnd{
			Round: round, EndTick: endTick, NextRound: w.PhaseEnd, Players: players,
		})
		r.broadcast(msg, true)
		r.pendingRoundEnd = msg // spectators get it with the frame of this tick
	}
	rec := RoundRecord{RoomID: r.id, RoomName: r.spec.Name, Round: int(round), EndedAt: now, EndedEarly: early, Private: !r.spec.Public,
		Players: make([]leaderboard.PlayerResult, len(players)), Replay: r.finishRecording()}
	for i, pl := range players {
		rec.Players[i] = leaderboard.PlayerResult{PlayerID: r.playerID(pl.Ship), PlayerResult: pl}
	}
	r.m.opts.OnRoundEnd(rec)
	r.m.log.Info("realtime: round ended", "room", r.id, "round", round, "players", len(players), "early", early)
}
