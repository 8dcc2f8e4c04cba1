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

// TestBulletTouchCountsAtBothEndsOfAStep: a bullet hits a ship on the tick
// its path first touches it, also when it touches only at the very end of
// that tick's step, or only at its very start (a ship so close behind the
// muzzle that the bullet grazes it as it leaves).
func TestBulletTouchCountsAtBothEndsOfAStep(t *testing.T) {
	const reach = (game.ShipRadius + game.BulletRadius) * game.Sub
	tests := []struct {
		name   string
		offset func(step int32) int32 // target centre minus muzzle, along +X, in Sub units
	}{
		{"touch at the end of the first step", func(step int32) int32 { return step + reach }},
		{"touch at the start of the first step", func(int32) int32 { return -reach }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, ids := arena(t, game.Rules{TickRate: 30}, pt{1000, 2000}, pt{3000, 3000})
			shooter, target := w.Ship(ids[0]), w.Ship(ids[1])
			mx, my := game.Muzzle(shooter.X, shooter.Y, 0)
			vx, _ := w.BulletVelocity(0)
			target.X, target.Y = mx+tt.offset(vx), my
			shot, next := fireOnce(t, w, ids[0], 0)
			hits := only(append(next, stepN(w, 3)...), game.Hit)
			if len(hits) != 1 || hits[0].A != ids[1] || hits[0].Tick != shot.Tick+1 {
				t.Errorf("shot at tick %d: hits %+v, want one on ship %d at tick %d", shot.Tick, hits, ids[1], shot.Tick+1)
			}
		})
	}
}

// TestBulletDrawnFromTheTickItIsFired: on the tick a shot is fired the
// client's BulletAt shows the bullet alive at the muzzle, where the world
// holds it, and not before that tick.
func TestBulletDrawnFromTheTickItIsFired(t *testing.T) {
	w, ids := arena(t, game.Rules{TickRate: 30}, pt{2000, 2000})
	game.Step(w, []game.Input{press(w, ids[0], game.Fire, 0)})
	shots := only(w.Events, game.Shot)
	if len(shots) != 1 || len(w.Bullets) != 1 {
		t.Fatalf("pulling the trigger gave shots %+v and bullets %+v", shots, w.Bullets)
	}
	shot, b := shots[0], w.Bullets[0]
	x, y, alive := w.BulletAt(shot.X, shot.Y, shot.Angle, shot.Tick, w.Tick)
	if !alive || x != b.X || y != b.Y {
		t.Errorf("at the firing tick BulletAt = (%d, %d) alive %v; the world holds the bullet at (%d, %d)", x, y, alive, b.X, b.Y)
	}
	if _, _, alive := w.BulletAt(shot.X, shot.Y, shot.Angle, shot.Tick, shot.Tick-1); alive {
		t.Errorf("BulletAt shows the bullet alive the tick before it was fired")
	}
}

// TestNearIncludesTheEdge: ShipsNear and PelletsNear (what bots see) count a
// ship or pellet exactly r away, and nothing farther.
func TestNearIncludesTheEdge(t *testing.T) {
	w, ids := arena(t, game.Rules{TickRate: 30}, pt{2000, 2000}, pt{2100, 2000}, pt{2000, 2101})
	at, edge, beyond := w.Ship(ids[0]), ids[1], ids[2]
	const r = 100 * game.Sub
	var got []uint32
	for _, i := range w.ShipsNear(nil, at.X, at.Y, r) {
		got = append(got, w.Ships[i].ID)
	}
	if len(got) != 2 || (got[0] != edge && got[1] != edge) {
		t.Errorf("ships within 100 units: %v; want ship %d itself and ship %d exactly 100 away, not %d", got, ids[0], edge, beyond)
	}
	w.Pellets[0].X, w.Pellets[0].Y = at.X-r, at.Y
	w.Pellets[1].X, w.Pellets[1].Y = at.X, at.Y-r-1
	near := w.PelletsNear(nil, at.X, at.Y, r)
	if len(near) != 1 || near[0] != 0 {
		t.Errorf("pellets within 100 units: %v; want only pellet 0, exactly 100 away", near)
	}
}
