package realtime

import (
	"time"

	"github.com/tickarena/tickarena/game/replay"
)

// RoomSpec describes a room to create. Zero fields take the Manager's defaults.
type RoomSpec struct {
	// Name is shown in the lobby; empty gives "Room <code>".
	Name string
	// Capacity is the number of human seats.
	Capacity int
	// Bots is the number of bots the room fills up to; negative means none.
	Bots int
	// RoundSeconds is the length of a round in seconds.
	RoundSeconds int
	// Public rooms are listed by the lobby; private ones are joined by code.
	Public bool
}

// RoomStats is a room as the lobby lists it, published by the room about once
// a second.
type RoomStats struct {
	ID     string
	Name   string
	Public bool
	// Code is the short join code of the room.
	Code     string
	Humans   int
	Bots     int
	Capacity int
	// Spectators is the number of connections watching the room; they hold
	// no seat.
	Spectators int
	// RoundSecondsLeft is the time left in the current phase (round or intermission).
	RoundSecondsLeft int
	Round            int
	// Intermission is set between rounds.
	Intermission bool
}

// ScoreLine is one ship on a room's scoreboard.
type ScoreLine struct {
	PlayerID string
	Name     string
	Bot      bool
	Score    int
	Kills    int
	Deaths   int
}

// RoundRecord is the result of one round, handed to Options.OnRoundEnd.
type RoundRecord struct {
	RoomID   string
	RoomName string
	Round    int
	EndedAt  time.Time
	// EndedEarly is set for a round cut short by a shutdown; its standings are partial.
	EndedEarly bool
	Players    []RecordLine
	// Replay is the round's recording when Options.RecordReplays is set, else
	// nil. It is not compressed yet: call its Encode off the room's goroutine.
	Replay *replay.Recording
}

// RecordLine is one player's line in a RoundRecord.
type RecordLine struct {
	// PlayerID is the session's player id for humans and "bot-<room>-<ship>" for bots.
	PlayerID  string
	Name      string
	Bot       bool
	Score     int
	Kills     int
	Deaths    int
	Placement int
}

// published is what a room shares with other goroutines through an atomic pointer.
type published struct {
	stats RoomStats
	board []ScoreLine
}
