package wire

import "github.com/tickarena/tickarena/game"

// Kind is the type of an entity in a view.
type Kind uint8

// The kinds of entities a view holds. Bullets are not entities on the wire: they
// travel as Shot events and clients simulate them.
const (
	KindShip   Kind = 1
	KindPellet Kind = 2
)

// Flags are a ship's boolean states.
type Flags uint8

// The ship flags.
const (
	FlagDead Flags = 1 << iota // destroyed, waiting to respawn
	FlagBot                    // a computer player
	FlagIdle                   // its player is disconnected; the ship is held for them
)

// Entity is the state of one ship or pellet as a client sees it: the world's
// state quantized for the wire. Applying deltas to a mirror reproduces these
// values exactly.
type Entity struct {
	ID   uint32
	Kind Kind
	// X, Y in Sub units (1/16 world unit); VX, VY in Sub units per tick.
	X, Y, VX, VY int32
	// Aim in 1/256 of a turn.
	Aim   uint8
	HP    uint8
	Flags Flags
	Score int32
	Kills int32
	// Deaths counts the current round.
	Deaths int32
	// Name of a ship; it never changes while the ship exists.
	Name string
}

// Field is a bit in a changed entity's mask: which fields follow.
type Field uint8

// The fields of a changed entity, in the order they are encoded.
const (
	FieldPos   Field = 1 << iota // dx, dy from the predicted position: baseline position + new velocity × ticks
	FieldVel                     // dvx, dvy from the baseline velocity
	FieldAim                     // aim difference, wrapping around a turn (i8)
	FieldHP                      // hp
	FieldFlags                   // flags
	FieldScore                   // score
	FieldKD                      // kills, deaths

	allFields = FieldPos | FieldVel | FieldAim | FieldHP | FieldFlags | FieldScore | FieldKD
)

// ShipEntity converts a ship of the world into its wire form.
func ShipEntity(s *game.Ship) Entity {
	e := Entity{
		ID: s.ID, Kind: KindShip, X: s.X, Y: s.Y, VX: s.VX, VY: s.VY,
		Aim: uint8(s.Aim >> 8), HP: uint8(min(max(s.HP, 0), 255)),
		Score: s.Score, Kills: s.Kills, Deaths: s.Deaths, Name: s.Name,
	}
	if s.Dead {
		e.Flags |= FlagDead
	}
	if s.Bot {
		e.Flags |= FlagBot
	}
	if s.Idle {
		e.Flags |= FlagIdle
	}
	return e
}

// PelletEntity converts a pellet of the world into its wire form.
func PelletEntity(p *game.Pellet) Entity {
	return Entity{ID: p.ID, Kind: KindPellet, X: p.X, Y: p.Y}
}

// Motion returns the ship state that prediction starts from.
func (e *Entity) Motion() game.Motion { return game.Motion{X: e.X, Y: e.Y, VX: e.VX, VY: e.VY} }

// diffMask returns the fields in which cur differs from base, n ticks later.
// The position is predicted with cur's velocity, which the delta carries when it
// changed: a ship's position moves by its new velocity in the tick it changes.
func diffMask(base, cur *Entity, n int32) Field {
	var m Field
	if cur.X != base.X+cur.VX*n || cur.Y != base.Y+cur.VY*n {
		m |= FieldPos
	}
	if cur.VX != base.VX || cur.VY != base.VY {
		m |= FieldVel
	}
	if cur.Aim != base.Aim {
		m |= FieldAim
	}
	if cur.HP != base.HP {
		m |= FieldHP
	}
	if cur.Flags != base.Flags {
		m |= FieldFlags
	}
	if cur.Score != base.Score {
		m |= FieldScore
	}
	if cur.Kills != base.Kills || cur.Deaths != base.Deaths {
		m |= FieldKD
	}
	return m
}

// sameIdentity reports whether base and cur can be the same entity: a kind or a
// name never changes, so a difference means the id now names another entity.
func sameIdentity(base, cur *Entity) bool {
	return base.Kind == cur.Kind && base.Name == cur.Name
}
