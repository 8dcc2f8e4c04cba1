package game_test

import (
	"errors"
	"testing"

	"github.com/tickarena/tickarena/game"
)

// TestRestoreWorldAcceptsTheLimits: a recording whose keyframe holds things
// exactly at the limits of what a world can hold (a ship on the arena's edge,
// a bullet at full speed, a world before its first ship) plays back; one step
// past a limit is refused. A viewer must never be told that a good replay is
// damaged.
func TestRestoreWorldAcceptsTheLimits(t *testing.T) {
	r := game.Rules{Seed: 1, Pellets: 20}
	w := game.NewWorld(r)
	w.AddShip("a", false)
	w.AddShip("b", true)
	game.Step(w, nil)
	size := w.Size
	bullet := func(st *game.State, b game.Bullet) {
		st.NextBulletID++
		b.ID, b.Owner, b.Expire = st.NextBulletID, st.Ships[0].ID, st.Tick+10
		st.Bullets = append(st.Bullets, b)
	}
	tests := []struct {
		name string
		edit func(st *game.State)
		ok   bool
	}{
		{"ship in the top-left corner", func(st *game.State) { st.Ships[0].X, st.Ships[0].Y = 0, 0 }, true},
		{"ship in the bottom-right corner", func(st *game.State) { st.Ships[0].X, st.Ships[0].Y = size, size }, true},
		{"ship past the right edge", func(st *game.State) { st.Ships[0].X = size + 1 }, false},
		{"ship past the bottom edge", func(st *game.State) { st.Ships[0].Y = size + 1 }, false},
		{"ship past the top edge", func(st *game.State) { st.Ships[0].Y = -1 }, false},
		{"pellet in the top-left corner", func(st *game.State) { st.Pellets[0].X, st.Pellets[0].Y = 0, 0 }, true},
		{"pellet in the bottom-right corner", func(st *game.State) { st.Pellets[0].X, st.Pellets[0].Y = size, size }, true},
		{"ship at full speed on both axes", func(st *game.State) {
			st.Ships[0].VX, st.Ships[0].VY = w.MaxSpeed, -w.MaxSpeed
		}, true},
		{"ship faster than full speed", func(st *game.State) { st.Ships[0].VY = w.MaxSpeed + 1 }, false},
		{"ship with no health left", func(st *game.State) { st.Ships[0].HP = 0 }, true},
		{"ship with full health", func(st *game.State) { st.Ships[0].HP = game.MaxHP }, true},
		{"ship with negative health", func(st *game.State) { st.Ships[0].HP = -1 }, false},
		{"bullet at full speed in the corners", func(st *game.State) {
			bullet(st, game.Bullet{X: 0, Y: 0, VX: w.BulletStep, VY: -w.BulletStep})
			bullet(st, game.Bullet{X: size, Y: size, VX: -w.BulletStep, VY: w.BulletStep})
		}, true},
		{"bullet faster than bullets fly", func(st *game.State) {
			bullet(st, game.Bullet{X: 100, Y: 100, VX: w.BulletStep + 1})
		}, false},
		{"bullet past the left edge", func(st *game.State) { bullet(st, game.Bullet{X: -1, Y: 100, VX: 1}) }, false},
		{"bullet with no id", func(st *game.State) {
			bullet(st, game.Bullet{X: 100, Y: 100, VX: 1})
			st.Bullets[len(st.Bullets)-1].ID = 0
		}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var st game.State
			w.SaveState(&st)
			tc.edit(&st)
			_, err := game.RestoreWorld(w.Rules, &st)
			switch {
			case tc.ok && err != nil:
				t.Fatalf("a state at the limit is refused: %v", err)
			case !tc.ok && !errors.Is(err, game.ErrBadState):
				t.Fatalf("RestoreWorld = %v, want ErrBadState", err)
			}
		})
	}

	t.Run("a world before its first ship", func(t *testing.T) {
		var st game.State
		game.NewWorld(r).SaveState(&st)
		if st.NextShipID != game.FirstShipID {
			t.Fatalf("a new world gives its first ship id %d, want %d", st.NextShipID, game.FirstShipID)
		}
		if _, err := game.RestoreWorld(r, &st); err != nil {
			t.Fatalf("the state of a new world is refused: %v", err)
		}
		st.NextShipID = game.FirstShipID - 1
		if _, err := game.RestoreWorld(r, &st); !errors.Is(err, game.ErrBadState) {
			t.Fatalf("next ship id below FirstShipID: RestoreWorld = %v, want ErrBadState", err)
		}
	})
}
