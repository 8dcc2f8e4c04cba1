package game

// CellSize is the side of one grid cell in Sub units (128 world units).
const CellSize = 128 * Sub

// Grid is a uniform spatial index over points in a square arena. It is rebuilt
// from scratch with Build (a counting sort, no allocation once warm) and answers
// which items lie in a rectangle by visiting only the cells the rectangle covers.
type Grid struct {
	cell  int32   // side of a cell in Sub units
	side  int32   // cells per row
	start []int32 // start[c]..start[c+1] index items of cell c
	items []int32 // item indices, grouped by cell
	cells []int32 // cell of each item, scratch for Build
}

// NewGrid returns a grid of CellSize cells covering a square arena of size Sub units.
func NewGrid(size int32) *Grid { return NewGridCells(size, CellSize) }

// NewGridCells returns a grid with cells of side cell Sub units. Small cells suit
// small queries (collisions); large ones suit large queries (a client's view),
// which then visit few cells.
func NewGridCells(size, cell int32) *Grid {
	cell = max(cell, 1)
	side := max((size+cell-1)/cell, 1)
	return &Grid{cell: cell, side: side, start: make([]int32, side*side+1)}
}

func (g *Grid) cellOf(x, y int32) int32 {
	cx := min(max(x/g.cell, 0), g.side-1)
	cy := min(max(y/g.cell, 0), g.side-1)
	return cy*g.side + cx
}

// Build indexes n points; pos(i) returns the position of point i.
func (g *Grid) Build(n int, pos func(i int) (x, y int32)) {
	g.cells = g.cells[:0]
	for i := range g.start {
		g.start[i] = 0
	}
	for i := 0; i < n; i++ {
		x, y := pos(i)
		c := g.cellOf(x, y)
		g.cells = append(g.cells, c)
		g.start[c+1]++
	}
	for c := 1; c < len(g.start); c++ {
		g.start[c] += g.start[c-1]
	}
	if cap(g.items) < n {
		g.items = make([]int32, n)
	}
	g.items = g.items[:n]
	// Fill cells in item order using the start offsets as cursors, then shift back.
	for i, c := range g.cells {
		g.items[g.start[c]] = int32(i)
		g.start[c]++
	}
	for c := len(g.start) - 1; c > 0; c-- {
		g.start[c] = g.start[c-1]
	}
	g.start[0] = 0
}

// Query appends to dst the indices of every item whose cell meets the rectangle
// [x0,x1]×[y0,y1] and returns it. Callers check exact positions themselves; the
// order is by cell, then by index, and depends only on the indexed positions.
func (g *Grid) Query(dst []int32, x0, y0, x1, y1 int32) []int32 {
	cx0, cy0 := min(max(x0/g.cell, 0), g.side-1), min(max(y0/g.cell, 0), g.side-1)
	cx1, cy1 := min(max(x1/g.cell, 0), g.side-1), min(max(y1/g.cell, 0), g.side-1)
	for cy := cy0; cy <= cy1; cy++ {
		row := cy * g.side
		for cx := cx0; cx <= cx1; cx++ {
			c := row + cx
			dst = append(dst, g.items[g.start[c]:g.start[c+1]]...)
		}
	}
	return dst
}
