package wire

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/bot"
)

// refClient is a client held both ways: as Views (ViewInto, Append) and as
// SnapViews (ViewRefInto, AppendRef).
type refClient struct {
	self       uint32
	area       Area
	skip       int32 // chance in 100 that it is skipped in a tick
	base, cur  View
	rbase      SnapView
	rcur       SnapView
	pending    []game.Event
	got        View
	sent, full int
}

// TestRefViewsMatchCopiesInPlay plays rooms in which ships leave and join,
// rounds end, clients are skipped for ticks and some start over, and checks
// that every client's SnapView holds the view ViewInto cuts and that
// AppendRef encodes the very bytes Append does, with and without Follow.
func TestRefViewsMatchCopiesInPlay(t *testing.T) {
	areas := []Area{DefaultArea, WholeWorld, tinyArea}
	for seed := uint64(1); seed <= 4; seed++ {
		rng := game.NewRand(seed * 7)
		bots := 20 + int(rng.Intn(120))
		pellets := 1 + rng.Intn(400)
		t.Run(fmt.Sprintf("seed%d_bots%d_pellets%d", seed, bots, pellets), func(t *testing.T) {
			r := newRoom(game.Rules{Seed: seed, Pellets: pellets, RoundSeconds: 2 + int32(seed%3), IntermissionSeconds: 1}, bots, 3)
			var clients []*refClient
			ships := append([]uint32(nil), r.humans...)
			for _, b := range r.brains[:6] {
				ships = append(ships, b.Ship)
			}
			ships = append(ships, 0) // a spectator of the middle
			for i, id := range ships {
				clients = append(clients, &refClient{self: id, area: areas[i%len(areas)], skip: rng.Intn(40)})
			}
			var snap Snapshot
			var enc, renc DeltaEncoder
			var buf, rbuf []byte
			var prev *Snapshot
			ticks := 200
			if testing.Short() {
				ticks = 60
			}
			for tick := range ticks {
				churn(r, &rng)
				r.step()
				snap.Capture(r.w)
				// A snapshot of its own each tick, as baselines refer to them.
				rs := new(Snapshot)
				rs.Capture(r.w)
				if tick%5 != 0 { // every fifth tick, the links are made on demand
					rs.Follow(prev)
				}
				prev = rs
				for ci, c := range clients {
					cx, cy := snap.size/2, snap.size/2
					if e := snap.find(c.self); e != nil {
						cx, cy = e.X, e.Y
					}
					c.pending = c.area.EventsNear(c.pending, r.w.Events, cx, cy, c.self)
					if rng.Intn(100) < c.skip {
						continue
					}
					if rng.Intn(100) == 0 { // a reconnect: the next delta is whole
						c.base.Tick, c.base.Entities = 0, c.base.Entities[:0]
						c.rbase.Reset()
					}
					snap.ViewInto(&c.cur, c.self, &c.base, c.area)
					rs.ViewRefInto(&c.rcur, c.self, &c.rbase, c.area)
					c.rcur.CopyTo(&c.got)
					if !c.got.Equal(&c.cur) {
						t.Fatalf("tick %d client %d: the SnapView holds %d entities, ViewInto %d", r.w.Tick, ci, len(c.got.Entities), len(c.cur.Entities))
					}
					buf = enc.Append(buf[:0], &c.base, &c.cur, r.seq, c.pending)
					rbuf = renc.AppendRef(rbuf[:0], &c.rbase, &c.rcur, r.seq, c.pending)
					if !bytes.Equal(buf, rbuf) {
						t.Fatalf("tick %d client %d (base tick %d): AppendRef\n%x\nAppend\n%x", r.w.Tick, ci, c.base.Tick, rbuf, buf)
					}
					if c.base.Tick == 0 {
						c.full++
					}
					c.sent++
					c.base, c.cur = c.cur, c.base
					c.rbase, c.rcur = c.rcur, c.rbase
					c.pending = c.pending[:0]
				}
			}
			for ci, c := range clients {
				if c.sent-c.full < ticks/3 {
					t.Fatalf("client %d: %d deltas against a baseline, too few to test", ci, c.sent-c.full)
				}
			}
		})
	}
}

// churn has a bot leave the room now and then and a new one join, so that
// the ships' indices in the snapshots move.
func churn(r *room, rng *game.Rand) {
	if len(r.brains) > 8 && rng.Intn(4) == 0 {
		k := 6 + int(rng.Intn(int32(len(r.brains)-6)))
		_ = r.w.RemoveShip(r.brains[k].Ship)
		r.brains = append(r.brains[:k], r.brains[k+1:]...)
	}
	if rng.Intn(4) == 0 {
		r.brains = append(r.brains, bot.New(r.w.AddShip("late", true)))
	}
}

// TestRefViewsMatchCopiesRandom checks ViewRefInto and AppendRef against
// ViewInto and Append on random pairs of snapshots, with random baselines:
// entities that come and go, pellets whose number changes, ids that name
// another entity than in the baseline, and entities that stand still.
func TestRefViewsMatchCopiesRandom(t *testing.T) {
	rng := game.NewRand(99)
	areas := []Area{DefaultArea, WholeWorld, tinyArea, {HalfW: 300, HalfH: 200, Margin: 100}}
	var enc, renc DeltaEncoder
	rounds := 3000
	if testing.Short() {
		rounds = 500
	}
	reborn := 0
	for round := range rounds {
		const size = 3000 * game.Sub
		from := randomSnapshot(&rng, nil, 100, size)
		to := randomSnapshot(&rng, from, 100+uint32(1+rng.Intn(3)), size)
		if rng.Intn(2) == 0 {
			to.Follow(from)
		}
		// A baseline: a random part of from, as a SnapView and as a View.
		var rbase SnapView
		rbase.Bits = make([]uint64, (len(from.Entities)+63)/64)
		var base View
		if rng.Intn(10) != 0 {
			rbase.Snap = from
			for i := range from.Entities {
				if rng.Intn(3) != 0 {
					rbase.Bits[i>>6] |= 1 << (uint(i) & 63)
				}
			}
			rbase.CopyTo(&base)
		}
		self := uint32(0)
		if len(to.Entities) > 0 && rng.Intn(4) != 0 {
			self = to.Entities[rng.Intn(int32(len(to.Entities)))].ID
		}
		a := areas[round%len(areas)]
		var cur, got View
		var rcur SnapView
		to.ViewInto(&cur, self, &base, a)
		to.ViewRefInto(&rcur, self, &rbase, a)
		rcur.CopyTo(&got)
		if !got.Equal(&cur) {
			t.Fatalf("round %d: the SnapView holds %v, ViewInto %v", round, ids(got.Entities), ids(cur.Entities))
		}
		want := enc.Append(nil, &base, &cur, 5, nil)
		have := renc.AppendRef(nil, &rbase, &rcur, 5, nil)
		if !bytes.Equal(want, have) {
			t.Fatalf("round %d: AppendRef\n%x\nAppend\n%x", round, have, want)
		}
		for _, e := range cur.Entities {
			if b := base.Find(e.ID); b != nil && !sameIdentity(b, &e) {
				reborn++
			}
		}
	}
	if reborn == 0 {
		t.Fatal("no id named another entity in a view: the test misses that case")
	}
}

// randomSnapshot returns a snapshot at tick of random pellets and ships, in
// an arena of side size; given prev, most entities are prev's, some moved,
// some changed, some gone, some new, a few ids naming another entity.
func randomSnapshot(rng *game.Rand, prev *Snapshot, tick uint32, size int32) *Snapshot {
	s := &Snapshot{Tick: tick, Round: RoundInfo{Round: 1, PhaseEnd: 900}}
	pos := func() int32 { return rng.Intn(size) }
	if prev == nil {
		for id := uint32(1); id <= 40+uint32(rng.Intn(60)); id++ {
			s.Entities = append(s.Entities, Entity{ID: id, Kind: KindPellet, X: pos(), Y: pos()})
		}
		for id := uint32(game.FirstShipID); id < game.FirstShipID+uint32(rng.Intn(30)); id++ {
			s.Entities = append(s.Entities, Entity{ID: id, Kind: KindShip, X: pos(), Y: pos(),
				VX: int32(rng.Intn(3)) - 1, Name: fmt.Sprint("ship", id)})
		}
	} else {
		if rng.Intn(5) == 0 {
			s.Round.Round = 2
		}
		pellets := 0
		for _, e := range prev.Entities {
			if e.Kind == KindPellet {
				pellets++
			}
		}
		if rng.Intn(6) == 0 { // the number of pellets changes
			pellets = max(pellets+int(rng.Intn(9))-4, 0)
		}
		for id := uint32(1); id <= uint32(pellets); id++ {
			e := Entity{ID: id, Kind: KindPellet, X: pos(), Y: pos()}
			if p := prev.find(id); p != nil && rng.Intn(20) != 0 {
				e = *p
			}
			s.Entities = append(s.Entities, e)
		}
		next := uint32(game.FirstShipID)
		for _, e := range prev.Entities {
			if e.Kind != KindShip {
				continue
			}
			next = e.ID + 1
			switch rng.Intn(10) {
			case 0: // gone
				continue
			case 1: // the id names another ship
				e.Name += "'"
			case 2, 3, 4:
				e.X, e.Y = pos(), pos()
				e.Score++
			}
			s.Entities = append(s.Entities, e)
		}
		for range rng.Intn(3) {
			s.Entities = append(s.Entities, Entity{ID: next, Kind: KindShip, X: pos(), Y: pos(), Name: "new"})
			next++
		}
	}
	s.buildGrid(size)
	return s
}

func ids(ents []Entity) []uint32 {
	out := make([]uint32, len(ents))
	for i := range ents {
		out[i] = ents[i].ID
	}
	return out
}

// TestSnapViewFind checks Find and Tick on an empty SnapView and on one
// that holds some of its snapshot's entities.
func TestSnapViewFind(t *testing.T) {
	var v SnapView
	if v.Find(1) != nil || v.Tick() != 0 {
		t.Fatal("an empty SnapView finds an entity or has a tick")
	}
	s := &Snapshot{Tick: 7, Entities: []Entity{{ID: 1, Kind: KindPellet}, {ID: 2, Kind: KindPellet}, {ID: 1024, Kind: KindShip, Name: "a"}}}
	s.buildGrid(1000 * game.Sub)
	v = SnapView{Snap: s, Bits: []uint64{0b101}}
	if v.Tick() != 7 {
		t.Fatalf("tick %d, want 7", v.Tick())
	}
	for _, tc := range []struct {
		id uint32
		in bool
	}{{1, true}, {2, false}, {1024, true}, {3, false}, {2000, false}} {
		if e := v.Find(tc.id); (e != nil) != tc.in || (e != nil && e.ID != tc.id) {
			t.Errorf("Find(%d) = %v, want in view %v", tc.id, e, tc.in)
		}
	}
}
