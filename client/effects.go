package client

import (
	"image/color"
	"math"

	"github.com/tickarena/tickarena/client/netcode"
	"github.com/tickarena/tickarena/game"
)

// Bursts returns the particle bursts that show an effect: a muzzle flash for
// a shot, sparks for a hit, an explosion for a death, a pop for a pickup and
// a ring of light for a spawn. colorOf gives a ship's colour by id. The
// bursts are appended to dst.
func Bursts(dst []Burst, fx *netcode.Effect, colorOf func(id uint32) color.RGBA) []Burst {
	switch fx.Kind {
	case game.Shot:
		// The shot's angle is not part of an Effect; a small all-round flash
		// reads well at the muzzle.
		dst = append(dst, Burst{X: fx.X, Y: fx.Y, N: 4, Speed: 120, Life: 0.15, Size: 3, Color: Mix(colorOf(fx.B), ColorText, 0.5)})
	case game.Hit:
		dst = append(dst,
			Burst{X: fx.X, Y: fx.Y, N: 14, Speed: 420, Life: 0.35, Size: 3.5, Color: ColorGold},
			Burst{X: fx.X, Y: fx.Y, N: 6, Speed: 160, Life: 0.25, Size: 6, Color: Mix(colorOf(fx.A), ColorText, 0.4)})
	case game.Death:
		c := colorOf(fx.A)
		dst = append(dst,
			Burst{X: fx.X, Y: fx.Y, N: 48, Speed: 520, Life: 0.9, Size: 5, Color: c},
			Burst{X: fx.X, Y: fx.Y, N: 28, Speed: 300, Life: 0.7, Size: 7, Color: ColorGold},
			Burst{X: fx.X, Y: fx.Y, N: 16, Speed: 120, Life: 1.1, Size: 10, Color: color.RGBA{0xff, 0x8a, 0x3d, 0xff}})
	case game.Pickup:
		dst = append(dst, Burst{X: fx.X, Y: fx.Y, N: 10, Speed: 200, Life: 0.35, Size: 3.5, Color: ColorPellet})
	case game.Spawn:
		c := colorOf(fx.A)
		dst = append(dst, Burst{X: fx.X, Y: fx.Y, N: 24, Speed: 260, Life: 0.5, Size: 3.5, Color: Mix(c, ColorText, 0.3)})
	}
	return dst
}

// Shake is a decaying screen shake, in world units. Its zero value is still.
type Shake struct {
	// Amount is the current amplitude; it decays to zero.
	Amount float64
	t      float64
}

// Kick adds amount to the shake, up to a limit that keeps the screen readable.
func (s *Shake) Kick(amount float64) { s.Amount = min(s.Amount+amount, 24) }

// Update decays the shake over dt seconds and returns the offset to add to
// the camera now.
func (s *Shake) Update(dt float64) (dx, dy float64) {
	s.t += dt
	s.Amount *= math.Exp(-9 * max(dt, 0))
	if s.Amount < 0.05 {
		s.Amount = 0
		return 0, 0
	}
	return s.Amount * math.Sin(s.t*61), s.Amount * math.Cos(s.t*47)
}
