// Package leaderboard records the results of finished rounds and ranks players
// on boards: the best single-round score, total kills and rounds won, each over
// all time, the current UTC day and the current ISO week.
//
// The package defines the Store contract that every backend implements (the
// SQLite store in sqlitestore, the Redis store in redisstore), the Writer that records
// results off the room goroutine, and the HTTP handlers: a JSON API under
// /api/leaderboard, /api/players and /api/rounds and a server-rendered HTML
// page under /leaderboard.
//
// Scores come only from the server: nothing in this package accepts a score
// from a client. Bots are recorded with their round but never appear on a
// board or in a search.
//
// # Rounds and replays
//
// A RoundResult may carry the round's recording (package game/replay); the
// Writer encodes it on its own goroutine and the store keeps the file with
// the result in one transaction (or one Redis script), so that a result
// never names a replay that was lost. Stores that implement RoundStore
// answer GET /api/rounds/{id}, GET /api/rounds?room=&round= (the rounds a
// room numbered so: an empty list until the round is stored) and GET
// /api/rounds/{id}/replay, whose file is immutable, served with a strong
// ETag and a year's cache lifetime. SQLite keeps the replays of its newest
// rounds (sqlitestore.Options.ReplayKeep) and of rounds behind a current
// top-100 score entry; Redis keeps each for a TTL, up to a size cap, and any
// node of a cluster serves them.
// GET /replay/{id} is the page that plays a round in the browser
// (HandlerOptions.ReplayPage), or a 404 page that says why it cannot; each
// board entry names the round behind it (Entry.RoundID).
//
// # Failures
//
// A backend marks an error that retrying cannot fix (read-only, corrupt, disk
// full) with Permanent; IsPermanent tells it from a transient one (a lock,
// the network). The Writer retries transient failures with backoff; the
// first permanent one fails a shared Health, after which the Writer takes
// no results and the Handler's pages say that results are not recorded. A
// read that fails permanently answers 503, never 500; a store that does not
// answer its ping answers 503 with Retry-After.
//
// # Ordering and ranks
//
// A board is ordered by value, highest first, and players with equal values
// by player id, ascending (byte-wise). The order is total, so every player has
// a distinct position and pages never overlap. Ranks use competition ranking
// ("1224"): a player's rank is one more than the number of players with a
// strictly greater value, so tied players share a rank and the next distinct
// value skips the shared positions.
//
// # Periods
//
// The daily period is the UTC day and the weekly period is the ISO week,
// starting Monday 00:00 UTC. Periods reset without deleting anything: every
// round stays stored, and a board for a period counts only the rounds whose
// EndedAt falls inside it.
//
// # Backends
//
// A store keeps, per period instance (Period.Key), one value per board for
// each human player. Cursors are made and checked by EncodeCursor and
// DecodeCursor so that they mean the same on every backend: an offset bound
// to a board and a period instance. A sorted-set backend (Redis) gets this
// order by storing the negated value as the score, so that ascending
// commands (ZADD LT for the best score, ZINCRBY with -kills, ZRANK, ZRANGE)
// break ties by member, i.e. player id, ascending; the competition rank of a
// value v is then ZCOUNT(key, -inf, "(-v") + 1. storetest.Run checks all of
// this for any backend.
package leaderboard
