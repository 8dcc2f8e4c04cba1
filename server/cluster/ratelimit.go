package cluster

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tickarena/tickarena/server/lobby"
)

var _ lobby.CreateLimiter = (*Node)(nil)

// rateScript is a sliding window shared by every node, the rule of
// session.WindowLimiter: at most max requests per key in any window. The key
// is a sorted set of the allowed requests' times (members made unique by a
// counter beside it). ARGV: key, window ms, max. It returns 0 when the
// request is allowed, else the milliseconds until the oldest one leaves the
// window.
var rateScript = redis.NewScript(nowMs + `
local k, window, max = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', k, '-inf', now - window)
if redis.call('ZCARD', k) >= max then
  local oldest = redis.call('ZRANGE', k, 0, 0, 'WITHSCORES')
  return tonumber(oldest[2]) + window - now
end
local seq = redis.call('INCR', k .. ':seq')
redis.call('ZADD', k, now, now .. ':' .. seq)
redis.call('PEXPIRE', k, window)
redis.call('PEXPIRE', k .. ':seq', window)
return 0
`)

// Allow takes one room creation from key's allowance of perMinute in any
// minute, counted in Redis for the whole cluster, so that a player's requests
// spread over several nodes count once; see lobby.CreateLimiter.
func (n *Node) Allow(ctx context.Context, key string, perMinute int) (bool, time.Duration, error) {
	wait, err := rateScript.Run(ctx, n.rdb, nil, n.opts.Prefix+"rate:create:"+key, time.Minute.Milliseconds(), max(perMinute, 1)).Int64()
	if err != nil {
		return false, 0, unavailable("room creation rate", err)
	}
	return wait == 0, time.Duration(wait) * time.Millisecond, nil
}
