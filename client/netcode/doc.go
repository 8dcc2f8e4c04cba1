// Package netcode is the network half of the tickarena client: the connection
// state machine, the mirror of the server's world, prediction of the own ship,
// interpolation of everything else, bullets simulated from shot events, and the
// HUD's data (roster, kill feed, round results, RTT).
//
// It never imports Ebiten or syscall/js: the browser client, bots and the load
// generator all use it, and it is tested natively over a simulated link. It owns
// no goroutine and reads no clock: the caller passes the time to every method
// that needs it.
//
// # Threading
//
// A Client belongs to one goroutine, the game loop, which calls Update once per
// frame. The transport reports what happens on its connection through the
// Inbox it was given by the Dialer; Inbox methods may be called from any
// goroutine, only queue what they are told and return at once. Update drains
// the queue, so the game never blocks on the network and no state is shared
// without a lock.
//
// # Using it
//
//	c := netcode.New(netcode.Options{URL: url, Token: token, Dial: dial})
//	c.Start(now)
//	// every frame:
//	c.Update(now)
//	for n := c.InputsDue(now); n > 0; n-- {
//		c.Tick(buttons, aim) // one input per server tick, sent in pairs
//	}
//	f := c.Frame(now) // what to draw; valid until the next call
//	for _, fx := range c.Effects(fx[:0]) { ... }
//
// # Timing model
//
// The own ship is predicted: the server's last state of it plus the inputs
// the server has not acknowledged yet, replayed with game.Tuning.Move (a
// delta spanning k ticks acknowledges the inputs of all of them). When a
// delta disagrees with what was drawn, the drawn position blends toward the
// correction over Options.BlendTime instead of jumping. Other ships are drawn
// InterpDelay in the past, between the two snapshots around that time. The
// delay is a jitter buffer: the ticks a delta usually spans (TickSpacing: 1
// when the server sends every tick, k when it sends every k ticks) and
// half a tick more, plus the highest lateness of the deltas of the last
// few seconds — or of the latest spikes, while much later deltas come back
// every 8 to 60 seconds — within Options.MinInterpDelay and
// Options.MaxInterpDelay.
// The client learns the spacing from the ticks of the deltas themselves;
// a rare longer gap does not count. Drawn time runs up to
// 5% slower or faster to reach a new delay rather than jumping; when no
// snapshot is newer, the others move on along their velocity for one tick
// and wait, and the frame counts as an underflow (Stats.Underflows).
//
// The prediction is exact when the server applies each input once, one per
// tick, in sequence order (a small per-player FIFO): a server that applies
// only the latest of several inputs that arrived in the same tick drops
// motion, and the client corrects for it. Tick sends an input message every
// second input, or at once when the buttons change, carrying the newest
// inputs not yet acknowledged (up to four): a message lost or dropped by the
// server costs no input, the next one repeats it.
//
// # Reconnecting
//
// A dropped connection is retried with exponential backoff and jitter and
// the same token, so that the server gives back the same ship within its
// grace period. A delta that does not apply to the mirror, or a message that
// does not decode, makes the client reconnect at once for a full snapshot
// (a resync). Both close the old connection with 1000 (wire.CloseNormal),
// which keeps the ship; only Leave sends a leave message and gives it up.
//
// Input sequence numbers count the inputs of one connection: a server that
// gives a returning player their ship back forgets the ship's last applied
// input (game.World.Rejoin), and a new connection's first delta says lastSeq
// 0. This client does not restart its count, which the server accepts as
// well (any increasing numbering does); on every welcome it drops the inputs
// still waiting for acknowledgement, since the new connection never
// received them. Errors the player cannot fix by waiting (bad token,
// version, room full, replaced, idle) close the client for good with the
// server's reason.
//
// # API changes
//
// This section lists any change to the exported API after its first
// version.
//
//   - Client.TickSpacing: the ticks the server's deltas usually span, for a
//     server that sends less often than it ticks.
package netcode
