package sqlitestore

import (
	"context"
	"fmt"
	"time"

	"github.com/tickarena/tickarena/server/leaderboard"
	"github.com/tickarena/tickarena/server/leaderboard/ranking"
)

// column returns the ranking column of board b.
func column(b leaderboard.Board) int {
	for i, x := range leaderboard.Boards {
		if x == b {
			return i
		}
	}
	panic(fmt.Sprintf("sqlitestore: unknown board %q", b))
}

func slot(p leaderboard.Period) int {
	for i, x := range periodIndex {
		if x == p {
			return i
		}
	}
	panic(fmt.Sprintf("sqlitestore: unknown period %q", p))
}

// table returns the ranking of the instance of period p containing now,
// loading it from the database when the cached one is for another instance
// (e.g. after midnight). The caller must call release, promptly and without
// doing I/O in between, once done reading the table.
func (s *Store) table(ctx context.Context, p leaderboard.Period, now time.Time) (tab *ranking.Table, release func(), err error) {
	key, i := p.Key(now), slot(p)
	s.mu.RLock()
	if pt := s.tables[i]; pt != nil && pt.key == key {
		return pt.tab, s.mu.RUnlock, nil
	}
	s.mu.RUnlock()

	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	s.mu.RLock()
	if pt := s.tables[i]; pt != nil && pt.key == key {
		return pt.tab, s.mu.RUnlock, nil
	}
	s.mu.RUnlock()
	loaded, err := s.load(ctx, key)
	if err != nil {
		return nil, nil, err
	}
	s.mu.Lock()
	s.tables[i] = &periodTable{key: key, tab: loaded}
	s.mu.Unlock()
	// writeMu is still held, so no Record changed the table in between.
	s.mu.RLock()
	return loaded, s.mu.RUnlock, nil
}

// load reads the standings of one period instance into a new table.
func (s *Store) load(ctx context.Context, key string) (*ranking.Table, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT player_id, score, kills, wins FROM standings WHERE period_key = ?`, key)
	if err != nil {
		return nil, fmt.Errorf("load standings %s: %w", key, err)
	}
	defer rows.Close()
	var ids []string
	var vals []int64
	for rows.Next() {
		var id string
		var score, kills, wins int64
		if err := rows.Scan(&id, &score, &kills, &wins); err != nil {
			return nil, fmt.Errorf("load standings %s: %w", key, err)
		}
		ids = append(ids, id)
		vals = append(vals, score, kills, wins)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load standings %s: %w", key, err)
	}
	tab := ranking.New(len(leaderboard.Boards))
	tab.Load(ids, vals)
	return tab, nil
}
