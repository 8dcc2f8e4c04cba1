package redisstore

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tickarena/tickarena/internal/redistest"
	"github.com/tickarena/tickarena/server/leaderboard"
	"github.com/tickarena/tickarena/server/leaderboard/storetest"
)

// client returns a client of a fresh redis-server for one test.
func client(t testing.TB, srv *redistest.Server) *redis.Client {
	t.Helper()
	opts, err := redis.ParseURL(srv.URL())
	if err != nil {
		t.Fatalf("ParseURL: %v", err)
	}
	c := redis.NewClient(opts)
	t.Cleanup(func() { c.Close() })
	return c
}

func TestContract(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	rdb := client(t, srv)
	n := 0
	storetest.Run(t, func(t *testing.T) leaderboard.Store {
		// One server, a key prefix per case: every case starts empty.
		n++
		s := New(rdb, Options{Prefix: fmt.Sprintf("case%d:", n)})
		t.Cleanup(func() { s.Close() })
		return s
	})
}

func TestRestartKeepsEverything(t *testing.T) {
	tests := []struct {
		name  string
		fsync string
		stop  func(*redistest.Server)
	}{
		{"graceful stop, fsync every second", "everysec", (*redistest.Server).Stop},
		{"SIGKILL, fsync always", "always", (*redistest.Server).Kill},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := redistest.Start(t, redistest.Options{AppendFsync: tt.fsync})
			s := New(client(t, srv), Options{})
			b := storetest.NewBrute()
			for _, r := range storetest.RandomRounds(7, 60) {
				storetest.MustRecord(t, s, r)
				b.Record(r)
			}
			tt.stop(srv)
			srv.Restart()
			again := New(client(t, srv), Options{})
			storetest.CheckAgainst(t, again, b, storetest.Instants...)
		})
	}
}

func TestPeriodBoardsExpire(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	rdb := client(t, srv)
	s := New(rdb, Options{})
	storetest.MustRecord(t, s, storetest.Round("r1", storetest.Sunday, storetest.Line("ann", "Ann", 5, 1, 1)))
	ctx := context.Background()
	tests := []struct {
		period   leaderboard.Period
		min, max time.Duration
	}{
		// Sunday 23:30: the day ends in 30 min, the ISO week too.
		{leaderboard.PeriodDaily, 24 * time.Hour, 25 * time.Hour},
		{leaderboard.PeriodWeekly, 7 * 24 * time.Hour, 7*24*time.Hour + time.Hour},
		{leaderboard.PeriodAll, -1, -1},
	}
	for _, tt := range tests {
		t.Run(string(tt.period), func(t *testing.T) {
			for _, b := range leaderboard.Boards {
				ttl, err := rdb.TTL(ctx, s.boardKey(b, tt.period.Key(storetest.Sunday))).Result()
				if err != nil {
					t.Fatalf("TTL: %v", err)
				}
				if tt.min < 0 {
					if ttl != -1 {
						t.Errorf("%s board TTL = %v; want none", b, ttl)
					}
					continue
				}
				if ttl < tt.min || ttl > tt.max {
					t.Errorf("%s board TTL = %v; want %v-%v", b, ttl, tt.min, tt.max)
				}
			}
		})
	}
}

func TestRoundContract(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	rdb := client(t, srv)
	n := 0
	storetest.RunRounds(t, func(t *testing.T) interface {
		leaderboard.Store
		leaderboard.RoundStore
	} {
		n++
		return New(rdb, Options{Prefix: fmt.Sprintf("rounds%d:", n)})
	})
}

// TestReplaysAcrossNodes: a replay recorded by one node is served by
// another, kept for ReplayTTL, and one over MaxReplaySize is not kept while
// its round is.
func TestReplaysAcrossNodes(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	file, d := storetest.Recording(t, 4)
	opts := Options{ReplayTTL: time.Hour, MaxReplaySize: len(file)}
	played, other := New(client(t, srv), opts), New(client(t, srv), opts)
	ctx := context.Background()

	storetest.MustRecord(t, played, storetest.WithReplay(storetest.Round("r1", storetest.Sunday, storetest.Line("a", "Al", 9, 2, 1)), file, d))
	got, err := other.Replay(ctx, "r1")
	if err != nil || string(got) != string(file) {
		t.Fatalf("the other node's Replay(r1) = %d bytes, %v; want the %d bytes recorded", len(got), err, len(file))
	}
	info, err := other.Round(ctx, "r1")
	if err != nil || info.Replay == nil || info.Replay.Size != len(file) || len(info.Players) != 1 {
		t.Fatalf("the other node's Round(r1) = %+v, %v; want the round and its replay", info, err)
	}
	ttl, err := client(t, srv).PTTL(ctx, "tickarena:lb:replay:r1").Result()
	if err != nil || ttl <= 59*time.Minute || ttl > time.Hour {
		t.Errorf("replay TTL = %v, %v; want about the hour of ReplayTTL", ttl, err)
	}

	big := append(append([]byte{}, file...), 0)
	storetest.MustRecord(t, played, storetest.WithReplay(storetest.Round("r2", storetest.Sunday, storetest.Line("a", "Al", 9, 2, 1)), big, d))
	if _, err := other.Replay(ctx, "r2"); !errors.Is(err, leaderboard.ErrNotFound) {
		t.Errorf("Replay(r2) over the size cap: %v; want ErrNotFound", err)
	}
	if info, err := other.Round(ctx, "r2"); err != nil || info.Replay != nil {
		t.Errorf("Round(r2) over the size cap = %+v, %v; want the round without a replay", info, err)
	}

	// An expired replay: the round stays, without it.
	if err := client(t, srv).Del(ctx, "tickarena:lb:replay:r1").Err(); err != nil {
		t.Fatal(err)
	}
	if info, err := other.Round(ctx, "r1"); err != nil || info.Replay != nil {
		t.Errorf("Round(r1) after its replay expired = %+v, %v; want the round without a replay", info, err)
	}
}

// TestRoundNumberKeys: the key that finds a room's rounds by number lives as
// long as the newest round it names, a private round writes none, and a
// round that expired before the key is skipped, not an error.
func TestRoundNumberKeys(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	rdb := client(t, srv)
	s := New(rdb, Options{RoundTTL: time.Hour})
	ctx := context.Background()
	storetest.MustRecord(t, s,
		storetest.InRoom(storetest.Round("old", storetest.Sunday.Add(-time.Minute), storetest.Line("a", "Al", 1, 0, 1)), "arena", 1),
		storetest.InRoom(storetest.Round("new", storetest.Sunday, storetest.Line("a", "Al", 2, 0, 1)), "arena", 1),
		storetest.InRoom(storetest.Round("private", storetest.Sunday, storetest.Line("a", "Al", 3, 0, 1)), "", 1))

	ttl, err := rdb.TTL(ctx, "tickarena:lb:number:arena:1").Result()
	if err != nil || ttl <= 59*time.Minute || ttl > time.Hour {
		t.Errorf("number key TTL = %v, %v; want about the hour of RoundTTL", ttl, err)
	}
	if n, err := rdb.Exists(ctx, "tickarena:lb:number::1").Result(); err != nil || n != 0 {
		t.Errorf("a private round wrote a number key (%d, %v); want none", n, err)
	}

	if err := rdb.Del(ctx, "tickarena:lb:roundinfo:old").Err(); err != nil {
		t.Fatal(err)
	}
	got, err := s.RoundsByNumber(ctx, "arena", 1)
	if err != nil || len(got) != 1 || got[0].ID != "new" {
		t.Errorf("RoundsByNumber(arena, 1) after round old expired = %+v, %v; want round new alone", got, err)
	}
}
