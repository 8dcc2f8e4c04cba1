package redisstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tickarena/tickarena/server/leaderboard"
)

// recordScript writes one round. KEYS: the round marker, the name, nameat
// and fold hashes, the search set, the 9 board keys (period-major, boards in
// leaderboard.Boards order), then one recent key per human. ARGV: marker TTL
// (s), the TTL of each period's boards (s, 0 = none), the round's stamp, the
// recent bound, the number of humans, then 7 per human: id, name, fold,
// -score, -kills, -wins, recent member. Then the round key and the replay
// key follow the recent keys, and the round's JSON, the replay file (empty
// for none) and the replay's TTL (ms) follow the humans' arguments. Last
// come the 9 keys of the rounds behind the board entries (in the boards'
// order) and the round's id. A board's round is replaced when this round
// betters the score, adds kills or wins, or puts the player on the board.
// The very last key is the round's number key (see numberKey), with its
// member (stamp+round id; empty for a private round, which is not indexed)
// and its bound (leaderboard.MaxRoundMatches) as the last two arguments: it
// lives as long as the newest round marker it names.
var recordScript = redis.NewScript(`
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then return 0 end
local stamp, bound, n = ARGV[5], tonumber(ARGV[6]), tonumber(ARGV[7])
local rid = ARGV[8 + n * 7 + 3]
for k = 0, n - 1 do
  local a = 8 + k * 7
  local id = ARGV[a]
  local at = redis.call('HGET', KEYS[3], id)
  if (not at) or at <= stamp then
    local old = redis.call('HGET', KEYS[4], id)
    if old then redis.call('ZREM', KEYS[5], old .. '\0' .. id) end
    redis.call('HSET', KEYS[2], id, ARGV[a + 1])
    redis.call('HSET', KEYS[3], id, stamp)
    redis.call('HSET', KEYS[4], id, ARGV[a + 2])
    redis.call('ZADD', KEYS[5], 0, ARGV[a + 2] .. '\0' .. id)
  end
  for p = 0, 2 do
    local b = 6 + p * 3
    local r = 17 + n + p * 3
    for j = 0, 2 do
      local old = redis.call('ZSCORE', KEYS[b + j], id)
      local v = tonumber(ARGV[a + 3 + j])
      if (not old) or (j == 0 and v < tonumber(old)) or (j > 0 and v ~= 0) then
        redis.call('HSET', KEYS[r + j], id, rid)
      end
    end
    redis.call('ZADD', KEYS[b], 'LT', ARGV[a + 3], id)
    redis.call('ZINCRBY', KEYS[b + 1], ARGV[a + 4], id)
    redis.call('ZINCRBY', KEYS[b + 2], ARGV[a + 5], id)
  end
  local rk = KEYS[15 + k]
  redis.call('ZADD', rk, 0, ARGV[a + 6])
  redis.call('ZREMRANGEBYRANK', rk, 0, -(bound + 1))
end
if n > 0 then
  for p = 0, 2 do
    local ttl = tonumber(ARGV[2 + p])
    if ttl > 0 then
      for j = 0, 2 do
        for _, key in ipairs({KEYS[6 + p * 3 + j], KEYS[17 + n + p * 3 + j]}) do
          local cur = redis.call('TTL', key)
          if cur == -1 or cur < ttl then redis.call('EXPIRE', key, ttl) end
        end
      end
    end
  end
end
local base = 8 + n * 7
redis.call('SET', KEYS[15 + n], ARGV[base], 'EX', ARGV[1])
if ARGV[base + 1] ~= '' then
  redis.call('SET', KEYS[16 + n], ARGV[base + 1], 'PX', ARGV[base + 2])
end
if ARGV[base + 4] ~= '' then
  local nk = KEYS[26 + n]
  redis.call('ZADD', nk, 0, ARGV[base + 4])
  redis.call('ZREMRANGEBYRANK', nk, 0, -(tonumber(ARGV[base + 5]) + 1))
  redis.call('EXPIRE', nk, ARGV[1])
end
return 1
`)

// recentLine is a player's line of a round as kept in their recent set.
type recentLine struct {
	Round     string `json:"i"`
	RoomID    string `json:"r"`
	RoomName  string `json:"n"`
	Number    uint32 `json:"o"`
	EndedAt   int64  `json:"e"`
	Score     int32  `json:"s"`
	Kills     int32  `json:"k"`
	Deaths    int32  `json:"d"`
	Placement int    `json:"p"`
}

// stampLen is the length of a stamp.
const stampLen = 20

// stamp encodes t as stampLen digits whose byte order is time order, for
// every int64 nanosecond count (before 1970 included).
func stamp(t time.Time) string {
	return fmt.Sprintf("%020d", uint64(t.UnixNano())^(1<<63))
}

// Record stores a round in one Lua script; see leaderboard.Store.
func (s *Store) Record(ctx context.Context, r leaderboard.RoundResult) error {
	if err := r.Validate(); err != nil {
		return err
	}
	keys := leaderboard.PeriodKeys(r.EndedAt)
	ks := []string{s.key("round:" + r.ID), s.key("name"), s.key("nameat"), s.key("fold"), s.key("search")}
	for _, pk := range keys {
		for _, b := range leaderboard.Boards {
			ks = append(ks, s.boardKey(b, pk))
		}
	}
	st := stamp(r.EndedAt)
	humans := 0
	var lines []any
	for _, p := range r.Players {
		if p.Bot {
			continue
		}
		humans++
		ks = append(ks, s.recentKey(p.PlayerID))
		line, err := json.Marshal(recentLine{Round: r.ID, RoomID: r.RoomID, RoomName: r.RoomName, Number: r.Round,
			EndedAt: r.EndedAt.UnixNano(), Score: p.Score, Kills: p.Kills, Deaths: p.Deaths, Placement: p.Placement})
		if err != nil {
			return fmt.Errorf("record round %q: encode line: %w", r.ID, err)
		}
		lines = append(lines, p.PlayerID, p.Name, strings.ToLower(p.Name),
			neg(p.Value(leaderboard.BoardScore)), neg(p.Value(leaderboard.BoardKills)), neg(p.Value(leaderboard.BoardWins)),
			st+r.ID+"\x00"+string(line))
	}
	args := []any{int64(s.opts.RoundTTL / time.Second)}
	for _, p := range leaderboard.Periods {
		args = append(args, int64(periodTTL(p, r.EndedAt)/time.Second))
	}
	args = append(args, st, leaderboard.RecentRounds, humans)
	args = append(args, lines...)
	info, file, err := s.roundInfo(r)
	if err != nil {
		return fmt.Errorf("record round %q: %w", r.ID, err)
	}
	ks = append(ks, s.key("roundinfo:"+r.ID), s.key("replay:"+r.ID))
	args = append(args, info, file, s.opts.ReplayTTL.Milliseconds())
	for _, pk := range keys {
		for _, b := range leaderboard.Boards {
			ks = append(ks, s.behindKey(b, pk))
		}
	}
	args = append(args, r.ID)
	ks = append(ks, s.numberKey(r.RoomID, r.Round))
	member := ""
	if r.RoomID != "" {
		member = st + r.ID
	}
	args = append(args, member, leaderboard.MaxRoundMatches)
	if err := recordScript.Run(ctx, s.rdb, ks, args...).Err(); err != nil {
		return fmt.Errorf("record round %q: %w", r.ID, err)
	}
	return nil
}

// periodTTL is how long the boards of the instance of p containing a round
// that ended at t must live once that round is recorded: until a full period
// after the instance ends, so that the previous day or week can still be
// read. It is measured from the round's end, so a round recorded late (held
// in a queue while Redis was away) still gets its whole period; zero means
// no expiry.
func periodTTL(p leaderboard.Period, t time.Time) time.Duration {
	var span time.Duration
	switch p {
	case leaderboard.PeriodDaily:
		span = 24 * time.Hour
	case leaderboard.PeriodWeekly:
		span = 7 * 24 * time.Hour
	default:
		return 0
	}
	return p.Start(t).Add(2 * span).Sub(t)
}

func neg(v int64) string { return strconv.FormatInt(-v, 10) }
