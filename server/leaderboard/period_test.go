package leaderboard_test

import (
	"testing"
	"time"

	"github.com/tickarena/tickarena/server/leaderboard"
)

// TestWeeklyBoardFollowsISOWeeks: the weekly board a round counts in is its
// ISO week (Monday 00:00 UTC to the next Monday), named by the ISO week-year,
// which around New Year is not the calendar year: the last days of December
// can open next year's week 1 and the first days of January can close last
// year's week 52 or 53. Rounds of the same ISO week share a board, whatever
// the calendar year.
func TestWeeklyBoardFollowsISOWeeks(t *testing.T) {
	tests := []struct {
		at   string // RFC 3339
		want string
	}{
		{"2026-12-28T00:00:00Z", "w2026-W53"}, // Monday that opens the week
		{"2026-12-31T23:59:59Z", "w2026-W53"},
		{"2027-01-01T00:00:00Z", "w2026-W53"}, // a new calendar year, the same week
		{"2027-01-03T23:59:59Z", "w2026-W53"}, // its last second
		{"2027-01-04T00:00:00Z", "w2027-W01"},
		{"2024-12-29T12:00:00Z", "w2024-W52"},
		{"2024-12-30T00:00:00Z", "w2025-W01"}, // December in next year's week 1
		{"2025-01-01T08:00:00Z", "w2025-W01"},
		{"2020-12-31T10:00:00Z", "w2020-W53"},
		{"2021-01-03T10:00:00Z", "w2020-W53"},
		{"2021-01-04T10:00:00Z", "w2021-W01"},
		{"2023-01-01T10:00:00Z", "w2022-W52"},
		{"2023-01-02T10:00:00Z", "w2023-W01"},
		{"2019-12-30T10:00:00Z", "w2020-W01"},
		{"2025-12-29T00:00:00Z", "w2026-W01"},
		{"2026-03-11T10:00:00Z", "w2026-W11"},
		// The week is UTC's: Monday 05:00 at UTC+14 is still Sunday in UTC.
		{"2027-01-04T05:00:00+14:00", "w2026-W53"},
		{"2027-01-03T20:00:00-05:00", "w2027-W01"},
	}
	for _, tt := range tests {
		at, err := time.Parse(time.RFC3339, tt.at)
		if err != nil {
			t.Fatal(err)
		}
		if got := leaderboard.PeriodWeekly.Key(at); got != tt.want {
			t.Errorf("weekly board of a round ended %s = %q, want %q", tt.at, got, tt.want)
		}
		// The week starts on its Monday at midnight UTC and holds seven days.
		start := leaderboard.PeriodWeekly.Start(at)
		if start.Weekday() != time.Monday || start.Location() != time.UTC || start.Hour()+start.Minute()+start.Second()+start.Nanosecond() != 0 {
			t.Errorf("week of %s starts %v, want a Monday 00:00 UTC", tt.at, start)
		}
		if start.After(at) || !at.Before(start.AddDate(0, 0, 7)) {
			t.Errorf("week of %s starts %v: the round is not in its seven days", tt.at, start)
		}
		if got := leaderboard.PeriodWeekly.Key(start); got != tt.want {
			t.Errorf("week of %s starts %v, which is on board %q, not %q", tt.at, start, got, tt.want)
		}
		if got := leaderboard.PeriodWeekly.Key(start.Add(-time.Nanosecond)); got == tt.want {
			t.Errorf("the instant before the week of %s (%v) is on the same board %q", tt.at, start, got)
		}
		if got := leaderboard.PeriodWeekly.Key(start.AddDate(0, 0, 7)); got == tt.want {
			t.Errorf("a week after the start of the week of %s is on the same board %q", tt.at, got)
		}
	}
}

// TestDailyBoardFollowsUTCDays: the daily board is the UTC day; New Year's
// Eve and New Year's Day are different boards, and a round's local time zone
// does not matter.
func TestDailyBoardFollowsUTCDays(t *testing.T) {
	tests := []struct{ at, want string }{
		{"2026-12-31T23:59:59Z", "d2026-12-31"},
		{"2027-01-01T00:00:00Z", "d2027-01-01"},
		{"2027-01-01T01:00:00+02:00", "d2026-12-31"},
		{"2028-02-29T12:00:00Z", "d2028-02-29"},
	}
	for _, tt := range tests {
		at, err := time.Parse(time.RFC3339, tt.at)
		if err != nil {
			t.Fatal(err)
		}
		if got := leaderboard.PeriodDaily.Key(at); got != tt.want {
			t.Errorf("daily board of a round ended %s = %q, want %q", tt.at, got, tt.want)
		}
		start := leaderboard.PeriodDaily.Start(at)
		if start.Location() != time.UTC || start.After(at) || !at.Before(start.Add(24*time.Hour)) || start.Hour() != 0 {
			t.Errorf("day of %s starts %v, want its UTC midnight", tt.at, start)
		}
		if keys := leaderboard.PeriodKeys(at); keys != [3]string{"all", tt.want, leaderboard.PeriodWeekly.Key(at)} {
			t.Errorf("PeriodKeys(%s) = %v", tt.at, keys)
		}
	}
	if got := leaderboard.PeriodAll.Start(time.Now()); !got.IsZero() {
		t.Errorf("the all-time board starts %v, want the zero time", got)
	}
}
