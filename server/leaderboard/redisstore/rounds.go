package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/tickarena/tickarena/server/leaderboard"
)

// roundInfo returns the JSON kept under roundinfo:{id} and the replay file
// to keep ("" for none: the round has none, or it is over MaxReplaySize).
func (s *Store) roundInfo(r leaderboard.RoundResult) (info, file string, err error) {
	ri := leaderboard.RoundInfo{ID: r.ID, RoomID: r.RoomID, RoomName: r.RoomName, Round: r.Round, EndedAt: r.EndedAt.UTC(),
		Players: make([]leaderboard.RoundPlayer, 0, len(r.Players))}
	for _, p := range r.Players {
		ri.Players = append(ri.Players, p.RoundPlayer())
	}
	slices.SortStableFunc(ri.Players, func(a, b leaderboard.RoundPlayer) int {
		if a.Placement != b.Placement {
			return a.Placement - b.Placement
		}
		return strings.Compare(a.PlayerID, b.PlayerID)
	})
	switch {
	case len(r.Replay) > s.opts.MaxReplaySize:
		s.opts.Logger.Warn("round replay over the size cap; recording the round without it",
			"round", r.ID, "bytes", len(r.Replay), "cap", s.opts.MaxReplaySize)
	case len(r.Replay) > 0:
		file = string(r.Replay)
		ri.Replay = &leaderboard.ReplayInfo{Size: len(r.Replay), DurationMS: r.ReplayDuration.Milliseconds()}
	}
	b, err := json.Marshal(ri)
	if err != nil {
		return "", "", fmt.Errorf("encode round: %w", err)
	}
	return string(b), file, nil
}

// Round returns a round recorded within RoundTTL by any node; its Replay is
// nil once the replay has expired (ReplayTTL).
func (s *Store) Round(ctx context.Context, id string) (leaderboard.RoundInfo, error) {
	pipe := s.rdb.Pipeline()
	rd := s.readRound(ctx, pipe, id)
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return leaderboard.RoundInfo{}, fmt.Errorf("read round %q: %w", id, err)
	}
	return rd.result()
}

// RoundsByNumber returns the rounds room roomID numbered round, recorded
// within RoundTTL by any node, latest first; see leaderboard.RoundStore.
func (s *Store) RoundsByNumber(ctx context.Context, roomID string, round uint32) ([]leaderboard.RoundInfo, error) {
	found := []leaderboard.RoundInfo{}
	if roomID == "" {
		return found, nil // a private room's rounds, stored without their room
	}
	members, err := s.rdb.ZRevRange(ctx, s.numberKey(roomID, round), 0, leaderboard.MaxRoundMatches-1).Result()
	if err != nil {
		return nil, fmt.Errorf("find round %d of room %q: %w", round, roomID, err)
	}
	if len(members) == 0 {
		return found, nil
	}
	pipe := s.rdb.Pipeline()
	reads := make([]roundRead, 0, len(members))
	for _, m := range members {
		if len(m) <= stampLen {
			return nil, fmt.Errorf("find round %d of room %q: damaged member %q", round, roomID, m)
		}
		reads = append(reads, s.readRound(ctx, pipe, m[stampLen:]))
	}
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("find round %d of room %q: %w", round, roomID, err)
	}
	for _, rd := range reads {
		info, err := rd.result()
		if errors.Is(err, leaderboard.ErrNotFound) {
			continue // an older round of the set, expired before the set
		}
		if err != nil {
			return nil, err
		}
		found = append(found, info)
	}
	return found, nil
}

// roundRead is a round's lookup queued on a pipeline: its JSON and whether
// its replay is still kept.
type roundRead struct {
	id     string
	info   *redis.StringCmd
	replay *redis.IntCmd
}

func (s *Store) readRound(ctx context.Context, pipe redis.Pipeliner, id string) roundRead {
	return roundRead{id: id, info: pipe.Get(ctx, s.key("roundinfo:"+id)), replay: pipe.Exists(ctx, s.key("replay:"+id))}
}

// result decodes the round once its pipeline has run: ErrNotFound when the
// round is not recorded or has expired, a nil Replay once the replay has.
func (rd roundRead) result() (leaderboard.RoundInfo, error) {
	var info leaderboard.RoundInfo
	b, err := rd.info.Bytes()
	if errors.Is(err, redis.Nil) {
		return info, fmt.Errorf("round %q: %w", rd.id, leaderboard.ErrNotFound)
	}
	if err != nil {
		return info, fmt.Errorf("read round %q: %w", rd.id, err)
	}
	if err := json.Unmarshal(b, &info); err != nil {
		return info, fmt.Errorf("decode round %q: %w", rd.id, err)
	}
	if rd.replay.Val() == 0 {
		info.Replay = nil
	}
	return info, nil
}

// Replay returns a round's replay file, recorded by any node, or ErrNotFound
// when there is none or it has expired.
func (s *Store) Replay(ctx context.Context, id string) ([]byte, error) {
	b, err := s.rdb.Get(ctx, s.key("replay:"+id)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("replay of round %q: %w", id, leaderboard.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read replay of round %q: %w", id, err)
	}
	return b, nil
}
