// Package cluster lets several tickarena nodes share one lobby through
// Redis: a room directory that lists the rooms of every node, seat
// reservations that no two nodes can over-fill, quick play across nodes,
// and room creation on the least-loaded node.
//
// Each node makes its Seats first (NewSeats): realtime's Admission and
// Ships hooks for the node's rooms, which need nothing of the rooms. The
// node's Node is built on them once the rooms' host exists (New): it
// implements lobby.Directory for the node's HTTP lobby, and it publishes the
// node's rooms and load to Redis every Heartbeat with a TTL, so that the
// rooms of a node that dies leave the directory within TTL.
//
// # Keys
//
// Every key starts with Options.Prefix (default "tickarena:"):
//
//	nodes            sorted set: node id -> deadline (ms, Redis clock)
//	node:{id}        hash: url, humans, rooms, max_rooms, cpu, draining, saturated (why it seats nobody new, or empty) (PEXPIRE TTL)
//	rooms            sorted set: room id -> deadline (ms, Redis clock)
//	room:{id}        hash: id, name, public, code, humans, bots, capacity, left, node, url, saturated (1 with its node) (PEXPIRE TTL)
//	code:{CODE}      string: id of the private room with that join code (PX TTL)
//	seats:{room}     sorted set: player id -> reservation expiry (ms)
//	arrived:{room}   sorted set: player id -> end of their arrival grace (ms)
//	held:{player}    string: the room where the player holds a reservation (PX reservation TTL)
//	ship:{player}    string: the room that holds the player's one ship (PX TTL, renewed by heartbeats)
//	rate:create:{k}  string: when the room creation allowance of k (player:{id} or addr:{ip}) is full again (ms)
//	lock:create      string: node creating a room for quick play (PX 3 s)
//	secret           string: the session-signing secret when no -secret is given
//
// Every script reads the time from Redis (TIME), so that nodes whose clocks
// disagree still agree on what has expired. The scripts build some keys
// from the prefix, so the store must be one Redis primary, not Redis Cluster.
//
// # Seats
//
// A reservation is taken by the reserve script: it counts the humans the
// owning node last published, plus the live reservations, plus the players
// admitted in the last ArrivalGrace (whom the published count may not show
// yet), and refuses once that reaches the room's capacity. At hello the
// owning node's rooms call Admit, whose script turns the player's
// reservation into a seat, or lets a player without one in only while
// humans + live reservations < capacity; in a private room named by its id
// (not its code) only a player with a reservation gets in. Admit runs on the
// connection's goroutine during the hello, never on the room's.
//
// # Saturated nodes
//
// A node that cannot deliver its players' frames on time, whose rooms tick
// late, or that is at its connection limit (see
// realtime.Manager.Saturation) publishes why in its heartbeat. Quick play
// passes over its rooms, room creation over the node, and the reserve
// script gives no new seat in its rooms, so that players go to a node with
// room; when every node is saturated, the lobby answers 503 "full" with
// Retry-After, counted in tickarena_lobby_refused_full_total with reason
// "nodes saturated" like a single node's refusals.
//
// # One ship per player
//
// At hello, Claim records the player's room under ship:{player}. When the
// ship was in a room of another node, that node is asked (POST
// /internal/evict) to take it out before the player is seated. Every
// heartbeat renews the claims of the node's ships and takes out those whose
// player is claimed by another room, which settles whatever a failed request
// or a Redis outage left.
//
// # Rooms on other nodes
//
// A node asks another to create a room with POST /internal/rooms, and reads
// another node's live scoreboard with GET /internal/rooms/{id}/scoreboard.
// Both are signed with an HMAC-SHA256 of a key derived from the shared
// session secret, over the method, path, a timestamp and the body; requests
// older than a minute, or unsigned, are refused with 401.
package cluster
