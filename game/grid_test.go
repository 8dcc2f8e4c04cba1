package game_test

import (
	"fmt"
	"testing"

	"github.com/tickarena/tickarena/game"
)

// TestGridQuerySuperset indexes random points (some outside the arena) and asks
// random rectangles (some outside too): every point inside a rectangle is
// returned, exactly once, and nothing but valid indices is.
func TestGridQuerySuperset(t *testing.T) {
	tests := []struct {
		name    string
		size    int32 // arena side in world units
		points  int
		queries int
		cell    int32 // cell side in Sub units; 0 means game.CellSize
	}{
		{"empty", 4000, 0, 50, 0},
		{"one point", 4000, 1, 200, 0},
		{"tiny arena", 100, 50, 200, 0},
		{"room", 4000, 500, 500, 0},
		{"room, large cells", 4000, 500, 500, 512 * game.Sub},
		{"room, cells of one unit", 300, 500, 200, game.Sub},
		{"10000 entities", 4000, 10000, 300, 0},
		{"10000 in a big arena", 20000, 10000, 300, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rng := game.NewRand(uint64(tt.points) + 7)
			size := tt.size * game.Sub
			g := game.NewGrid(size)
			if tt.cell != 0 {
				g = game.NewGridCells(size, tt.cell)
			}
			// A first, larger build checks that a rebuild leaves nothing stale behind.
			for _, n := range []int{tt.points + 300, tt.points} {
				xs, ys := make([]int32, n), make([]int32, n)
				for i := range xs {
					xs[i] = rng.Intn(size+2*game.CellSize) - game.CellSize
					ys[i] = rng.Intn(size+2*game.CellSize) - game.CellSize
				}
				g.Build(n, func(i int) (int32, int32) { return xs[i], ys[i] })
				var got []int32
				for q := 0; q < tt.queries; q++ {
					x0 := rng.Intn(size+4*game.CellSize) - 2*game.CellSize
					y0 := rng.Intn(size+4*game.CellSize) - 2*game.CellSize
					x1, y1 := x0+rng.Intn(size/2+1), y0+rng.Intn(size/3+1)
					got = g.Query(got[:0], x0, y0, x1, y1)
					seen := make(map[int32]bool, len(got))
					for _, i := range got {
						if i < 0 || int(i) >= n || seen[i] {
							t.Fatalf("query [%d,%d]x[%d,%d] of %d points returned bad or repeated index %d", x0, x1, y0, y1, n, i)
						}
						seen[i] = true
					}
					for i := range xs {
						if xs[i] >= x0 && xs[i] <= x1 && ys[i] >= y0 && ys[i] <= y1 && !seen[int32(i)] {
							t.Fatalf("query [%d,%d]x[%d,%d] missed point %d at (%d,%d)", x0, x1, y0, y1, i, xs[i], ys[i])
						}
					}
				}
			}
		})
	}
}

// TestGridQueryOrder checks that a query's answer depends only on the positions:
// two grids built from the same points answer the same, in the same order.
func TestGridQueryOrder(t *testing.T) {
	rng := game.NewRand(11)
	const n = 2000
	size := int32(4000 * game.Sub)
	xs, ys := make([]int32, n), make([]int32, n)
	for i := range xs {
		xs[i], ys[i] = rng.Intn(size), rng.Intn(size)
	}
	a, b := game.NewGrid(size), game.NewGrid(size)
	a.Build(n, func(i int) (int32, int32) { return xs[i], ys[i] })
	b.Build(n/2, func(i int) (int32, int32) { return ys[i], xs[i] })
	b.Build(n, func(i int) (int32, int32) { return xs[i], ys[i] })
	for q := 0; q < 100; q++ {
		x, y, r := rng.Intn(size), rng.Intn(size), rng.Intn(800*game.Sub)
		ga := a.Query(nil, x-r, y-r, x+r, y+r)
		gb := b.Query(nil, x-r, y-r, x+r, y+r)
		if fmt.Sprint(ga) != fmt.Sprint(gb) {
			t.Fatalf("query %d: %v vs %v", q, ga, gb)
		}
	}
}
