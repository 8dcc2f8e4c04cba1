package wire

import "testing"

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
