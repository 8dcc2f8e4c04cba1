package client

import (
	"image/color"
	"math"
)

// Particle is one spark of an effect, in world units and seconds.
type Particle struct {
	X, Y, VX, VY float64
	// Age and Life are how long it has lived and will live, in seconds.
	Age, Life float64
	// Size is the radius in world units at birth; it shrinks to nothing.
	Size  float64
	Color color.RGBA
}

// Fraction returns how far the particle is through its life, from 0 to 1.
func (p *Particle) Fraction() float64 {
	if p.Life <= 0 {
		return 1
	}
	return clamp01(p.Age / p.Life)
}

// Burst describes a spray of particles from one point.
type Burst struct {
	X, Y float64
	// N is the number of particles.
	N int
	// Speed is the largest speed in world units per second; each particle
	// gets between a third of it and all of it.
	Speed float64
	// Life is the longest life in seconds; each gets between half and all of it.
	Life  float64
	Size  float64
	Color color.RGBA
	// Angle and Spread aim the burst: particles leave within Spread radians
	// either side of Angle. A Spread of zero or less sprays all around.
	Angle, Spread float64
}

// Particles is a bounded pool of short-lived sparks. When full, a new
// particle replaces the oldest. Its zero value holds up to 2048.
type Particles struct {
	list []Particle
	next int // the slot to overwrite when full
	rng  uint64
	// Max bounds the live particles. Default 2048.
	Max int
}

// Live returns the particles alive now. The slice is reused by later calls.
func (ps *Particles) Live() []Particle { return ps.list }

// Emit adds the particles of b.
func (ps *Particles) Emit(b Burst) {
	limit := ps.Max
	if limit <= 0 {
		limit = 2048
	}
	for range b.N {
		a := ps.rand() * 2 * math.Pi
		if b.Spread > 0 {
			a = b.Angle + (ps.rand()*2-1)*b.Spread
		}
		sp := b.Speed * (0.33 + 0.67*ps.rand())
		p := Particle{
			X: b.X, Y: b.Y, VX: math.Cos(a) * sp, VY: math.Sin(a) * sp,
			Life: b.Life * (0.5 + 0.5*ps.rand()), Size: b.Size * (0.6 + 0.4*ps.rand()), Color: b.Color,
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

// Update ages every particle by dt seconds, moves it with drag and removes
// the ones whose life is over.
func (ps *Particles) Update(dt float64) {
	if dt <= 0 {
		return
	}
	drag := math.Exp(-3 * dt)
	kept := ps.list[:0]
	for _, p := range ps.list {
		p.Age += dt
		if p.Age >= p.Life {
			continue
		}
		p.X += p.VX * dt
		p.Y += p.VY * dt
		p.VX *= drag
		p.VY *= drag
		kept = append(kept, p)
	}
	ps.list = kept
	if ps.next > len(ps.list) {
		ps.next = 0
	}
}

// rand returns a pseudo-random number in [0, 1) from a xorshift generator:
// effects need variety, not quality, and must not touch a global source.
func (ps *Particles) rand() float64 {
	if ps.rng == 0 {
		ps.rng = 0x9e3779b97f4a7c15
	}
	ps.rng ^= ps.rng << 13
	ps.rng ^= ps.rng >> 7
	ps.rng ^= ps.rng << 17
	return float64(ps.rng>>11) / (1 << 53)
}
