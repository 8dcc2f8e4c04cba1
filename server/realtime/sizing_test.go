package realtime

import (
	"io"
	"log/slog"
	"testing"
	"time"
	"unsafe"

	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/wire"
)

// TestMissedEventsReleasedAfterCatchUp checks that a player who lagged gets
// the events it missed in its next delta, and that the room then lets go of
// the buffer that held them instead of keeping it for the player's stay.
func TestMissedEventsReleasedAfterCatchUp(t *testing.T) {
	m, err := New(Options{CPUCeiling: -1, Auth: testAuth, PublicRooms: -1, Bots: -1, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	r := newRoom(m, "sizing", "SIZING", RoomSpec{Name: "Sizing", Capacity: 4, Bots: -1}, false)
	p := r.seat("p-ann", "Ann")
	ship := r.world.Ship(p.ship)
	now := time.Now()
	const skipped, perTick = 10, 20
	for tick := range uint32(skipped) {
		r.events = r.events[:0]
		for i := range uint32(perTick) {
			r.events = append(r.events, game.Event{Kind: game.Pickup, Tick: r.world.Tick + tick, A: p.ship, B: 1000 + tick*perTick + i, X: ship.X, Y: ship.Y, Value: 1})
		}
		r.skip(p, now)
	}
	if len(p.missed) != skipped*perTick {
		t.Fatalf("%d missed events kept over %d skipped ticks, want %d", len(p.missed), skipped, skipped*perTick)
	}
	r.events = r.events[:0]
	r.capture()
	var msg wire.ServerMsg
	if err := wire.DecodeServer(r.encodeDelta(p, nil), &msg); err != nil {
		t.Fatalf("decode the delta after the lag: %v", err)
	}
	if got := len(msg.Delta.Events); got != skipped*perTick {
		t.Errorf("the delta after the lag carries %d events, want the %d missed", got, skipped*perTick)
	}
	if c := cap(p.missed); c > keptMissed {
		t.Errorf("after catching up the player still holds room for %d missed events (%d bytes), want at most %d", c, c*int(unsafe.Sizeof(game.Event{})), keptMissed)
	}
}

// TestSmallMissedBufferIsKept: a missed-event buffer of up to keptMissed
// events, which a short lag fills, is kept emptied for the next one instead
// of being allocated again; only a bigger one is let go.
func TestSmallMissedBufferIsKept(t *testing.T) {
	for _, c := range []int{1, keptMissed} {
		if got := drained(make([]game.Event, c)); got == nil || cap(got) != c || len(got) != 0 {
			t.Errorf("a sent buffer of %d events became len %d cap %d (nil %v); want it kept, emptied", c, len(got), cap(got), got == nil)
		}
	}
	if got := drained(make([]game.Event, 0, keptMissed+1)); got != nil {
		t.Errorf("a buffer of %d events, past keptMissed, was kept", keptMissed+1)
	}
}
