package game_test

import (
	"testing"

	"github.com/tickarena/tickarena/game"
)

// TestRoundEnd plays a short round whose scores are set just before it ends: the
// result ranks by score, then kills, deaths and id, ties share a placement, the
// intermission freezes ships, and the next round starts with clean scores.
func TestRoundEnd(t *testing.T) {
	w, ids := arena(t, game.Rules{RoundSeconds: 10, IntermissionSeconds: 2},
		pt{500, 500}, pt{3500, 500}, pt{500, 3500}, pt{2000, 2000}, pt{3000, 3000})
	lines := []struct{ score, kills, deaths int32 }{
		{50, 1, 0}, // ids[0]
		{50, 2, 3}, // ids[1]: more kills beats fewer deaths
		{30, 0, 1}, // ids[2]
		{30, 0, 0}, // ids[3]
		{30, 0, 0}, // ids[4]: equal to ids[3] in everything but id
	}
	want := []struct {
		ship      uint32
		placement int
	}{{ids[1], 1}, {ids[0], 1}, {ids[3], 3}, {ids[4], 3}, {ids[2], 3}}

	stepN(w, int(w.RoundTicks)-1)
	if w.Result != nil || w.Phase != game.Playing || w.TicksLeft() != 1 {
		t.Fatalf("tick %d: result %v phase %d ticks left %d", w.Tick, w.Result, w.Phase, w.TicksLeft())
	}
	for i, id := range ids {
		s := w.Ship(id)
		s.Score, s.Kills, s.Deaths = lines[i].score, lines[i].kills, lines[i].deaths
	}
	standings := w.Standings()
	game.Step(w, nil)
	res := w.Result
	if res == nil || res.Round != 1 || res.EndTick != w.RoundTicks || len(res.Players) != len(want) {
		t.Fatalf("result %+v, want round 1 ending at %d with %d players", res, w.RoundTicks, len(want))
	}
	for i, p := range res.Players {
		if p.Ship != want[i].ship || p.Placement != want[i].placement {
			t.Errorf("line %d: ship %d placement %d, want ship %d placement %d", i, p.Ship, p.Placement, want[i].ship, want[i].placement)
		}
		if p != standings[i] {
			t.Errorf("line %d: result %+v differs from the standings just before %+v", i, p, standings[i])
		}
	}
	if w.Phase != game.Intermission || w.TicksLeft() != w.IntermitTicks {
		t.Fatalf("after the round: phase %d ticks left %d", w.Phase, w.TicksLeft())
	}

	positions := make([]game.Motion, len(ids))
	for i, id := range ids {
		positions[i] = w.Ship(id).Motion
	}
	var spawns []game.Event
	for w.Phase == game.Intermission {
		inputs := make([]game.Input, 0, len(ids))
		for _, id := range ids {
			inputs = append(inputs, press(w, id, game.Right|game.Fire, 0))
		}
		game.Step(w, inputs)
		if w.Result != nil {
			t.Fatalf("tick %d: result reported again", w.Tick)
		}
		if w.Phase == game.Intermission {
			if shots := only(w.Events, game.Shot); len(shots) != 0 {
				t.Fatalf("tick %d: shots during the intermission: %+v", w.Tick, shots)
			}
			for i, id := range ids {
				if w.Ship(id).Motion != positions[i] {
					t.Fatalf("tick %d: ship %d moved during the intermission", w.Tick, id)
				}
			}
		}
		spawns = only(w.Events, game.Spawn)
	}
	if w.Round != 2 || w.Tick != w.RoundTicks+w.IntermitTicks || w.TicksLeft() != w.RoundTicks {
		t.Fatalf("round %d at tick %d with %d ticks left", w.Round, w.Tick, w.TicksLeft())
	}
	if len(spawns) != len(ids) {
		t.Fatalf("%d spawn events at the new round, want %d", len(spawns), len(ids))
	}
	for i, id := range ids {
		s := w.Ship(id)
		if s.Score != 0 || s.Kills != 0 || s.Deaths != 0 || s.HP != game.MaxHP || s.Dead {
			t.Errorf("ship %d starts round 2 with %+v", id, *s)
		}
		for _, other := range ids[i+1:] {
			o := w.Ship(other)
			if d := game.Dist(s.X, s.Y, o.X, o.Y); d < 600*game.Sub {
				t.Errorf("ships %d and %d start round 2 only %d units apart", id, other, d/game.Sub)
			}
		}
	}
}

// TestAddShipEventsReachNextStep checks that the Spawn event of a ship that
// joins between ticks is reported by the next Step, once.
func TestAddShipEventsReachNextStep(t *testing.T) {
	w := game.NewWorld(game.Rules{})
	game.Step(w, nil)
	id := w.AddShip("late", false)
	game.Step(w, nil)
	spawns := only(w.Events, game.Spawn)
	if len(spawns) != 1 || spawns[0].A != id {
		t.Fatalf("spawns after joining: %+v", spawns)
	}
	game.Step(w, nil)
	if spawns := only(w.Events, game.Spawn); len(spawns) != 0 {
		t.Fatalf("spawn reported twice: %+v", spawns)
	}
}

// TestQueriesAfterJoinAndLeave asks ShipsNear right after ships leave and join,
// before the next Step: answers match a brute-force scan of the current ships.
func TestQueriesAfterJoinAndLeave(t *testing.T) {
	w := game.NewWorld(game.Rules{Seed: 3})
	for i := 0; i < 40; i++ {
		w.AddShip("s", false)
	}
	stepN(w, 3)
	for i := 0; i < 30; i++ {
		if err := w.RemoveShip(w.Ships[len(w.Ships)-1].ID); err != nil {
			t.Fatal(err)
		}
	}
	w.AddShip("new", false)
	if err := w.RemoveShip(12345); err != game.ErrNoShip {
		t.Fatalf("RemoveShip(unknown) = %v, want ErrNoShip", err)
	}
	const r = 1500 * game.Sub
	for _, c := range []pt{{0, 0}, {2000, 2000}, {4000, 1000}, {1000, 3500}} {
		got := map[int32]bool{}
		for _, i := range w.ShipsNear(nil, c.x*game.Sub, c.y*game.Sub, r) {
			if int(i) >= len(w.Ships) || got[i] {
				t.Fatalf("ShipsNear gave a bad or repeated index %d of %d ships", i, len(w.Ships))
			}
			got[i] = true
		}
		for i := range w.Ships {
			s := &w.Ships[i]
			in := game.Dist(c.x*game.Sub, c.y*game.Sub, s.X, s.Y) <= r
			if in != got[int32(i)] {
				t.Errorf("around %v: ship %d at (%d,%d) in range %v, reported %v", c, s.ID, s.X/game.Sub, s.Y/game.Sub, in, got[int32(i)])
			}
		}
	}
}
