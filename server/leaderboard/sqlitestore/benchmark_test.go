package sqlitestore

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tickarena/tickarena/internal/cputime"
	"github.com/tickarena/tickarena/server/leaderboard"
	"github.com/tickarena/tickarena/server/leaderboard/storetest"
)

// benchPlayers is the number of players on the all-time boards of the
// benchmark database.
const benchPlayers = 1_000_000

var bench struct {
	once sync.Once
	dir  string
	path string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if bench.dir != "" {
		os.RemoveAll(bench.dir)
	}
	os.Exit(code)
}

// benchDB returns the path of a database holding benchPlayers players with
// all-time standings, built once per test binary with a bulk insert.
func benchDB(b *testing.B) string {
	b.Helper()
	bench.once.Do(func() {
		bench.dir, bench.err = os.MkdirTemp("", "lbbench")
		if bench.err != nil {
			return
		}
		bench.path = filepath.Join(bench.dir, "lb.db")
		bench.err = fillBenchDB(bench.path)
	})
	if bench.err != nil {
		b.Fatalf("build benchmark database: %v", bench.err)
	}
	return bench.path
}

func fillBenchDB(path string) error {
	ctx := context.Background()
	s, err := Open(ctx, Options{Path: path, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return err
	}
	defer s.Close()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	insPlayer, err := tx.PrepareContext(ctx, `INSERT INTO players (id, name, name_fold, name_at) VALUES (?, ?, ?, 0)`)
	if err != nil {
		return err
	}
	insStanding, err := tx.PrepareContext(ctx, `INSERT INTO standings (period_key, player_id, score, kills, wins) VALUES ('all', ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range benchPlayers {
		id := fmt.Sprintf("player-%07d", i)
		name := fmt.Sprintf("Pilot%d", i)
		if _, err := insPlayer.ExecContext(ctx, id, name, strings.ToLower(name)); err != nil {
			return err
		}
		if _, err := insStanding.ExecContext(ctx, id, rng.Int64N(1_000_000), rng.Int64N(50_000), rng.Int64N(5_000)); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// meter reports, per operation, the wall time and the CPU time the process
// spent: on a shared machine the CPU time is the steadier figure.
type meter struct {
	wall time.Time
	cpu  time.Duration
}

func startMeter() meter { return meter{wall: time.Now(), cpu: cputime.Process()} }

func (m meter) report(b *testing.B, unit string) {
	n := float64(b.N)
	b.ReportMetric(float64(time.Since(m.wall).Microseconds())/n/1000, "ms/"+unit)
	b.ReportMetric(float64((cputime.Process()-m.cpu).Microseconds())/n/1000, "cpu-ms/"+unit)
}

func openBench(b *testing.B) *Store {
	path := benchDB(b)
	s, err := Open(context.Background(), Options{Path: path, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatalf("Open: %v", err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

func BenchmarkOpen1M(b *testing.B) {
	path := benchDB(b)
	b.ReportAllocs()
	m := startMeter()
	for b.Loop() {
		s, err := Open(context.Background(), Options{Path: path, Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			b.Fatalf("Open: %v", err)
		}
		s.Close()
	}
	m.report(b, "open")
}

func BenchmarkTop100At1M(b *testing.B) {
	s := openBench(b)
	ctx := context.Background()
	now := time.Now()
	for _, tc := range []struct {
		name   string
		offset int
	}{{"first page", 0}, {"middle page", benchPlayers / 2}} {
		b.Run(tc.name, func(b *testing.B) {
			cursor := ""
			if tc.offset > 0 {
				cursor = leaderboard.EncodeCursor(leaderboard.BoardScore, leaderboard.PeriodAll.Key(now), tc.offset)
			}
			b.ReportAllocs()
			m := startMeter()
			for b.Loop() {
				page, err := s.Top(ctx, leaderboard.BoardScore, leaderboard.PeriodAll, now, 100, cursor)
				if err != nil || len(page.Entries) != 100 {
					b.Fatalf("Top: %d entries, %v", len(page.Entries), err)
				}
			}
			m.report(b, "query")
		})
	}
}

func BenchmarkAroundMiddleAt1M(b *testing.B) {
	s := openBench(b)
	ctx := context.Background()
	now := time.Now()
	mid, err := s.Top(ctx, leaderboard.BoardScore, leaderboard.PeriodAll, now, 1,
		leaderboard.EncodeCursor(leaderboard.BoardScore, leaderboard.PeriodAll.Key(now), benchPlayers/2))
	if err != nil {
		b.Fatalf("find the middle player: %v", err)
	}
	player := mid.Entries[0].PlayerID
	b.ReportAllocs()
	m := startMeter()
	for b.Loop() {
		a, err := s.Around(ctx, leaderboard.BoardScore, leaderboard.PeriodAll, now, player, 10)
		if err != nil || len(a.Entries) != 21 {
			b.Fatalf("Around: %d entries, %v", len(a.Entries), err)
		}
	}
	m.report(b, "query")
}

func BenchmarkRecord50PlayersAt1M(b *testing.B) {
	s := openBench(b)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(3, 4))
	b.ReportAllocs()
	m := startMeter()
	for i := 0; b.Loop(); i++ {
		lines := make([]leaderboard.PlayerResult, 50)
		for j := range lines {
			// Half the players are already on the boards, half are new.
			id := fmt.Sprintf("player-%07d", rng.IntN(benchPlayers))
			if j%2 == 1 {
				id = fmt.Sprintf("new-%d-%d-%d", time.Now().UnixNano(), i, j)
			}
			lines[j] = storetest.Line(id, "Bench", rng.Int32N(1_000_000), rng.Int32N(10), j+1)
		}
		r := storetest.Round(fmt.Sprintf("bench-%d-%d", time.Now().UnixNano(), i), time.Now(), lines...)
		if err := s.Record(ctx, r); err != nil {
			b.Fatalf("Record: %v", err)
		}
	}
	m.report(b, "round")
}
