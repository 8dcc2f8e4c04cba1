package realtime

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/tickarena/tickarena/game/wire"
	"github.com/tickarena/tickarena/internal/servertest"
	"github.com/tickarena/tickarena/internal/testwait"
)

// spectatorFrame is one frame a spectator received and how far the room's
// tick was ahead of the frame's delta when it arrived.
type spectatorFrame struct {
	b      []byte
	behind uint32
}

// framedDial dials a spectator's connection whose frames, kept whole and
// stamped with how far room r was ahead of them, go to the channel returned
// besides being split into messages as usual.
func framedDial(t *testing.T, url string, r *room) (*servertest.Player, <-chan spectatorFrame) {
	t.Helper()
	frames := make(chan spectatorFrame, 1<<12)
	c, _, err := servertest.DialWith(t, url, servertest.DialOptions{OnFrame: func(frame []byte) {
		b := append([]byte(nil), frame...)
		live := r.tick.Load()
		var m wire.ServerMsg
		var behind uint32
		if _, err := wire.DecodeServerNext(b, &m); err == nil && m.Type == wire.TypeDelta {
			behind = live - m.Delta.Tick
		}
		select {
		case frames <- spectatorFrame{b: b, behind: behind}:
		default:
		}
	}})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	return c, frames
}

// TestSpectatorTickFrames: a spectator gets one frame per delta, like a
// player: the delta of the delayed frame, then the roster of that same
// delayed frame (never the live one, which would tell where every ship is
// now) as a difference from the last one it got, the server's pings and the
// pong to its own ping. Watching the whole arena, it gets a frame every
// second tick, and the roster and pings still reach it.
func TestSpectatorTickFrames(t *testing.T) {
	const (
		rate       = 20
		delay      = 500 * time.Millisecond
		delayTicks = rate / 2
	)
	m, url := startServer(t, Options{Bots: 4, TickRate: rate, PingInterval: 300 * time.Millisecond, SpectateDelay: delay})
	ann := servertest.MustDial(t, url)
	ann.Join(t, "tok-ann", "arena-1")
	r := m.room("arena-1")

	tc, frames := framedDial(t, url, r)
	watch(t, tc, "tok-bob", "arena-1", 0)

	var (
		roster                            wire.RosterView
		m2                                wire.ServerMsg
		deltas, rosters, diffs, pings     int
		gaps, onTime                      int
		pong                              *wire.Pong
		pinged                            bool
		lastDelta                         uint32
		welcomeAndSpectating, otherFrames int
	)
	expired := testwait.Deadline(t, testwait.Default, "three rosters, three pings and a pong in a spectator's frames")
	for !expired() && (rosters < 3 || pings < 3 || pong == nil) {
		var f spectatorFrame
		select {
		case f = <-frames:
		case <-time.After(time.Second):
			continue
		}
		rest, err := wire.DecodeServerNext(f.b, &m2)
		if err != nil {
			t.Fatalf("decode: %v", err)
		}
		if m2.Type != wire.TypeDelta {
			if len(rest) != 0 {
				t.Fatalf("a frame of type %d then %d more bytes: only tick frames hold several messages", m2.Type, len(rest))
			}
			switch m2.Type {
			case wire.TypeWelcome, wire.TypeSpectating:
				welcomeAndSpectating++
			default:
				otherFrames++
			}
			continue
		}
		tick := m2.Delta.Tick
		if f.behind < delayTicks {
			t.Fatalf("a frame of tick %d arrived %d ticks behind the room, want at least %d", tick, f.behind, delayTicks)
		}
		// A delta every wholeArenaEvery ticks, never sooner; a late room's
		// catch-up steps several ticks in one frame and may make a gap longer.
		if lastDelta != 0 {
			gaps++
			switch gap := tick - lastDelta; {
			case gap < wholeArenaEvery:
				t.Errorf("delta of tick %d after %d, want one every %d ticks for the whole arena, never sooner", tick, lastDelta, wholeArenaEvery)
			case gap == wholeArenaEvery:
				onTime++
			}
		}
		lastDelta = tick
		deltas++
		if deltas == 3 && !pinged {
			pinged = true
			tc.Send(wire.AppendPing(nil, wire.Ping{Time: time.Now().UnixNano()}))
		}
		for len(rest) > 0 {
			if rest, err = wire.DecodeServerNext(rest, &m2); err != nil {
				t.Fatalf("decode the rest of the frame of tick %d: %v", tick, err)
			}
			switch m2.Type {
			case wire.TypeRoster:
				rosters++
				// The roster of the delayed frame this delta is cut from, or of
				// the one before when it fell due between two frames.
				if rt := m2.Roster.Tick; rt > tick || tick-rt >= wholeArenaEvery {
					t.Fatalf("roster of tick %d in the frame of tick %d: not the delayed frame's", rt, tick)
				}
				if m2.Roster.Base != 0 {
					diffs++
				}
				if err := roster.Apply(&m2.Roster); err != nil {
					t.Fatalf("apply roster %d (base %d) on %d: %v", m2.Roster.Tick, m2.Roster.Base, roster.Tick, err)
				}
				if len(roster.Lines) != 5 {
					t.Fatalf("roster of %d ships, want 5 (ann and 4 bots)", len(roster.Lines))
				}
			case wire.TypePing:
				pings++
			case wire.TypePong:
				p := m2.Pong
				pong = &p
			default:
				t.Fatalf("message of type %d in a tick frame", m2.Type)
			}
		}
	}
	if rosters < 3 || pings < 3 || pong == nil {
		t.Fatalf("%d rosters, %d pings, pong %v in %d frames", rosters, pings, pong, deltas)
	}
	if onTime*2 < gaps {
		t.Errorf("%d of %d deltas came %d ticks after the one before, want most: a whole-arena spectator gets a delta every %d ticks unless the room is late", onTime, gaps, wholeArenaEvery, wholeArenaEvery)
	}
	if diffs < rosters-1 {
		t.Errorf("%d of %d rosters were differences, want all but the first", diffs, rosters)
	}
	if welcomeAndSpectating != 2 || otherFrames != 0 {
		t.Errorf("%d welcome and spectating frames (want 2) and %d other frames (want 0) besides the tick frames",
			welcomeAndSpectating, otherFrames)
	}
	if held := time.Duration(pong.Held) * time.Microsecond; held > wholeArenaEvery*time.Second/rate+100*time.Millisecond {
		t.Errorf("the pong says it waited %v, want at most about %d ticks", held, wholeArenaEvery)
	}
	t.Logf("%d frames: %d rosters (%d differences), %d pings", deltas, rosters, diffs, pings)
}

// TestSpectatorIsWelcomedAtTheTickItSees: a spectator's welcome gives the
// server tick of the frames it is about to get, SpectateDelay behind the
// room's, so that its client's clock starts where its deltas are, not
// twice the delay ahead of them.
func TestSpectatorIsWelcomedAtTheTickItSees(t *testing.T) {
	const delayTicks = 15 // 500 ms at 30 Hz
	m, url := startServer(t, Options{Bots: 2, SpectateDelay: 500 * time.Millisecond})
	r := m.room("arena-1")
	testwait.Until(t, testwait.Default, "the room to run past twice the spectators' delay", func() bool { return r.tick.Load() > 2*delayTicks })
	c := servertest.MustDial(t, url)
	w, _ := watch(t, c, "tok-bob", "arena-1", 0)
	first := c.Next(t, wire.TypeDelta).Delta.Tick
	if w.ServerTick > first || first-w.ServerTick > 2*delayTicks {
		t.Fatalf("a spectator welcomed at tick %d got its first delta at tick %d; want the welcome's tick at most the delta's and not far before it", w.ServerTick, first)
	}
}

// TestSpectatorWatchesOnWhenAnotherLeaves: when one of two spectators of a
// room leaves, the other goes on getting the room's frames (and the room
// its ticks); only the last one to leave ends the room's kept frames.
func TestSpectatorWatchesOnWhenAnotherLeaves(t *testing.T) {
	m, url := startServer(t, Options{Bots: 2, SpectateDelay: 100 * time.Millisecond})
	first, second := servertest.MustDial(t, url), servertest.MustDial(t, url)
	watch(t, first, "tok-ann", "arena-1", 0)
	watch(t, second, "tok-bob", "arena-1", 0)
	second.Next(t, wire.TypeDelta)
	first.Send(wire.AppendLeave(nil))
	testwait.Until(t, testwait.Default, "the room to count one spectator after the other left", func() bool { return m.Spectators() == 1 })
	expectTicksMoveOn(t, second, "the remaining spectator")
}

// TestSpectateDelayInTicks: the spectators' delay is SpectateDelay in ticks,
// rounded up: a delay that is a whole number of ticks is exactly that many.
func TestSpectateDelayInTicks(t *testing.T) {
	tests := []struct {
		rate  int
		delay time.Duration
		want  int
	}{
		{20, 500 * time.Millisecond, 10}, // 50 ms ticks: exactly 10
		{20, 501 * time.Millisecond, 11},
		{20, 50 * time.Millisecond, 1},
	}
	for _, tc := range tests {
		m, err := New(Options{CPUCeiling: -1, Auth: testAuth, PublicRooms: -1, Bots: -1, TickRate: tc.rate, SpectateDelay: tc.delay,
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		r := newRoom(m, "delay", "DELAY", RoomSpec{Name: "Delay", Capacity: 2, Bots: -1}, false)
		if got := r.delayTicks(); got != tc.want {
			t.Errorf("SpectateDelay %v at %d Hz: %d ticks, want %d", tc.delay, tc.rate, got, tc.want)
		}
	}
}

// TestWholeArenaSpectatorSeesEverything: a spectator who follows no ship
// watches the whole arena, whatever the players' area of interest: its first
// delta creates every pellet and every ship of the room.
func TestWholeArenaSpectatorSeesEverything(t *testing.T) {
	const bots, pellets = 6, 300 // pellets: the game's default
	_, url := startServer(t, Options{Bots: bots, SpectateDelay: -1, Area: wire.Area{HalfW: 50, HalfH: 50}})
	c := servertest.MustDial(t, url)
	watch(t, c, "tok-bob", "arena-1", 0)
	if got := len(c.Next(t, wire.TypeDelta).Delta.Created); got != bots+pellets {
		t.Fatalf("a whole-arena spectator's first delta created %d entities, want all %d (%d bots, %d pellets)", got, bots+pellets, bots, pellets)
	}
}
