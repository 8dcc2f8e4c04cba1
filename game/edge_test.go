package game_test

import (
	"testing"

	"github.com/tickarena/tickarena/game"
)

// TestBulletFliesToTheVeryEdge: a bullet stays in flight while it is inside
// the arena, its edges included, and is gone on the tick it would leave it,
// on each of the four sides.
func TestBulletFliesToTheVeryEdge(t *testing.T) {
	tests := []struct {
		name string
		aim  game.Angle
	}{
		{"right edge", 0},
		{"bottom edge", 1 << 14},
		{"left edge", 1 << 15},
		{"top edge", 3 << 14},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, ids := arena(t, game.Rules{TickRate: 30}, pt{2000, 2000})
			me := w.Ship(ids[0])
			vx, vy := w.BulletVelocity(tt.aim)
			ox, oy := game.Muzzle(0, 0, tt.aim)
			// Place the ship so that the bullet's third step ends exactly on the edge.
			edge := func(v int32) int32 {
				if v > 0 {
					return w.Size
				}
				return 0
			}
			if vx != 0 {
				me.X = edge(vx) - 3*vx - ox
			}
			if vy != 0 {
				me.Y = edge(vy) - 3*vy - oy
			}
			shot, _ := fireOnce(t, w, ids[0], tt.aim) // the bullet has made its first step
			var last *game.Bullet
			for range 10 {
				var b *game.Bullet
				for i := range w.Bullets {
					if w.Bullets[i].ID == shot.A {
						b = &w.Bullets[i]
					}
				}
				if b == nil {
					break
				}
				c := *b
				last = &c
				game.Step(w, nil)
			}
			if last == nil {
				t.Fatalf("bullet %d never in flight", shot.A)
			}
			atEdge := (vx != 0 && last.X == edge(vx)) || (vy != 0 && last.Y == edge(vy))
			if !atEdge {
				t.Errorf("the bullet was last seen at (%d, %d), before the edge (size %d); want it to fly until exactly the edge", last.X, last.Y, w.Size)
			}
		})
	}
}
