package realtime

import (
	"time"

	"github.com/lxzan/gws"
	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/wire"
)

// fanout captures the world once and queues every connected client its delta.
// It never waits on a socket: a client with MaxInFlight messages queued is
// skipped, keeps its baseline and gets the gap in its next delta.
func (r *room) fanout(now time.Time) {
	o := r.m.opts
	if len(r.order) == 0 && len(r.spectators) == 0 {
		r.events = r.events[:0]
		return // nobody to tell
	}
	r.snap.Capture(r.world)
	r.fanoutSpectators(now) // spectate.go
	for _, p := range r.order {
		c := p.client
		if c == nil || c.closing.Load() {
			continue
		}
		if int(c.inflight.Load()) >= o.MaxInFlight {
			r.skip(p, now)
			continue
		}
		p.skippedSince = time.Time{}
		r.sendDelta(p, c, now)
	}
	r.events = r.events[:0]
}

// sendDelta encodes p's delta against its baseline into a recycled buffer and
// queues it; the view sent becomes the new baseline.
func (r *room) sendDelta(p *player, c *client, now time.Time) {
	var buf []byte
	select {
	case buf = <-c.free:
	default:
	}
	buf = r.encodeDelta(p, buf)
	select {
	case c.pending <- buf:
	default:
		// Cannot happen while inflight bounds the queue; the delta is dropped
		// and the baseline kept, which stays correct.
		return
	}
	c.inflight.Add(1)
	if now.Sub(c.writeDeadlineSet) >= time.Second {
		// At most once a second: the deadline only has to catch a peer that
		// stopped reading for WriteTimeout, not time each write.
		c.writeDeadlineSet = now
		_ = c.conn.NetConn().SetWriteDeadline(now.Add(r.m.opts.WriteTimeout))
	}
	c.conn.WriteAsync(gws.OpcodeBinary, buf, c.deltaDone)
	r.commit(p)
}

// encodeDelta appends to buf the delta that takes p from its baseline to its
// view of the current snapshot, with the events near it (those it missed first).
func (r *room) encodeDelta(p *player, buf []byte) []byte {
	a := r.m.opts.Area
	r.snap.ViewInto(&p.cur, p.ship, &p.base, a)
	cx, cy := r.world.Size/2, r.world.Size/2
	var lastSeq uint32
	if s := r.world.Ship(p.ship); s != nil {
		cx, cy, lastSeq = s.X, s.Y, s.LastSeq
	}
	p.events = a.EventsNear(p.events[:0], p.missed, cx, cy, p.ship)
	p.events = a.EventsNear(p.events, r.events, cx, cy, p.ship)
	p.missed = p.missed[:0]
	return r.enc.Append(buf, &p.base, &p.cur, lastSeq, p.events)
}

// commit makes the view just encoded p's baseline, by swapping, not copying.
func (r *room) commit(p *player) {
	if h := r.m.opts.viewHook; h != nil {
		h(r.id, p.id, &p.cur)
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

// roster sends every client the whole room's roster, encoded once. It is
// made from the snapshot of the last fan-out, so that the roster for tick T
// lists exactly the ships the deltas for tick T hold, even when a ship left
// the world since (a reconnect grace that ended, a player who left).
func (r *room) roster() {
	if len(r.order) == 0 || r.snap.Tick == 0 {
		return
	}
	lines := make([]wire.RosterLine, 0, len(r.humans)+len(r.bots))
	for i := range r.snap.Entities {
		e := &r.snap.Entities[i]
		if e.Kind != wire.KindShip {
			continue
		}
		lines = append(lines, wire.RosterLine{
			Ship: e.ID, Name: e.Name, Flags: e.Flags, Score: e.Score, Kills: e.Kills, Deaths: e.Deaths,
			MapX: mapCoord(e.X, r.world.Size), MapY: mapCoord(e.Y, r.world.Size),
		})
	}
	r.broadcast(wire.AppendRoster(nil, wire.Roster{Tick: r.snap.Tick, Lines: lines}), false)
}

func mapCoord(v, size int32) uint8 {
	return uint8(min(max(int64(v)*256/int64(size), 0), 255))
}

// ping sends every client a protocol ping carrying its last measured RTT.
func (r *room) ping(now time.Time) {
	for _, p := range r.order {
		c := p.client
		if c == nil || c.closing.Load() || int(c.inflight.Load()) >= r.m.opts.MaxInFlight {
			continue
		}
		c.send(wire.AppendPing(nil, wire.Ping{Time: now.UnixMilli(), RTT: c.rtt.Load()}))
	}
}

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
	rec := RoundRecord{RoomID: r.id, RoomName: r.spec.Name, Round: int(round), EndedAt: now, EndedEarly: early,
		Players: make([]RecordLine, len(players)), Replay: r.finishRecording()}
	for i, pl := range players {
		rec.Players[i] = RecordLine{PlayerID: r.playerID(pl.Ship), Name: pl.Name, Bot: pl.Bot,
			Score: int(pl.Score), Kills: int(pl.Kills), Deaths: int(pl.Deaths), Placement: pl.Placement}
	}
	r.m.opts.OnRoundEnd(rec)
	r.m.log.Info("realtime: round ended", "room", r.id, "round", round, "players", len(players), "early", early)
}
