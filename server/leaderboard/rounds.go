package leaderboard

import (
	"context"
	"net/url"
	"time"
)

// RoundStore is implemented by stores that keep finished rounds and their
// replays for lookup by round id, or by room and round number. The HTTP
// handler serves /api/rounds, /api/rounds/{id} and /api/rounds/{id}/replay
// from it.
type RoundStore interface {
	// Round returns a stored round, or ErrNotFound.
	Round(ctx context.Context, id string) (RoundInfo, error)
	// RoundsByNumber returns the stored rounds that room roomID numbered
	// round, latest first, at most MaxRoundMatches; none, not an error, when
	// there are none (a room whose id is used again after a restart counts
	// its rounds from 1 again, hence a list). A private room's rounds are
	// stored with an empty RoomID and are never returned, not even for "".
	RoundsByNumber(ctx context.Context, roomID string, round uint32) ([]RoundInfo, error)
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
	Score     int32  `json:"score"`
	Kills     int32  `json:"kills"`
	Deaths    int32  `json:"deaths"`
	Placement int    `json:"placement"`
}

// RoundPlayer returns the player's line as a RoundInfo shows it.
func (p PlayerResult) RoundPlayer() RoundPlayer {
	return RoundPlayer{PlayerID: p.PlayerID, Name: p.Name, Bot: p.Bot, Score: p.Score, Kills: p.Kills, Deaths: p.Deaths, Placement: p.Placement}
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
