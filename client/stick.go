package client

import (
	"math"

	"github.com/tickarena/tickarena/game"
)

// Stick is a virtual thumb stick: it appears where a finger touches down and
// points from there toward where the finger is now. Its zero value is
// released.
type Stick struct {
	// Touch is the id of the finger that holds the stick.
	Touch int
	// Active is set while a finger holds the stick.
	Active bool
	// OX, OY is where the finger touched down; X, Y is where it is now, in
	// screen pixels.
	OX, OY, X, Y float64
	// Radius is how far, in pixels, the finger must move for a full push.
	Radius float64
}

// deadZone is the part of the radius in which a stick reads as centred.
const deadZone = 0.22

// Press starts the stick under the finger id at (x, y).
func (s *Stick) Press(id int, x, y, radius float64) {
	*s = Stick{Touch: id, Active: true, OX: x, OY: y, X: x, Y: y, Radius: radius}
}

// Move follows the finger to (x, y); the origin is dragged along when the
// finger goes past the radius, so that reversing direction is immediate.
func (s *Stick) Move(x, y float64) {
	s.X, s.Y = x, y
	dx, dy := x-s.OX, y-s.OY
	if d := math.Hypot(dx, dy); s.Radius > 0 && d > s.Radius {
		s.OX, s.OY = x-dx*s.Radius/d, y-dy*s.Radius/d
	}
}

// Release lets go of the stick.
func (s *Stick) Release() { s.Active = false }

// Vector returns the push of the stick: its direction, with a length from 0
// (centred or in the dead zone) to 1 (pushed to the radius).
func (s *Stick) Vector() (dx, dy float64) {
	if !s.Active || s.Radius <= 0 {
		return 0, 0
	}
	dx, dy = (s.X-s.OX)/s.Radius, (s.Y-s.OY)/s.Radius
	d := math.Hypot(dx, dy)
	if d < deadZone {
		return 0, 0
	}
	if d > 1 {
		dx, dy = dx/d, dy/d
	}
	return dx, dy
}

// Pushed reports whether the stick is out of its dead zone.
func (s *Stick) Pushed() bool {
	dx, dy := s.Vector()
	return dx != 0 || dy != 0
}

// Buttons returns the movement buttons the stick stands for: its direction
// rounded to the nearest of eight, since a ship moves in eight directions.
func (s *Stick) Buttons() game.Buttons {
	dx, dy := s.Vector()
	return DirectionButtons(dx, dy)
}

// DirectionButtons returns the movement buttons closest to the direction
// (dx, dy): none for a zero vector, else one of eight directions.
func DirectionButtons(dx, dy float64) game.Buttons {
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

// AimAngle converts a direction to a game angle (0 along +X, growing toward +Y).
func AimAngle(dx, dy float64) game.Angle {
	a := math.Atan2(dy, dx)
	if a < 0 {
		a += 2 * math.Pi
	}
	return game.Angle(uint32(math.Round(a/(2*math.Pi)*65536)) & 0xffff)
}
