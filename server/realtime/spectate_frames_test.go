package realtime

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/wire"
)

// The ring gives spectators each frame once, delay ticks late, in order,
// also when a late room kept one frame for several ticks: the frame delay
// ticks old is then one they have, and nothing is sent rather than a delta
// that repeats a tick (which a client cannot apply).
func TestFrameRingServesEachFrameOnceInOrder(t *testing.T) {
	q := newFrameRing(3, 1)
	var got, events []uint32
	// Ticks 5 and 6 were stepped in one fan-out: no frame for tick 5.
	for _, tick := range []uint32{1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12} {
		snap := wire.Snapshot{Tick: tick}
		q.push(&snap, []game.Event{{Tick: tick}}, nil)
		if f := q.nextFrame(tick); f != nil {
			got = append(got, f.tick)
			for _, ev := range f.events {
				events = append(events, ev.Tick)
			}
			if tick-f.tick < 3 {
				t.Fatalf("at tick %d the frame of tick %d, less than 3 ticks old", tick, f.tick)
			}
		}
	}
	// At tick 6 the frame 3 ticks old is 3, after 1 (tick 4): frame 2 is
	// skipped, its events are not.
	if want := []uint32{1, 3, 4, 6, 7, 8, 9}; !slices.Equal(got, want) {
		t.Fatalf("frames served %v, want %v", got, want)
	}
	if want := []uint32{1, 2, 3, 4, 6, 7, 8, 9}; !slices.Equal(events, want) {
		t.Fatalf("events of the frames of ticks %v, want %v: each once, in order", events, want)
	}
}

// With a send rate below the tick rate the room keeps a frame every second
// tick in a ring of ⌈delay/2⌉+1 slots; the ring still serves each frame once,
// at least delay ticks old, with every event once, also when a late room's
// catch-up put three ticks between two frames.
func TestFrameRingEveryTwoTicks(t *testing.T) {
	const delay = 5
	q := newFrameRing(delay, 2)
	if len(q.frames) != 4 {
		t.Fatalf("%d slots for a delay of %d ticks at a frame every 2, want 4", len(q.frames), delay)
	}
	var got, events []uint32
	var pushed []uint32
	for _, tick := range []uint32{2, 4, 6, 9, 11, 13, 15, 17, 19, 21} {
		snap := wire.Snapshot{Tick: tick}
		q.push(&snap, []game.Event{{Tick: tick - 1}, {Tick: tick}}, nil)
		pushed = append(pushed, tick-1, tick)
		if f := q.nextFrame(tick); f != nil {
			if tick-f.tick < delay {
				t.Fatalf("at tick %d the frame of tick %d, less than %d ticks old", tick, f.tick, delay)
			}
			got = append(got, f.tick)
			for _, ev := range f.events {
				events = append(events, ev.Tick)
			}
		}
	}
	// The catch-up from 6 to 9 jumped over tick 7, when frame 2 would have
	// been 5 ticks old: it is never served, its events come with frame 4.
	if want := []uint32{4, 6, 9, 11, 13, 15}; !slices.Equal(got, want) {
		t.Fatalf("frames served %v, want %v", got, want)
	}
	if want := pushed[:len(events)]; !slices.Equal(events, want) || len(events) != 14 {
		t.Fatalf("events of the frames served %v, want %v: each once, in order", events, pushed[:14])
	}
}

// TestFrameRingKeepsEventsInOrderAfterALongStall: when a late room's one
// frame covers several ticks, the spectator's next delta carries the events
// of every frame it skipped over, in the order they happened (a ship dies
// before it respawns), however many there are.
func TestFrameRingKeepsEventsInOrderAfterALongStall(t *testing.T) {
	q := newFrameRing(3, 1)
	var events []uint32
	// Ticks 5 to 8 were stepped in one fan-out: one frame, of tick 8.
	for _, tick := range []uint32{1, 2, 3, 4, 8, 9, 10, 11, 12} {
		snap := wire.Snapshot{Tick: tick}
		q.push(&snap, []game.Event{{Tick: tick}}, nil)
		if f := q.nextFrame(tick); f != nil {
			for _, ev := range f.events {
				events = append(events, ev.Tick)
			}
		}
	}
	if want := []uint32{1, 2, 3, 4, 8, 9}; !slices.Equal(events, want) {
		t.Fatalf("events of the frames served, by tick: %v, want %v: each once, in order", events, want)
	}
}

// TestFrameRingWithoutDelayServesEveryEvent: spectators without a delay get
// each frame as it is kept, with its events: none is lost because the frame
// served is the newest.
func TestFrameRingWithoutDelayServesEveryEvent(t *testing.T) {
	q := newFrameRing(0, 1)
	var events []uint32
	for _, tick := range []uint32{1, 2, 3, 5, 6} {
		snap := wire.Snapshot{Tick: tick}
		q.push(&snap, []game.Event{{Tick: tick}}, nil)
		f := q.nextFrame(tick)
		if f == nil || f.tick != tick {
			t.Fatalf("at tick %d without a delay the ring served %+v, want the frame of tick %d", tick, f, tick)
		}
		for _, ev := range f.events {
			events = append(events, ev.Tick)
		}
	}
	if want := []uint32{1, 2, 3, 5, 6}; !slices.Equal(events, want) {
		t.Fatalf("events served without a delay, by tick: %v, want %v", events, want)
	}
}

// TestSkippedSpectatorKeepsAtMostMissedEvents: the events a skipped
// spectator has not been sent are kept up to MissedEvents in all, the
// oldest first, however many ticks it is skipped for.
func TestSkippedSpectatorKeepsAtMostMissedEvents(t *testing.T) {
	const limit = 256
	var kept []game.Event
	for tick := range uint32(10) {
		batch := make([]game.Event, 40)
		for i := range batch {
			batch[i].Tick = tick
		}
		kept = keepEvents(kept, batch, limit)
		if want := min(int(tick+1)*40, limit); len(kept) != want {
			t.Fatalf("after %d skipped ticks of 40 events, %d kept; want %d (MissedEvents %d)", tick+1, len(kept), want, limit)
		}
	}
	if kept[0].Tick != 0 || kept[limit-1].Tick != 6 {
		t.Fatalf("kept events of ticks %d to %d; want the oldest, ticks 0 to 6", kept[0].Tick, kept[limit-1].Tick)
	}
}

// A roster and a ping due at a fan-out that has no newer delayed frame for
// the spectators reach them with the next delayed frame — the roster of
// that frame — instead of a second later. A room that caught up (stepped
// once more than its send interval before a fan-out) twice, less than the
// delay apart, makes such fan-outs a delay later: the regular fan-outs then
// fall twice into a gap between its delayed frames.
func TestSpectatorRosterDueWithoutANewDelayedFrame(t *testing.T) {
	m := benchManager(t, Options{SpectateDelay: time.Second})
	t.Cleanup(func() { _ = m.Shutdown(context.Background()) })
	r := benchRoom(t, m)
	r.frames = newFrameRing(r.delayTicks(), int(r.every))
	c := &client{}
	c.closing.Store(true) // nothing is written: the test reads what is due
	s := &spectator{client: c}
	r.spectators = append(r.spectators, s)
	every := int(r.every)
	fanout := func(steps int, due bool) {
		for range steps {
			r.step(time.Time{})
		}
		r.capture()
		r.rosterDue, r.pingDue = due, due
		r.fanoutSpectators(time.Time{})
		r.rosterDue, r.pingDue = false, false
	}
	for r.frames.served == 0 { // the delay passes
		fanout(every, false)
	}
	fanout(every+1, false) // a catch-up
	for range 3 {
		fanout(every, false)
	}
	fanout(every+1, false) // another
	for tries := 0; ; tries++ {
		if tries > 2*int(r.delayTicks()) {
			t.Fatal("no fan-out without a newer delayed frame came")
		}
		r.snap.Tick = r.world.Tick + uint32(every)
		peek := r.frames // a copy: its nextFrame leaves the room's ring as it is
		if peek.nextFrame(r.snap.Tick) == nil {
			break
		}
		fanout(every, false)
	}
	served := r.frames.served
	fanout(every, true) // the roster and ping fall due: no newer delayed frame
	if r.frames.served != served || s.rosterDue || s.pingDue {
		t.Fatalf("fan-out without a newer delayed frame: served tick %d (was %d), roster due %v, ping due %v; want nothing sent yet",
			r.frames.served, served, s.rosterDue, s.pingDue)
	}
	fanout(every, false)
	if r.frames.served == served {
		t.Fatalf("no newer delayed frame %d ticks later", every)
	}
	if !s.rosterDue || !s.pingDue {
		t.Errorf("with the next delayed frame: roster due %v, ping due %v; want both, held since the fan-out they fell due at", s.rosterDue, s.pingDue)
	}
	if r.delayedRoster.tick != r.frames.served {
		t.Errorf("the spectators' roster is of tick %d, want that of the delayed frame they get (%d)", r.delayedRoster.tick, r.frames.served)
	}
}
