package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tickarena/tickarena/server/leaderboard"
	"github.com/tickarena/tickarena/server/leaderboard/ranking"
)

// Top returns a page of a board; see leaderboard.Store.
func (s *Store) Top(ctx context.Context, board leaderboard.Board, period leaderboard.Period, now time.Time, limit int, cursor string) (_ leaderboard.Page, err error) {
	defer classify(&err)
	if err := leaderboard.CheckBoard(board, period); err != nil {
		return leaderboard.Page{}, err
	}
	limit = leaderboard.ClampLimit(limit, leaderboard.DefaultLimit, leaderboard.MaxLimit)
	key := period.Key(now)
	offset := 0
	if cursor != "" {
		var err error
		if offset, err = leaderboard.DecodeCursor(cursor, board, key); err != nil {
			return leaderboard.Page{}, err
		}
	}
	tab, release, err := s.table(ctx, period, now)
	if err != nil {
		return leaderboard.Page{}, err
	}
	rows := tab.Range(column(board), offset, offset+limit)
	total := tab.Len()
	release()
	entries, err := s.entries(ctx, rows)
	if err == nil {
		err = s.roundsBehind(ctx, entries, board, key)
	}
	if err != nil {
		return leaderboard.Page{}, fmt.Errorf("top %s/%s: %w", board, period, err)
	}
	next, prev := leaderboard.PageCursors(board, key, offset, limit, total)
	return leaderboard.Page{Board: board, Period: period, Entries: entries, Total: total, Offset: offset, NextCursor: next, PrevCursor: prev}, nil
}

// Around returns a player's neighbourhood on a board; see leaderboard.Store.
func (s *Store) Around(ctx context.Context, board leaderboard.Board, period leaderboard.Period, now time.Time, playerID string, n int) (_ leaderboard.Around, err error) {
	defer classify(&err)
	if err := leaderboard.CheckBoard(board, period); err != nil {
		return leaderboard.Around{}, err
	}
	n = min(max(n, 0), leaderboard.MaxAround)
	tab, release, err := s.table(ctx, period, now)
	if err != nil {
		return leaderboard.Around{}, err
	}
	col := column(board)
	pos, ok := tab.Position(playerID, col)
	var rows []ranking.Row
	if ok {
		rows = tab.Range(col, pos-n, pos+n+1)
	}
	release()
	if !ok {
		return leaderboard.Around{}, fmt.Errorf("player %q on %s/%s: %w", playerID, board, period, leaderboard.ErrNotFound)
	}
	entries, err := s.entries(ctx, rows)
	if err != nil {
		return leaderboard.Around{}, fmt.Errorf("around %q on %s/%s: %w", playerID, board, period, err)
	}
	a := leaderboard.Around{Entries: entries}
	for _, r := range rows {
		if r.ID == playerID {
			a.Rank = r.Rank
		}
	}
	return a, nil
}

// Player returns a player's standings and recent rounds; see leaderboard.Store.
func (s *Store) Player(ctx context.Context, playerID string, now time.Time) (_ leaderboard.PlayerStats, err error) {
	defer classify(&err)
	ps := leaderboard.PlayerStats{PlayerID: playerID}
	err = s.db.QueryRowContext(ctx, `SELECT name FROM players WHERE id = ?`, playerID).Scan(&ps.Name)
	if errors.Is(err, sql.ErrNoRows) {
		return ps, fmt.Errorf("player %q: %w", playerID, leaderboard.ErrNotFound)
	}
	if err != nil {
		return ps, fmt.Errorf("player %q: %w", playerID, err)
	}
	var standing [len(periodIndex)][]leaderboard.Standing
	for i, p := range periodIndex {
		tab, release, err := s.table(ctx, p, now)
		if err != nil {
			return ps, err
		}
		if vals, ok := tab.Values(playerID); ok {
			for col, b := range leaderboard.Boards {
				standing[i] = append(standing[i], leaderboard.Standing{Board: b, Period: p, Rank: tab.Rank(col, vals[col]), Value: vals[col]})
			}
		}
		release()
	}
	for col := range leaderboard.Boards {
		for i := range periodIndex {
			if len(standing[i]) > 0 {
				ps.Standings = append(ps.Standings, standing[i][col])
			}
		}
	}
	ps.Recent, err = s.recent(ctx, playerID)
	return ps, err
}

// recent returns a player's latest rounds, latest first.
func (s *Store) recent(ctx context.Context, playerID string) ([]leaderboard.RecentRound, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT r.id, r.room_id, r.room_name, r.round, rp.ended_at,
			rp.score, rp.kills, rp.deaths, rp.placement, rr.round_id IS NOT NULL
		FROM round_players rp JOIN rounds r ON r.id = rp.round_id
		LEFT JOIN replays rr ON rr.round_id = rp.round_id
		WHERE rp.player_id = ? ORDER BY rp.ended_at DESC, rp.round_id DESC LIMIT ?`, playerID, leaderboard.RecentRounds)
	if err != nil {
		return nil, fmt.Errorf("recent rounds of %q: %w", playerID, err)
	}
	defer rows.Close()
	recent := []leaderboard.RecentRound{}
	for rows.Next() {
		var rr leaderboard.RecentRound
		var ended int64
		var kept bool
		if err := rows.Scan(&rr.RoundID, &rr.RoomID, &rr.RoomName, &rr.Round, &ended, &rr.Score, &rr.Kills, &rr.Deaths, &rr.Placement, &kept); err != nil {
			return nil, fmt.Errorf("recent rounds of %q: %w", playerID, err)
		}
		rr.EndedAt = time.Unix(0, ended).UTC()
		if kept {
			rr.ReplayURL = leaderboard.ReplayURL(rr.RoundID)
		}
		recent = append(recent, rr)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("recent rounds of %q: %w", playerID, err)
	}
	return recent, nil
}

// Search finds players by name; see leaderboard.Store.
func (s *Store) Search(ctx context.Context, query string, limit int) (_ []leaderboard.Entry, err error) {
	defer classify(&err)
	limit = leaderboard.ClampLimit(limit, leaderboard.MaxSearch, leaderboard.MaxSearch)
	fold := strings.ToLower(query)
	found := []leaderboard.Entry{}
	if fold == "" {
		return found, nil
	}
	// The index on (name_fold, id) is walked in order, so the scan stops at
	// the limit-th match.
	rows, err := s.db.QueryContext(ctx, `SELECT id, name FROM players INDEXED BY players_by_name
		WHERE instr(name_fold, ?) > 0 ORDER BY name_fold, id LIMIT ?`, fold, limit)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", query, err)
	}
	defer rows.Close()
	for rows.Next() {
		var e leaderboard.Entry
		if err := rows.Scan(&e.PlayerID, &e.Name); err != nil {
			return nil, fmt.Errorf("search %q: %w", query, err)
		}
		found = append(found, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search %q: %w", query, err)
	}
	tab, release, err := s.table(ctx, leaderboard.PeriodAll, time.Now())
	if err != nil {
		return nil, err
	}
	defer release()
	col := column(leaderboard.BoardScore)
	for i := range found {
		if vals, ok := tab.Values(found[i].PlayerID); ok {
			found[i].Value = vals[col]
			found[i].Rank = tab.Rank(col, vals[col])
		}
	}
	return found, nil
}

// entries turns ranked rows into entries, reading the players' names.
func (s *Store) entries(ctx context.Context, rows []ranking.Row) ([]leaderboard.Entry, error) {
	entries := make([]leaderboard.Entry, len(rows))
	if len(rows) == 0 {
		return entries, nil
	}
	args := make([]any, len(rows))
	for i, r := range rows {
		args[i] = r.ID
		entries[i] = leaderboard.Entry{Rank: r.Rank, PlayerID: r.ID, Value: r.Value}
	}
	q := `SELECT id, name FROM players WHERE id IN (?` + strings.Repeat(`, ?`, len(rows)-1) + `)`
	res, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("read names: %w", err)
	}
	defer res.Close()
	names := make(map[string]string, len(rows))
	for res.Next() {
		var id, name string
		if err := res.Scan(&id, &name); err != nil {
			return nil, fmt.Errorf("read names: %w", err)
		}
		names[id] = name
	}
	if err := res.Err(); err != nil {
		return nil, fmt.Errorf("read names: %w", err)
	}
	for i := range entries {
		entries[i].Name = names[entries[i].PlayerID]
	}
	return entries, nil
}

// roundColumns are the standings columns that name the round behind each
// board's value.
var roundColumns = map[leaderboard.Board]string{
	leaderboard.BoardScore: "score_round",
	leaderboard.BoardKills: "kills_round",
	leaderboard.BoardWins:  "wins_round",
}

// roundsBehind fills the RoundID of entries of board in the period instance
// key from the standings.
func (s *Store) roundsBehind(ctx context.Context, entries []leaderboard.Entry, board leaderboard.Board, key string) error {
	if len(entries) == 0 {
		return nil
	}
	args := make([]any, 0, len(entries)+1)
	args = append(args, key)
	for _, e := range entries {
		args = append(args, e.PlayerID)
	}
	q := `SELECT player_id, ` + roundColumns[board] + ` FROM standings WHERE period_key = ? AND player_id IN (?` + strings.Repeat(`, ?`, len(entries)-1) + `)`
	res, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("read rounds behind entries: %w", err)
	}
	defer res.Close()
	rounds := make(map[string]string, len(entries))
	for res.Next() {
		var id, round string
		if err := res.Scan(&id, &round); err != nil {
			return fmt.Errorf("read rounds behind entries: %w", err)
		}
		rounds[id] = round
	}
	if err := res.Err(); err != nil {
		return fmt.Errorf("read rounds behind entries: %w", err)
	}
	for i := range entries {
		entries[i].RoundID = rounds[entries[i].PlayerID]
	}
	return nil
}
