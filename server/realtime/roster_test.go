package realtime

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/tickarena/tickarena/game/wire"
	"github.com/tickarena/tickarena/internal/servertest"
	"github.com/tickarena/tickarena/internal/testwait"
)

// rosterWatch reads the messages of a client that sees the whole arena,
// keeping its mirror of the deltas and its copy of the roster, and checks
// every roster against the delta of its tick.
type rosterWatch struct {
	c      *servertest.Player
	mirror wire.View
	roster wire.RosterView
	msg    wire.ServerMsg
}

// shipFlags is a ship and its flags, as a delta or a roster has them.
type shipFlags struct {
	ship  uint32
	flags wire.Flags
}

// next reads messages up to the next roster and returns the roster the
// client then holds. It fails t when a delta or the roster does not apply,
// when the roster came after a later delta, when it disagrees with the delta
// of its tick (other ships, or other flags: dead, bot, idle), or once
// expired says the wait is over.
func (w *rosterWatch) next(t *testing.T, expired func() bool) *wire.RosterView {
	t.Helper()
	for !expired() {
		var b []byte
		select {
		case b = <-w.c.Messages():
		case <-time.After(100 * time.Millisecond):
			continue
		}
		if err := wire.DecodeServer(b, &w.msg); err != nil {
			t.Fatalf("decode: %v", err)
		}
		switch w.msg.Type {
		case wire.TypeDelta:
			if err := w.mirror.Apply(&w.msg.Delta); err != nil {
				t.Fatalf("apply delta for tick %d: %v", w.msg.Delta.Tick, err)
			}
		case wire.TypeRoster:
			if w.msg.Roster.Tick != w.mirror.Tick {
				t.Fatalf("roster for tick %d arrived after the delta for tick %d", w.msg.Roster.Tick, w.mirror.Tick)
			}
			if err := w.roster.Apply(&w.msg.Roster); err != nil {
				t.Fatalf("apply the roster for tick %d: %v", w.msg.Roster.Tick, err)
			}
			var inDelta, inRoster []shipFlags
			for _, e := range w.mirror.Entities {
				if e.Kind == wire.KindShip {
					inDelta = append(inDelta, shipFlags{e.ID, e.Flags})
				}
			}
			for _, l := range w.roster.Lines {
				inRoster = append(inRoster, shipFlags{l.Ship, l.Flags})
			}
			if !slices.Equal(inDelta, inRoster) {
				t.Fatalf("tick %d: the delta holds ships and flags %v, the roster %v", w.mirror.Tick, inDelta, inRoster)
			}
			return &w.roster
		}
	}
	return nil
}

// line returns the roster's line of ship, or nil.
func line(r *wire.RosterView, ship uint32) *wire.RosterLine {
	if i := slices.IndexFunc(r.Lines, func(l wire.RosterLine) bool { return l.Ship == ship }); i >= 0 {
		return &r.Lines[i]
	}
	return nil
}

// TestRosterAgreesWithDelta watches a room while a dropped player's reconnect
// grace ends: the roster for tick T must list exactly the ships the delta for
// tick T holds, with their flags (every client sees the whole world here),
// also for the tick at which the held ship goes.
func TestRosterAgreesWithDelta(t *testing.T) {
	_, url := startServer(t, Options{Bots: 2, ReconnectGrace: 300 * time.Millisecond, Area: wire.WholeWorld})
	watcher := servertest.MustDial(t, url)
	watcher.Join(t, "tok-ann", "arena-1")
	leaver := servertest.MustDial(t, url)
	gone := leaver.Join(t, "tok-bob", "arena-1").Ship
	leaver.Drop()

	w := rosterWatch{c: watcher}
	expired := testwait.Deadline(t, testwait.Default, fmt.Sprintf("two rosters without the held ship %d", gone))
	for without := 0; without < 2; {
		if line(w.next(t, expired), gone) == nil {
			without++
		}
	}
}

// TestRosterFollowsShipFlags: what the roster says of a ship follows the
// ship, for a player and for a spectator, who gets the roster of the room as
// it was SpectateDelay ago: a player who drops is listed idle, back in play
// once they return, and gone once they leave, and every roster on the way
// agrees with the delta of its tick.
func TestRosterFollowsShipFlags(t *testing.T) {
	tests := []struct {
		name     string
		spectate bool
	}{
		{"player", false},
		{"spectator", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, url := startServer(t, Options{Bots: 1, Area: wire.WholeWorld, SpectateDelay: 500 * time.Millisecond})
			c := servertest.MustDial(t, url)
			if tt.spectate {
				watch(t, c, "tok-ann", "arena-1", 0)
			} else {
				c.Join(t, "tok-ann", "arena-1")
			}
			w := rosterWatch{c: c}
			bob := servertest.MustDial(t, url)
			ship := bob.Join(t, "tok-bob", "arena-1").Ship
			idle := func(l *wire.RosterLine) bool { return l != nil && l.Flags&wire.FlagIdle != 0 }
			steps := []struct {
				what string
				act  func()
				want func(l *wire.RosterLine) bool
			}{
				{"bob's ship in play", func() {}, func(l *wire.RosterLine) bool { return l != nil && !idle(l) }},
				{"bob's ship held idle after his connection dropped", bob.Drop, idle},
				{"bob's ship in play again after he came back", func() {
					bob = servertest.MustDial(t, url)
					if got := bob.Join(t, "tok-bob", "arena-1").Ship; got != ship {
						t.Fatalf("bob came back to ship %d, want his ship %d", got, ship)
					}
				}, func(l *wire.RosterLine) bool { return l != nil && !idle(l) }},
				{"bob's ship gone after he left", func() { bob.Send(wire.AppendLeave(nil)) }, func(l *wire.RosterLine) bool { return l == nil }},
			}
			for _, s := range steps {
				s.act()
				expired := testwait.Deadline(t, testwait.Default, fmt.Sprintf("a roster with %s (ship %d)", s.what, ship))
				for !s.want(line(w.next(t, expired), ship)) {
				}
			}
		})
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
