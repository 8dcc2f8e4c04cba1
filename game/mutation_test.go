package game_test

import (
	"errors"
	"fmt"
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

// TestGridQueryVisitsOnlyCoveredCells: a grid query returns the items of the
// cells its rectangle covers and nothing from cells beyond it, so that a
// collision check near one corner does not walk the whole arena.
func TestGridQueryVisitsOnlyCoveredCells(t *testing.T) {
	const cells = 8
	size := int32(cells * game.CellSize)
	g := game.NewGrid(size)
	// One item at the centre of every cell, row by row.
	centre := func(i int) (x, y int32) {
		return int32(i%cells)*game.CellSize + game.CellSize/2, int32(i/cells)*game.CellSize + game.CellSize/2
	}
	g.Build(cells*cells, centre)
	tests := []struct {
		name           string
		x0, y0, x1, y1 int32
		want           []int32
	}{
		{"inside one cell", 10, 10, 20, 20, []int32{0}},
		{"one cell in the middle", 3*game.CellSize + 1, 2*game.CellSize + 1, 4*game.CellSize - 1, 3*game.CellSize - 1, []int32{2*cells + 3}},
		{"two cells wide", game.CellSize - 1, 1, game.CellSize + 1, 2, []int32{0, 1}},
		{"two cells high", 1, game.CellSize - 1, 2, game.CellSize + 1, []int32{0, cells}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := g.Query(nil, tc.x0, tc.y0, tc.x1, tc.y1)
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Fatalf("Query(%d,%d)-(%d,%d) = %v, want the items of the covered cells %v", tc.x0, tc.y0, tc.x1, tc.y1, got, tc.want)
			}
		})
	}
}
