package cluster

import "github.com/redis/go-redis/v9"

// nowMs is the Lua preamble that reads the Redis clock in milliseconds.
const nowMs = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`

// extend is a Lua helper: give key at least ttl ms to live.
const extend = `
local function extend(key, ttl)
  local cur = redis.call('PTTL', key)
  if cur >= -1 and cur < ttl then redis.call('PEXPIRE', key, ttl) end
end
`

// heartbeatScript publishes a node and its rooms, and removes the rooms it
// no longer runs. ARGV: prefix, node id, TTL ms, url, humans, rooms,
// max_rooms, cpu, draining, saturated (why the node seats nobody, or ""),
// then the number of rooms and 9 fields per room (id, name, public, code,
// humans, bots, capacity, seconds left, spectators), then the number of rooms gone and
// their ids. Each room is marked saturated ("1") with its node. It returns
// the Redis time.
var heartbeatScript = redis.NewScript(nowMs + `
local p, node, ttl, url = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
local dl = now + ttl
local nk = p .. 'node:' .. node
redis.call('HSET', nk, 'url', url, 'humans', ARGV[5], 'rooms', ARGV[6], 'max_rooms', ARGV[7], 'cpu', ARGV[8], 'draining', ARGV[9], 'saturated', ARGV[10])
redis.call('PEXPIRE', nk, ttl)
redis.call('ZADD', p .. 'nodes', dl, node)
local sat = '0'
if ARGV[10] ~= '' then sat = '1' end
local i = 12
for r = 1, tonumber(ARGV[11]) do
  local id, code = ARGV[i], ARGV[i + 3]
  local k = p .. 'room:' .. id
  redis.call('HSET', k, 'id', id, 'name', ARGV[i + 1], 'public', ARGV[i + 2], 'code', code,
    'humans', ARGV[i + 4], 'bots', ARGV[i + 5], 'capacity', ARGV[i + 6], 'left', ARGV[i + 7], 'node', node, 'url', url,
    'saturated', sat, 'spectators', ARGV[i + 8])
  redis.call('PEXPIRE', k, ttl)
  redis.call('ZADD', p .. 'rooms', dl, id)
  if code ~= '' then redis.call('SET', p .. 'code:' .. code, id, 'PX', ttl) end
  i = i + 9
end
local gone = tonumber(ARGV[i])
for r = 1, gone do
  local id = ARGV[i + r]
  local code = redis.call('HGET', p .. 'room:' .. id, 'code')
  if code and code ~= '' and redis.call('GET', p .. 'code:' .. code) == id then
    redis.call('DEL', p .. 'code:' .. code)
  end
  redis.call('DEL', p .. 'room:' .. id, p .. 'seats:' .. id, p .. 'arrived:' .. id)
  redis.call('ZREM', p .. 'rooms', id)
end
redis.call('ZREMRANGEBYSCORE', p .. 'rooms', '-inf', now)
redis.call('ZREMRANGEBYSCORE', p .. 'nodes', '-inf', now)
return now
`)

// leaveScript removes a node and all its rooms at once. ARGV: prefix, node
// id, then the ids of its rooms.
var leaveScript = redis.NewScript(`
local p = ARGV[1]
for i = 3, #ARGV do
  local id = ARGV[i]
  local code = redis.call('HGET', p .. 'room:' .. id, 'code')
  if code and code ~= '' and redis.call('GET', p .. 'code:' .. code) == id then
    redis.call('DEL', p .. 'code:' .. code)
  end
  redis.call('DEL', p .. 'room:' .. id, p .. 'seats:' .. id, p .. 'arrived:' .. id)
  redis.call('ZREM', p .. 'rooms', id)
end
redis.call('DEL', p .. 'node:' .. ARGV[2])
redis.call('ZREM', p .. 'nodes', ARGV[2])
return 1
`)

// roomsScript returns the live rooms: all of them when ARGV[2] is empty,
// else only the room with that id. For each: its hash as a flat list, its
// live reservations and its players within their arrival grace.
var roomsScript = redis.NewScript(nowMs + `
local p = ARGV[1]
local ids
if ARGV[2] == '' then
  ids = redis.call('ZRANGEBYSCORE', p .. 'rooms', '(' .. now, '+inf')
else
  local dl = redis.call('ZSCORE', p .. 'rooms', ARGV[2])
  ids = {}
  if dl and tonumber(dl) > now then ids[1] = ARGV[2] end
end
local out = {}
for _, id in ipairs(ids) do
  local h = redis.call('HGETALL', p .. 'room:' .. id)
  if #h > 0 then
    out[#out + 1] = h
    out[#out + 1] = redis.call('ZCOUNT', p .. 'seats:' .. id, '(' .. now, '+inf')
    out[#out + 1] = redis.call('ZCOUNT', p .. 'arrived:' .. id, '(' .. now, '+inf')
  end
end
return out
`)

// nodesScript returns the live nodes, each as its id and its hash as a flat list.
var nodesScript = redis.NewScript(nowMs + `
local p = ARGV[1]
local out = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', p .. 'nodes', '(' .. now, '+inf')) do
  local h = redis.call('HGETALL', p .. 'node:' .. id)
  if #h > 0 then
    out[#out + 1] = id
    out[#out + 1] = h
  end
end
return out
`)

// Results of reserveScript below zero.
const (
	reserveNotFound  = -1
	reserveFull      = -2
	reserveSaturated = -3
)

// reserveScript holds a seat for a player. ARGV: prefix, room, player, TTL
// ms. It returns the room's live reservations, reserveNotFound, reserveFull,
// or reserveSaturated when the room's node seats nobody new now (a player
// who holds a reservation there keeps it).
var reserveScript = redis.NewScript(nowMs + extend + `
local p, room, player, ttl = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local dl = redis.call('ZSCORE', p .. 'rooms', room)
if not dl or tonumber(dl) <= now then return -1 end
local rk = p .. 'room:' .. room
local cap = tonumber(redis.call('HGET', rk, 'capacity') or '0')
local humans = tonumber(redis.call('HGET', rk, 'humans') or '0')
local sk, ak, hk = p .. 'seats:' .. room, p .. 'arrived:' .. room, p .. 'held:' .. player
redis.call('ZREMRANGEBYSCORE', sk, '-inf', now)
redis.call('ZREMRANGEBYSCORE', ak, '-inf', now)
if redis.call('ZSCORE', ak, player) then return redis.call('ZCARD', sk) end
if not redis.call('ZSCORE', sk, player) then
  if redis.call('HGET', rk, 'saturated') == '1' then return -3 end
  if humans + redis.call('ZCARD', sk) + redis.call('ZCARD', ak) >= cap then return -2 end
  local old = redis.call('GET', hk)
  if old and old ~= room then redis.call('ZREM', p .. 'seats:' .. old, player) end
end
redis.call('ZADD', sk, now + ttl, player)
extend(sk, ttl)
redis.call('SET', hk, room, 'PX', ttl)
return redis.call('ZCARD', sk)
`)

// Results of admitScript.
const (
	admitOK       = 1
	admitFull     = 0
	admitNoTicket = -1
)

// admitScript decides a hello. ARGV: prefix, room, player, humans,
// capacity, arrival grace ms, open ("1" when anyone may take a free seat,
// "0" for a private room named by its id). It returns admitOK, admitFull or
// admitNoTicket.
var admitScript = redis.NewScript(nowMs + extend + `
local p, room, player = ARGV[1], ARGV[2], ARGV[3]
local humans, cap, grace = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local sk, ak, hk = p .. 'seats:' .. room, p .. 'arrived:' .. room, p .. 'held:' .. player
redis.call('ZREMRANGEBYSCORE', sk, '-inf', now)
redis.call('ZREMRANGEBYSCORE', ak, '-inf', now)
local reserved = redis.call('ZSCORE', sk, player)
if not reserved then
  if ARGV[7] ~= '1' then return -1 end
  if humans + redis.call('ZCARD', sk) >= cap then return 0 end
end
if reserved then
  redis.call('ZREM', sk, player)
  if redis.call('GET', hk) == room then redis.call('DEL', hk) end
end
redis.call('ZADD', ak, now + grace, player)
extend(ak, grace)
return 1
`)

// claimScript records the room of a player's ship. ARGV: prefix, room,
// player, TTL ms. When the ship was in another room, it returns that room's
// id, node and base URL (empty strings for a room no longer listed); else
// an empty list.
var claimScript = redis.NewScript(`
local p, room, player = ARGV[1], ARGV[2], ARGV[3]
local k = p .. 'ship:' .. player
local old = redis.call('GET', k)
redis.call('SET', k, room, 'PX', tonumber(ARGV[4]))
if not old or old == room then return {} end
local rk = p .. 'room:' .. old
return {old, redis.call('HGET', rk, 'node') or '', redis.call('HGET', rk, 'url') or ''}
`)

// shipsScript checks the ships of one node's players against their claims.
// ARGV: prefix, TTL ms, then a room id and a player id per ship. A ship
// without a claim claims its player; a claim on the ship's room is renewed;
// a ship whose player is claimed by another room is returned (its room and
// player), for the node to take out.
var shipsScript = redis.NewScript(`
local p, ttl = ARGV[1], tonumber(ARGV[2])
local out = {}
for i = 3, #ARGV - 1, 2 do
  local room, player = ARGV[i], ARGV[i + 1]
  local k = p .. 'ship:' .. player
  local cur = redis.call('GET', k)
  if not cur then
    redis.call('SET', k, room, 'PX', ttl)
  elseif cur == room then
    redis.call('PEXPIRE', k, ttl)
  else
    out[#out + 1] = room
    out[#out + 1] = player
  end
end
return out
`)

// unlockScript releases a lock only when this node still holds it.
var unlockScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`)
