package leaderboard

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Limits shared by every Store and by the HTTP handlers.
const (
	// DefaultLimit is the page size when none is asked for.
	DefaultLimit = 20
	// MaxLimit is the largest page size.
	MaxLimit = 100
	// DefaultAround is how many entries Around returns on each side by default.
	DefaultAround = 5
	// MaxAround is the most entries Around returns on each side.
	MaxAround = 25
	// RecentRounds is how many recent rounds Player returns at most.
	RecentRounds = 20
	// MaxSearch is the most players Search returns.
	MaxSearch = 50
	// MaxRoundMatches is the most rounds RoundsByNumber returns.
	MaxRoundMatches = 10
)

// Errors a Store returns for conditions callers branch on.
var (
	// ErrNotFound means the player is unknown or has no entry on the board.
	ErrNotFound = errors.New("not found")
	// ErrInvalidCursor means a cursor was not produced by Top for this board and period.
	ErrInvalidCursor = errors.New("invalid cursor")
	// ErrInvalidQuery means a board, period or limit is out of range.
	ErrInvalidQuery = errors.New("invalid query")
)

// Store keeps round results durably and answers board queries. A store is
// safe for concurrent use. Implementations must order boards and rank as the
// package documentation says; storetest.Run checks that they do.
type Store interface {
	// Record stores a round and updates every board it counts on, in one
	// transaction. Recording a round whose ID is already stored does nothing
	// and returns nil.
	Record(ctx context.Context, r RoundResult) error
	// Top returns a page of the board for the period instance containing now.
	// limit is clamped to 1..MaxLimit (0 means DefaultLimit). cursor is ""
	// for the first page or a NextCursor/PrevCursor from an earlier page of
	// the same board and period instance; anything else is ErrInvalidCursor.
	Top(ctx context.Context, board Board, period Period, now time.Time, limit int, cursor string) (Page, error)
	// Around returns the player's entry and up to n entries on each side.
	// n is clamped to 0..MaxAround. It returns ErrNotFound when the player
	// has no entry on that board in that period.
	Around(ctx context.Context, board Board, period Period, now time.Time, playerID string, n int) (Around, error)
	// Player returns a player's standings and recent rounds, or ErrNotFound
	// for an unknown player or a bot.
	Player(ctx context.Context, playerID string, now time.Time) (PlayerStats, error)
	// Search returns the players whose latest name contains query, ignoring
	// case, in name order (then player id), each as their entry on the
	// all-time score board. limit is clamped to 1..MaxSearch; an empty query
	// matches nobody.
	Search(ctx context.Context, query string, limit int) ([]Entry, error)
	// Ping reports whether the store can serve requests.
	Ping(ctx context.Context) error
	// Close releases the store.
	Close() error
}

// Entry is one line of a board.
type Entry struct {
	Rank     int    `json:"rank"`
	PlayerID string `json:"player_id"`
	Name     string `json:"name"`
	Value    int64  `json:"value"`
	// RoundID is the round behind the entry, set by Top: on the score board
	// the round of the player's best score in the period (the earliest of
	// equal ones), on the kills board the last round that added kills, on
	// the wins board the last round won (or, until there is one, the round
	// that put the player on the board). Empty (absent in JSON) elsewhere
	// and for entries recorded before stores kept it.
	RoundID string `json:"round_id,omitempty"`
}

// Page is one page of a board.
type Page struct {
	Board  Board  `json:"board"`
	Period Period `json:"period"`
	// Entries are in board order.
	Entries []Entry `json:"entries"`
	// Total is the number of players on the board.
	Total int `json:"total"`
	// Offset is the position of the first entry, 0-based.
	Offset int `json:"offset"`
	// NextCursor fetches the following page; empty on the last page.
	NextCursor string `json:"next_cursor"`
	// PrevCursor fetches the preceding page; empty on the first page and
	// when the preceding page is the first one (ask with no cursor).
	PrevCursor string `json:"prev_cursor"`
}

// Around is a player's neighbourhood on a board.
type Around struct {
	// Rank is the player's competition rank.
	Rank    int     `json:"rank"`
	Entries []Entry `json:"entries"`
}

// PlayerStats is what a store knows about one player.
type PlayerStats struct {
	PlayerID string `json:"player_id"`
	// Name is the name the player used in their latest round.
	Name string `json:"name"`
	// Standings holds one line per (board, period) the player is on, in the
	// order of Boards then Periods.
	Standings []Standing `json:"standings"`
	// Recent holds up to RecentRounds rounds, latest first.
	Recent []RecentRound `json:"recent"`
}

// Standing is a player's rank and value on one board in one period.
type Standing struct {
	Board  Board  `json:"board"`
	Period Period `json:"period"`
	Rank   int    `json:"rank"`
	Value  int64  `json:"value"`
}

// RecentRound is a player's line in one round they played.
type RecentRound struct {
	RoundID   string    `json:"round_id"`
	RoomID    string    `json:"room_id"`
	RoomName  string    `json:"room_name"`
	Round     uint32    `json:"round"`
	EndedAt   time.Time `json:"ended_at"`
	Score     int32     `json:"score"`
	Kills     int32     `json:"kills"`
	Deaths    int32     `json:"deaths"`
	Placement int       `json:"placement"`
	// ReplayURL is where the round's replay file is served; empty (absent in
	// JSON) when none is kept.
	ReplayURL string `json:"replay_url,omitempty"`
}

// CheckBoard returns an ErrInvalidQuery error unless board and period are valid.
func CheckBoard(board Board, period Period) error {
	if !board.Valid() {
		return fmt.Errorf("%w: unknown board %q", ErrInvalidQuery, board)
	}
	if !period.Valid() {
		return fmt.Errorf("%w: unknown period %q", ErrInvalidQuery, period)
	}
	return nil
}

// ClampLimit maps a requested page size to 1..max, with 0 or less meaning def.
func ClampLimit(limit, def, max int) int {
	switch {
	case limit <= 0:
		return def
	case limit > max:
		return max
	}
	return limit
}

// Value is the value a player's result adds to, or sets on, board b.
// Aggregate combines it with the value already on the board.
func (p PlayerResult) Value(b Board) int64 {
	switch b {
	case BoardScore:
		return int64(p.Score)
	case BoardKills:
		return int64(p.Kills)
	case BoardWins:
		if p.Won() {
			return 1
		}
	}
	return 0
}

// Aggregate combines a board value already stored with one from a new round:
// the maximum for BoardScore, the sum for the others.
func Aggregate(b Board, old, add int64) int64 {
	if b == BoardScore {
		return max(old, add)
	}
	return old + add
}
