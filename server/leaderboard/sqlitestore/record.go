package sqlitestore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/tickarena/tickarena/server/leaderboard"
)

// standingUpdate is a row of standings as it is after a commit; it is
// applied to the cached table of its period instance, if one is cached.
type standingUpdate struct {
	period int
	key    string
	player string
	vals   []int64
}

// Record stores a round and every standing it changes in one transaction,
// then applies the new standings to the cached rankings.
func (s *Store) Record(ctx context.Context, r leaderboard.RoundResult) (err error) {
	defer classify(&err)
	if err := r.Validate(); err != nil {
		return err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	updates, err := s.recordTx(ctx, r)
	if err != nil {
		return fmt.Errorf("record round %q: %w", r.ID, err)
	}
	s.mu.Lock()
	for _, u := range updates {
		if pt := s.tables[u.period]; pt != nil && pt.key == u.key {
			pt.tab.Set(u.player, u.vals)
		}
	}
	s.mu.Unlock()
	if r.Replay != nil {
		// The result and its replay are committed; a failed prune only
		// keeps some replays longer, so it is logged, not returned.
		if err := s.pruneLocked(ctx, r.EndedAt); err != nil {
			s.log.Warn("old replays not pruned", "err", err)
		}
	}
	return nil
}

func (s *Store) recordTx(ctx context.Context, r leaderboard.RoundResult) ([]standingUpdate, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	ended := r.EndedAt.UnixNano()
	res, err := tx.ExecContext(ctx, `INSERT INTO rounds (id, room_id, room_name, round, ended_at, recorded_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
		r.ID, r.RoomID, r.RoomName, r.Round, ended, time.Now().UnixNano())
	if err != nil {
		return nil, fmt.Errorf("insert round: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return nil, err // already recorded: nothing to do
	}
	insLine, err := tx.PrepareContext(ctx, `INSERT INTO round_players
		(round_id, player_id, name, bot, score, kills, deaths, placement, ended_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return nil, fmt.Errorf("prepare: %w", err)
	}
	upPlayer, err := tx.PrepareContext(ctx, `INSERT INTO players (id, name, name_fold, name_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, name_fold = excluded.name_fold, name_at = excluded.name_at
		WHERE excluded.name_at >= players.name_at`)
	if err != nil {
		return nil, fmt.Errorf("prepare: %w", err)
	}
	// The *_round columns name the round behind each value (see
	// leaderboard.Entry.RoundID): every right-hand side reads the row as it
	// was before this round.
	upStanding, err := tx.PrepareContext(ctx, `INSERT INTO standings (period_key, player_id, score, kills, wins, score_round, kills_round, wins_round)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (period_key, player_id) DO UPDATE SET
			score_round = CASE WHEN excluded.score > score THEN excluded.score_round ELSE score_round END,
			kills_round = CASE WHEN excluded.kills > 0 THEN excluded.kills_round ELSE kills_round END,
			wins_round = CASE WHEN excluded.wins > 0 THEN excluded.wins_round ELSE wins_round END,
			score = max(score, excluded.score), kills = kills + excluded.kills, wins = wins + excluded.wins
		RETURNING score, kills, wins`)
	if err != nil {
		return nil, fmt.Errorf("prepare: %w", err)
	}
	if r.Replay != nil {
		if _, err := tx.ExecContext(ctx, `INSERT INTO replays (round_id, ended_at, duration_ms, size, data) VALUES (?, ?, ?, ?, ?)`,
			r.ID, ended, r.ReplayDuration.Milliseconds(), len(r.Replay), r.Replay); err != nil {
			return nil, fmt.Errorf("insert replay: %w", err)
		}
	}
	keys := leaderboard.PeriodKeys(r.EndedAt)
	var updates []standingUpdate
	for _, p := range r.Players {
		if _, err := insLine.ExecContext(ctx, r.ID, p.PlayerID, p.Name, p.Bot, p.Score, p.Kills, p.Deaths, p.Placement, ended); err != nil {
			return nil, fmt.Errorf("insert line of %q: %w", p.PlayerID, err)
		}
		if p.Bot {
			continue
		}
		if _, err := upPlayer.ExecContext(ctx, p.PlayerID, p.Name, strings.ToLower(p.Name), ended); err != nil {
			return nil, fmt.Errorf("upsert player %q: %w", p.PlayerID, err)
		}
		for i, key := range keys {
			vals := make([]int64, 3)
			err := upStanding.QueryRowContext(ctx, key, p.PlayerID,
				p.Value(leaderboard.BoardScore), p.Value(leaderboard.BoardKills), p.Value(leaderboard.BoardWins),
				r.ID, r.ID, r.ID,
			).Scan(&vals[0], &vals[1], &vals[2])
			if err != nil {
				return nil, fmt.Errorf("upsert standing %s of %q: %w", key, p.PlayerID, err)
			}
			updates = append(updates, standingUpdate{period: i, key: key, player: p.PlayerID, vals: vals})
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("commit: %w", err)
	}
	return updates, nil
}
