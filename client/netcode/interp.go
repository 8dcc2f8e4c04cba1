package netcode

import (
	"math"
	"time"

	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/wire"
)

// clockSamples is the number of recent arrivals the server clock estimate
// keeps, and the ticks it looks back: about two seconds at 30 Hz. A
// server that sends a delta every k ticks fills the window with a k-th of
// the samples; the window stays two seconds, so that a path that became
// slower for good is taken as the fastest as soon as with a delta a tick.
const clockSamples = 64

// clock estimates which server tick it is from the arrival times of deltas,
// and keeps the drawn time (see jitter.go). Each arrival gives a sample:
// arrival time minus tick × interval. The least recent sample is the
// fastest path from the server; how much later an arrival came than that is
// its lateness.
type clock struct {
	base    time.Time // first arrival; samples are relative to it
	samples [clockSamples]time.Duration
	ticks   [clockSamples]uint32 // the tick of each sample
	n, next int
	peaks   peakHold      // the highest lateness of the last seconds
	spikes  spikeHold     // late deltas that recur beyond those seconds
	gaps    gapWindow     // the ticks between consecutive deltas (jitter.go)
	play    playout       // the drawn time
	delay   time.Duration // how far the drawn time was behind the server at the last frame
}

func (k *clock) reset() { *k = clock{} }

// add records the arrival at at of the delta of tick.
func (k *clock) add(at time.Time, tick uint32, interval time.Duration) {
	if k.n == 0 {
		k.base = at
	}
	k.gaps.add(tick)
	s := at.Sub(k.base) - time.Duration(tick)*interval
	k.samples[k.next], k.ticks[k.next] = s, tick
	k.next = (k.next + 1) % clockSamples
	k.n = min(k.n+1, clockSamples)
	fast, _ := k.offset()
	t := at.Sub(k.base)
	if k.n >= startSamples {
		k.spikes.add(t, s-fast, k.peaks.peak(t))
	}
	k.peaks.add(t, s-fast)
}

// offset returns the fastest sample of the last clockSamples ticks and the
// spread above it (the jitter).
func (k *clock) offset() (fast, jitter time.Duration) {
	if k.n == 0 {
		return 0, 0
	}
	newest := k.next - 1
	if newest < 0 {
		newest = clockSamples - 1
	}
	lo, hi := k.samples[newest], k.samples[newest]
	for i, s := range k.samples[:k.n] {
		if k.ticks[newest]-k.ticks[i] < clockSamples {
			lo, hi = min(lo, s), max(hi, s)
		}
	}
	return lo, hi - lo
}

// serverTick returns the estimated server tick at now, before any delay.
func (k *clock) serverTick(now time.Time, interval time.Duration) float64 {
	fast, _ := k.offset()
	return float64(now.Sub(k.base)-fast) / float64(interval)
}

// snap is the ships of one snapshot, for interpolation.
type snap struct {
	tick  uint32
	ships []wire.Entity
}

// history is a ring of the latest snapshots, oldest first from start.
type history struct {
	snaps []snap
	start int
	n     int
}

func (h *history) init(size int) { h.snaps = make([]snap, size) }

func (h *history) reset() { h.start, h.n = 0, 0 }

func (h *history) at(i int) *snap { return &h.snaps[(h.start+i)%len(h.snaps)] }

func (h *history) newest() *snap { return h.at(h.n - 1) }

// push records the ships of v, reusing the memory of the oldest snapshot.
func (h *history) push(v *wire.View) {
	var s *snap
	if h.n < len(h.snaps) {
		s = h.at(h.n)
		h.n++
	} else {
		s = h.at(0)
		h.start = (h.start + 1) % len(h.snaps)
	}
	s.tick = v.Tick
	s.ships = s.ships[:0]
	for i := range v.Entities {
		if v.Entities[i].Kind == wire.KindShip {
			s.ships = append(s.ships, v.Entities[i])
		}
	}
}

// InterpDelay returns how far in the past other entities were drawn at the
// last Frame: the jitter buffer's depth. It widens when deltas arrive
// unevenly and narrows again when they come steadily (see Options.MinInterpDelay).
// A spike — deltas much later than those of the last seconds — that comes
// back 8 to 60 seconds after the one before keeps it wide for twice that
// distance: a server's garbage collection, a Wi-Fi scan.
func (c *Client) InterpDelay() time.Duration { return c.clock.delay }

// TickSpacing returns the ticks the server's deltas usually span, as the
// client learned it from the deltas of the last seconds: 1 when the server
// sends a delta every tick, k when it sends one every k ticks (a send rate
// below its tick rate). A rare longer gap, a slow connection skipped for a
// while, does not count. It is 1 before the second delta of a connection.
func (c *Client) TickSpacing() int { return c.clock.gaps.spacing() }

// ServerTick returns the estimated server tick at now, with a fraction.
func (c *Client) ServerTick(now time.Time) float64 {
	if c.interval == 0 || c.clock.n == 0 {
		return float64(c.mirror.Tick)
	}
	return c.clock.serverTick(now, c.interval)
}

// RoundTimeLeft returns the time until the current phase (playing or
// intermission) ends, and the phase.
func (c *Client) RoundTimeLeft(now time.Time) (time.Duration, game.Phase) {
	r := c.mirror.Round
	if c.interval == 0 {
		return 0, r.Phase
	}
	left := float64(r.PhaseEnd) - c.ServerTick(now)
	if left <= 0 {
		return 0, r.Phase
	}
	return time.Duration(left * float64(c.interval)), r.Phase
}

// Frame returns what to draw at now: the own ship predicted, the others
// interpolated, pellets, bullets. The Frame is reused by the next call.
func (c *Client) Frame(now time.Time) *Frame {
	f := &c.frame
	f.Ships, f.Pellets, f.Bullets = f.Ships[:0], f.Pellets[:0], f.Bullets[:0]
	f.HasSelf, f.Underflow, f.RenderTick = false, false, 0
	f.Round = c.mirror.Round
	if c.interval == 0 || !c.mirrorOK {
		return f
	}
	c.selfFrame(now, f)
	for i := range c.mirror.Entities {
		if e := &c.mirror.Entities[i]; e.Kind == wire.KindPellet {
			f.Pellets = append(f.Pellets, renderOf(e))
		}
	}
	if c.opt.MirrorOnly || c.history.n == 0 {
		c.othersFrom(f, &c.mirror.Entities, nil, 0, 0)
		return f
	}
	newest := c.history.newest()
	want := c.clock.wantDelay(now, c.interval, c.opt.MinInterpDelay, c.opt.MaxInterpDelay)
	last, depth := c.clock.play.at, c.clock.delay // the previous frame
	rt := c.clock.renderTick(now, c.interval, want, c.opt.MaxInterpDelay, float64(newest.tick))
	counted := c.history.n >= 2 && c.state == StatePlaying
	if counted {
		c.stats.Frames++
		c.stats.DelaySum += c.clock.delay
	}
	switch {
	case rt >= float64(newest.tick):
		// Nothing newer than the render time: extrapolate up to one tick
		// (renderTick waits there).
		f.Underflow = rt > float64(newest.tick)
		if f.Underflow && counted {
			c.stats.Underflows++
			if !last.IsZero() && now.Sub(last) > depth {
				c.stats.StallUnderflows++
			}
		}
		c.othersFrom(f, &newest.ships, nil, min(rt-float64(newest.tick), 1), 0)
	case rt <= float64(c.history.at(0).tick):
		rt = float64(c.history.at(0).tick)
		c.othersFrom(f, &c.history.at(0).ships, nil, 0, 0)
	default:
		i := c.history.n - 2
		for i > 0 && float64(c.history.at(i).tick) > rt {
			i--
		}
		a, b := c.history.at(i), c.history.at(i+1)
		t := (rt - float64(a.tick)) / float64(b.tick-a.tick)
		c.othersFrom(f, &b.ships, &a.ships, 0, t)
	}
	f.RenderTick = rt
	c.bulletsAt(f, rt)
	c.releaseEffects(rt)
	return f
}

// teleport is the distance, in Sub units, beyond which a ship is not swept
// between two snapshots: it respawned.
const teleport = 200 * game.Sub

// othersFrom fills f.Ships from the ships of snapshot b. With a, the earlier
// snapshot, positions are interpolated at t from a to b; without, they move
// ahead by extra ticks along their velocity.
func (c *Client) othersFrom(f *Frame, b, a *[]wire.Entity, extra, t float64) {
	self := c.welcome.Ship
	j := 0
	for i := range *b {
		e := &(*b)[i]
		if e.Kind != wire.KindShip || e.ID == self {
			continue
		}
		r := renderOf(e)
		switch {
		case a != nil:
			for j < len(*a) && (*a)[j].ID < e.ID {
				j++
			}
			if j < len(*a) && (*a)[j].ID == e.ID {
				p := &(*a)[j]
				if abs32(e.X-p.X) < teleport && abs32(e.Y-p.Y) < teleport {
					r.X = (float64(p.X) + (float64(e.X)-float64(p.X))*t) / game.Sub
					r.Y = (float64(p.Y) + (float64(e.Y)-float64(p.Y))*t) / game.Sub
					r.Aim = lerpAngle(float64(p.Aim), float64(e.Aim), t)
				}
			}
		case extra > 0 && e.Flags&wire.FlagDead == 0:
			r.X += float64(e.VX) * extra / game.Sub
			r.Y += float64(e.VY) * extra / game.Sub
		}
		f.Ships = append(f.Ships, r)
	}
}

// lerpAngle interpolates two angles in 1/256 turns along the shorter way and
// returns radians.
func lerpAngle(a, b, t float64) float64 {
	d := b - a
	if d > 128 {
		d -= 256
	} else if d < -128 {
		d += 256
	}
	return math.Mod(a+d*t+256, 256) * (2 * math.Pi / 256)
}

func renderOf(e *wire.Entity) RenderEntity {
	return RenderEntity{
		ID: e.ID, Kind: e.Kind,
		X: float64(e.X) / game.Sub, Y: float64(e.Y) / game.Sub,
		Aim: float64(e.Aim) * (2 * math.Pi / 256), HP: e.HP, Flags: e.Flags, Name: e.Name,
		Score: e.Score, Kills: e.Kills, Deaths: e.Deaths,
	}
}

func abs32(v int32) int32 {
	if v < 0 {
		return -v
	}
	return v
}
