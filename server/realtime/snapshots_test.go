package realtime

import (
	"testing"
	"time"

	"github.com/tickarena/tickarena/game/wire"
)

// TestSkippedBaselinesOutliveRecycledSnapshots plays a room in which
// players are left out of fan-outs for runs of ticks, as slow clients are,
// while the others' snapshots are recycled: every delta must still take the
// client's mirror, built only from what it decoded, to the view the server
// holds, and the room must keep no more snapshots than its baselines need.
func TestSkippedBaselinesOutliveRecycledSnapshots(t *testing.T) {
	m := benchManager(t, Options{})
	r := benchRoom(t, m)
	players, brains := seatBenchPlayers(r)
	mirrors := make([]wire.View, len(players))
	var want wire.View
	var msg wire.ServerMsg
	var buf []byte
	behind, most := 0, 0
	for tick := range 240 {
		think(r, players, brains)
		r.step(time.Time{})
		r.capture()
		// Held: this tick's and those of baselines, no more and none less.
		need := map[*wire.Snapshot]bool{r.snap: true}
		for _, p := range players {
			if p.base.Snap != nil {
				need[p.base.Snap] = true
			}
		}
		for _, s := range r.snaps.held {
			if !need[s] {
				t.Fatalf("tick %d: a snapshot no baseline needs is held", tick)
			}
			delete(need, s)
		}
		if len(need) > 0 {
			t.Fatalf("tick %d: %d snapshots that baselines refer to are not held", tick, len(need))
		}
		for i, p := range players {
			if i > 0 && (tick/(i%7+1))%3 == 0 {
				// Skipped for a run of i%7+1 ticks: its baseline is an older
				// snapshot than the one the others' were cut from.
				if p.base.Snap != nil {
					behind++
				}
				continue
			}
			buf = r.encodeDelta(p, buf[:0])
			if err := wire.DecodeServer(buf, &msg); err != nil {
				t.Fatalf("tick %d player %d: %v", tick, i, err)
			}
			if err := mirrors[i].Apply(&msg.Delta); err != nil {
				t.Fatalf("tick %d player %d: apply: %v", tick, i, err)
			}
			p.cur.CopyTo(&want)
			if !mirrors[i].Equal(&want) {
				t.Fatalf("tick %d player %d (baseline of tick %d): the client's mirror is not the server's view", tick, i, msg.Delta.Base)
			}
			r.commit(p)
		}
		r.events = r.events[:0]
		most = max(most, len(r.snaps.held)+len(r.snaps.free))
	}
	if most > 10 {
		t.Fatalf("%d snapshots made; skips of at most 7 ticks need 10", most)
	}
	if behind < 500 {
		t.Fatalf("only %d skipped frames had a baseline: the test does not test old baselines", behind)
	}
}
