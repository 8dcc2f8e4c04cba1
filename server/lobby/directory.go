package lobby

import (
	"context"
	"errors"
	"time"
)

var (
	// ErrNotFound means no room has the given id or join code.
	ErrNotFound = errors.New("room not found")
	// ErrRoomFull means every seat of the room is taken or reserved.
	ErrRoomFull = errors.New("room is full")
	// ErrTooManyRooms means the node runs as many rooms as it may.
	ErrTooManyRooms = errors.New("too many rooms")
	// ErrInvalidSpec is wrapped by the *SpecError that rejects a RoomSpec.
	ErrInvalidSpec = errors.New("invalid room spec")
	// ErrUnavailable means the directory cannot be reached (e.g. the
	// shared store of several nodes is down); the request may succeed later.
	ErrUnavailable = errors.New("room directory unavailable")
	// ErrSaturated means every node that could seat the player is
	// saturated (see Gate): the lobby answers 503 "full" with Retry-After.
	ErrSaturated = errors.New("saturated")
)

// RoomInfo describes one room as the lobby shows it.
type RoomInfo struct {
	// ID identifies the room on every node.
	ID string `json:"id"`
	// Name is the room's display name.
	Name string `json:"name"`
	// Public rooms are listed and used by quick play; private ones are
	// reachable only through their Code.
	Public bool `json:"public"`
	// Code is the join code of a private room, empty for a public one. The
	// HTTP handler shows it only to players who may enter the room.
	Code string `json:"code,omitempty"`
	// Humans is the number of players in the room now.
	Humans int `json:"humans"`
	// Bots is the number of bots in the room.
	Bots int `json:"bots"`
	// Capacity is the most humans the room takes.
	Capacity int `json:"capacity"`
	// Reserved is the number of seats held for players on their way in.
	Reserved int `json:"reserved"`
	// Spectators is the number of connections watching the room; they hold
	// no seat. In a cluster, a room of another node reports the count of
	// its node's last heartbeat.
	Spectators int `json:"spectators"`
	// RoundSecondsLeft is the time left in the current round, in seconds.
	RoundSecondsLeft int `json:"round_seconds_left"`
	// WSURL is where to open the WebSocket for this room, such as
	// ws://host:8080/ws?room=ID; it is a path alone when the node does not
	// know its public address.
	WSURL string `json:"ws_url"`
	// Node names the server that runs the room.
	Node string `json:"node,omitempty"`
}

// RoomSpec is what a room is created from.
type RoomSpec struct {
	// Name is the room's display name.
	Name string
	// Capacity is the most humans the room takes.
	Capacity int
	// Bots is the number of bots that fill the arena: zero means the
	// Host's default, negative means none.
	Bots int
	// RoundSeconds is the length of a round.
	RoundSeconds int
	// Public rooms are listed; private ones get a join code.
	Public bool
}

// ScoreLine is one row of a room's live scoreboard.
type ScoreLine struct {
	// PlayerID is the player's id, empty for a bot.
	PlayerID string `json:"player_id,omitempty"`
	// Name is the display name.
	Name string `json:"name"`
	// Score is the round's score.
	Score int `json:"score"`
	// Kills counts the ships this one destroyed this round.
	Kills int `json:"kills"`
	// Deaths counts the times this ship was destroyed this round.
	Deaths int `json:"deaths"`
	// Bot is true for a bot.
	Bot bool `json:"bot"`
}

// Directory is the lobby's view of the rooms: the only way it reads or
// changes them. Implementations are safe for concurrent use.
type Directory interface {
	// List returns the public rooms, in no particular order.
	List(ctx context.Context) ([]RoomInfo, error)
	// Get returns the room with the given id, public or private, or ErrNotFound.
	Get(ctx context.Context, id string) (RoomInfo, error)
	// ByCode returns the private room with the given join code, or ErrNotFound.
	ByCode(ctx context.Context, code string) (RoomInfo, error)
	// Create starts a room. It fails with a *SpecError for an invalid spec
	// and with ErrTooManyRooms when the limit of rooms is reached.
	Create(ctx context.Context, spec RoomSpec) (RoomInfo, error)
	// Reserve holds a seat in the room for the player for ttl (a default
	// when ttl <= 0). Reserving again for the same player and room renews
	// the hold; a player holds at most one reservation, so reserving in
	// another room releases the first. It fails with ErrNotFound or ErrRoomFull.
	Reserve(ctx context.Context, roomID, playerID string, ttl time.Duration) (RoomInfo, error)
	// QuickPlay reserves a seat for the player in the fullest public room
	// that has one, creating a public room when none has. Concurrent calls
	// never reserve more seats than a room has. It fails with
	// ErrTooManyRooms when every room is full and no room may be created.
	QuickPlay(ctx context.Context, playerID string) (RoomInfo, error)
	// Scoreboard returns the live scoreboard of the room's current round,
	// or ErrNotFound.
	Scoreboard(ctx context.Context, id string) ([]ScoreLine, error)
}

// Admission is what a room asks when a new player says hello. It has the
// shape of the real-time server's admission hook; Seats and Local
// implement it.
type Admission interface {
	// Admit decides whether playerID may take a seat in room roomID, which
	// holds humans players out of capacity, consuming their reservation if
	// they hold one. open is true for a public room, or a private room
	// named by its join code; in a private room named by its id only a
	// player holding a reservation may enter. It returns nil to admit,
	// ErrNotFound or ErrRoomFull to refuse, or ErrUnavailable.
	Admit(roomID, playerID string, humans, capacity int, open bool) error
}
