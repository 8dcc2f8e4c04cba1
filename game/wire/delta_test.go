package wire

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/bot"
)

// tinyArea is smaller than a ship's reach, so that entities enter and leave it all the time.
var tinyArea = Area{HalfW: 60, HalfH: 40, Margin: 15}

// simClient is a client of the delta property test, as the server and the
// client itself both see it.
type simClient struct {
	self    uint32 // 0 for a spectator
	area    Area
	skip    int32 // chance in 100 that the server skips it in a tick
	base    View  // the server's baseline: the last view it sent
	cur     View
	mirror  View // the client's copy, built only from decoded deltas
	pending []game.Event
	msg     ServerMsg
}

// room is a world with bots and humans playing with random inputs.
type room struct {
	w      *game.World
	rng    game.Rand
	brains []*bot.Brain
	humans []uint32
	seq    uint32
	inputs []game.Input
}

func newRoom(rules game.Rules, bots, humans int) *room {
	r := &room{w: game.NewWorld(rules), rng: game.NewRand(rules.Seed ^ 0xfeed)}
	for i := range humans {
		r.humans = append(r.humans, r.w.AddShip(fmt.Sprintf("human%d", i), false))
	}
	for i := range bots {
		r.brains = append(r.brains, bot.New(r.w.AddShip(fmt.Sprintf("bot%d", i), true)))
	}
	return r
}

func (r *room) step() {
	r.inputs = r.inputs[:0]
	r.seq++
	for _, id := range r.humans {
		r.inputs = append(r.inputs, game.Input{Ship: id, Seq: r.seq,
			Buttons: game.Buttons(r.rng.Intn(32)), Aim: game.Angle(r.rng.Uint64())})
	}
	for _, b := range r.brains {
		r.inputs = append(r.inputs, b.Think(r.w))
	}
	game.Step(r.w, r.inputs)
}

func TestDeltaProperty(t *testing.T) {
	areas := []Area{DefaultArea, WholeWorld, tinyArea}
	for seed := uint64(1); seed <= 6; seed++ {
		rng := game.NewRand(seed)
		bots := int(rng.Intn(301))
		if seed == 1 {
			bots = 0
		}
		humans := 1 + int(rng.Intn(4))
		pellets := 1 + rng.Intn(game.MaxPellets)
		t.Run(fmt.Sprintf("seed%d_bots%d_humans%d_pellets%d", seed, bots, humans, pellets), func(t *testing.T) {
			// Short rounds, so that round changes and respawns happen too.
			r := newRoom(game.Rules{Seed: seed, Pellets: pellets, RoundSeconds: 2 + int32(seed%3), IntermissionSeconds: 1}, bots, humans)
			ships := append([]uint32(nil), r.humans...)
			for _, b := range r.brains[:min(len(r.brains), 3)] {
				ships = append(ships, b.Ship)
			}
			var clients []*simClient
			for i, id := range ships {
				clients = append(clients, &simClient{self: id, area: areas[i%len(areas)], skip: rng.Intn(60)})
			}
			clients = append(clients, &simClient{self: 0, area: areas[rng.Intn(3)], skip: 10})
			var snap Snapshot
			var enc DeltaEncoder
			var buf []byte
			ticks := 150
			if testing.Short() {
				ticks = 40
			}
			for range ticks {
				r.step()
				snap.Capture(r.w)
				for _, c := range clients {
					var cx, cy int32
					if e := snap.find(c.self); e != nil {
						cx, cy = e.X, e.Y
					} else {
						cx, cy = snap.size/2, snap.size/2
					}
					c.pending = c.area.EventsNear(c.pending, r.w.Events, cx, cy, c.self)
					if rng.Intn(100) < c.skip {
						continue // a slow client: it keeps its baseline and its events wait
					}
					snap.ViewInto(&c.cur, c.self, &c.base, c.area)
					checkView(t, &snap, c)
					buf = enc.Append(buf[:0], &c.base, &c.cur, r.seq, c.pending)
					if err := DecodeServer(buf, &c.msg); err != nil {
						t.Fatalf("tick %d: decode: %v", r.w.Tick, err)
					}
					checkDeltaLists(t, &c.msg.Delta, &c.base, &c.cur)
					if err := c.mirror.Apply(&c.msg.Delta); err != nil {
						t.Fatalf("tick %d: apply: %v", r.w.Tick, err)
					}
					// Compared after Apply, which fills in the origin of shots sent in short form.
					for i, ev := range c.pending {
						if c.msg.Delta.Events[i] != WireEvent(ev) {
							t.Fatalf("event %d: got %+v, want %+v", i, c.msg.Delta.Events[i], WireEvent(ev))
						}
					}
					if !c.mirror.Equal(&c.cur) {
						t.Fatalf("tick %d client %d: the mirror differs from the server's view", r.w.Tick, c.self)
					}
					checkFullSnapshot(t, &enc, &c.cur)
					c.base, c.cur = c.cur, c.base
					c.pending = c.pending[:0]
				}
			}
		})
	}
}

func (s *Snapshot) find(id uint32) *Entity {
	if i := s.index(id); i >= 0 {
		return &s.Entities[i]
	}
	return nil
}

// checkView checks the area of interest of a view cut from snap: the own ship
// is in it; entities in the rectangle are in it; entities in the margin are
// in it exactly when they were in the baseline; nothing beyond is.
func checkView(t *testing.T, snap *Snapshot, c *simClient) {
	t.Helper()
	if !slices.IsSortedFunc(c.cur.Entities, func(a, b Entity) int { return int(int64(a.ID) - int64(b.ID)) }) {
		t.Fatal("view not sorted by id")
	}
	self := snap.find(c.self)
	cx, cy := snap.size/2, snap.size/2
	if self != nil {
		cx, cy = self.X, self.Y
		if c.cur.Find(c.self) == nil {
			t.Fatalf("tick %d: own ship %d not in its view", snap.Tick, c.self)
		}
	}
	inner := Area{HalfW: c.area.HalfW, HalfH: c.area.HalfH}
	for i := range snap.Entities {
		e := &snap.Entities[i]
		got := c.cur.Find(e.ID) != nil
		var want bool
		switch {
		case e.ID == c.self:
			want = true
		case inner.Contains(cx, cy, e.X, e.Y):
			want = true
		case c.area.Contains(cx, cy, e.X, e.Y):
			want = c.base.Find(e.ID) != nil
		}
		if got != want {
			t.Fatalf("tick %d client %d: entity %d at (%d,%d) around (%d,%d) in view = %v, want %v",
				snap.Tick, c.self, e.ID, e.X, e.Y, cx, cy, got, want)
		}
	}
}

// checkDeltaLists checks that entering entities arrive as created, leaving ones
// as removed, and that an entity staying in view is in neither list.
func checkDeltaLists(t *testing.T, d *Delta, base, cur *View) {
	t.Helper()
	full := base.Tick == 0
	for _, e := range d.Created {
		if b := base.Find(e.ID); !full && b != nil && sameIdentity(b, &e) {
			t.Fatalf("entity %d created although it stayed in view", e.ID)
		}
	}
	for _, id := range d.Removed {
		b, c := base.Find(id), cur.Find(id)
		if b == nil || (c != nil && sameIdentity(b, c)) {
			t.Fatalf("entity %d removed although it was not in view or is still", id)
		}
	}
	if full {
		if len(d.Created) != len(cur.Entities) || len(d.Removed) != 0 || len(d.Changed) != 0 {
			t.Fatalf("full snapshot with %d created, %d changed, %d removed for %d entities",
				len(d.Created), len(d.Changed), len(d.Removed), len(cur.Entities))
		}
	}
}

// checkFullSnapshot checks that a full snapshot of v, applied to any view, gives v.
func checkFullSnapshot(t *testing.T, enc *DeltaEncoder, v *View) {
	t.Helper()
	var m ServerMsg
	if err := DecodeServer(enc.Append(nil, nil, v, 0, nil), &m); err != nil {
		t.Fatal(err)
	}
	if m.Delta.Base != 0 || !m.Delta.HasRound {
		t.Fatalf("full snapshot has base %d, round %v", m.Delta.Base, m.Delta.HasRound)
	}
	stale := View{Tick: 3, Entities: []Entity{{ID: 1, Kind: KindPellet}, {ID: 99999, Kind: KindShip, Name: "old"}}}
	if err := stale.Apply(&m.Delta); err != nil || !stale.Equal(v) {
		t.Fatalf("full snapshot applied to a stale view: %v", err)
	}
}

// A world arranged by hand: one ship at the centre and one pellet at a chosen
// distance along x.
func placedWorld(t *testing.T, pelletDX int32) (*game.World, uint32) {
	t.Helper()
	w := game.NewWorld(game.Rules{Seed: 1, Pellets: 1})
	id := w.AddShip("me", false)
	s := w.Ship(id)
	s.X, s.Y = w.Size/2, w.Size/2
	w.Pellets[0].X, w.Pellets[0].Y = s.X+pelletDX*game.Sub, s.Y
	w.Tick = 10
	return w, id
}

func TestHysteresis(t *testing.T) {
	a := DefaultArea
	tests := []struct {
		name   string
		dx     int32 // pellet's distance from the ship in world units
		inBase bool
		want   bool
	}{
		{"inside enters", a.HalfW - 1, false, true},
		{"inside stays", a.HalfW, true, true},
		{"margin does not enter", a.HalfW + a.Margin/2, false, false},
		{"margin keeps what was in view", a.HalfW + a.Margin/2, true, true},
		{"margin edge keeps", a.HalfW + a.Margin, true, true},
		{"past the margin leaves", a.HalfW + a.Margin + 1, true, false},
		{"past the margin stays out", a.HalfW + a.Margin + 1, false, false},
		{"left side margin keeps", -(a.HalfW + a.Margin/2), true, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w, self := placedWorld(t, tc.dx)
			var snap Snapshot
			snap.Capture(w)
			base := View{Tick: 9, Entities: []Entity{ShipEntity(w.Ship(self))}}
			if tc.inBase {
				base.Entities = append([]Entity{PelletEntity(&w.Pellets[0])}, base.Entities...)
			}
			var v View
			snap.ViewInto(&v, self, &base, a)
			if got := v.Find(1) != nil; got != tc.want {
				t.Fatalf("pellet in view = %v, want %v", got, tc.want)
			}
			if v.Find(self) == nil {
				t.Fatal("own ship missing")
			}
			// The delta says it the way a client sees it.
			var enc DeltaEncoder
			var m ServerMsg
			if err := DecodeServer(enc.Append(nil, &base, &v, 0, nil), &m); err != nil {
				t.Fatal(err)
			}
			created, removed := len(m.Delta.Created) == 1, len(m.Delta.Removed) == 1
			if created != (!tc.inBase && tc.want) || removed != (tc.inBase && !tc.want) {
				t.Fatalf("created %v removed %v", m.Delta.Created, m.Delta.Removed)
			}
		})
	}
}

func TestSpectatorIsCentredOnTheArena(t *testing.T) {
	w, _ := placedWorld(t, 0)
	var snap Snapshot
	snap.Capture(w)
	var v View
	snap.ViewInto(&v, 0, nil, tinyArea)
	// The ship and the pellet sit at the centre; nothing else is near it.
	if len(v.Entities) != 2 {
		t.Fatalf("spectator sees %d entities, want the 2 at the centre", len(v.Entities))
	}
}

func TestIdNamingAnotherEntityIsRemovedThenCreated(t *testing.T) {
	base := View{Tick: 5, Entities: []Entity{
		{ID: 3, Kind: KindPellet, X: 10, Y: 10},
		{ID: 1030, Kind: KindShip, X: 100, Y: 100, HP: 100, Name: "ann"},
	}}
	cur := View{Tick: 6, Entities: []Entity{
		{ID: 3, Kind: KindShip, X: 10, Y: 10, Name: ""}, // same id, another kind
		{ID: 1030, Kind: KindShip, X: 100, Y: 100, HP: 100, Name: "bob"},
	}}
	var enc DeltaEncoder
	var m ServerMsg
	if err := DecodeServer(enc.Append(nil, &base, &cur, 0, nil), &m); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(m.Delta.Removed, []uint32{3, 1030}) || len(m.Delta.Created) != 2 || len(m.Delta.Changed) != 0 {
		t.Fatalf("removed %v, created %v, changed %v", m.Delta.Removed, m.Delta.Created, m.Delta.Changed)
	}
	if m.Delta.Created[1].Name != "bob" {
		t.Fatalf("created %+v", m.Delta.Created[1])
	}
	mirror := View{}
	mirror.CopyFrom(&base)
	if err := mirror.Apply(&m.Delta); err != nil || !mirror.Equal(&cur) {
		t.Fatalf("mirror %+v, %v", mirror.Entities, err)
	}
}

func TestEventsRoundTripAsWireEvents(t *testing.T) {
	events := []game.Event{
		{Kind: game.Shot, Tick: 7, A: 1, B: 1024, C: 9, X: -5, Y: 6, Angle: 65535, Value: 3},
		{Kind: game.Hit, Tick: 7, A: 1024, B: 1025, C: 1, X: 5, Y: 6, Angle: 1, Value: 20},
		{Kind: game.Death, Tick: 7, A: 1024, B: 0, C: 2, X: 5, Y: 6, Angle: 1, Value: 4},
		{Kind: game.Pickup, Tick: 7, A: 1024, B: 17, C: 3, X: 5, Y: 6, Angle: 1, Value: 10},
		{Kind: game.Spawn, Tick: 7, A: 1024, B: 5, C: 4, X: 5, Y: 6, Angle: 1, Value: 5},
		{Kind: 0, Tick: 7, A: 1024, X: 1, Y: 2}, // unknown kinds travel as spawns
	}
	want := []game.Event{
		{Kind: game.Shot, Tick: 7, A: 1, B: 1024, X: -5, Y: 6, Angle: 65535},
		{Kind: game.Hit, A: 1024, B: 1025, C: 1, Value: 20},
		{Kind: game.Death, A: 1024, B: 0, X: 5, Y: 6},
		{Kind: game.Pickup, A: 1024, B: 17, Value: 10},
		{Kind: game.Spawn, A: 1024, X: 5, Y: 6},
		{Kind: game.Spawn, A: 1024, X: 1, Y: 2},
	}
	var enc DeltaEncoder
	var m ServerMsg
	v := View{Tick: 8}
	if err := DecodeServer(enc.Append(nil, nil, &v, 0, events), &m); err != nil {
		t.Fatal(err)
	}
	for i := range events {
		t.Run(fmt.Sprintf("kind%d", events[i].Kind), func(t *testing.T) {
			if WireEvent(events[i]) != want[i] {
				t.Errorf("WireEvent = %+v, want %+v", WireEvent(events[i]), want[i])
			}
			if m.Delta.Events[i] != want[i] {
				t.Errorf("decoded %+v, want %+v", m.Delta.Events[i], want[i])
			}
		})
	}
}

func TestApplyRejects(t *testing.T) {
	view := func() View {
		return View{Tick: 10, Entities: []Entity{{ID: 1, Kind: KindPellet}, {ID: 1024, Kind: KindShip, Name: "a"}}}
	}
	tests := []struct {
		name string
		d    Delta
	}{
		{"wrong base tick", Delta{Tick: 12, Base: 9}},
		{"tick not after base", Delta{Tick: 10, Base: 10}},
		{"full snapshot at tick 0", Delta{Tick: 0, Base: 0, HasRound: true}},
		{"changed id not present", Delta{Tick: 11, Base: 10, Changed: []Change{{ID: 2, Mask: FieldHP, HP: 1}}}},
		{"removed id not present", Delta{Tick: 11, Base: 10, Removed: []uint32{1, 5}}},
		{"created id already present", Delta{Tick: 11, Base: 10, Created: []Entity{{ID: 1024, Kind: KindShip, Name: "b"}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := view()
			if err := v.Apply(&tc.d); !errors.Is(err, ErrBase) {
				t.Fatalf("err = %v, want ErrBase", err)
			}
		})
	}
}

func TestEventsNear(t *testing.T) {
	const cx, cy = 2000 * game.Sub, 2000 * game.Sub
	a := Area{HalfW: 100, HalfH: 50, Margin: 10}
	far := int32(3000 * game.Sub)
	tests := []struct {
		name string
		ev   game.Event
		want bool
	}{
		{"pickup inside", game.Event{Kind: game.Pickup, A: 5, X: cx + 100*game.Sub, Y: cy}, true},
		{"pickup in margin", game.Event{Kind: game.Pickup, A: 5, X: cx + 110*game.Sub, Y: cy}, true},
		{"pickup outside", game.Event{Kind: game.Pickup, A: 5, X: cx + 111*game.Sub, Y: cy}, false},
		{"own pickup far away", game.Event{Kind: game.Pickup, A: 7, X: far, Y: far}, true},
		{"hit on self far away", game.Event{Kind: game.Hit, A: 7, B: 8, X: far, Y: far}, true},
		{"kill by self far away", game.Event{Kind: game.Death, A: 8, B: 7, X: far, Y: far}, true},
		{"others' death far away", game.Event{Kind: game.Death, A: 8, B: 9, X: far, Y: far}, false},
		{"own shot far away", game.Event{Kind: game.Shot, A: 1, B: 7, X: far, Y: far}, true},
		{"shot from outside flying in", game.Event{Kind: game.Shot, A: 1, B: 9, X: cx - 300*game.Sub, Y: cy, Angle: 0}, true},
		{"shot from outside flying away", game.Event{Kind: game.Shot, A: 1, B: 9, X: cx - 300*game.Sub, Y: cy, Angle: 32768}, false},
		{"shot from outside flying past", game.Event{Kind: game.Shot, A: 1, B: 9, X: cx - 300*game.Sub, Y: cy + 100*game.Sub, Angle: 0}, false},
		{"shot out of range", game.Event{Kind: game.Shot, A: 1, B: 9, X: cx - 1000*game.Sub, Y: cy, Angle: 0}, false},
		{"shot diagonal in", game.Event{Kind: game.Shot, A: 1, B: 9, X: cx - 400*game.Sub, Y: cy - 400*game.Sub, Angle: 8192}, true},
		{"spawn of self", game.Event{Kind: game.Spawn, A: 7, X: far, Y: far}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := a.EventsNear(nil, []game.Event{tc.ev}, cx, cy, 7)
			if (len(got) == 1) != tc.want {
				t.Fatalf("kept = %v, want %v", len(got) == 1, tc.want)
			}
		})
	}
	// A spectator (self 0) gets no events for ship 0.
	if got := a.EventsNear(nil, []game.Event{{Kind: game.Death, A: 8, B: 0, X: far, Y: far}}, cx, cy, 0); len(got) != 0 {
		t.Fatalf("spectator got %v", got)
	}
}

// TestNegativeAreaHoldsOnlyTheOwnShip checks that an Area with a negative
// extent, which no configuration should have, cuts a view of the own ship
// alone: pellets on it, near it and farther off are all left out.
func TestNegativeAreaHoldsOnlyTheOwnShip(t *testing.T) {
	for _, dx := range []int32{0, -300, 1000} {
		testNegativeArea(t, dx)
	}
}

func testNegativeArea(t *testing.T, pelletDX int32) {
	t.Helper()
	w, self := placedWorld(t, pelletDX)
	var snap Snapshot
	snap.Capture(w)
	for _, a := range []Area{{HalfW: -10, HalfH: 100}, {HalfW: -1000, HalfH: 100}, {HalfW: 100, HalfH: 100, Margin: -200}} {
		var v View
		snap.ViewInto(&v, self, nil, a)
		if len(v.Entities) != 1 || v.Entities[0].ID != self {
			t.Fatalf("area %+v, pellet %d units off: the view holds %d entities, want the own ship alone", a, pelletDX, len(v.Entities))
		}
	}
}
