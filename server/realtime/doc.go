// Package realtime is tickarena's real-time server: the /ws WebSocket handler
// (gws), the rooms with their fixed-step tick loops, per-client deltas, bots,
// slow clients, reconnects and shutdown.
//
// # Goroutines and who owns what
//
//   - A connection's reader owns the connection's hello state, its input
//     sequence and flood counters. On Linux a plain TCP connection is read
//     by one of the Manager's read pollers (readpoll_linux.go: one goroutine
//     per CPU, each with an epoll set, no goroutine per connection), which
//     handles whole binary frames itself (readframe.go), a hello on a
//     goroutine of its own, and hands the connection to gws's ReadLoop, on
//     a goroutine of its own, at the first other frame (ping, close,
//     fragment, anything malformed), at a read error, end of stream or
//     passed read deadline, and when the socket is closed; a TLS or PROXY
//     connection, or any connection elsewhere, is read by ReadLoop from the
//     start (Manager.ServeHTTP). The reader decodes every message (wire.DecodeClient),
//     validates it and puts the inputs of an input message that it has not
//     taken yet (a message repeats the unacknowledged ones) into the room's
//     inbox (inbox.go), each once and in order: per
//     player a FIFO of up to sixteen inputs guarded by a tiny mutex, and a list
//     of players with inputs waiting. The room takes the oldest input of each
//     player once per tick, so the server runs one input per tick in sequence
//     order, exactly the steps the client predicted; when a seventeenth
//     arrives before the room took one, the oldest waiting input is dropped.
//     The FIFO is a jitter buffer that grows by the ticks it ran dry and is
//     trimmed back after calm spells (inputSlot). It never
//     blocks on the room except while joining, when it waits for the room's
//     answer. At the hello it also asks the Admission
//     (the lobby's seats) and Ships (a cluster's one-ship-per-player claims),
//     which may wait on Redis: that waiting is the connection's, never a
//     room's.
//   - A player has one ship: a room that seats a player tells the room that
//     held their ship, if another, to take it out (error 4009), through the
//     Manager's map of where each player's ship is.
//   - A connection's outbox (writer.go) holds every message to it in
//     order: tick frames, other messages, and the error message and close
//     frame of closeWith; one owner at a time writes it. After its fan-out
//     a room hands the clients with new frames to its roomWriter, a
//     goroutine started once per room and tick (a func value bound once, so
//     no allocation), which frames each message itself (unmasked, one
//     write(2) that does not wait, through syscall.RawConn). A socket that
//     does not take a frame whole (its send buffer is full), a TLS
//     connection, and messages queued off the room's goroutine (pongs,
//     welcomes, closes) go to the connection's own drain goroutine instead,
//     which writes with blocking writes under the write deadline until the
//     outbox is empty, then ends: a stalled client holds up only its own
//     goroutine, never its room's writer or the room. gws's own writes (the
//     101, its answer to a close frame, a close after a read error) go
//     through a net.Conn wrapper that takes the same per-connection write
//     lock as our writers, which hold it for whole frames, so its frames
//     never land inside ours. Every tick frame and other message queued is
//     counted in the client's in-flight counter and uncounted when written
//     or dropped; a failed write closes the socket, as gws does.
//   - A room's goroutine owns its game.World, its players (humans and bots),
//     their baselines and the delta encoder. It alone calls game.Step. Every
//     1/TickRate s, on an absolute schedule, it drains the inbox, lets bots
//     think, steps, captures one wire.Snapshot (a baseline is a bitset over
//     the snapshot it was cut from, kept while one refers to it) and queues
//     every client one frame (fanout.go): its delta, then the roster (a
//     difference from the last one, once a second), a ping (every
//     PingInterval) and the pong to the client's last ping, which the read
//     goroutine left in two atomics. A client with MaxInFlight frames
//     queued is skipped (it keeps its baseline and its missed events,
//     bounded) and closed with 1008 "too slow" after SlowTimeout. Other
//     goroutines reach a room only through its command channel (join,
//     detach), its inbox and what it publishes: stats and scoreboard behind
//     an atomic.Pointer, refreshed about once a second, and the current
//     tick.
//   - The Manager owns the set of rooms and connections behind one mutex,
//     held only for map updates, never across I/O.
//
// Closing a connection (closeWith) queues an error message and a close frame
// behind the connection's pending writes (nothing queued after the close
// frame is written) and shortens its write deadline, so
// that neither the room nor a read goroutine ever waits on a socket. The
// socket itself is closed when the peer answers with its close frame, or
// after closeLinger: closing it with the peer's messages unread would reset
// the connection and could destroy the reason before the peer reads it.
//
// Only a leave message gives a player's ship up. A connection that ends any
// other way, a client's close frame with 1000 included, leaves the ship idle
// for ReconnectGrace, so that a reload or a resync never costs the round.
//
// # Limits
//
// Frames over wire.MaxClientMessage get 1009 from gws. A request to the
// handler that is not a WebSocket handshake gets HTTP 426 (400 for a bad
// Sec-WebSocket-Key) with a JSON error. Over MaxConnections an upgrade is
// refused with HTTP 503, over MaxConnectionsPerAddr with HTTP 429, both with
// Retry-After and before the upgrade so that a refused client costs no
// WebSocket; a full room gets an error message and close 1013.
//
// A joined client may send FloodRate×TickRate messages a second (inputs,
// pings, protocol pings together); more for FloodSeconds seconds in a row
// closes it with 1008. New inputs beyond MaxInputsPerTick in one tick, and
// messages with no input newer than the last one taken, are dropped and
// counted; the client's next message repeats the inputs dropped. A client's
// pings are answered in its next tick frame, only the last one of a tick;
// WebSocket pings are answered at once unless its queue is full.
//
// # Readers that fall behind
//
// A client that sends but does not read is caught two ways, whatever the
// kernel buffers. Every input carries an ack, the tick of the last delta the
// client received; the read goroutine compares it with the room's tick and
// closes the client with error 4006 and 1008 "too slow" when it is more than
// MaxAckLag behind (an ack from before the client joined counts as its join
// tick). A client that fakes its acks is caught only by its queue: each
// socket's send buffer is set to SendBuffer (64 KiB, not the megabytes the
// kernel would autotune to), which bounds the kernel memory it pins; once
// that buffer and the peer's receive window are full, its writes stall,
// MaxInFlight messages pile up, and after SlowTimeout of skipped ticks it is
// closed the same way. At the few kilobytes a second a player receives, that
// takes minutes. Both count in Observer.ConnClosed("too slow") and log one
// rate-limited line.
//
// # Send rate
//
// A room fans out once every TickRate/SendRate ticks (every tick by
// default): when at least that many ticks passed since its last fan-out,
// so that catch-up steps that jump over the tick a frame fell due at do not
// lose it. The events of the ticks between, the roster and the ping fallen
// due and the pongs wait for that fan-out, each delta spanning the ticks
// since the last; no snapshot is taken in the ticks without one. Spectators
// follow the same schedule (their ring keeps one frame per fan-out).
//
// # The core's turns
//
// Go runs a goroutine its timer wakes before the goroutines already queued,
// while what the network wakes — the read pollers, the HTTP handlers — waits
// on the global run queue when the processor is busy. A room that wakes more
// than an eighth of a tick late (the core had a queue) therefore yields once
// before its tick (room.go's wokeLate), so that the players' inputs are read
// before the tick that uses them and the lobby answers; an on-time room does
// not.
//
// # Saturation
//
// A node is full long before its ticks run late: on one core, its rooms
// can tick on time while the writes of their frames starve. The fan-out
// counts, for every connected player at every fan-out, whether an earlier
// frame is still queued unwritten (lateQueue) or the client is skipped
// (overload.go's queued, called where the fan-out decides to skip);
// every room also counts its late ticks. A sampler, off every room's
// goroutine, sums both over the last SaturationWindow every quarter of it:
// past LateFrameShare late frames (beyond a few slow clients' worth)
// Saturation turns Full at once, past LateTickShare late ticks once that
// has lasted LateTickHold, past CPUCeiling percent of the process's CPUs
// (getrusage) at once when a little of that lateness shows too, and it
// turns back only after SaturationClear of
// clean windows. TakeSeat, which the
// lobby asks before every seat it hands out, adds SeatRate: a token bucket
// that bounds how many players arrive before the signal can see them, and
// a tenth of it past the count the node held when it last turned saturated
// (FullAt, kept a minute), so that the players it refused, coming back
// every Retry-After, do not overshoot it again in waves.
//
// # Spectators
//
// A hello with Spectate set watches a room (spectate.go): no seat, no ship,
// no inputs (an input closes it with 1008). It needs the same right to enter
// as a player without a reservation (a public room, or a private one by its
// code) and is capped per room and per Manager. The room keeps one ring of
// its recent frames (spectate_frames.go), whatever the number of
// spectators, and cuts every spectator's view out of the frame SpectateDelay
// old, through the same delta encoder and slow-reader rules as players:
// around the followed ship at every fan-out, or the whole arena every
// wholeArenaEvery ticks. A spectator's tick frame goes out by the players'
// path (queueFrame) and holds what a player's does: the delayed delta, the
// roster of that delayed frame as a difference (a second rosterCast, so the
// live roster never reaches a spectator), the ping and the pong. Round ends
// reach spectators delayed too, just before the frame of their tick.
//
// # Wiring
//
//	rt, err := realtime.New(realtime.Options{Auth: auth, Admission: seats, Ships: cluster, OnRoundEnd: results.Enqueue})
//	mux.Handle("GET /ws", rt)
//	// on SIGTERM, before http.Server.Shutdown (which does not track hijacked connections):
//	err = rt.Shutdown(ctx)
//
// The package must never do I/O inside game.Step, block a room on a socket
// or a callback, or trust a byte from a client before it is decoded.
package realtime
