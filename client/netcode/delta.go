package netcode

import (
	"fmt"
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
	c.queueEffects(d, false)
	for i := range d.Events {
		ev := &d.Events[i]
		switch ev.Kind {
		case game.Shot:
			c.bullets = append(c.bullets, bullet{id: ev.A, owner: ev.B, x: ev.X, y: ev.Y, angle: ev.Angle, fired: ev.Tick, end: ev.Tick + c.tuning.BulletTicks})
		case game.Hit:
			for k := range c.bullets {
				if c.bullets[k].id == ev.C {
					c.bullets[k].end = min(c.bullets[k].end, d.Tick)
				}
			}
		case game.Death:
			c.addKill(d.Tick, ev.B, ev.A)
		}
	}
	if d.HasRound && d.Round.Phase == game.Intermission {
		c.bullets = c.bullets[:0]
	}
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
			// The wire does not carry where: at the target, as the mirror has it.
			if e := c.mirror.Find(ev.A); e != nil {
				x, y = e.X, e.Y
			}
			fx.Self = ev.A == self || ev.B == self
		case game.Pickup:
			if e := c.mirror.Find(ev.B); e != nil {
				x, y = e.X, e.Y
			}
			fx.Self = ev.A == self
		case game.Death:
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
