package client

import (
	"math"

	"github.com/tickarena/tickarena/game"
)

// stick is a virtual thumb stick: it appears where a finger touches down and
// points from there toward where the finger is now. Its zero value is
// released.
type stick struct {
	// touch is the id of the finger that holds the stick.
	touch int
	// active is set while a finger holds the stick.
	active bool
	// ox, OY is where the finger touched down; X, Y is where it is now, in
	// screen pixels.
	ox, oy, x, y float64
	// radius is how far, in pixels, the finger must move for a full push.
	radius float64
}

// deadZone is the part of the radius in which a stick reads as centred.
const deadZone = 0.22

// press starts the stick under the finger id at (x, y).
func (s *stick) press(id int, x, y, radius float64) {
	*s = stick{touch: id, active: true, ox: x, oy: y, x: x, y: y, radius: radius}
}

// move follows the finger to (x, y); the origin is dragged along when the
// finger goes past the radius, so that reversing direction is immediate.
func (s *stick) move(x, y float64) {
	s.x, s.y = x, y
	dx, dy := x-s.ox, y-s.oy
	if d := math.Hypot(dx, dy); s.radius > 0 && d > s.radius {
		s.ox, s.oy = x-dx*s.radius/d, y-dy*s.radius/d
	}
}

// release lets go of the stick.
func (s *stick) release() { s.active = false }

// vector returns the push of the stick: its direction, with a length from 0
// (centred or in the dead zone) to 1 (pushed to the radius).
func (s *stick) vector() (dx, dy float64) {
	if !s.active || s.radius <= 0 {
		return 0, 0
	}
	dx, dy = (s.x-s.ox)/s.radius, (s.y-s.oy)/s.radius
	d := math.Hypot(dx, dy)
	if d < deadZone {
		return 0, 0
	}
	if d > 1 {
		dx, dy = dx/d, dy/d
	}
	return dx, dy
}

// pushed reports whether the stick is out of its dead zone.
func (s *stick) pushed() bool {
	dx, dy := s.vector()
	return dx != 0 || dy != 0
}

// buttons returns the movement buttons the stick stands for: its direction
// rounded to the nearest of eight, since a ship moves in eight directions.
func (s *stick) buttons() game.Buttons {
	dx, dy := s.vector()
	return directionButtons(dx, dy)
}

// directionButtons returns the movement buttons closest to the direction
// (dx, dy): none for a zero vector, else one of eight directions.
func directionButtons(dx, dy float64) game.Buttons {
	if dx == 0 && dy == 0 {
		return 0
	}
	// Sector 0 is +X; sectors grow toward +Y like game angles.
	sector := int(math.Round(math.Atan2(dy, dx)/(math.Pi/4))+8) % 8
	return [8]game.Buttons{
		game.Right, game.Right | game.Down, game.Down, game.Down | game.Left,
		game.Left, game.Left | game.Up, game.Up, game.Up | game.Right,
	}[sector]
}

// aimAngle converts a direction to a game angle (0 along +X, growing toward +Y).
func aimAngle(dx, dy float64) game.Angle {
	a := math.Atan2(dy, dx)
	if a < 0 {
		a += 2 * math.Pi
	}
	return game.Angle(uint32(math.Round(a/(2*math.Pi)*65536)) & 0xffff)
}
