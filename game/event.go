package game

// EventKind says what happened in an Event.
type EventKind uint8

// The kinds of events a tick can produce.
const (
	// Shot: ship B fired bullet A from (X, Y) along Angle at Tick.
	Shot EventKind = iota + 1
	// Hit: bullet C from ship B hit ship A for Value damage at (X, Y).
	Hit
	// Death: ship A was destroyed by ship B (0 when no ship) at (X, Y).
	Death
	// Pickup: ship A collected pellet B worth Value points at (X, Y).
	Pickup
	// Spawn: ship A (re)appeared at (X, Y).
	Spawn
)

// Event is a one-shot happening of a tick, sent to clients so that they can draw
// shots and effects without a stream of positions.
type Event struct {
	Kind    EventKind
	Tick    uint32
	A, B, C uint32
	X, Y    int32
	Angle   Angle
	Value   int32
}
