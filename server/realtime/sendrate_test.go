package realtime

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/wire"
	"github.com/tickarena/tickarena/internal/servertest"
	"github.com/tickarena/tickarena/internal/testwait"
)

// TestSendRateFramesSpanTicks: at 30 ticks/s and a send rate of 15, a
// player gets a frame every second tick (further apart only after a late
// room's catch-up, never closer). Each delta applies to the mirror
// the one before left (its base is the tick of that one, two ticks back)
// and carries the events of both ticks: shots fired in the tick without a
// frame arrive in the next frame, none older than the previous frame. The
// roster, the server's pings and the pong to the player's ping still arrive,
// and the pong says how long the ping waited for its frame.
func TestSendRateFramesSpanTicks(t *testing.T) {
	const (
		tickRate = 30
		sendRate = 15
		every    = tickRate / sendRate
	)
	_, url := startServer(t, Options{Bots: 4, TickRate: tickRate, SendRate: sendRate,
		PingInterval: 300 * time.Millisecond, Area: wire.WholeWorld})
	ann := servertest.MustDial(t, url)
	ann.Join(t, "tok-ann", "arena-1")
	ann.Fly() // fires every tick it can

	var (
		mirror                 wire.View
		roster                 wire.RosterView
		m                      wire.ServerMsg
		deltas, rosters, pings int
		skippedShots, shots    int
		spaced                 int // deltas exactly every ticks after the one before
		pong                   *wire.Pong
		pinged                 bool
		prev                   uint32
	)
	expired := testwait.Deadline(t, testwait.Default, "30 deltas, 2 rosters, 2 pings, a pong and shots of the ticks without a frame")
	for !expired() && (deltas < 30 || rosters < 2 || pings < 2 || pong == nil || skippedShots == 0) {
		var b []byte
		select {
		case b = <-ann.Messages():
		case <-time.After(time.Second):
			continue
		}
		if err := wire.DecodeServer(b, &m); err != nil {
			t.Fatalf("decode: %v", err)
		}
		switch m.Type {
		case wire.TypeDelta:
			d := &m.Delta
			if prev != 0 {
				// A late room that catches up may put more ticks between
				// two frames, never fewer.
				if d.Tick-prev < every {
					t.Fatalf("delta of tick %d after one of tick %d: want one every %d ticks", d.Tick, prev, every)
				}
				if d.Tick-prev == every {
					spaced++
				}
				if d.Base != prev {
					t.Fatalf("delta of tick %d from base %d, want the previous delta's tick %d (baseAge %d)", d.Tick, d.Base, prev, every)
				}
			}
			if err := mirror.Apply(d); err != nil {
				t.Fatalf("apply the delta of tick %d (base %d) on the mirror at %d: %v", d.Tick, d.Base, mirror.Tick, err)
			}
			for _, ev := range d.Events {
				if ev.Kind != game.Shot {
					continue
				}
				if prev != 0 && (ev.Tick <= prev || ev.Tick > d.Tick) {
					t.Fatalf("a shot of tick %d in the delta of tick %d after %d: want the ticks since the last frame", ev.Tick, d.Tick, prev)
				}
				shots++
				if ev.Tick < d.Tick {
					skippedShots++ // fired in a tick that had no frame
				}
			}
			prev = d.Tick
			deltas++
			if deltas == 5 && !pinged {
				pinged = true
				ann.Send(wire.AppendPing(nil, wire.Ping{Time: time.Now().UnixNano()}))
			}
		case wire.TypeRoster:
			if m.Roster.Tick != mirror.Tick {
				t.Fatalf("roster of tick %d after the delta of tick %d: want the same frame's", m.Roster.Tick, mirror.Tick)
			}
			if err := roster.Apply(&m.Roster); err != nil {
				t.Fatalf("apply the roster of tick %d: %v", m.Roster.Tick, err)
			}
			rosters++
		case wire.TypePing:
			pings++
		case wire.TypePong:
			p := m.Pong
			pong = &p
		}
	}
	if deltas < 30 || rosters < 2 || pings < 2 || pong == nil || skippedShots == 0 {
		t.Fatalf("%d deltas, %d rosters, %d pings, pong %v, %d of %d shots from a tick without a frame", deltas, rosters, pings, pong, skippedShots, shots)
	}
	if spaced < deltas/2 {
		t.Errorf("only %d of %d deltas came %d ticks after the one before", spaced, deltas, every)
	}
	if len(roster.Lines) != 5 {
		t.Errorf("roster of %d ships, want 5 (ann and 4 bots)", len(roster.Lines))
	}
	// The ping waited at most for the next frame, two ticks (67 ms), plus
	// a busy test machine's slack; never more than a frame interval late.
	if held := time.Duration(pong.Held) * time.Microsecond; held > every*time.Second/tickRate+100*time.Millisecond {
		t.Errorf("the pong says the ping waited %v, want at most about %d ticks", held, every)
	}
	t.Logf("%d deltas, %d rosters, %d pings, %d of %d shots from ticks without a frame, pong held %d µs",
		deltas, rosters, pings, skippedShots, shots, pong.Held)
}

// TestSendRateSpectator: a spectator following a ship in a room at half the
// tick rate gets the delayed frames two ticks apart (or more after a
// catch-up), each applying to the
// last, at least the spectate delay behind the room, with the shots of the
// ticks between them.
func TestSendRateSpectator(t *testing.T) {
	const (
		tickRate   = 30
		sendRate   = 15
		every      = tickRate / sendRate
		delay      = 300 * time.Millisecond
		delayTicks = tickRate * 3 / 10
	)
	m, url := startServer(t, Options{Bots: 4, TickRate: tickRate, SendRate: sendRate, SpectateDelay: delay})
	ann := servertest.MustDial(t, url)
	ship := ann.Join(t, "tok-ann", "arena-1").Ship
	ann.Fly()
	r := m.room("arena-1")
	sc, frames := framedDial(t, url, r)
	watch(t, sc, "tok-bob", "arena-1", ship)

	var (
		mirror       wire.View
		msg          wire.ServerMsg
		deltas       int
		skippedShots int
		spaced       int
		prev         uint32
	)
	expired := testwait.Deadline(t, testwait.Default, "20 spectator deltas and a shot of a tick without a frame")
	for !expired() && (deltas < 20 || skippedShots == 0) {
		var f spectatorFrame
		select {
		case f = <-frames:
		case <-time.After(time.Second):
			continue
		}
		if _, err := wire.DecodeServerNext(f.b, &msg); err != nil {
			t.Fatalf("decode: %v", err)
		}
		if msg.Type != wire.TypeDelta {
			continue
		}
		d := &msg.Delta
		if f.behind < delayTicks {
			t.Fatalf("the frame of tick %d arrived %d ticks behind the room, want at least %d", d.Tick, f.behind, delayTicks)
		}
		if prev != 0 && (d.Tick-prev < every || d.Base != prev) {
			t.Fatalf("spectator delta of tick %d from base %d after the one of tick %d: want every %d ticks (more after a catch-up), from the last", d.Tick, d.Base, prev, every)
		}
		if prev != 0 && d.Tick-prev == every {
			spaced++
		}
		if err := mirror.Apply(d); err != nil {
			t.Fatalf("apply the spectator delta of tick %d on the mirror at %d: %v", d.Tick, mirror.Tick, err)
		}
		for _, ev := range d.Events {
			if ev.Kind == game.Shot && prev != 0 {
				if ev.Tick <= prev || ev.Tick > d.Tick {
					t.Fatalf("a shot of tick %d in the spectator delta of tick %d after %d", ev.Tick, d.Tick, prev)
				}
				if ev.Tick < d.Tick {
					skippedShots++
				}
			}
		}
		prev = d.Tick
		deltas++
	}
	if deltas < 20 || skippedShots == 0 {
		t.Fatalf("%d spectator deltas, %d shots from ticks without a frame", deltas, skippedShots)
	}
	if spaced < deltas/2 {
		t.Errorf("only %d of %d spectator deltas came %d ticks after the one before", spaced, deltas, every)
	}
}

// TestSendRateMustDivideTickRate: New rejects a send rate that would space
// frames unevenly, or above the tick rate, naming the option.
func TestSendRateMustDivideTickRate(t *testing.T) {
	for _, tc := range []struct {
		tick, send int
		ok         bool
	}{
		{30, 0, true}, {30, 30, true}, {30, 15, true}, {30, 10, true}, {30, 1, true},
		{30, 20, false}, {30, 60, false}, {20, 15, false}, {60, 40, false},
	} {
		m, err := New(Options{CPUCeiling: -1, Auth: testAuth, TickRate: tc.tick, SendRate: tc.send, PublicRooms: -1})
		if m != nil {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			_ = m.Shutdown(ctx)
			cancel()
		}
		if (err == nil) != tc.ok {
			t.Errorf("tick rate %d, send rate %d: error %v, want ok %v", tc.tick, tc.send, err, tc.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "SendRate") {
			t.Errorf("tick rate %d, send rate %d: error %q does not name SendRate", tc.tick, tc.send, err)
		}
	}
}

// TestFrameDueAfterCatchUp: a room at half the tick rate whose catch-up
// steps jump over the tick a frame fell due at (from tick 2 to 5) still
// fans out at 5, then not before 7: the rule is the ticks since the last
// fan-out, not the tick's remainder, and the events of the ticks between
// reach that fan-out.
func TestFrameDueAfterCatchUp(t *testing.T) {
	m, err := New(Options{CPUCeiling: -1, Auth: testAuth, TickRate: 30, SendRate: 15, PublicRooms: -1,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = m.Shutdown(ctx)
	})
	r := newRoom(m, "due", "DUE", RoomSpec{Name: "Due", Capacity: 4, Bots: 2}, false)
	now := time.Now()
	var due []uint32
	for _, steps := range []int{1, 1, 3, 1, 1, 1, 2} { // ticks 1, 2, 3-5, 6, 7, 8, 9-10
		for range steps {
			r.step(now)
		}
		if r.frameDue() {
			due = append(due, r.world.Tick)
			r.fanout(now)
		}
	}
	if want := []uint32{2, 5, 7, 10}; !slices.Equal(due, want) {
		t.Fatalf("fan-outs at ticks %v, want %v", due, want)
	}
}
