// Package redisstore is the leaderboard.Store of a cluster: every node
// records the rounds it simulated into one Redis, and any node answers board
// queries from it.
//
// Layout (every key starts with Options.Prefix, default "tickarena:lb:"):
//
//	board:{board}:{periodKey}  sorted set, member player id, score -value
//	round:{roundID}            "1" while the round counts as recorded (idempotency)
//	name, nameat, fold         hashes by player id: latest name, when it was
//	                           used (20-digit stamp), and its lower-case form
//	search                     sorted set, score 0, member fold+"\x00"+id
//	recent:{playerID}          sorted set, score 0, member stamp+roundID+"\x00"+JSON
//	roundinfo:{roundID}        JSON of the round (leaderboard.RoundInfo), for RoundTTL
//	number:{roomID}:{round}    sorted set, score 0, member stamp+roundID: the
//	                           rounds a room numbered so (at most
//	                           leaderboard.MaxRoundMatches), for RoundTTL
//	                           after the latest; none for private rooms
//	replay:{roundID}           the round's replay file, for ReplayTTL
//
// Scores are negated values, so that ascending commands order a board by
// value descending and break ties by player id ascending, as the leaderboard
// package requires; the best score uses ZADD LT and totals ZINCRBY. A round
// is written by one Lua script, so it is recorded entirely or not at all,
// and a second Record of the same round id does nothing. Daily and weekly
// boards expire a full period after their period ends; the all-time boards
// never expire.
//
// Values are stored as Redis scores (doubles): they are exact up to 2^53.
package redisstore

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tickarena/tickarena/server/leaderboard"
)

// Options configures New. The zero value works.
type Options struct {
	// Prefix starts every key of the store. Default "tickarena:lb:".
	Prefix string
	// RoundTTL is how long a round id is remembered so that recording it
	// again does nothing. Default 30 days: far longer than any retry.
	RoundTTL time.Duration
	// SearchBatch is how many names one Redis call of Search reads. Default 2000.
	SearchBatch int
	// Logger receives the store's log lines. Default slog.Default().
	Logger *slog.Logger
	// ReplayTTL is how long a round's replay is kept after it is recorded.
	// Default 7 days.
	ReplayTTL time.Duration
	// MaxReplaySize caps a kept replay, in bytes: a round with a larger one
	// is recorded without it. Default 1 MiB (a 5-minute round of 60 ships
	// takes about a quarter of that).
	MaxReplaySize int
}

func (o Options) withDefaults() Options {
	if o.Prefix == "" {
		o.Prefix = "tickarena:lb:"
	}
	if o.RoundTTL <= 0 {
		o.RoundTTL = 30 * 24 * time.Hour
	}
	if o.SearchBatch <= 0 {
		o.SearchBatch = 2000
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.ReplayTTL <= 0 {
		o.ReplayTTL = 7 * 24 * time.Hour
	}
	if o.MaxReplaySize <= 0 {
		o.MaxReplaySize = 1 << 20
	}
	return o
}

// Store is a leaderboard.Store on Redis. It is safe for concurrent use.
type Store struct {
	rdb  redis.UniversalClient
	opts Options
}

var (
	_ leaderboard.Store      = (*Store)(nil)
	_ leaderboard.RoundStore = (*Store)(nil)
)

// New returns a store over rdb. The caller owns rdb: Close does not close it.
func New(rdb redis.UniversalClient, opts Options) *Store {
	return &Store{rdb: rdb, opts: opts.withDefaults()}
}

// Ping reports whether Redis answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.rdb.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("ping leaderboard redis: %w", err)
	}
	return nil
}

// Close does nothing: the Redis client belongs to the caller.
func (s *Store) Close() error { return nil }

func (s *Store) boardKey(b leaderboard.Board, periodKey string) string {
	return s.opts.Prefix + "board:" + string(b) + ":" + periodKey
}

func (s *Store) key(name string) string { return s.opts.Prefix + name }

// behindKey is the hash of the round behind each entry of a board, by
// player id (see leaderboard.Entry.RoundID).
func (s *Store) behindKey(b leaderboard.Board, periodKey string) string {
	return s.opts.Prefix + "behind:" + string(b) + ":" + periodKey
}

func (s *Store) recentKey(playerID string) string { return s.opts.Prefix + "recent:" + playerID }

// numberKey is the sorted set of the rounds room roomID numbered round. The
// round number comes last and has no colon, so that no two rooms share a key.
func (s *Store) numberKey(roomID string, round uint32) string {
	return s.opts.Prefix + "number:" + roomID + ":" + strconv.FormatUint(uint64(round), 10)
}
