package client

import (
	"image/color"
	"math"
)

// particle is one spark of an effect, in world units and seconds.
type particle struct {
	x, y, vx, vy float64
	// age and Life are how long it has lived and will live, in seconds.
	age, life float64
	// size is the radius in world units at birth; it shrinks to nothing.
	size  float64
	color color.RGBA
}

// fraction returns how far the particle is through its life, from 0 to 1.
func (p *particle) fraction() float64 {
	if p.life <= 0 {
		return 1
	}
	return clamp01(p.age / p.life)
}

// burst describes a spray of particles from one point.
type burst struct {
	x, y float64
	// n is the number of particles.
	n int
	// speed is the largest speed in world units per second; each particle
	// gets between a third of it and all of it.
	speed float64
	// life is the longest life in seconds; each gets between half and all of it.
	life  float64
	size  float64
	color color.RGBA
	// angle and Spread aim the burst: particles leave within Spread radians
	// either side of Angle. A Spread of zero or less sprays all around.
	angle, spread float64
}

// particles is a bounded pool of short-lived sparks. When full, a new
// particle replaces the oldest. Its zero value holds up to 2048.
type particles struct {
	list []particle
	next int // the slot to overwrite when full
	rng  uint64
	// max bounds the live particles. Default 2048.
	max int
}

// live returns the particles alive now. The slice is reused by later calls.
func (ps *particles) live() []particle { return ps.list }

// emit adds the particles of b.
func (ps *particles) emit(b burst) {
	limit := ps.max
	if limit <= 0 {
		limit = 2048
	}
	for range b.n {
		a := ps.rand() * 2 * math.Pi
		if b.spread > 0 {
			a = b.angle + (ps.rand()*2-1)*b.spread
		}
		sp := b.speed * (0.33 + 0.67*ps.rand())
		p := particle{
			x: b.x, y: b.y, vx: math.Cos(a) * sp, vy: math.Sin(a) * sp,
			life: b.life * (0.5 + 0.5*ps.rand()), size: b.size * (0.6 + 0.4*ps.rand()), color: b.color,
		}
		if len(ps.list) < limit {
			ps.list = append(ps.list, p)
			continue
		}
		ps.next %= len(ps.list)
		ps.list[ps.next] = p
		ps.next++
	}
}

// update ages every particle by dt seconds, moves it with drag and removes
// the ones whose life is over.
func (ps *particles) update(dt float64) {
	if dt <= 0 {
		return
	}
	drag := math.Exp(-3 * dt)
	kept := ps.list[:0]
	for _, p := range ps.list {
		p.age += dt
		if p.age >= p.life {
			continue
		}
		p.x += p.vx * dt
		p.y += p.vy * dt
		p.vx *= drag
		p.vy *= drag
		kept = append(kept, p)
	}
	ps.list = kept
	if ps.next > len(ps.list) {
		ps.next = 0
	}
}

// rand returns a pseudo-random number in [0, 1) from a xorshift generator:
// effects need variety, not quality, and must not touch a global source.
func (ps *particles) rand() float64 {
	if ps.rng == 0 {
		ps.rng = 0x9e3779b97f4a7c15
	}
	ps.rng ^= ps.rng << 13
	ps.rng ^= ps.rng >> 7
	ps.rng ^= ps.rng << 17
	return float64(ps.rng>>11) / (1 << 53)
}
