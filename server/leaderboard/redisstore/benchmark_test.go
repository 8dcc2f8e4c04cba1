package redisstore

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tickarena/tickarena/internal/redistest"
	"github.com/tickarena/tickarena/server/leaderboard"
)

// benchPlayers is the number of players on the all-time score board.
const benchPlayers = 1_000_000

// fill puts benchPlayers players with random best scores and names on the
// all-time score board, 10,000 per command, pipelined.
func fill(b *testing.B, rdb *redis.Client, s *Store) {
	b.Helper()
	ctx := context.Background()
	start := time.Now()
	rng := rand.New(rand.NewPCG(1, 2))
	const batch = 10_000
	key := s.boardKey(leaderboard.BoardScore, "all")
	for i := 0; i < benchPlayers; i += batch * 10 {
		pipe := rdb.Pipeline()
		for j := i; j < min(i+batch*10, benchPlayers); j += batch {
			zs := make([]redis.Z, 0, batch)
			names := make([]any, 0, 2*batch)
			for k := j; k < j+batch; k++ {
				id := fmt.Sprintf("player-%07d", k)
				zs = append(zs, redis.Z{Score: -float64(rng.Int64N(1_000_000)), Member: id})
				names = append(names, id, "Pilot"+strconv.Itoa(k))
			}
			pipe.ZAdd(ctx, key, zs...)
			pipe.HSet(ctx, s.key("name"), names...)
		}
		if _, err := pipe.Exec(ctx); err != nil {
			b.Fatalf("fill: %v", err)
		}
	}
	b.Logf("loaded %d players in %v", benchPlayers, time.Since(start).Round(time.Millisecond))
}

// BenchmarkAt1M measures the reads a page of the leaderboard makes, on a
// board of a million players.
func BenchmarkAt1M(b *testing.B) {
	srv := redistest.Start(b, redistest.Options{})
	rdb := client(b, srv)
	s := New(rdb, Options{})
	fill(b, rdb, s)
	ctx := context.Background()
	now := time.Now()
	mid, err := s.Top(ctx, leaderboard.BoardScore, leaderboard.PeriodAll, now, 1,
		leaderboard.EncodeCursor(leaderboard.BoardScore, "all", benchPlayers/2))
	if err != nil || len(mid.Entries) != 1 {
		b.Fatalf("find the middle player: %v", err)
	}
	player := mid.Entries[0].PlayerID
	run := func(name string, query func() error) {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			start := time.Now()
			for b.Loop() {
				if err := query(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(time.Since(start).Microseconds())/float64(b.N)/1000, "ms/query")
		})
	}
	for _, tc := range []struct {
		name   string
		offset int
	}{{"Top100/first page", 0}, {"Top100/middle page", benchPlayers / 2}} {
		cursor := ""
		if tc.offset > 0 {
			cursor = leaderboard.EncodeCursor(leaderboard.BoardScore, "all", tc.offset)
		}
		run(tc.name, func() error {
			page, err := s.Top(ctx, leaderboard.BoardScore, leaderboard.PeriodAll, now, 100, cursor)
			if err == nil && len(page.Entries) != 100 {
				err = fmt.Errorf("Top: %d entries", len(page.Entries))
			}
			return err
		})
	}
	run("Around/middle player", func() error {
		a, err := s.Around(ctx, leaderboard.BoardScore, leaderboard.PeriodAll, now, player, 10)
		if err == nil && len(a.Entries) != 21 {
			err = fmt.Errorf("Around: %d entries", len(a.Entries))
		}
		return err
	})
	run("Player/middle player", func() error {
		_, err := s.Player(ctx, player, now)
		return err
	})
}
