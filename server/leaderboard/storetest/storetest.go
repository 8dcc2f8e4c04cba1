// Package storetest is the contract every leaderboard.Store must meet,
// written once as a table of cases so that each backend (SQLite now, Redis
// later) runs the same ones:
//
//	func TestContract(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) leaderboard.Store { return openTestStore(t) })
//	}
package storetest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tickarena/tickarena/server/leaderboard"
)

// NewStore returns an empty store for one test; it should close it on t.Cleanup.
type NewStore func(t *testing.T) leaderboard.Store

// Sunday is Sunday 1 March 2026, 23:30 UTC: half an hour before both a UTC
// midnight and the start of ISO week 10. Tests build their clocks from it.
var Sunday = time.Date(2026, 3, 1, 23, 30, 0, 0, time.UTC)

// Run runs every contract case against stores made by newStore.
func Run(t *testing.T, newStore NewStore) {
	cases := []struct {
		name string
		run  func(t *testing.T, s leaderboard.Store)
	}{
		{"EmptyBoard", testEmptyBoard},
		{"BoardsAggregate", testBoardsAggregate},
		{"TiesShareRankAndOrderByID", testTies},
		{"BotsNeverRanked", testBots},
		{"RecordIsIdempotent", testIdempotent},
		{"InvalidResultsRejected", testInvalid},
		{"InvalidQueries", testInvalidQueries},
		{"Pagination", testPagination},
		{"Cursors", testCursors},
		{"LimitIsClamped", testLimits},
		{"PeriodsAcrossMidnightAndISOWeek", testPeriods},
		{"Around", testAround},
		{"PlayerStats", testPlayer},
		{"RecentRoundsBounded", testRecentBounded},
		{"Search", testSearch},
		{"ConcurrentRecords", testConcurrent},
		{"MatchesBruteForce", testBruteForce},
		{"Ping", func(t *testing.T, s leaderboard.Store) {
			if err := s.Ping(context.Background()); err != nil {
				t.Fatalf("Ping: %v", err)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { c.run(t, newStore(t)) })
	}
}

// Round builds a round result ending at `at` with the given lines.
func Round(id string, at time.Time, lines ...leaderboard.PlayerResult) leaderboard.RoundResult {
	return leaderboard.RoundResult{ID: id, RoomID: "room-" + id, RoomName: "Room " + id, Round: 1, EndedAt: at, Players: lines}
}

// Line builds a human player's line; placement 1 is a win.
func Line(id, name string, score int64, kills, placement int) leaderboard.PlayerResult {
	return leaderboard.PlayerResult{PlayerID: id, Name: name, Score: score, Kills: kills, Deaths: 1, Placement: placement}
}

// Bot builds a bot's line.
func Bot(id string, score int64, kills, placement int) leaderboard.PlayerResult {
	l := Line(id, "bot "+id, score, kills, placement)
	l.Bot = true
	return l
}

// MustRecord records rounds, failing the test on error.
func MustRecord(t testing.TB, s leaderboard.Store, rounds ...leaderboard.RoundResult) {
	t.Helper()
	for _, r := range rounds {
		if err := s.Record(context.Background(), r); err != nil {
			t.Fatalf("Record(%s): %v", r.ID, err)
		}
	}
}

func top(t *testing.T, s leaderboard.Store, b leaderboard.Board, p leaderboard.Period, now time.Time, limit int, cursor string) leaderboard.Page {
	t.Helper()
	page, err := s.Top(context.Background(), b, p, now, limit, cursor)
	if err != nil {
		t.Fatalf("Top(%s, %s, limit %d): %v", b, p, limit, err)
	}
	return page
}

// brief renders entries as "rank:id=value" for readable failures.
func brief(es []leaderboard.Entry) string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = fmt.Sprintf("%d:%s=%d", e.Rank, e.PlayerID, e.Value)
	}
	return strings.Join(parts, " ")
}

// withRounds is brief with the round behind each entry: "1:ann=5@r1".
func withRounds(es []leaderboard.Entry) string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = fmt.Sprintf("%d:%s=%d@%s", e.Rank, e.PlayerID, e.Value, e.RoundID)
	}
	return strings.Join(parts, " ")
}

func wantEntries(t *testing.T, what string, got []leaderboard.Entry, want string) {
	t.Helper()
	if g := brief(got); g != want {
		t.Errorf("%s:\n got  %s\n want %s", what, g, want)
	}
}
