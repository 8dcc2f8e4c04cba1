package sqlitestore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/tickarena/tickarena/server/leaderboard"
)

var _ leaderboard.RoundStore = (*Store)(nil)

// protectedTop is how many places of a score board keep the replay of the
// round behind each entry.
const protectedTop = 100

// Round returns a stored round with its players and, when its replay is
// kept, the replay's size and duration.
func (s *Store) Round(ctx context.Context, id string) (info leaderboard.RoundInfo, err error) {
	defer classify(&err)
	var ended int64
	err = s.db.QueryRowContext(ctx, `SELECT id, room_id, room_name, round, ended_at FROM rounds WHERE id = ?`, id).
		Scan(&info.ID, &info.RoomID, &info.RoomName, &info.Round, &ended)
	if errors.Is(err, sql.ErrNoRows) {
		return info, fmt.Errorf("round %q: %w", id, leaderboard.ErrNotFound)
	}
	if err != nil {
		return info, fmt.Errorf("read round %q: %w", id, err)
	}
	info.EndedAt = time.Unix(0, ended).UTC()
	rows, err := s.db.QueryContext(ctx, `SELECT player_id, name, bot, score, kills, deaths, placement
		FROM round_players WHERE round_id = ? ORDER BY placement, player_id`, id)
	if err != nil {
		return info, fmt.Errorf("read players of round %q: %w", id, err)
	}
	defer rows.Close()
	info.Players = []leaderboard.RoundPlayer{}
	for rows.Next() {
		var p leaderboard.RoundPlayer
		if err := rows.Scan(&p.PlayerID, &p.Name, &p.Bot, &p.Score, &p.Kills, &p.Deaths, &p.Placement); err != nil {
			return info, fmt.Errorf("read players of round %q: %w", id, err)
		}
		info.Players = append(info.Players, p)
	}
	if err := rows.Err(); err != nil {
		return info, fmt.Errorf("read players of round %q: %w", id, err)
	}
	var rp leaderboard.ReplayInfo
	err = s.db.QueryRowContext(ctx, `SELECT size, duration_ms FROM replays WHERE round_id = ?`, id).Scan(&rp.Size, &rp.DurationMS)
	switch {
	case err == nil:
		info.Replay = &rp
	case !errors.Is(err, sql.ErrNoRows):
		return info, fmt.Errorf("read replay size of round %q: %w", id, err)
	}
	return info, nil
}

// RoundsByNumber returns the rounds room roomID numbered round, latest
// first, each as Round returns it; see leaderboard.RoundStore. The index
// rounds_by_number finds them without a scan or a sort.
func (s *Store) RoundsByNumber(ctx context.Context, roomID string, round uint32) (_ []leaderboard.RoundInfo, err error) {
	defer classify(&err)
	found := []leaderboard.RoundInfo{}
	if roomID == "" {
		return found, nil // a private room's rounds, stored without their room
	}
	ids, err := s.roundIDsByNumber(ctx, roomID, round)
	if err != nil {
		return nil, fmt.Errorf("find round %d of room %q: %w", round, roomID, err)
	}
	// Rounds are never deleted, so each id found is still there.
	for _, id := range ids {
		info, err := s.Round(ctx, id)
		if err != nil {
			return nil, err
		}
		found = append(found, info)
	}
	return found, nil
}

// roundsByNumberQuery selects the ids of a room's rounds of one number,
// latest first, from the index rounds_by_number alone.
const roundsByNumberQuery = `SELECT id FROM rounds WHERE room_id = ? AND round = ?
	ORDER BY ended_at DESC, id DESC LIMIT ?`

// roundIDsByNumber returns the ids of the rounds room roomID numbered
// round, latest first, at most leaderboard.MaxRoundMatches.
func (s *Store) roundIDsByNumber(ctx context.Context, roomID string, round uint32) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, roundsByNumberQuery, roomID, round, leaderboard.MaxRoundMatches)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// Replay returns the replay file of a round. A round keeps its replay while
// it is among the Options.ReplayKeep newest rounds with one, or while a
// player in the top 100 of a current score board (all time, this day, this
// week) holds their best score from it; otherwise the replay is pruned and
// Replay returns ErrNotFound, as for a round never recorded.
func (s *Store) Replay(ctx context.Context, id string) (b []byte, err error) {
	defer classify(&err)
	err = s.db.QueryRowContext(ctx, `SELECT data FROM replays WHERE round_id = ?`, id).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("replay of round %q: %w", id, leaderboard.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read replay of round %q: %w", id, err)
	}
	return b, nil
}

// pruneLocked deletes the replays that are neither among the s.keep newest
// nor behind a top-100 entry of a score board in the periods containing now.
// The caller holds s.writeMu.
func (s *Store) pruneLocked(ctx context.Context, now time.Time) error {
	var top [][2]any // player id, best score
	col := column(leaderboard.BoardScore)
	for i, p := range periodIndex {
		key := p.Key(now)
		s.mu.RLock()
		pt := s.tables[i]
		var rows []string
		var vals []int64
		if pt != nil && pt.key == key {
			for _, r := range pt.tab.Range(col, 0, protectedTop) {
				rows, vals = append(rows, r.ID), append(vals, r.Value)
			}
		}
		s.mu.RUnlock()
		if pt == nil || pt.key != key {
			// Not cached (a period other than the current one): read its
			// top from the database.
			q, err := s.db.QueryContext(ctx, `SELECT player_id, score FROM standings WHERE period_key = ?
				ORDER BY score DESC, player_id LIMIT ?`, key, protectedTop)
			if err != nil {
				return fmt.Errorf("read top of %s: %w", key, err)
			}
			for q.Next() {
				var id string
				var v int64
				if err := q.Scan(&id, &v); err != nil {
					q.Close()
					return fmt.Errorf("read top of %s: %w", key, err)
				}
				rows, vals = append(rows, id), append(vals, v)
			}
			q.Close()
		}
		for j := range rows {
			top = append(top, [2]any{rows[j], vals[j]})
		}
	}
	js, err := json.Marshal(top)
	if err != nil {
		return fmt.Errorf("encode top entries: %w", err)
	}
	_, err = s.db.ExecContext(ctx, `DELETE FROM replays
		WHERE round_id NOT IN (SELECT round_id FROM replays ORDER BY ended_at DESC, round_id DESC LIMIT ?)
		AND round_id NOT IN (
			SELECT rp.round_id FROM json_each(?) AS t
			JOIN round_players AS rp
				ON rp.player_id = json_extract(t.value, '$[0]') AND rp.score = json_extract(t.value, '$[1]'))`,
		s.keep, string(js))
	if err != nil {
		return fmt.Errorf("prune replays: %w", err)
	}
	return nil
}
