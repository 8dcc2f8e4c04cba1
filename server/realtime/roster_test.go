package realtime

import (
	"slices"
	"testing"
	"time"

	"github.com/tickarena/tickarena/game/wire"
	"github.com/tickarena/tickarena/internal/servertest"
	"github.com/tickarena/tickarena/internal/testwait"
)

// TestRosterAgreesWithDelta watches a room while a dropped player's reconnect
// grace ends: the roster for tick T must list exactly the ships the delta for
// tick T holds (every client sees the whole world here), also for the tick at
// which the held ship goes.
func TestRosterAgreesWithDelta(t *testing.T) {
	_, url := startServer(t, Options{Bots: 2, ReconnectGrace: 300 * time.Millisecond, Area: wire.WholeWorld})
	watcher := servertest.MustDial(t, url)
	watcher.Join(t, "tok-ann", "arena-1")
	leaver := servertest.MustDial(t, url)
	gone := leaver.Join(t, "tok-bob", "arena-1").Ship
	leaver.Drop()

	var mirror wire.View
	var roster wire.RosterView
	var m wire.ServerMsg
	compared, sawGone, rostersAfter := 0, false, 0
	deadline := time.After(15 * time.Second)
	for rostersAfter < 2 {
		var b []byte
		select {
		case b = <-watcher.Messages():
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
			if err := roster.Apply(&m.Roster); err != nil {
				t.Fatalf("apply the roster for tick %d: %v", m.Roster.Tick, err)
			}
			var inDelta, inRoster []uint32
			for _, e := range mirror.Entities {
				if e.Kind == wire.KindShip {
					inDelta = append(inDelta, e.ID)
				}
			}
			for _, l := range roster.Lines {
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

// TestRosterSendsOnlyChanges: after the first, whole, roster a client gets
// differences from the roster before, which rebuild the room's roster
// exactly and are smaller than the whole one when little changed.
func TestRosterSendsOnlyChanges(t *testing.T) {
	_, url := startServer(t, Options{Bots: 6, Area: wire.WholeWorld})
	c := servertest.MustDial(t, url)
	c.Join(t, "tok-ann", "arena-1")
	var roster wire.RosterView
	var m wire.ServerMsg
	var whole, diffs, wholeBytes, diffBytes int
	expired := testwait.Deadline(t, testwait.Default, "a whole roster and three differences")
	for !expired() && (whole < 1 || diffs < 3) {
		var b []byte
		select {
		case b = <-c.Messages():
		case <-time.After(time.Second):
			continue
		}
		if wire.PeekType(b) != wire.TypeRoster {
			continue
		}
		if err := wire.DecodeServer(b, &m); err != nil {
			t.Fatalf("decode: %v", err)
		}
		if m.Roster.Base == 0 {
			whole++
			wholeBytes = len(b)
		} else {
			diffs++
			diffBytes = max(diffBytes, len(b))
		}
		if err := roster.Apply(&m.Roster); err != nil {
			t.Fatalf("apply roster %d on %d: %v", m.Roster.Tick, roster.Tick, err)
		}
		if len(roster.Lines) != 7 {
			t.Fatalf("roster of %d ships, want 7 (ann and 6 bots)", len(roster.Lines))
		}
	}
	if whole != 1 {
		t.Errorf("%d whole rosters, want only the first", whole)
	}
	if diffBytes >= wholeBytes {
		t.Errorf("differences of up to %d bytes, the whole roster %d: nothing saved", diffBytes, wholeBytes)
	}
	t.Logf("whole roster %d bytes, differences up to %d", wholeBytes, diffBytes)
}
