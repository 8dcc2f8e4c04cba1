// Package replay records a round of the arena and plays it back exactly.
//
// A recording is the round's starting world, the ships that join and leave,
// and the input every ship had applied at every tick; keyframes (the whole
// world every few seconds) let a player seek without simulating from the
// start. Bots are recorded as inputs like humans, so playback needs the rules
// (package game) and nothing else: a recording carries game.RulesVersion and
// is refused under other rules.
//
// Inputs are stored column by column and ship by ship between keyframes, with
// a small model of aim (a ship that keeps aiming at the same ship costs no
// bytes), then compressed with zstd. docs/replay.md gives the file byte for
// byte.
//
// The Recorder is driven by the goroutine that owns a world, after each
// game.Step and after each change it makes to the world between steps; its
// appends do not allocate once its buffers have grown to a round's size.
// The package does no I/O: the caller stores what Recording.Encode returns.
package replay
