package wire

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/tickarena/tickarena/game"
)

// TestEventsNearReachEveryEdge: a client is told of an event anywhere in its
// area grown by the margin, on all four sides alike, and of nothing one unit
// beyond: a pellet eaten at the left edge of the screen disappears with its
// pickup just as one at the right edge does.
func TestEventsNearReachEveryEdge(t *testing.T) {
	const cx, cy = 2000 * game.Sub, 2000 * game.Sub
	a := Area{HalfW: 100, HalfH: 50, Margin: 10}
	const w, h = (100 + 10) * game.Sub, (50 + 10) * game.Sub
	tests := []struct {
		name string
		x, y int32
		want bool
	}{
		{"left edge", cx - w, cy, true},
		{"past the left edge", cx - w - 1, cy, false},
		{"right edge", cx + w, cy, true},
		{"past the right edge", cx + w + 1, cy, false},
		{"top edge", cx, cy - h, true},
		{"past the top edge", cx, cy - h - 1, false},
		{"bottom edge", cx, cy + h, true},
		{"past the bottom edge", cx, cy + h + 1, false},
		{"top-left corner", cx - w, cy - h, true},
		{"bottom-right corner", cx + w, cy + h, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ev := game.Event{Kind: game.Pickup, A: 5, B: 3, X: tc.x, Y: tc.y}
			got := a.EventsNear(nil, []game.Event{ev}, cx, cy, 7)
			if (len(got) == 1) != tc.want {
				t.Fatalf("pickup at (%+d, %+d) Sub units from the centre of an area of ±%d×±%d: told = %v, want %v",
					tc.x-cx, tc.y-cy, w, h, len(got) == 1, tc.want)
			}
		})
	}
}

// TestShotPastACornerIsNotTold: a shot fired from outside a client's area is
// told only when its flight crosses the area: one that flies diagonally past a
// corner, close but outside, is not, whichever edge's line it crosses first; one
// that flies along an edge is.
func TestShotPastACornerIsNotTold(t *testing.T) {
	const cx, cy = 2000 * game.Sub, 2000 * game.Sub
	a := Area{HalfW: 100, HalfH: 50, Margin: 10}
	const x0, y0 = cx - (100+10)*game.Sub, cy - (50+10)*game.Sub
	const x1, y1 = cx + (100+10)*game.Sub, cy + (50+10)*game.Sub
	const downRight = game.Angle(8192) // 45°: x and y grow alike, about 9050 Sub units over the bullet's range
	tests := []struct {
		name string
		x, y int32
		a    game.Angle
		want bool
	}{
		// Crosses the top edge's line 4520 units in, past the right edge (3520 wide).
		{"down-right, passing right of the top-right corner", x0 - 100, y0 - 4520, downRight, false},
		// Crosses the left edge's line 3000 units in, below the bottom edge (1920 high).
		{"down-right, passing below the bottom-left corner", x0 - 3000, y0 - 100, downRight, false},
		// Starts one unit below the bottom-right corner, flying away from it.
		{"down-right, away from the bottom-right corner", x1, y1 + 1, downRight, false},
		{"down-right, through the top-left corner's neighbourhood", x0 - 100, y0 - 200, downRight, true},
		{"along the top edge", x0 - 1000, y0, 0, true},
		// A bullet flies BulletRange (12800 Sub units): this one ends on the left edge.
		{"rightwards, its range ending on the left edge", x0 - game.BulletRange*game.Sub, cy, 0, true},
		{"along the right edge, upwards", x1, y0 + 3000, 49152, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ev := game.Event{Kind: game.Shot, A: 1, B: 9, X: tc.x, Y: tc.y, Angle: tc.a}
			got := a.EventsNear(nil, []game.Event{ev}, cx, cy, 7)
			if (len(got) == 1) != tc.want {
				t.Fatalf("shot from (%+d, %+d) at angle %d: told = %v, want %v", tc.x-cx, tc.y-cy, tc.a, len(got) == 1, tc.want)
			}
		})
	}
}

// TestInputErrorSaysTheLimit: a host reading the log of an input message
// refused for an odd number of step integers learns how many it may carry.
func TestInputErrorSaysTheLimit(t *testing.T) {
	b := appendArray(nil, 4)
	b = appendUint(b, uint64(TypeInput))
	b = appendUint(b, 9) // seq
	b = appendUint(b, 0) // ack
	b = appendArray(b, 3)
	for range 3 {
		b = appendUint(b, 0)
	}
	var m ClientMsg
	err := DecodeClient(b, &m)
	if want := fmt.Sprintf("want 2 to %d, even", 2*MaxInputSteps); err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("an input with 3 step integers: DecodeClient = %v, want an error saying %q", err, want)
	}
}

// TestServerFrameAtTheLimitIsRead: a client reads a server frame of exactly
// MaxServerMessage bytes and refuses one a byte longer.
func TestServerFrameAtTheLimitIsRead(t *testing.T) {
	ping := AppendPing(nil, Ping{Time: 0, RTT: 0})
	if MaxServerMessage%len(ping) != 0 {
		t.Fatalf("a ping is %d bytes, which does not divide %d", len(ping), MaxServerMessage)
	}
	frame := make([]byte, 0, MaxServerMessage+1)
	for len(frame) < MaxServerMessage {
		frame = append(frame, ping...)
	}
	var m ServerMsg
	if _, err := DecodeServerNext(frame, &m); err != nil || m.Type != TypePing {
		t.Fatalf("a frame of %d bytes of pings: type %d, err %v; want its first ping read", len(frame), m.Type, err)
	}
	frame = append(frame, 0)
	if _, err := DecodeServerNext(frame, &m); !errors.Is(err, ErrRange) {
		t.Fatalf("a frame of %d bytes: err %v, want ErrRange", len(frame), err)
	}
}

// TestViewEdgesOnEverySide: a client's view takes in what lies on the edge of
// its area, and keeps what it had up to the edge of the margin, on all four
// sides alike; one unit beyond, a pellet is not shown.
func TestViewEdgesOnEverySide(t *testing.T) {
	a := DefaultArea
	w, h := a.HalfW, a.HalfH
	mw, mh := a.HalfW+a.Margin, a.HalfH+a.Margin
	tests := []struct {
		name   string
		dx, dy int32 // the pellet's offset from the ship, in world units
		inBase bool
		want   bool
	}{
		{"right edge enters", w, 0, false, true},
		{"left edge enters", -w, 0, false, true},
		{"bottom edge enters", 0, h, false, true},
		{"top edge enters", 0, -h, false, true},
		{"corner enters", w, -h, false, true},
		{"past the bottom edge does not enter", 0, h + 1, false, false},
		{"past the top edge does not enter", 0, -h - 1, false, false},
		{"right margin edge keeps", mw, 0, true, true},
		{"left margin edge keeps", -mw, 0, true, true},
		{"bottom margin edge keeps", 0, mh, true, true},
		{"top margin edge keeps", 0, -mh, true, true},
		{"past the bottom margin leaves", 0, mh + 1, true, false},
		{"past the top margin leaves", 0, -mh - 1, true, false},
		{"past the left margin leaves", -mw - 1, 0, true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			world, self := placedWorld(t, tc.dx)
			world.Pellets[0].Y += tc.dy * game.Sub
			var snap Snapshot
			snap.Capture(world)
			base := View{Tick: 9, Entities: []Entity{ShipEntity(world.Ship(self))}}
			if tc.inBase {
				base.Entities = append([]Entity{PelletEntity(&world.Pellets[0])}, base.Entities...)
			}
			var v View
			snap.ViewInto(&v, self, &base, a)
			if got := v.Find(1) != nil; got != tc.want {
				t.Fatalf("pellet at (%+d, %+d) from the ship, in the baseline %v: in view = %v, want %v",
					tc.dx, tc.dy, tc.inBase, got, tc.want)
			}
		})
	}
}

// TestDeltaCutBeforeItsRoundIsMalformed: a delta whose bytes end just where
// its round information (or the nil that stands for none) belongs is
// malformed, and the decoder says so rather than crash the client, even when
// the fields before it are long enough to pass the array header's check.
func TestDeltaCutBeforeItsRoundIsMalformed(t *testing.T) {
	b := appendArray(nil, 9)
	b = appendUint(b, uint64(TypeDelta))
	b = appendUint(b, 1<<31) // tick, in five bytes
	b = appendUint(b, 1<<30) // ticks since the base
	b = appendUint(b, 1<<29) // last input
	var m ServerMsg
	if err := DecodeServer(b, &m); !errors.Is(err, ErrTruncated) {
		t.Fatalf("a delta cut before its round: err %v, want ErrTruncated", err)
	}
}

// TestRosterChangeOfOneField: when one column of a ship's scoreboard line
// changes (its flags, its score, its kills or deaths, its place on the
// minimap across or up and down), every client's roster follows, and the list
// of changes on the wire counts the integers that follow as the protocol says
// (ship, mask, then one integer for flags or score, two for kills and deaths
// or for the minimap), so that any decoder of the protocol reads it.
func TestRosterChangeOfOneField(t *testing.T) {
	line := RosterLine{Ship: 1030, Name: "ann", Flags: FlagBot, Score: 40, Kills: 2, Deaths: 1, MapX: 100, MapY: 60}
	tests := []struct {
		name   string
		change func(l *RosterLine)
		ints   int
	}{
		{"flags", func(l *RosterLine) { l.Flags |= FlagDead }, 3},
		{"score", func(l *RosterLine) { l.Score += 10 }, 3},
		{"kills", func(l *RosterLine) { l.Kills++ }, 4},
		{"deaths", func(l *RosterLine) { l.Deaths++ }, 4},
		{"minimap across", func(l *RosterLine) { l.MapX++ }, 4},
		{"minimap up and down", func(l *RosterLine) { l.MapY-- }, 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			prev := []RosterLine{line}
			cur := []RosterLine{line}
			tc.change(&cur[0])
			b := AppendRosterDiff(nil, 60, 30, prev, cur)

			r := reader{b: b}
			r.array(6)
			r.u8()  // type
			r.u32() // tick
			r.u32() // base
			if n := r.array(MaxEntities); n != 0 {
				t.Fatalf("%d whole lines, want none", n)
			}
			if n := r.array(MaxEntities * 8); r.err != nil || n != tc.ints {
				t.Fatalf("the list of changes holds %d integers (err %v), want %d", n, r.err, tc.ints)
			}

			client := RosterView{Tick: 30, Lines: slices.Clone(prev)}
			var m ServerMsg
			if err := DecodeServer(b, &m); err != nil {
				t.Fatalf("decode: %v", err)
			}
			if err := client.Apply(&m.Roster); err != nil || !slices.Equal(client.Lines, cur) {
				t.Fatalf("client's roster %+v (err %v), want %+v", client.Lines, err, cur)
			}
		})
	}
}

// TestRosterWhereEveryoneChangesDecodes: a roster difference in which every
// ship of a full room changes every column at once (the second after a big
// fight) reaches the client whole: the bound on the list of changes counts
// integers (up to MaxEntities ships with every field), not ships.
func TestRosterWhereEveryoneChangesDecodes(t *testing.T) {
	for _, ships := range []int{1, 600, 5000} {
		t.Run(fmt.Sprintf("%d ships", ships), func(t *testing.T) {
			var prev, cur []RosterLine
			for i := range ships {
				l := RosterLine{Ship: uint32(1024 + i), Name: fmt.Sprintf("s%d", i), Score: 10, Kills: 1, Deaths: 2, MapX: 5, MapY: 6}
				prev = append(prev, l)
				l.Flags, l.Score, l.Kills, l.Deaths, l.MapX, l.MapY = FlagDead, 110, 2, 3, 7, 8
				cur = append(cur, l)
			}
			var m ServerMsg
			if err := DecodeServer(AppendRosterDiff(nil, 60, 30, prev, cur), &m); err != nil {
				t.Fatalf("a roster where %d ships change every column: %v", ships, err)
			}
			client := RosterView{Tick: 30, Lines: prev}
			if err := client.Apply(&m.Roster); err != nil || !slices.Equal(client.Lines, cur) {
				t.Fatalf("the client's roster differs from the room's after the difference (err %v)", err)
			}
		})
	}
}

// TestSnapshotReusedForABiggerArena: a Snapshot that captured a small arena
// and then a bigger one cuts views of the bigger one: a ship near its far
// corner sees the pellet beside it, and a spectator is centred on the middle
// of the bigger arena.
func TestSnapshotReusedForABiggerArena(t *testing.T) {
	var snap Snapshot
	snap.Capture(game.NewWorld(game.Rules{Seed: 1, WorldSize: 1000, Pellets: 1}))
	w := game.NewWorld(game.Rules{Seed: 1, WorldSize: 8000, Pellets: 2})
	self := w.AddShip("me", false)
	s := w.Ship(self)
	s.X, s.Y = 7900*game.Sub, 7900*game.Sub
	w.Pellets[0].X, w.Pellets[0].Y = s.X-50*game.Sub, s.Y
	w.Pellets[1].X, w.Pellets[1].Y = w.Size/2, w.Size/2
	snap.Capture(w)
	var v View
	snap.ViewInto(&v, self, nil, DefaultArea)
	if v.Find(w.Pellets[0].ID) == nil || v.Find(self) == nil {
		t.Fatalf("view near the far corner of the bigger arena holds %d entities, want the ship and the pellet beside it", len(v.Entities))
	}
	snap.ViewInto(&v, 0, nil, DefaultArea)
	if len(v.Entities) != 1 || v.Entities[0].ID != w.Pellets[1].ID {
		t.Fatalf("a spectator of the bigger arena sees %v, want only the pellet at its middle", v.Entities)
	}
}
