package netcode

import (
	"fmt"
	"math"
	"time"

	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/wire"
)

// applyDelta applies one delta to the mirror and updates everything that
// follows from it: history, prediction, bullets, effects and the kill feed.
func (c *Client) applyDelta(now time.Time, d *wire.Delta) {
	if !c.mirrorOK && d.Base != 0 {
		c.resync(now, fmt.Sprintf("delta from tick %d before a full snapshot", d.Base))
		return
	}
	if !c.opt.MirrorOnly {
		// Pickups name a pellet that the same delta moves: take its place first.
		c.queueEffects(d, true)
	}
	if err := c.mirror.Apply(d); err != nil {
		c.resync(now, fmt.Sprintf("apply delta %d: %v", d.Tick, err))
		return
	}
	c.mirrorOK = true
	c.stats.Deltas++
	if c.interval > 0 {
		at := now // when it arrived, if the transport said
		if !c.arrived.IsZero() && c.arrived.Before(now) {
			at = c.arrived
		}
		c.clock.add(at, d.Tick, c.interval)
	}
	respawned := false
	for i := range d.Events {
		if ev := &d.Events[i]; ev.Kind == game.Spawn && ev.A == c.welcome.Ship {
			respawned = true
		}
	}
	c.reconcile(now, d.LastSeq, respawned)
	if c.opt.MirrorOnly {
		return
	}
	c.history.push(&c.mirror)
	c.pruneBullets(c.history.at(0).tick)
	c.hits = c.hits[:0]
	for i := range d.Events {
		ev := &d.Events[i]
		switch ev.Kind {
		case game.Shot:
			c.bullets = append(c.bullets, bullet{id: ev.A, owner: ev.B, x: ev.X, y: ev.Y, angle: ev.Angle, fired: ev.Tick, end: ev.Tick + c.tuning.BulletTicks})
		case game.Hit:
			var b *bullet
			for k := range c.bullets {
				if c.bullets[k].id == ev.C {
					b = &c.bullets[k]
				}
			}
			h := c.placeHit(d, b, i)
			if b != nil {
				b.end = min(b.end, h.tick)
			}
			c.hits = append(c.hits, h)
		case game.Death:
			c.addKill(d.Tick, ev.B, ev.A)
		}
	}
	c.queueEffects(d, false)
	if d.HasRound && d.Round.Phase == game.Intermission {
		c.bullets = c.bullets[:0]
	}
}

// hitPlace is when and where a hit of a delta happened: the event's index
// in the delta, the tick, and the target's position then.
type hitPlace struct {
	event int
	tick  uint32
	x, y  int32
}

// placeHit returns when and where bullet b (nil: a bullet this client does
// not hold) hit the target of event i of d.
// A delta that spans several ticks (the server sends every few ticks, or
// skipped a slow connection) says only that the hit happened in one of
// them: it is the first tick at which the bullet's path of that tick passes
// within reach of the target, the target's path between the previous
// snapshot and this one taken as a curve through both positions with both
// velocities (exact for a steady acceleration), or moved back along its
// velocity when the previous snapshot did not hold it. Without such a
// tick, the tick of the bullet's nearest pass (the target turned within the
// span); for a delta of one tick, d.Tick and the target's position in the
// mirror. Ending the bullet there keeps it from flying on through
// the ship for the rest of the delta's ticks, and the hit's effect comes
// when the bullet ends.
func (c *Client) placeHit(d *wire.Delta, b *bullet, i int) hitPlace {
	h := hitPlace{event: i, tick: d.Tick}
	e := c.mirror.Find(d.Events[i].A)
	if e == nil {
		return h
	}
	h.x, h.y = e.X, e.Y
	span := d.Tick - d.Base
	if b == nil || d.Base == 0 || span < 2 || span > maxGap {
		return h
	}
	from := e // the target at d.Base, if the previous snapshot has it
	if c.history.n >= 2 {
		if prev := c.history.at(c.history.n - 2); prev.tick == d.Base {
			from = (&wire.View{Entities: prev.ships}).Find(e.ID)
		}
	}
	// The target turned within the span when no estimate is within reach:
	// then the tick of the nearest pass, d.Tick itself included.
	const reach = float64((game.ShipRadius + game.BulletRadius) * game.Sub)
	near, closest := h, math.Inf(1)
	if x0, y0, alive := c.tuning.BulletAt(b.x, b.y, b.angle, b.fired, d.Tick-1); alive {
		x1, y1, _ := c.tuning.BulletAt(b.x, b.y, b.angle, b.fired, d.Tick)
		closest = segmentDistance(float64(x0), float64(y0), float64(x1), float64(y1), float64(e.X), float64(e.Y))
	}
	for t := max(d.Base+1, b.fired+1); t < d.Tick; t++ {
		x0, y0, _ := c.tuning.BulletAt(b.x, b.y, b.angle, b.fired, t-1)
		x1, y1, alive := c.tuning.BulletAt(b.x, b.y, b.angle, b.fired, t)
		if !alive {
			break // out of range: the hit came with d.Tick's view of things
		}
		back := int32(d.Tick - t)
		tx, ty := e.X-e.VX*back, e.Y-e.VY*back
		if from != nil && from != e {
			u := float64(t-d.Base) / float64(span)
			tx = hermite(from.X, from.VX, e.X, e.VX, u, float64(span))
			ty = hermite(from.Y, from.VY, e.Y, e.VY, u, float64(span))
		}
		dist := segmentDistance(float64(x0), float64(y0), float64(x1), float64(y1), float64(tx), float64(ty))
		if dist <= reach {
			return hitPlace{event: i, tick: t, x: tx, y: ty}
		}
		if dist < closest {
			closest, near = dist, hitPlace{event: i, tick: t, x: tx, y: ty}
		}
	}
	return near
}

// hermite returns the point at u (0 to 1) of the cubic from p0 to p1 with
// velocities v0 and v1 per tick, over span ticks.
func hermite(p0, v0, p1, v1 int32, u, span float64) int32 {
	u2, u3 := u*u, u*u*u
	return int32(math.Round((2*u3-3*u2+1)*float64(p0) + (u3-2*u2+u)*span*float64(v0) +
		(3*u2-2*u3)*float64(p1) + (u3-u2)*span*float64(v1)))
}

// segmentDistance returns the distance from (px, py) to the segment from
// (x0, y0) to (x1, y1).
func segmentDistance(x0, y0, x1, y1, px, py float64) float64 {
	dx, dy := x1-x0, y1-y0
	t := 0.0
	if l2 := dx*dx + dy*dy; l2 > 0 {
		t = min(max(((px-x0)*dx+(py-y0)*dy)/l2, 0), 1)
	}
	return math.Hypot(x0+dx*t-px, y0+dy*t-py)
}

// bullet is a shot in flight, simulated from its event until end.
type bullet struct {
	id, owner uint32
	x, y      int32
	angle     game.Angle
	fired     uint32
	end       uint32 // the tick at which it is gone: range end or hit
}

// bulletsAt fills f.Bullets at render tick rt and forgets bullets gone by then.
func (c *Client) bulletsAt(f *Frame, rt float64) {
	kept := c.bullets[:0]
	size := float64(c.tuning.Size)
	for _, b := range c.bullets {
		now := uint32(max(rt, 0))
		if now >= b.end {
			continue
		}
		kept = append(kept, b)
		x, y, alive := c.tuning.BulletAt(b.x, b.y, b.angle, b.fired, now)
		if !alive {
			continue // not fired yet at the render time
		}
		vx, vy := c.tuning.BulletVelocity(b.angle)
		frac := rt - float64(now)
		bx, by := float64(x)+float64(vx)*frac, float64(y)+float64(vy)*frac
		if bx < 0 || by < 0 || bx > size || by > size {
			continue
		}
		f.Bullets = append(f.Bullets, RenderBullet{ID: b.id, Owner: b.owner, X: bx / game.Sub, Y: by / game.Sub, Angle: angleRadians(b.angle)})
	}
	c.bullets = kept
}

// pruneBullets forgets bullets gone before tick, the oldest snapshot kept,
// which no frame can draw any more even if Frame is not called.
func (c *Client) pruneBullets(tick uint32) {
	kept := c.bullets[:0]
	for _, b := range c.bullets {
		if b.end > tick {
			kept = append(kept, b)
		}
	}
	c.bullets = kept
}

// queueEffects turns the events of d into effects. With before set it only
// records pickups (whose pellet the delta moves away); otherwise every other kind.
func (c *Client) queueEffects(d *wire.Delta, before bool) {
	self := c.welcome.Ship
	for i := range d.Events {
		ev := &d.Events[i]
		if (ev.Kind == game.Pickup) != before {
			continue
		}
		fx := Effect{Kind: ev.Kind, Tick: d.Tick, A: ev.A, B: ev.B, C: ev.C, Value: ev.Value}
		x, y := ev.X, ev.Y
		switch ev.Kind {
		case game.Shot:
			fx.Tick = ev.Tick
			fx.Self = ev.B == self
		case game.Hit:
			// The wire does not carry where: at the target, when and where
			// the bullet met it (placeHit).
			for _, h := range c.hits {
				if h.event == i {
					fx.Tick, x, y = h.tick, h.x, h.y
				}
			}
			fx.Self = ev.A == self || ev.B == self
		case game.Pickup:
			if e := c.mirror.Find(ev.B); e != nil {
				x, y = e.X, e.Y
			}
			fx.Self = ev.A == self
		case game.Death:
			// The hit that killed the ship came in the same delta: the
			// wreck appears when the bullet ends.
			for _, h := range c.hits {
				if h.event < i && d.Events[h.event].A == ev.A {
					fx.Tick = h.tick
				}
			}
			fx.Self = ev.A == self || ev.B == self
		case game.Spawn:
			fx.Self = ev.A == self
		}
		fx.X, fx.Y = float64(x)/game.Sub, float64(y)/game.Sub
		if len(c.effects) >= c.opt.MaxEffects {
			// Nobody drains them: drop the older half at once (cheap per effect).
			half := len(c.effects) / 2
			c.effects = append(c.effects[:0], c.effects[half:]...)
		}
		c.effects = append(c.effects, fx)
	}
}

// releaseEffects marks the effects due at render tick rt.
func (c *Client) releaseEffects(rt float64) { c.fxTick = rt }

// Effects appends to dst the effects whose tick the render time has reached
// (as of the last Frame), removes them from the queue and returns dst.
func (c *Client) Effects(dst []Effect) []Effect {
	n := 0
	for n < len(c.effects) && float64(c.effects[n].Tick) <= c.fxTick {
		n++
	}
	dst = append(dst, c.effects[:n]...)
	c.effects = append(c.effects[:0], c.effects[n:]...)
	return dst
}
