package lobby

import "time"

// RoomStats is what a Host reports about one of its rooms.
type RoomStats struct {
	// ID identifies the room.
	ID string
	// Name is the room's display name.
	Name string
	// Public is false for a room reachable only by its join code.
	Public bool
	// Code is the room's join code. A private room without one cannot be joined.
	Code string
	// Humans is the number of players connected now.
	Humans int
	// Bots is the number of bots in the room.
	Bots int
	// Capacity is the most humans the room takes.
	Capacity int
	// Spectators is the number of connections watching the room; they hold no seat.
	Spectators int
	// RoundSecondsLeft is the time left in the current round, in seconds.
	RoundSecondsLeft int
}

// Host runs rooms; the real-time server implements it for Local. Its
// methods must not call back into the lobby, and must be safe for
// concurrent use.
type Host interface {
	// CreateRoom starts a room from a checked spec and returns its id and
	// join code. The room must be listed by Rooms as soon as CreateRoom
	// returns. Bots in the spec is exact: zero means no bots.
	CreateRoom(spec RoomSpec) (id, code string, err error)
	// Rooms reports every room that is running, public or private. Its
	// Humans may lag behind the rooms by less than SeatsOptions.ArrivalGrace.
	Rooms() []RoomStats
	// Scoreboard returns the live scoreboard of a room's current round, and
	// false when the room does not exist.
	Scoreboard(id string) ([]ScoreLine, bool)
}

// Expecter is implemented by a Host whose rooms close early when nobody
// comes: Local tells it each time it reserves a seat, so that a room stays
// open while a player holding a seat in it is on the way.
type Expecter interface {
	// Expect says that a player holds a seat in room id until until.
	Expect(id string, until time.Time)
}
