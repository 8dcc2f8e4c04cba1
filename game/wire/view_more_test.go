package wire

import (
	"testing"

	"github.com/tickarena/tickarena/game"
)

// TestAreaOfNoWidthHoldsItsLine: an area's edges are in it, even when it has
// no width or no height: a pellet exactly on the line such an area covers is
// in the view of a new client, and one a unit off it is not (Area.Contains
// says the same).
func TestAreaOfNoWidthHoldsItsLine(t *testing.T) {
	tests := []struct {
		a    Area
		dx   int32 // pellet's distance from the ship along x, in world units
		want bool
	}{
		{Area{HalfW: 0, HalfH: 100}, 0, true},
		{Area{HalfW: 0, HalfH: 100}, 1, false},
		{Area{HalfW: 100, HalfH: 0}, 50, true},
		{Area{HalfW: 100, HalfH: 0}, 100, true},
		{Area{HalfW: 100, HalfH: 0}, 101, false},
	}
	for _, tc := range tests {
		w, self := placedWorld(t, tc.dx)
		var snap Snapshot
		snap.Capture(w)
		var v View
		snap.ViewInto(&v, self, nil, tc.a)
		p := w.Pellets[0]
		_, got := v.index(PelletEntity(&p).ID)
		if got != tc.want {
			t.Errorf("area %+v, pellet %d units off along x: in view %v, want %v", tc.a, tc.dx, got, tc.want)
		}
		if c := tc.a.Contains(w.Ships[0].X, w.Ships[0].Y, p.X, p.Y); c != tc.want {
			t.Errorf("area %+v, pellet %d units off along x: Contains says %v, want %v", tc.a, tc.dx, c, tc.want)
		}
	}
}

// TestViewOfAShipThatIsGone: a client whose ship is not in the snapshot (it
// was the newest ship and has just been removed) gets the view around the
// middle of the arena, as a new spectator does, not a crash.
func TestViewOfAShipThatIsGone(t *testing.T) {
	w, self := placedWorld(t, 0)
	w.Pellets[0].X, w.Pellets[0].Y = w.Size/2+100*game.Sub, w.Size/2 // near the middle
	w.Ships[0].X, w.Ships[0].Y = 10*game.Sub, 10*game.Sub            // far from it
	var snap Snapshot
	snap.Capture(w)
	var v View
	snap.ViewInto(&v, self+1, nil, DefaultArea) // an id past every entity's
	if len(v.Entities) != 1 || v.Entities[0].ID != PelletEntity(&w.Pellets[0]).ID {
		t.Fatalf("the view of a ship that is gone holds %d entities %+v, want the pellet near the arena's middle alone", len(v.Entities), v.Entities)
	}
}
