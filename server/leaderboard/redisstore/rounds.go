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
	var info leaderboard.RoundInfo
	pipe := s.rdb.Pipeline()
	get := pipe.Get(ctx, s.key("roundinfo:"+id))
	exists := pipe.Exists(ctx, s.key("replay:"+id))
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return info, fmt.Errorf("read round %q: %w", id, err)
	}
	b, err := get.Bytes()
	if errors.Is(err, redis.Nil) {
		return info, fmt.Errorf("round %q: %w", id, leaderboard.ErrNotFound)
	}
	if err != nil {
		return info, fmt.Errorf("read round %q: %w", id, err)
	}
	if err := json.Unmarshal(b, &info); err != nil {
		return info, fmt.Errorf("decode round %q: %w", id, err)
	}
	if exists.Val() == 0 {
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
