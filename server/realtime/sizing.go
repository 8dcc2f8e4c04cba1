package realtime

import "github.com/tickarena/tickarena/game"

// keptMissed is the capacity, in events, of a player's missed-event buffer
// that outlives the lag that filled it: a client skipped for a while may
// collect up to Options.MissedEvents (256 by default, 36 bytes each), and a
// room of clients that once lagged together would otherwise keep 9 KB each
// for as long as they stay.
const keptMissed = 16

// drained empties a player's missed events once they have been sent, and
// lets go of a buffer that a lag grew past keptMissed.
func drained(missed []game.Event) []game.Event {
	if cap(missed) > keptMissed {
		return nil
	}
	return missed[:0]
}
