package wire

import (
	"errors"

	"github.com/tickarena/tickarena/game"
)

// Bounds of a delta that a decoder accepts.
const (
	MaxEntities = 1 << 16 // per list in one delta
	MaxEvents   = 1 << 12
	MaxNameLen  = 64 // bytes
)

// ErrBase is returned by Apply when a delta is not based on the view it is applied to.
var ErrBase = errors.New("wire: delta does not apply to this view")

// Delta is a decoded delta message: what changed between the view at Base and
// the view at Tick. Base 0 means a full snapshot.
type Delta struct {
	Tick, Base uint32
	// LastSeq is the sequence number of the last input of this client that the
	// server applied, for reconciliation.
	LastSeq uint32
	// HasRound is set when Round changed since Base (always in a full snapshot).
	HasRound bool
	Round    RoundInfo
	Created  []Entity
	Changed  []Change
	Removed  []uint32
	// Events happened since Base. The origin (X, Y) of a shot sent in short form
	// is filled in by View.Apply, from its owner in the view.
	Events []game.Event
	// muzzleShots indexes the shots sent in short form, whose origin Apply
	// computes from their owner in the view.
	muzzleShots []int32
}

// Change is one changed entity: Mask says which fields are set. Positions,
// velocities and the aim are differences, as on the wire (the aim wraps around
// a turn); Apply turns them into values.
type Change struct {
	ID                   uint32
	Mask                 Field
	DX, DY, DVX, DVY     int32
	Aim, HP              uint8
	Flags                Flags
	Score, Kills, Deaths int32
}

// eventIDs are the last ship id and the last bullet id written in (or read
// from) a delta's list of events: ids in events are differences from them.
type eventIDs struct{ ship, bullet uint32 }
