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
