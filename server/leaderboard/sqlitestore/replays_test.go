package sqlitestore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tickarena/tickarena/server/leaderboard"
	"github.com/tickarena/tickarena/server/leaderboard/storetest"
)

// crowd is a round without a replay of n players scoring score each.
func crowd(id string, at time.Time, n int, score int32) leaderboard.RoundResult {
	r := storetest.Round(id, at)
	for i := range n {
		r.Players = append(r.Players, storetest.Line(fmt.Sprintf("%s-%03d", id, i), fmt.Sprintf("P%d", i), score, 0, i+1))
	}
	return r
}

func kept(t *testing.T, s *Store, ids ...string) string {
	t.Helper()
	var out []string
	for _, id := range ids {
		_, err := s.Replay(context.Background(), id)
		switch {
		case err == nil:
			out = append(out, id)
		case !errors.Is(err, leaderboard.ErrNotFound):
			t.Fatalf("Replay(%s): %v", id, err)
		}
	}
	return fmt.Sprint(out)
}

// TestReplayRetention: the newest ReplayKeep rounds keep their replay, and
// so does a round behind a current top-100 score entry, until it no longer is.
func TestReplayRetention(t *testing.T) {
	s, err := Open(context.Background(), Options{Path: filepath.Join(t.TempDir(), "lb.db"), Logger: slog.New(slog.DiscardHandler), ReplayKeep: 3})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	file, d := storetest.Recording(t, 3)
	at := storetest.Sunday.Add(-6 * time.Hour)
	// 99 players scoring 500 fill the top 100 below the champion.
	storetest.MustRecord(t, s, crowd("seed", at, 99, 500))
	storetest.MustRecord(t, s, storetest.WithReplay(storetest.Round("champ", at.Add(time.Minute), storetest.Line("champ", "Champ", 1000, 5, 1)), file, d))
	ids := []string{"champ"}
	for i := 1; i <= 6; i++ {
		id := fmt.Sprintf("r%d", i)
		ids = append(ids, id)
		storetest.MustRecord(t, s, storetest.WithReplay(storetest.Round(id, at.Add(time.Duration(i+1)*time.Minute), storetest.Line("low-"+id, "Low", 1, 0, 1)), file, d))
	}
	if got, want := kept(t, s, ids...), "[champ r4 r5 r6]"; got != want {
		t.Errorf("replays kept = %s; want %s (the champion's round and the 3 newest)", got, want)
	}
	info, err := s.Round(context.Background(), "r1")
	if err != nil || info.Replay != nil {
		t.Errorf("Round(r1) after its replay was pruned = %+v, %v; want the round without a replay", info, err)
	}

	// 100 players beat the champion: their round is the newest, the
	// champion's round holds no top-100 entry any more and is pruned.
	big := crowd("big", at.Add(time.Hour), 100, 2000)
	storetest.MustRecord(t, s, storetest.WithReplay(big, file, d))
	if got, want := kept(t, s, append(ids, "big")...), "[r5 r6 big]"; got != want {
		t.Errorf("replays kept after the champion was pushed out = %s; want %s", got, want)
	}
}

// TestReplayFailureRollsBackResult: a result and its replay are committed
// together: when storing the replay fails, the result is not recorded either.
func TestReplayFailureRollsBackResult(t *testing.T) {
	s := openAt(t, filepath.Join(t.TempDir(), "lb.db"))
	if _, err := s.db.Exec(`CREATE TRIGGER no_replays BEFORE INSERT ON replays BEGIN SELECT RAISE(ABORT, 'replay refused'); END`); err != nil {
		t.Fatalf("create trigger: %v", err)
	}
	file, d := storetest.Recording(t, 3)
	err := s.Record(context.Background(), storetest.WithReplay(storetest.Round("r1", storetest.Sunday, storetest.Line("a", "Al", 9, 2, 1)), file, d))
	if err == nil {
		t.Fatal("Record succeeded although its replay could not be stored")
	}
	if _, err := s.Round(context.Background(), "r1"); !errors.Is(err, leaderboard.ErrNotFound) {
		t.Errorf("Round(r1) after the failed record: %v; want ErrNotFound", err)
	}
	if _, err := s.Player(context.Background(), "a", storetest.Sunday); !errors.Is(err, leaderboard.ErrNotFound) {
		t.Errorf("Player(a) after the failed record: %v; want ErrNotFound (no standing either)", err)
	}
}

// TestUpgradeAddsReplays: a database made before replays existed opens,
// keeps its rounds and stores replays from then on.
func TestUpgradeAddsReplays(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lb.db")
	all := migrations
	migrations = all[:1]
	old, err := Open(context.Background(), Options{Path: path, Logger: slog.New(slog.DiscardHandler)})
	migrations = all
	if err != nil {
		t.Fatalf("Open at schema 1: %v", err)
	}
	// The round is written as the code of schema 1 wrote it: the code of
	// today writes columns that schema lacks.
	ended := storetest.Sunday.UnixNano()
	for _, q := range []string{
		`INSERT INTO rounds (id, room_id, room_name, round, ended_at, recorded_at) VALUES ('before', 'room', 'Room', 1, ?1, ?1)`,
		`INSERT INTO round_players (round_id, player_id, name, bot, score, kills, deaths, placement, ended_at) VALUES ('before', 'a', 'Al', 0, 9, 2, 0, 1, ?1)`,
	} {
		if _, err := old.db.ExecContext(context.Background(), q, ended); err != nil {
			t.Fatalf("write a round at schema 1: %v", err)
		}
	}
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}

	s := openAt(t, path)
	if v, err := s.SchemaVersion(context.Background()); err != nil || v != len(migrations) {
		t.Fatalf("schema version after upgrade = %d, %v; want %d", v, err, len(migrations))
	}
	if info, err := s.Round(context.Background(), "before"); err != nil || info.Replay != nil {
		t.Errorf("Round(before) after the upgrade = %+v, %v; want the round without a replay", info, err)
	}
	file, d := storetest.Recording(t, 2)
	storetest.MustRecord(t, s, storetest.WithReplay(storetest.Round("after", storetest.Sunday, storetest.Line("a", "Al", 9, 2, 1)), file, d))
	if got, err := s.Replay(context.Background(), "after"); err != nil || len(got) != len(file) {
		t.Errorf("Replay(after) = %d bytes, %v; want %d", len(got), err, len(file))
	}
}

// TestRoundsByNumberIndex: a database made before the index opens with it,
// finds the rounds it held before, and the lookup reads the index alone,
// neither scanning the rounds nor sorting them.
func TestRoundsByNumberIndex(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "lb.db")
	all := migrations
	migrations = all[:3]
	old, err := Open(ctx, Options{Path: path, Logger: slog.New(slog.DiscardHandler)})
	migrations = all
	if err != nil {
		t.Fatalf("Open at schema 3: %v", err)
	}
	storetest.MustRecord(t, old, storetest.InRoom(storetest.Round("before", storetest.Sunday, storetest.Line("a", "Al", 9, 2, 1)), "arena", 2))
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}

	s := openAt(t, path)
	got, err := s.RoundsByNumber(ctx, "arena", 2)
	if err != nil || len(got) != 1 || got[0].ID != "before" {
		t.Fatalf("RoundsByNumber(arena, 2) after the upgrade = %+v, %v; want the round recorded before it", got, err)
	}
	rows, err := s.db.QueryContext(ctx, "EXPLAIN QUERY PLAN "+roundsByNumberQuery, "arena", 2, leaderboard.MaxRoundMatches)
	if err != nil {
		t.Fatalf("explain: %v", err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatalf("explain: %v", err)
		}
		plan = append(plan, detail)
	}
	if len(plan) != 1 || !strings.Contains(plan[0], "COVERING INDEX rounds_by_number") {
		t.Errorf("the lookup's plan is %q; want one search of the covering index rounds_by_number, no scan, no sort", plan)
	}
}

// BenchmarkRecordWithReplay records rounds of 10 players, each with a
// replay, into a store already holding its ReplayKeep (1000) replays, so that
// every Record also prunes one; it reports the replay bytes stored.
func BenchmarkRecordWithReplay(b *testing.B) {
	s, err := Open(context.Background(), Options{Path: filepath.Join(b.TempDir(), "lb.db"), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatalf("Open: %v", err)
	}
	defer s.Close()
	file, d := storetest.Recording(b, 9)
	at := time.Now().Add(-time.Hour)
	rec := func(i int) {
		r := storetest.Round(fmt.Sprintf("r%07d", i), at.Add(time.Duration(i)*time.Millisecond))
		for j := range 10 {
			r.Players = append(r.Players, storetest.Line(fmt.Sprintf("p%04d", (i*10+j)%5000), "P", int32(i%977), int32(j%3), j+1))
		}
		if err := s.Record(context.Background(), storetest.WithReplay(r, file, d)); err != nil {
			b.Fatalf("Record: %v", err)
		}
	}
	for i := range DefaultReplayKeep {
		rec(i)
	}
	n := DefaultReplayKeep
	b.ReportAllocs()
	for b.Loop() {
		rec(n)
		n++
	}
	var count int
	if err := s.db.QueryRow(`SELECT count(*) FROM replays`).Scan(&count); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(len(file)), "replay-bytes")
	b.ReportMetric(float64(count), "replays-kept")
}
