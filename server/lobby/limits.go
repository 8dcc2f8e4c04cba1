package lobby

import (
	"fmt"

	"github.com/tickarena/tickarena/server/session"
)

// MaxRoomNameLen is the longest room name, in characters.
const MaxRoomNameLen = 24

// Limits bounds what a room may be created with. The zero value means the
// defaults documented on each field.
type Limits struct {
	// MinCapacity is the fewest humans a room may be made for; default 2.
	MinCapacity int
	// MaxCapacity is the most humans a room may be made for; default 50.
	MaxCapacity int
	// DefaultCapacity is used when a request gives none; default MaxCapacity.
	DefaultCapacity int
	// MinRoundSeconds is the shortest round, in seconds; default 30.
	MinRoundSeconds int
	// MaxRoundSeconds is the longest round, in seconds; default 1800.
	MaxRoundSeconds int
	// DefaultRoundSeconds is used when a request gives none; default 300.
	DefaultRoundSeconds int
}

func (l Limits) withDefaults() Limits {
	if l.MinCapacity <= 0 {
		l.MinCapacity = 2
	}
	if l.MaxCapacity <= 0 {
		l.MaxCapacity = 50
	}
	if l.DefaultCapacity <= 0 {
		l.DefaultCapacity = l.MaxCapacity
	}
	if l.MinRoundSeconds <= 0 {
		l.MinRoundSeconds = 30
	}
	if l.MaxRoundSeconds <= 0 {
		l.MaxRoundSeconds = 1800
	}
	if l.DefaultRoundSeconds <= 0 {
		l.DefaultRoundSeconds = 300
	}
	return l
}

// SpecError rejects one field of a RoomSpec. It wraps ErrInvalidSpec.
type SpecError struct {
	// Field is the JSON name of the field: name, capacity, bots or round_seconds.
	Field string
	// Reason says what is wrong, for a player to read.
	Reason string
}

// Error names the field and says what is wrong with it.
func (e *SpecError) Error() string { return e.Field + ": " + e.Reason }

// Unwrap returns ErrInvalidSpec.
func (e *SpecError) Unwrap() error { return ErrInvalidSpec }

// Check validates spec against the limits (defaults filled in) and returns
// it with its name cleaned, or a *SpecError.
func (l Limits) Check(spec RoomSpec) (RoomSpec, error) {
	l = l.withDefaults()
	name, err := session.ValidateText(spec.Name, MaxRoomNameLen)
	if err != nil {
		return spec, &SpecError{Field: "name", Reason: fmt.Sprintf("must be 1 to %d printable characters", MaxRoomNameLen)}
	}
	spec.Name = name
	if spec.Capacity < l.MinCapacity || spec.Capacity > l.MaxCapacity {
		return spec, &SpecError{Field: "capacity", Reason: fmt.Sprintf("must be between %d and %d", l.MinCapacity, l.MaxCapacity)}
	}
	if spec.Bots > spec.Capacity {
		return spec, &SpecError{Field: "bots", Reason: fmt.Sprintf("must be between 0 and the capacity (%d)", spec.Capacity)}
	}
	if spec.RoundSeconds < l.MinRoundSeconds || spec.RoundSeconds > l.MaxRoundSeconds {
		return spec, &SpecError{Field: "round_seconds", Reason: fmt.Sprintf("must be between %d and %d", l.MinRoundSeconds, l.MaxRoundSeconds)}
	}
	return spec, nil
}
