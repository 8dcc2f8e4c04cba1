package game

// Buttons is the set of controls held during one tick.
type Buttons uint8

// The buttons a ship understands. Other bits are invalid.
const (
	Up Buttons = 1 << iota
	Down
	Left
	Right
	Fire

	// AllButtons has every valid bit set.
	AllButtons = Up | Down | Left | Right | Fire
)

// Input is what one player (human or bot) asks its ship to do from the next tick on.
// A ship keeps its last Input until a newer one arrives.
type Input struct {
	// Ship is the id of the ship the input steers.
	Ship uint32
	// Seq is the player's input sequence number; the world records the last one applied.
	Seq uint32
	// Buttons held.
	Buttons Buttons
	// Aim is the direction the ship faces and fires in.
	Aim Angle
}

// Valid reports whether the input holds only known buttons.
func (in Input) Valid() bool { return in.Buttons&^AllButtons == 0 }

// direction returns the unit direction of the movement buttons, scaled by 256:
// axis-aligned moves have length 256, diagonals 181 on each axis (256/√2).
func (b Buttons) direction() (dx, dy int32) {
	if b&Left != 0 {
		dx--
	}
	if b&Right != 0 {
		dx++
	}
	if b&Up != 0 {
		dy--
	}
	if b&Down != 0 {
		dy++
	}
	if dx != 0 && dy != 0 {
		return dx * 181, dy * 181
	}
	return dx * 256, dy * 256
}
