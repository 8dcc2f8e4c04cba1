package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tickarena/tickarena/server/leaderboard"
)

func testEmptyBoard(t *testing.T, s leaderboard.Store) {
	ctx := context.Background()
	for _, b := range leaderboard.Boards {
		for _, p := range leaderboard.Periods {
			page := top(t, s, b, p, Sunday, 10, "")
			if len(page.Entries) != 0 || page.Total != 0 || page.NextCursor != "" || page.PrevCursor != "" {
				t.Errorf("%s/%s on an empty store = %+v; want no entries and no cursors", b, p, page)
			}
			if page.Entries == nil {
				t.Errorf("%s/%s: entries is nil; want an empty list (JSON [])", b, p)
			}
		}
	}
	if _, err := s.Around(ctx, leaderboard.BoardScore, leaderboard.PeriodAll, Sunday, "nobody", 3); !errors.Is(err, leaderboard.ErrNotFound) {
		t.Errorf("Around(nobody) error = %v; want ErrNotFound", err)
	}
	if _, err := s.Player(ctx, "nobody", Sunday); !errors.Is(err, leaderboard.ErrNotFound) {
		t.Errorf("Player(nobody) error = %v; want ErrNotFound", err)
	}
}

func testBoardsAggregate(t *testing.T, s leaderboard.Store) {
	MustRecord(t, s,
		Round("r1", Sunday.Add(-3*time.Hour), Line("ann", "Ann", 50, 3, 1), Line("bob", "Bob", 80, 1, 2), Line("cat", "Cat", 10, 0, 3)),
		Round("r2", Sunday.Add(-2*time.Hour), Line("ann", "Ann", 20, 4, 2), Line("bob", "Bob", 30, 0, 1)),
		Round("r3", Sunday.Add(-1*time.Hour), Line("ann", "Ann", 40, 2, 1), Line("cat", "Cat", 5, 0, 2)),
	)
	tests := []struct {
		board leaderboard.Board
		want  string
	}{
		{leaderboard.BoardScore, "1:bob=80 2:ann=50 3:cat=10"},
		{leaderboard.BoardKills, "1:ann=9 2:bob=1 3:cat=0"},
		{leaderboard.BoardWins, "1:ann=2 2:bob=1 3:cat=0"},
	}
	for _, tt := range tests {
		t.Run(string(tt.board), func(t *testing.T) {
			page := top(t, s, tt.board, leaderboard.PeriodAll, Sunday, 10, "")
			wantEntries(t, "entries", page.Entries, tt.want)
			if page.Total != 3 {
				t.Errorf("total = %d; want 3", page.Total)
			}
			if page.Entries[0].Name == "" {
				t.Error("entries carry no names")
			}
		})
	}
}

func testTies(t *testing.T, s leaderboard.Store) {
	MustRecord(t, s, Round("r1", Sunday,
		Line("d", "D", 100, 0, 4), Line("b", "B", 100, 0, 2), Line("c", "C", 70, 0, 3),
		Line("a", "A", 100, 0, 1), Line("e", "E", 70, 0, 5), Line("f", "F", 10, 0, 6)))
	page := top(t, s, leaderboard.BoardScore, leaderboard.PeriodAll, Sunday, 10, "")
	wantEntries(t, "competition ranks, ties by id", page.Entries, "1:a=100 1:b=100 1:d=100 4:c=70 4:e=70 6:f=10")
	// A page that starts inside a run of ties keeps the shared rank.
	second := top(t, s, leaderboard.BoardScore, leaderboard.PeriodAll, Sunday, 2, page2(t, s))
	wantEntries(t, "second page of 2", second.Entries, "1:d=100 4:c=70")
}

// page2 returns the cursor of the second page of the all-time score board with limit 2.
func page2(t *testing.T, s leaderboard.Store) string {
	return top(t, s, leaderboard.BoardScore, leaderboard.PeriodAll, Sunday, 2, "").NextCursor
}

func testBots(t *testing.T, s leaderboard.Store) {
	ctx := context.Background()
	MustRecord(t, s, Round("r1", Sunday, Bot("bot-1", 9999, 50, 1), Line("ann", "Ann", 10, 1, 2), Bot("bot-2", 5000, 3, 3)))
	for _, b := range leaderboard.Boards {
		page := top(t, s, b, leaderboard.PeriodDaily, Sunday, 10, "")
		if page.Total != 1 || len(page.Entries) != 1 || page.Entries[0].PlayerID != "ann" {
			t.Errorf("%s board = %s (total %d); want only ann", b, brief(page.Entries), page.Total)
		}
	}
	wins := top(t, s, leaderboard.BoardWins, leaderboard.PeriodAll, Sunday, 10, "")
	wantEntries(t, "wins when a bot won", wins.Entries, "1:ann=0")
	if _, err := s.Around(ctx, leaderboard.BoardScore, leaderboard.PeriodAll, Sunday, "bot-1", 2); !errors.Is(err, leaderboard.ErrNotFound) {
		t.Errorf("Around(bot) error = %v; want ErrNotFound", err)
	}
	if _, err := s.Player(ctx, "bot-1", Sunday); !errors.Is(err, leaderboard.ErrNotFound) {
		t.Errorf("Player(bot) error = %v; want ErrNotFound", err)
	}
	found, err := s.Search(ctx, "bot", 10)
	if err != nil || len(found) != 0 {
		t.Errorf("Search(bot) = %v, %v; want nothing", found, err)
	}
	ann, err := s.Player(ctx, "ann", Sunday)
	if err != nil || len(ann.Recent) != 1 || ann.Recent[0].Placement != 2 {
		t.Errorf("Player(ann) = %+v, %v; want the round with the bots, placement 2", ann, err)
	}
}

func testIdempotent(t *testing.T, s leaderboard.Store) {
	r := Round("same", Sunday, Line("ann", "Ann", 10, 4, 1))
	MustRecord(t, s, r, r)
	changed := r
	changed.Players = []leaderboard.PlayerResult{Line("ann", "Ann", 99, 40, 1)}
	MustRecord(t, s, changed)
	wantEntries(t, "kills after recording one round three times",
		top(t, s, leaderboard.BoardKills, leaderboard.PeriodAll, Sunday, 10, "").Entries, "1:ann=4")
	wantEntries(t, "wins", top(t, s, leaderboard.BoardWins, leaderboard.PeriodWeekly, Sunday, 10, "").Entries, "1:ann=1")
	p, err := s.Player(context.Background(), "ann", Sunday)
	if err != nil || len(p.Recent) != 1 || p.Recent[0].Score != 10 {
		t.Errorf("Player(ann) recent = %+v, %v; want one round with score 10", p.Recent, err)
	}
}

func testInvalid(t *testing.T, s leaderboard.Store) {
	good := Line("ann", "Ann", 1, 1, 1)
	tests := []struct {
		name string
		r    leaderboard.RoundResult
	}{
		{"no id", Round("", Sunday, good)},
		{"no end time", Round("r", time.Time{}, good)},
		{"duplicate player", Round("r", Sunday, good, good)},
		{"empty player id", Round("r", Sunday, Line("", "X", 1, 1, 1))},
		{"empty name", Round("r", Sunday, Line("x", "", 1, 1, 1))},
		{"negative kills", Round("r", Sunday, Line("x", "X", 1, -1, 1))},
		{"placement zero", Round("r", Sunday, Line("x", "X", 1, 1, 0))},
		{"name too long", Round("r", Sunday, Line("x", strings.Repeat("n", leaderboard.MaxNameLen+1), 1, 1, 1))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := s.Record(context.Background(), tt.r); !errors.Is(err, leaderboard.ErrInvalidResult) {
				t.Errorf("Record error = %v; want ErrInvalidResult", err)
			}
		})
	}
	if page := top(t, s, leaderboard.BoardScore, leaderboard.PeriodAll, Sunday, 10, ""); page.Total != 0 {
		t.Errorf("invalid rounds left %d entries", page.Total)
	}
}

func testInvalidQueries(t *testing.T, s leaderboard.Store) {
	ctx := context.Background()
	if _, err := s.Top(ctx, "elo", leaderboard.PeriodAll, Sunday, 10, ""); !errors.Is(err, leaderboard.ErrInvalidQuery) {
		t.Errorf("Top(unknown board) error = %v; want ErrInvalidQuery", err)
	}
	if _, err := s.Top(ctx, leaderboard.BoardScore, "monthly", Sunday, 10, ""); !errors.Is(err, leaderboard.ErrInvalidQuery) {
		t.Errorf("Top(unknown period) error = %v; want ErrInvalidQuery", err)
	}
	if _, err := s.Around(ctx, "elo", leaderboard.PeriodAll, Sunday, "x", 1); !errors.Is(err, leaderboard.ErrInvalidQuery) {
		t.Errorf("Around(unknown board) error = %v; want ErrInvalidQuery", err)
	}
}

// players records one round with n players p000.. whose scores are distinct
// and descending, so the order is known.
func players(t *testing.T, s leaderboard.Store, id string, at time.Time, n int) {
	lines := make([]leaderboard.PlayerResult, n)
	for i := range lines {
		lines[i] = Line(fmt.Sprintf("p%03d", i), fmt.Sprintf("Player %d", i), int32(1000-i), int32(i%3), i+1)
	}
	MustRecord(t, s, Round(id, at, lines...))
}

// walk follows NextCursor from the first page and returns every page.
func walk(t *testing.T, s leaderboard.Store, b leaderboard.Board, p leaderboard.Period, now time.Time, limit int) []leaderboard.Page {
	var pages []leaderboard.Page
	cursor := ""
	for {
		page := top(t, s, b, p, now, limit, cursor)
		pages = append(pages, page)
		if page.NextCursor == "" {
			return pages
		}
		if len(pages) > 1000 {
			t.Fatal("pagination does not end")
		}
		cursor = page.NextCursor
	}
}

func testPagination(t *testing.T, s leaderboard.Store) {
	players(t, s, "r1", Sunday, 21)
	tests := []struct {
		name  string
		limit int
		sizes []int
	}{
		{"exact multiple of limit", 7, []int{7, 7, 7}},
		{"last page short", 5, []int{5, 5, 5, 5, 1}},
		{"one page holds all", 21, []int{21}},
		{"limit larger than board", 100, []int{21}},
		{"limit one", 1, slices.Repeat([]int{1}, 21)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pages := walk(t, s, leaderboard.BoardScore, leaderboard.PeriodAll, Sunday, tt.limit)
			var sizes []int
			var all []leaderboard.Entry
			for i, p := range pages {
				sizes = append(sizes, len(p.Entries))
				all = append(all, p.Entries...)
				if p.Offset != i*tt.limit {
					t.Errorf("page %d offset = %d; want %d", i, p.Offset, i*tt.limit)
				}
				if i >= 2 && p.PrevCursor == "" {
					t.Errorf("page %d has no previous cursor", i)
				}
				if i < 2 && p.PrevCursor != "" {
					t.Errorf("page %d has previous cursor %q; want none (previous is the first page)", i, p.PrevCursor)
				}
			}
			if !slices.Equal(sizes, tt.sizes) {
				t.Errorf("page sizes = %v; want %v", sizes, tt.sizes)
			}
			for i, e := range all {
				if want := fmt.Sprintf("p%03d", i); e.PlayerID != want || e.Rank != i+1 {
					t.Fatalf("entry %d = %d:%s; want %d:%s (pages overlap or skip)", i, e.Rank, e.PlayerID, i+1, want)
				}
			}
			if len(pages) > 2 {
				back := top(t, s, leaderboard.BoardScore, leaderboard.PeriodAll, Sunday, tt.limit, pages[2].PrevCursor)
				wantEntries(t, "previous of page 3", back.Entries, brief(pages[1].Entries))
			}
		})
	}
}

func testCursors(t *testing.T, s leaderboard.Store) {
	ctx := context.Background()
	players(t, s, "r1", Sunday, 12)
	first := top(t, s, leaderboard.BoardScore, leaderboard.PeriodDaily, Sunday, 5, "")
	good := first.NextCursor
	flipped := []byte(good)
	flipped[len(flipped)/2] ^= 1
	tests := []struct {
		name   string
		board  leaderboard.Board
		now    time.Time
		cursor string
	}{
		{"garbage", leaderboard.BoardScore, Sunday, "not-a-cursor!"},
		{"one byte changed", leaderboard.BoardScore, Sunday, string(flipped)},
		{"truncated", leaderboard.BoardScore, Sunday, good[:len(good)-3]},
		{"another board", leaderboard.BoardKills, Sunday, good},
		{"yesterday's daily board after midnight", leaderboard.BoardScore, Sunday.Add(time.Hour), good},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.Top(ctx, tt.board, leaderboard.PeriodDaily, tt.now, 5, tt.cursor)
			if !errors.Is(err, leaderboard.ErrInvalidCursor) {
				t.Errorf("Top with cursor %q error = %v; want ErrInvalidCursor", tt.cursor, err)
			}
		})
	}
	t.Run("past the end", func(t *testing.T) {
		past := leaderboard.EncodeCursor(leaderboard.BoardScore, leaderboard.PeriodDaily.Key(Sunday), 50)
		page := top(t, s, leaderboard.BoardScore, leaderboard.PeriodDaily, Sunday, 5, past)
		if len(page.Entries) != 0 || page.NextCursor != "" || page.Total != 12 {
			t.Errorf("page past the end = %+v; want no entries, no next cursor, total 12", page)
		}
	})
}

func testLimits(t *testing.T, s leaderboard.Store) {
	players(t, s, "r1", Sunday, leaderboard.MaxLimit+5)
	tests := []struct{ limit, want int }{
		{0, leaderboard.DefaultLimit},
		{-3, leaderboard.DefaultLimit},
		{1000, leaderboard.MaxLimit},
		{37, 37},
	}
	for _, tt := range tests {
		if got := len(top(t, s, leaderboard.BoardScore, leaderboard.PeriodAll, Sunday, tt.limit, "").Entries); got != tt.want {
			t.Errorf("limit %d gave %d entries; want %d", tt.limit, got, tt.want)
		}
	}
}

func testPeriods(t *testing.T, s leaderboard.Store) {
	monday := Sunday.Add(time.Hour)           // Monday 00:30, ISO week 10
	wednesday := Sunday.Add(49 * time.Hour)   // Wednesday 00:30
	tuesdayLate := Sunday.Add(47 * time.Hour) // Tuesday 22:30, same ISO week as Monday
	MustRecord(t, s,
		Round("sun", Sunday, Line("ann", "Ann", 10, 5, 1), Line("bob", "Bob", 5, 1, 2)),
		Round("mon", monday, Line("bob", "Bob", 7, 2, 1), Line("cat", "Cat", 3, 0, 2)),
		Round("tue", tuesdayLate, Line("cat", "Cat", 1, 4, 1)),
	)
	tests := []struct {
		name   string
		now    time.Time
		board  leaderboard.Board
		period leaderboard.Period
		want   string
	}{
		{"sunday daily", Sunday.Add(20 * time.Minute), leaderboard.BoardKills, leaderboard.PeriodDaily, "1:ann=5 2:bob=1"},
		{"sunday weekly (week 9)", Sunday.Add(29 * time.Minute), leaderboard.BoardKills, leaderboard.PeriodWeekly, "1:ann=5 2:bob=1"},
		{"monday daily resets", monday, leaderboard.BoardKills, leaderboard.PeriodDaily, "1:bob=2 2:cat=0"},
		{"monday weekly resets (week 10)", monday, leaderboard.BoardKills, leaderboard.PeriodWeekly, "1:cat=4 2:bob=2"},
		{"monday all time keeps history", monday, leaderboard.BoardKills, leaderboard.PeriodAll, "1:ann=5 2:cat=4 3:bob=3"},
		{"tuesday weekly accumulates", tuesdayLate, leaderboard.BoardKills, leaderboard.PeriodWeekly, "1:cat=4 2:bob=2"},
		{"tuesday daily", tuesdayLate, leaderboard.BoardWins, leaderboard.PeriodDaily, "1:cat=1"},
		{"wednesday daily is empty", wednesday, leaderboard.BoardScore, leaderboard.PeriodDaily, ""},
		{"wednesday weekly best score", wednesday, leaderboard.BoardScore, leaderboard.PeriodWeekly, "1:bob=7 2:cat=3"},
		{"back to sunday still answers", Sunday, leaderboard.BoardWins, leaderboard.PeriodWeekly, "1:ann=1 2:bob=0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantEntries(t, "entries", top(t, s, tt.board, tt.period, tt.now, 10, "").Entries, tt.want)
		})
	}
}

func testAround(t *testing.T, s leaderboard.Store) {
	ctx := context.Background()
	players(t, s, "r1", Sunday, 11)                                      // p000 (1000) .. p010 (990)
	MustRecord(t, s, Round("r2", Sunday, Line("tie", "Tie", 995, 0, 2))) // ties p005
	tests := []struct {
		name     string
		player   string
		n        int
		wantRank int
		want     string
	}{
		{"middle", "p007", 2, 9, "6:tie=995 8:p006=994 9:p007=993 10:p008=992 11:p009=991"},
		{"tied player", "tie", 1, 6, "6:p005=995 6:tie=995 8:p006=994"},
		{"top", "p000", 2, 1, "1:p000=1000 2:p001=999 3:p002=998"},
		{"bottom", "p010", 3, 12, "9:p007=993 10:p008=992 11:p009=991 12:p010=990"},
		{"n zero", "p003", 0, 4, "4:p003=997"},
		{"n clamped", "p003", 1000, 4, "1:p000=1000 2:p001=999 3:p002=998 4:p003=997 5:p004=996 6:p005=995 6:tie=995 8:p006=994 9:p007=993 10:p008=992 11:p009=991 12:p010=990"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := s.Around(ctx, leaderboard.BoardScore, leaderboard.PeriodAll, Sunday, tt.player, tt.n)
			if err != nil {
				t.Fatalf("Around: %v", err)
			}
			if a.Rank != tt.wantRank {
				t.Errorf("rank = %d; want %d", a.Rank, tt.wantRank)
			}
			wantEntries(t, "entries", a.Entries, tt.want)
		})
	}
	t.Run("not on this period's board", func(t *testing.T) {
		_, err := s.Around(ctx, leaderboard.BoardScore, leaderboard.PeriodDaily, Sunday.Add(24*time.Hour), "p003", 1)
		if !errors.Is(err, leaderboard.ErrNotFound) {
			t.Errorf("error = %v; want ErrNotFound", err)
		}
	})
}

func testPlayer(t *testing.T, s leaderboard.Store) {
	ctx := context.Background()
	monday := Sunday.Add(time.Hour)
	MustRecord(t, s,
		Round("a", Sunday, Line("ann", "Ann", 50, 3, 1), Line("bob", "Bob", 60, 1, 2)),
		Round("b", monday, Line("ann", "Annie", 20, 2, 2), Line("bob", "Bob", 30, 0, 1)),
		// Recorded late but ended first: it must not bring the old name back.
		Round("old", Sunday.Add(-time.Hour), Line("ann", "Anna-old", 1, 0, 3)),
	)
	p, err := s.Player(ctx, "ann", monday)
	if err != nil {
		t.Fatalf("Player: %v", err)
	}
	if p.Name != "Annie" {
		t.Errorf("name = %q; want the latest, Annie", p.Name)
	}
	var got []string
	for _, st := range p.Standings {
		got = append(got, fmt.Sprintf("%s/%s:%d=%d", st.Board, st.Period, st.Rank, st.Value))
	}
	want := []string{
		"score/all:2=50", "score/daily:2=20", "score/weekly:2=20",
		"kills/all:1=5", "kills/daily:1=2", "kills/weekly:1=2",
		"wins/all:1=1", "wins/daily:2=0", "wins/weekly:2=0",
	}
	if !slices.Equal(got, want) {
		t.Errorf("standings:\n got  %v\n want %v", got, want)
	}
	var rounds []string
	for _, r := range p.Recent {
		rounds = append(rounds, r.RoundID)
	}
	if !slices.Equal(rounds, []string{"b", "a", "old"}) {
		t.Errorf("recent rounds = %v; want latest first [b a old]", rounds)
	}
	if r := p.Recent[0]; !r.EndedAt.Equal(monday) || r.RoomName != "Room b" || r.Score != 20 || r.Kills != 2 || r.Placement != 2 {
		t.Errorf("recent[0] = %+v; want round b as ann played it", r)
	}
	next, err := s.Player(ctx, "ann", monday.Add(24*time.Hour))
	if err != nil {
		t.Fatalf("Player next day: %v", err)
	}
	for _, st := range next.Standings {
		if st.Period == leaderboard.PeriodDaily {
			t.Errorf("standing %+v on a day ann did not play", st)
		}
	}
}

func testRecentBounded(t *testing.T, s leaderboard.Store) {
	for i := range leaderboard.RecentRounds + 5 {
		MustRecord(t, s, Round(fmt.Sprintf("r%02d", i), Sunday.Add(time.Duration(i)*time.Minute), Line("ann", "Ann", int32(i), 0, 1)))
	}
	p, err := s.Player(context.Background(), "ann", Sunday)
	if err != nil {
		t.Fatalf("Player: %v", err)
	}
	if len(p.Recent) != leaderboard.RecentRounds || p.Recent[0].RoundID != fmt.Sprintf("r%02d", leaderboard.RecentRounds+4) {
		t.Errorf("recent = %d rounds starting %s; want %d starting with the latest", len(p.Recent), p.Recent[0].RoundID, leaderboard.RecentRounds)
	}
}

func testSearch(t *testing.T, s leaderboard.Store) {
	ctx := context.Background()
	MustRecord(t, s, Round("r", Sunday,
		Line("1", "StarFox", 10, 0, 1), Line("2", "starling", 30, 0, 2), Line("3", "Nova", 20, 0, 3),
		Line("4", "ÉTOILE star", 5, 0, 4), Bot("b", 1, 0, 5)))
	tests := []struct {
		name  string
		query string
		limit int
		want  string
	}{
		{"substring any case, name order", "STAR", 10, "3:1=10 1:2=30 4:4=5"},
		{"limit", "star", 2, "3:1=10 1:2=30"},
		{"non-ascii case folding", "étoile", 10, "4:4=5"},
		{"no match", "zzz", 10, ""},
		{"empty query", "", 10, ""},
		{"middle of a name", "ov", 10, "2:3=20"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			found, err := s.Search(ctx, tt.query, tt.limit)
			if err != nil {
				t.Fatalf("Search: %v", err)
			}
			wantEntries(t, "found", found, tt.want)
		})
	}
}

func testConcurrent(t *testing.T, s leaderboard.Store) {
	const workers, rounds = 4, 10
	var wg sync.WaitGroup
	errs := make(chan error, workers*rounds)
	for w := range workers {
		wg.Go(func() {
			for i := range rounds {
				r := Round(fmt.Sprintf("w%d-%d", w, i), Sunday, Line("ann", "Ann", int32(i), 1, 2), Line(fmt.Sprintf("w%d", w), "W", 1, 2, 1))
				errs <- s.Record(context.Background(), r)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("Record: %v", err)
		}
	}
	wantEntries(t, "kills", top(t, s, leaderboard.BoardKills, leaderboard.PeriodAll, Sunday, 10, "").Entries,
		"1:ann=40 2:w0=20 2:w1=20 2:w2=20 2:w3=20")
}
