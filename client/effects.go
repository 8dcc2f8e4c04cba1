package client

import (
	"image/color"
	"math"

	"github.com/tickarena/tickarena/client/netcode"
	"github.com/tickarena/tickarena/game"
)

// bursts returns the particle bursts that show an effect: a muzzle flash for
// a shot, sparks for a hit, an explosion for a death, a pop for a pickup and
// a ring of light for a spawn. colorOf gives a ship's colour by id. The
// bursts are appended to dst.
func bursts(dst []burst, fx *netcode.Effect, colorOf func(id uint32) color.RGBA) []burst {
	switch fx.Kind {
	case game.Shot:
		// The shot's angle is not part of an Effect; a small all-round flash
		// reads well at the muzzle.
		dst = append(dst, burst{x: fx.X, y: fx.Y, n: 4, speed: 120, life: 0.15, size: 3, color: mix(colorOf(fx.B), colorText, 0.5)})
	case game.Hit:
		dst = append(dst,
			burst{x: fx.X, y: fx.Y, n: 14, speed: 420, life: 0.35, size: 3.5, color: colorGold},
			burst{x: fx.X, y: fx.Y, n: 6, speed: 160, life: 0.25, size: 6, color: mix(colorOf(fx.A), colorText, 0.4)})
	case game.Death:
		c := colorOf(fx.A)
		dst = append(dst,
			burst{x: fx.X, y: fx.Y, n: 48, speed: 520, life: 0.9, size: 5, color: c},
			burst{x: fx.X, y: fx.Y, n: 28, speed: 300, life: 0.7, size: 7, color: colorGold},
			burst{x: fx.X, y: fx.Y, n: 16, speed: 120, life: 1.1, size: 10, color: color.RGBA{0xff, 0x8a, 0x3d, 0xff}})
	case game.Pickup:
		dst = append(dst, burst{x: fx.X, y: fx.Y, n: 10, speed: 200, life: 0.35, size: 3.5, color: colorPellet})
	case game.Spawn:
		c := colorOf(fx.A)
		dst = append(dst, burst{x: fx.X, y: fx.Y, n: 24, speed: 260, life: 0.5, size: 3.5, color: mix(c, colorText, 0.3)})
	}
	return dst
}

// shake is a decaying screen shake, in world units. Its zero value is still.
type shake struct {
	// amount is the current amplitude; it decays to zero.
	amount float64
	t      float64
}

// kick adds amount to the shake, up to a limit that keeps the screen readable.
func (s *shake) kick(amount float64) { s.amount = min(s.amount+amount, 24) }

// update decays the shake over dt seconds and returns the offset to add to
// the camera now.
func (s *shake) update(dt float64) (dx, dy float64) {
	s.t += dt
	s.amount *= math.Exp(-9 * max(dt, 0))
	if s.amount < 0.05 {
		s.amount = 0
		return 0, 0
	}
	return s.amount * math.Sin(s.t*61), s.amount * math.Cos(s.t*47)
}
