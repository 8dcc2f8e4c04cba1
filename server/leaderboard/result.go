package leaderboard

import (
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/replay"
)

// Limits on a RoundResult, checked by Validate.
const (
	// MaxIDLen is the longest round or player id, in bytes.
	MaxIDLen = 128
	// MaxNameLen is the longest player or room name, in runes.
	MaxNameLen = 64
	// MaxPlayers is the most players one round may hold.
	MaxPlayers = 256
	// MaxReplaySize is the largest replay file a store keeps, in bytes; a
	// Writer records a round with a larger one without its replay.
	MaxReplaySize = 8 << 20
)

// ErrInvalidResult is wrapped by the error Validate returns; a Writer does not
// retry a result rejected with it.
var ErrInvalidResult = errors.New("invalid round result")

// RoundResult is the outcome of one round in one room, produced by the server
// from the match it simulated.
type RoundResult struct {
	// ID identifies the round uniquely, e.g. room id + round number.
	// Recording the same ID twice is a no-op.
	ID       string
	RoomID   string
	RoomName string
	Round    uint32
	// EndedAt decides which daily and weekly periods the round counts in.
	EndedAt time.Time
	Players []PlayerResult
	// Recording is the round's recording, not yet encoded; nil when the
	// round was not recorded. A Writer encodes it into Replay before it calls
	// Record, so that compression never runs on the goroutine that enqueued
	// the result. Stores ignore it.
	Recording *replay.Recording
	// Replay is the round's replay file (replay.Recording.Encode), stored
	// with the result in the same transaction; nil for a round without one.
	Replay []byte
	// ReplayDuration is how much playing time Replay covers; zero without one.
	ReplayDuration time.Duration

	recordingDropped bool // set by Writer.Enqueue when it left Recording out
}

// PlayerResult is one player's line in a RoundResult: the game's line of
// their ship, as the round ended, and who played it. A Bot is recorded,
// never ranked; Placement 1 is the winner; the Ship id is not stored.
type PlayerResult struct {
	// PlayerID is the session's player id of a human, and
	// "bot-<room>-<ship>" for a bot.
	PlayerID string
	game.PlayerResult
}

// Won reports whether the player won the round.
func (p PlayerResult) Won() bool { return p.Placement == 1 }

// Validate reports whether r can be recorded: ids present and bounded, player
// ids unique, counts not negative, placements positive and EndedAt set.
func (r RoundResult) Validate() error {
	if r.ID == "" || len(r.ID) > MaxIDLen {
		return fmt.Errorf("%w: round id must be 1-%d bytes", ErrInvalidResult, MaxIDLen)
	}
	if r.EndedAt.IsZero() {
		return fmt.Errorf("%w: round %q has no end time", ErrInvalidResult, r.ID)
	}
	if len(r.Players) > MaxPlayers {
		return fmt.Errorf("%w: round %q has %d players, more than %d", ErrInvalidResult, r.ID, len(r.Players), MaxPlayers)
	}
	if utf8.RuneCountInString(r.RoomName) > MaxNameLen || len(r.RoomID) > MaxIDLen {
		return fmt.Errorf("%w: round %q has a room id or name too long", ErrInvalidResult, r.ID)
	}
	if len(r.Replay) > MaxReplaySize {
		return fmt.Errorf("%w: round %q has a replay of %d bytes, more than %d", ErrInvalidResult, r.ID, len(r.Replay), MaxReplaySize)
	}
	if r.Replay != nil {
		if _, err := replay.ReadHeader(r.Replay); err != nil {
			return fmt.Errorf("%w: round %q: %v", ErrInvalidResult, r.ID, err)
		}
	}
	seen := make(map[string]bool, len(r.Players))
	for _, p := range r.Players {
		switch {
		case p.PlayerID == "" || len(p.PlayerID) > MaxIDLen:
			return fmt.Errorf("%w: round %q: player id must be 1-%d bytes", ErrInvalidResult, r.ID, MaxIDLen)
		case seen[p.PlayerID]:
			return fmt.Errorf("%w: round %q: player %q listed twice", ErrInvalidResult, r.ID, p.PlayerID)
		case p.Name == "" || !utf8.ValidString(p.Name) || utf8.RuneCountInString(p.Name) > MaxNameLen:
			return fmt.Errorf("%w: round %q: player %q has an invalid name", ErrInvalidResult, r.ID, p.PlayerID)
		case p.Kills < 0 || p.Deaths < 0:
			return fmt.Errorf("%w: round %q: player %q has negative kills or deaths", ErrInvalidResult, r.ID, p.PlayerID)
		case p.Placement < 1:
			return fmt.Errorf("%w: round %q: player %q has placement %d, want >= 1", ErrInvalidResult, r.ID, p.PlayerID, p.Placement)
		}
		seen[p.PlayerID] = true
	}
	return nil
}
