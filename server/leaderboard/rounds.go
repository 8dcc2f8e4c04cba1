package leaderboard

import (
	"context"
	"net/url"
	"time"
)

// RoundStore is implemented by stores that keep finished rounds and their
// replays for lookup by round id. The HTTP handler serves
// /api/rounds/{id} and /api/rounds/{id}/replay from it.
type RoundStore interface {
	// Round returns a stored round, or ErrNotFound.
	Round(ctx context.Context, id string) (RoundInfo, error)
	// Replay returns a round's replay file, or ErrNotFound when the round
	// has none: it was not recorded, or its replay was pruned.
	Replay(ctx context.Context, id string) ([]byte, error)
}

// RoundInfo is one stored round: its result and whether a replay is kept.
type RoundInfo struct {
	ID       string    `json:"id"`
	RoomID   string    `json:"room_id"`
	RoomName string    `json:"room_name"`
	Round    uint32    `json:"round"`
	EndedAt  time.Time `json:"ended_at"`
	// Players are in placement order (then player id).
	Players []RoundPlayer `json:"players"`
	// Replay describes the round's replay; nil (absent in JSON) when none is kept.
	Replay *ReplayInfo `json:"replay,omitempty"`
}

// RoundPlayer is one player's line in a RoundInfo.
type RoundPlayer struct {
	PlayerID  string `json:"player_id"`
	Name      string `json:"name"`
	Bot       bool   `json:"bot"`
	Score     int64  `json:"score"`
	Kills     int    `json:"kills"`
	Deaths    int    `json:"deaths"`
	Placement int    `json:"placement"`
}

// ReplayInfo describes a kept replay.
type ReplayInfo struct {
	// Size is the file's length in bytes.
	Size int `json:"size"`
	// DurationMS is the playing time it covers, in milliseconds.
	DurationMS int64 `json:"duration_ms"`
	// URL is where the file is served.
	URL string `json:"url"`
}

// ReplayURL returns the path of round id's replay file.
func ReplayURL(id string) string { return "/api/rounds/" + url.PathEscape(id) + "/replay" }

// WatchURL returns the path of the page that plays round id's replay in the
// browser.
func WatchURL(id string) string { return "/replay/" + url.PathEscape(id) }
