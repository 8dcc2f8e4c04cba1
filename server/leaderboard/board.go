package leaderboard

import (
	"fmt"
	"time"
)

// Board names what a leaderboard ranks.
type Board string

// The boards.
const (
	// BoardScore ranks the best score reached in a single round.
	BoardScore Board = "score"
	// BoardKills ranks the total kills.
	BoardKills Board = "kills"
	// BoardWins ranks the number of rounds won (placement 1).
	BoardWins Board = "wins"
)

// Boards lists every board in display order.
var Boards = []Board{BoardScore, BoardKills, BoardWins}

// Valid reports whether b is one of Boards.
func (b Board) Valid() bool { return b == BoardScore || b == BoardKills || b == BoardWins }

// Title is the board's name as shown to people.
func (b Board) Title() string {
	switch b {
	case BoardScore:
		return "Best score"
	case BoardKills:
		return "Kills"
	case BoardWins:
		return "Wins"
	}
	return string(b)
}

// Period names the span of time a board counts rounds in.
type Period string

// The periods.
const (
	// PeriodAll counts every round ever recorded.
	PeriodAll Period = "all"
	// PeriodDaily counts the rounds that ended in the current UTC day.
	PeriodDaily Period = "daily"
	// PeriodWeekly counts the rounds that ended in the current ISO week (Monday 00:00 UTC on).
	PeriodWeekly Period = "weekly"
)

// Periods lists every period in display order.
var Periods = []Period{PeriodAll, PeriodDaily, PeriodWeekly}

// Valid reports whether p is one of Periods.
func (p Period) Valid() bool { return p == PeriodAll || p == PeriodDaily || p == PeriodWeekly }

// Title is the period's name as shown to people.
func (p Period) Title() string {
	switch p {
	case PeriodAll:
		return "All time"
	case PeriodDaily:
		return "Today"
	case PeriodWeekly:
		return "This week"
	}
	return string(p)
}

// Key names the instance of period p that contains t, e.g. "all",
// "d2026-11-25" or "w2026-W48". Stores keep one board per (board, key).
func (p Period) Key(t time.Time) string {
	t = t.UTC()
	switch p {
	case PeriodDaily:
		return t.Format("d2006-01-02")
	case PeriodWeekly:
		y, w := t.ISOWeek()
		return fmt.Sprintf("w%04d-W%02d", y, w)
	}
	return "all"
}

// Start is the first instant of the instance of period p that contains t;
// the zero time for PeriodAll.
func (p Period) Start(t time.Time) time.Time {
	t = t.UTC()
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	switch p {
	case PeriodDaily:
		return day
	case PeriodWeekly:
		back := (int(day.Weekday()) + 6) % 7 // days since Monday
		return day.AddDate(0, 0, -back)
	}
	return time.Time{}
}

// PeriodKeys returns the keys of every period instance a round that ended at
// t counts in, in the order of Periods.
func PeriodKeys(t time.Time) [3]string {
	return [3]string{PeriodAll.Key(t), PeriodDaily.Key(t), PeriodWeekly.Key(t)}
}
