package realtime

import (
	"slices"
	"testing"
	"time"

	"github.com/tickarena/tickarena/game/wire"
)

// TestRosterAgreesWithDelta watches a room while a dropped player's reconnect
// grace ends: the roster for tick T must list exactly the ships the delta for
// tick T holds (every client sees the whole world here), also for the tick at
// which the held ship goes.
func TestRosterAgreesWithDelta(t *testing.T) {
	_, url := startServer(t, Options{Bots: 2, ReconnectGrace: 300 * time.Millisecond, Area: wire.WholeWorld})
	watcher := dial(t, url)
	watcher.join("tok-ann", "arena-1")
	leaver := dial(t, url)
	gone := leaver.join("tok-bob", "arena-1").Ship
	_ = leaver.conn.NetConn().Close()

	var mirror wire.View
	var m wire.ServerMsg
	compared, sawGone, rostersAfter := 0, false, 0
	deadline := time.After(15 * time.Second)
	for rostersAfter < 2 {
		var b []byte
		select {
		case b = <-watcher.msgs:
		case <-deadline:
			t.Fatalf("gave up waiting for the held ship %d to leave the roster (%d rosters compared)", gone, compared)
		}
		if err := wire.DecodeServer(b, &m); err != nil {
			t.Fatalf("decode: %v", err)
		}
		switch m.Type {
		case wire.TypeDelta:
			if err := mirror.Apply(&m.Delta); err != nil {
				t.Fatalf("apply delta for tick %d: %v", m.Delta.Tick, err)
			}
		case wire.TypeRoster:
			if m.Roster.Tick != mirror.Tick {
				t.Fatalf("roster for tick %d arrived after the delta for tick %d", m.Roster.Tick, mirror.Tick)
			}
			var inDelta, inRoster []uint32
			for _, e := range mirror.Entities {
				if e.Kind == wire.KindShip {
					inDelta = append(inDelta, e.ID)
				}
			}
			for _, l := range m.Roster.Lines {
				inRoster = append(inRoster, l.Ship)
			}
			slices.Sort(inRoster)
			if !slices.Equal(inDelta, inRoster) {
				t.Errorf("tick %d: the delta holds ships %v, the roster lists %v", mirror.Tick, inDelta, inRoster)
			}
			compared++
			if !slices.Contains(inRoster, gone) {
				sawGone = true
			}
			if sawGone {
				rostersAfter++
			}
		}
	}
	if compared < 2 {
		t.Errorf("compared %d rosters, want at least 2", compared)
	}
}
