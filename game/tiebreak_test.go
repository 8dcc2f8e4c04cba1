package game_test

import (
	"testing"

	"github.com/tickarena/tickarena/game"
)

// TestBulletTieGoesToTheLowerID: when a bullet reaches two ships at the very
// same point of its path (one on each side of it, mirrored), exactly one of
// them is hit, and it is the one that joined first (the lower ship id),
// whichever side it is on, so that every server and client agrees on it.
func TestBulletTieGoesToTheLowerID(t *testing.T) {
	for _, off := range []int32{0, 10, game.ShipRadius + game.BulletRadius - 1} {
		for _, lowerBelow := range []bool{false, true} {
			first, second := pt{1300, 2000 - off}, pt{1300, 2000 + off}
			if lowerBelow {
				first, second = second, first
			}
			w, ids := arena(t, game.Rules{TickRate: 30}, pt{1000, 2000}, first, second)
			shooter, lower, higher := ids[0], ids[1], ids[2]
			if lower >= higher {
				t.Fatalf("ship ids %d, %d: want the first added lower", lower, higher)
			}
			_, next := fireOnce(t, w, shooter, 0)
			hits := only(append(next, stepN(w, int(w.BulletTicks)+2)...), game.Hit)
			if len(hits) != 1 || hits[0].A != lower {
				t.Errorf("offset %d, lower id below=%v: hits %+v, want exactly one, on ship %d (not %d)", off, lowerBelow, hits, lower, higher)
			}
			if hp := w.Ship(higher).HP; hp != game.MaxHP {
				t.Errorf("offset %d: the higher-id ship lost health (%d HP)", off, hp)
			}
		}
	}
}

// TestBulletHitsTheNearerShipWhateverItsID: of two ships a bullet reaches in
// the same tick, the one nearer along its path is hit, even when it joined
// later (a higher id) and lies in another cell of the world's grid.
func TestBulletHitsTheNearerShipWhateverItsID(t *testing.T) {
	// Cells are 128 units wide: x=1010 and x=1040 lie in cells 7 and 8.
	for _, from := range []int32{860, 880, 900, 920, 940} {
		w, ids := arena(t, game.Rules{TickRate: 10}, pt{from, 2000}, pt{1040, 2000}, pt{1010, 2000})
		shooter, farther, nearer := ids[0], ids[1], ids[2]
		_, next := fireOnce(t, w, shooter, 0)
		hits := only(append(next, stepN(w, int(w.BulletTicks)+2)...), game.Hit)
		if len(hits) != 1 || hits[0].A != nearer {
			t.Errorf("shot from x=%d: hits %+v, want one, on the nearer ship %d (not %d)", from, hits, nearer, farther)
		}
	}
}
