package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tickarena/tickarena/server/leaderboard"
)

// rangeScript reads a slice of a board in one round trip. KEYS: the board,
// the name hash. ARGV: the player whose position starts the slice ("" when
// ARGV[2] is an offset), then the first position (or, with a player, how
// many entries on each side), then the last position. It returns the board's
// size, the number of players strictly above the first entry, the first
// position, the ids and scores, and the names.
var rangeScript = redis.NewScript(`
local total = redis.call('ZCARD', KEYS[1])
local lo, hi = tonumber(ARGV[2]), tonumber(ARGV[3])
if ARGV[1] ~= '' then
  local pos = redis.call('ZRANK', KEYS[1], ARGV[1])
  if not pos then return false end
  lo, hi = math.max(pos - lo, 0), pos + lo
end
local rows = redis.call('ZRANGE', KEYS[1], lo, hi, 'WITHSCORES')
local above, names = 0, {}
if #rows > 0 then
  above = redis.call('ZCOUNT', KEYS[1], '-inf', '(' .. rows[2])
  local ids = {}
  for i = 1, #rows, 2 do ids[#ids + 1] = rows[i] end
  names = redis.call('HMGET', KEYS[2], unpack(ids))
end
return {total, above, lo, rows, names}
`)

// span is a slice of a board as rangeScript returns it.
type span struct {
	total   int
	offset  int
	entries []leaderboard.Entry
}

// readSpan runs rangeScript; ok is false when player is not on the board.
func (s *Store) readSpan(ctx context.Context, key, player string, a, b int) (sp span, ok bool, err error) {
	res, err := rangeScript.Run(ctx, s.rdb, []string{key, s.key("name")}, player, a, b).Slice()
	if errors.Is(err, redis.Nil) {
		return span{}, false, nil
	}
	if err != nil {
		return span{}, false, err
	}
	if len(res) != 5 {
		return span{}, false, fmt.Errorf("range script: %d results, want 5", len(res))
	}
	total, _ := res[0].(int64)
	above, _ := res[1].(int64)
	lo, _ := res[2].(int64)
	rows, _ := res[3].([]any)
	names, _ := res[4].([]any)
	sp = span{total: int(total), offset: int(lo), entries: make([]leaderboard.Entry, 0, len(rows)/2)}
	for i := 0; i+1 < len(rows); i += 2 {
		id, _ := rows[i].(string)
		v, err := scoreValue(rows[i+1])
		if err != nil {
			return span{}, false, err
		}
		e := leaderboard.Entry{PlayerID: id, Value: v}
		if j := i / 2; j < len(names) {
			e.Name, _ = names[j].(string)
		}
		switch n := len(sp.entries); {
		case n == 0:
			e.Rank = int(above) + 1
		case sp.entries[n-1].Value == v:
			e.Rank = sp.entries[n-1].Rank
		default:
			e.Rank = int(lo) + n + 1
		}
		sp.entries = append(sp.entries, e)
	}
	return sp, true, nil
}

// scoreValue turns a stored score (a negated value) back into the value.
func scoreValue(v any) (int64, error) {
	str, _ := v.(string)
	f, err := strconv.ParseFloat(str, 64)
	if err != nil {
		return 0, fmt.Errorf("bad score %q: %w", str, err)
	}
	return -int64(f), nil
}

// Top returns a page of a board; see leaderboard.Store.
func (s *Store) Top(ctx context.Context, board leaderboard.Board, period leaderboard.Period, now time.Time, limit int, cursor string) (leaderboard.Page, error) {
	if err := leaderboard.CheckBoard(board, period); err != nil {
		return leaderboard.Page{}, err
	}
	limit = leaderboard.ClampLimit(limit, leaderboard.DefaultLimit, leaderboard.MaxLimit)
	pk := period.Key(now)
	offset := 0
	if cursor != "" {
		var err error
		if offset, err = leaderboard.DecodeCursor(cursor, board, pk); err != nil {
			return leaderboard.Page{}, err
		}
	}
	sp, _, err := s.readSpan(ctx, s.boardKey(board, pk), "", offset, offset+limit-1)
	if err != nil {
		return leaderboard.Page{}, fmt.Errorf("top %s/%s: %w", board, period, err)
	}
	if len(sp.entries) > 0 {
		ids := make([]string, len(sp.entries))
		for i, e := range sp.entries {
			ids[i] = e.PlayerID
		}
		rounds, err := s.rdb.HMGet(ctx, s.behindKey(board, pk), ids...).Result()
		if err != nil {
			return leaderboard.Page{}, fmt.Errorf("top %s/%s: rounds behind entries: %w", board, period, err)
		}
		for i, v := range rounds {
			if id, ok := v.(string); ok {
				sp.entries[i].RoundID = id
			}
		}
	}
	next, prev := leaderboard.PageCursors(board, pk, offset, limit, sp.total)
	return leaderboard.Page{Board: board, Period: period, Entries: sp.entries, Total: sp.total, Offset: offset, NextCursor: next, PrevCursor: prev}, nil
}

// Around returns a player's neighbourhood on a board; see leaderboard.Store.
func (s *Store) Around(ctx context.Context, board leaderboard.Board, period leaderboard.Period, now time.Time, playerID string, n int) (leaderboard.Around, error) {
	if err := leaderboard.CheckBoard(board, period); err != nil {
		return leaderboard.Around{}, err
	}
	n = min(max(n, 0), leaderboard.MaxAround)
	if playerID == "" {
		return leaderboard.Around{}, fmt.Errorf("player %q on %s/%s: %w", playerID, board, period, leaderboard.ErrNotFound)
	}
	sp, ok, err := s.readSpan(ctx, s.boardKey(board, period.Key(now)), playerID, n, 0)
	if err != nil {
		return leaderboard.Around{}, fmt.Errorf("around %q on %s/%s: %w", playerID, board, period, err)
	}
	if !ok {
		return leaderboard.Around{}, fmt.Errorf("player %q on %s/%s: %w", playerID, board, period, leaderboard.ErrNotFound)
	}
	a := leaderboard.Around{Entries: sp.entries}
	for _, e := range sp.entries {
		if e.PlayerID == playerID {
			a.Rank = e.Rank
		}
	}
	return a, nil
}

// playerScript reads a player's name, their value and the count of players
// above them on every board key given after the name hash, and their recent
// rounds. KEYS: name hash, recent set, board keys. ARGV: player id, recent bound.
var playerScript = redis.NewScript(`
local name = redis.call('HGET', KEYS[1], ARGV[1])
if not name then return false end
local out = {name, redis.call('ZREVRANGE', KEYS[2], 0, tonumber(ARGV[2]) - 1)}
for i = 3, #KEYS do
  local sc = redis.call('ZSCORE', KEYS[i], ARGV[1])
  if sc then
    out[#out + 1] = sc
    out[#out + 1] = redis.call('ZCOUNT', KEYS[i], '-inf', '(' .. sc)
  else
    out[#out + 1] = ''
    out[#out + 1] = 0
  end
end
return out
`)

// Player returns a player's standings and recent rounds; see leaderboard.Store.
func (s *Store) Player(ctx context.Context, playerID string, now time.Time) (leaderboard.PlayerStats, error) {
	ps := leaderboard.PlayerStats{PlayerID: playerID}
	keys := []string{s.key("name"), s.recentKey(playerID)}
	type slot struct {
		b leaderboard.Board
		p leaderboard.Period
	}
	var slots []slot
	for _, b := range leaderboard.Boards {
		for _, p := range leaderboard.Periods {
			keys = append(keys, s.boardKey(b, p.Key(now)))
			slots = append(slots, slot{b, p})
		}
	}
	res, err := playerScript.Run(ctx, s.rdb, keys, playerID, leaderboard.RecentRounds).Slice()
	if errors.Is(err, redis.Nil) {
		return ps, fmt.Errorf("player %q: %w", playerID, leaderboard.ErrNotFound)
	}
	if err != nil {
		return ps, fmt.Errorf("player %q: %w", playerID, err)
	}
	if len(res) != 2+2*len(slots) {
		return ps, fmt.Errorf("player %q: %d results, want %d", playerID, len(res), 2+2*len(slots))
	}
	ps.Name, _ = res[0].(string)
	recent, _ := res[1].([]any)
	for i, sl := range slots {
		sc, _ := res[2+2*i].(string)
		if sc == "" {
			continue
		}
		v, err := scoreValue(sc)
		if err != nil {
			return ps, fmt.Errorf("player %q: %w", playerID, err)
		}
		above, _ := res[3+2*i].(int64)
		ps.Standings = append(ps.Standings, leaderboard.Standing{Board: sl.b, Period: sl.p, Rank: int(above) + 1, Value: v})
	}
	ps.Recent = make([]leaderboard.RecentRound, 0, len(recent))
	for _, m := range recent {
		str, _ := m.(string)
		_, js, found := strings.Cut(str, "\x00")
		var l recentLine
		if !found || json.Unmarshal([]byte(js), &l) != nil {
			return ps, fmt.Errorf("player %q: damaged recent round %q", playerID, str)
		}
		ps.Recent = append(ps.Recent, leaderboard.RecentRound{RoundID: l.Round, RoomID: l.RoomID, RoomName: l.RoomName, Round: l.Number,
			EndedAt: time.Unix(0, l.EndedAt).UTC(), Score: l.Score, Kills: l.Kills, Deaths: l.Deaths, Placement: l.Placement})
	}
	return ps, nil
}

// standingScript returns, for each player id in ARGV, their name, score
// and the count of players above them on the board in KEYS[2].
var standingScript = redis.NewScript(`
local out = {}
for i = 1, #ARGV do
  local sc = redis.call('ZSCORE', KEYS[2], ARGV[i])
  out[#out + 1] = redis.call('HGET', KEYS[1], ARGV[i]) or ''
  out[#out + 1] = sc or ''
  out[#out + 1] = sc and redis.call('ZCOUNT', KEYS[2], '-inf', '(' .. sc) or 0
end
return out
`)

// Search finds players by name; see leaderboard.Store. It walks the names
// in order, SearchBatch at a time, and stops at the limit-th match, so a
// rare query reads every name but never blocks Redis for long.
func (s *Store) Search(ctx context.Context, query string, limit int) ([]leaderboard.Entry, error) {
	limit = leaderboard.ClampLimit(limit, leaderboard.MaxSearch, leaderboard.MaxSearch)
	fold := strings.ToLower(query)
	found := []leaderboard.Entry{}
	if fold == "" {
		return found, nil
	}
	var ids []any
	batch := int64(s.opts.SearchBatch)
	for start := int64(0); len(ids) < limit; start += batch {
		members, err := s.rdb.ZRange(ctx, s.key("search"), start, start+batch-1).Result()
		if err != nil {
			return nil, fmt.Errorf("search %q: %w", query, err)
		}
		for _, m := range members {
			name, id, _ := strings.Cut(m, "\x00")
			if strings.Contains(name, fold) && len(ids) < limit {
				ids = append(ids, id)
			}
		}
		if int64(len(members)) < batch {
			break
		}
	}
	if len(ids) == 0 {
		return found, nil
	}
	res, err := standingScript.Run(ctx, s.rdb, []string{s.key("name"), s.boardKey(leaderboard.BoardScore, leaderboard.PeriodAll.Key(time.Now()))}, ids...).Slice()
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", query, err)
	}
	for i, id := range ids {
		e := leaderboard.Entry{PlayerID: id.(string)}
		e.Name, _ = res[3*i].(string)
		if sc, _ := res[3*i+1].(string); sc != "" {
			if e.Value, err = scoreValue(sc); err != nil {
				return nil, fmt.Errorf("search %q: %w", query, err)
			}
			above, _ := res[3*i+2].(int64)
			e.Rank = int(above) + 1
		}
		found = append(found, e)
	}
	return found, nil
}
