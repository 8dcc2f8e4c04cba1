package cluster

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tickarena/tickarena/server/lobby"
)

var _ lobby.CreateLimiter = (*Node)(nil)

// rateScript is a token bucket kept as one time, the instant at which the
// bucket would be full again (the generic cell rate algorithm), shared by
// every node. ARGV: key, interval ms (time to earn one token), burst. It
// returns 0 when a token was taken, else the milliseconds until one is there.
var rateScript = redis.NewScript(nowMs + `
local k, interval, burst = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local full = tonumber(redis.call('GET', k) or '0')
if full < now then full = now end
local nxt = full + interval
local earliest = nxt - burst * interval
if earliest > now then return earliest - now end
redis.call('SET', k, nxt, 'PX', nxt - now)
return 0
`)

// Allow takes one room creation from key's allowance of perMinute a minute
// (bursts of up to half as many, at least one), counted in Redis for the
// whole cluster, so that a player's requests spread over several nodes
// count once; see lobby.CreateLimiter.
func (n *Node) Allow(ctx context.Context, key string, perMinute int) (bool, time.Duration, error) {
	interval := time.Minute / time.Duration(max(perMinute, 1))
	burst := max(perMinute/2, 1)
	wait, err := rateScript.Run(ctx, n.rdb, nil, n.opts.Prefix+"rate:create:"+key, interval.Milliseconds(), burst).Int64()
	if err != nil {
		return false, 0, unavailable("room creation rate", err)
	}
	return wait == 0, time.Duration(wait) * time.Millisecond, nil
}
