package wire

import (
	"math/bits"
	"slices"
	"sort"

	"github.com/tickarena/tickarena/game"
)

// RoundInfo is where the room is in its round.
type RoundInfo struct {
	Round    uint32
	Phase    game.Phase
	PhaseEnd uint32 // tick at which the phase ends
}

// View is what one client knows of the world at one tick: round information and
// the entities near it, sorted by id. The server keeps each client's last sent
// view as its baseline; the client's mirror is a View too.
type View struct {
	Tick     uint32
	Round    RoundInfo
	Entities []Entity
}

// Find returns the entity with id, or nil.
func (v *View) Find(id uint32) *Entity {
	i, ok := v.index(id)
	if !ok {
		return nil
	}
	return &v.Entities[i]
}

func (v *View) index(id uint32) (int, bool) {
	i := sort.Search(len(v.Entities), func(i int) bool { return v.Entities[i].ID >= id })
	return i, i < len(v.Entities) && v.Entities[i].ID == id
}

// CopyFrom makes v an exact copy of src, reusing v's memory.
func (v *View) CopyFrom(src *View) {
	v.Tick = src.Tick
	v.Round = src.Round
	v.Entities = append(v.Entities[:0], src.Entities...)
}

// Equal reports whether two views hold the same tick, round and entities.
func (v *View) Equal(o *View) bool {
	return v.Tick == o.Tick && v.Round == o.Round && slices.Equal(v.Entities, o.Entities)
}

// Area is the area of interest: the half-width and half-height, in world units,
// of the rectangle around a client's ship whose entities it receives. Entities
// enter the view inside the rectangle and leave it only outside the rectangle
// grown by Margin, so that one on the border does not flap in and out.
type Area struct {
	HalfW, HalfH int32
	Margin       int32
}

// DefaultArea covers a 1600×1120 unit window: a 1280×800 screen with room for
// entities to appear before they are visible.
var DefaultArea = Area{HalfW: 800, HalfH: 560, Margin: 160}

// WholeWorld is an Area that covers any arena: every client gets everything.
var WholeWorld = Area{HalfW: 1 << 20, HalfH: 1 << 20}

// viewCell is the cell side of a snapshot's grid: a view's rectangle, about
// 1900×1400 world units, then covers 20 to 30 cells.
const viewCell = 512 * game.Sub

// Snapshot is the state of a whole world at one tick in wire form, with a grid
// for area-of-interest queries. The server captures one per tick and cuts every
// client's view out of it.
type Snapshot struct {
	Tick     uint32
	Round    RoundInfo
	Entities []Entity // pellets then ships, so sorted by id
	size     int32
	// The grid: side×side cells of viewCell; the entities of cell c are
	// cellPos[cellStart[c]:cellStart[c+1]], with their positions, so that a
	// query reads one contiguous run per row of cells and touches no entity
	// that lies outside the rectangle.
	side      int32
	cellStart []int32
	cellPos   []cellEntry
	cells     []int32  // scratch for buildGrid: the cell of each entity
	marks     []uint64 // scratch bitset of entity indices, all zero between calls
	inner     []uint64 // scratch bitset: the marked entities inside the inner rectangle
	was       []uint64 // ViewRefInto's scratch bitset: the baseline's entities carried here
	// Where the entities of earlier snapshots are in this one (snapview.go):
	// the one Follow named, and the last other that a baseline was cut from.
	follows, other link
	captured       uint64 // the number of Captures, which tells a link to a reused snapshot from one to what it held
}

// cellEntry is an entity of a snapshot's grid: its position and its index.
type cellEntry struct{ x, y, i int32 }

// Capture fills s from w, reusing s's memory.
func (s *Snapshot) Capture(w *game.World) {
	s.Tick = w.Tick
	s.Round = RoundInfo{Round: w.Round, Phase: w.Phase, PhaseEnd: w.PhaseEnd}
	s.Entities = s.Entities[:0]
	for i := range w.Pellets {
		s.Entities = append(s.Entities, PelletEntity(&w.Pellets[i]))
	}
	for i := range w.Ships {
		s.Entities = append(s.Entities, ShipEntity(&w.Ships[i]))
	}
	s.buildGrid(w.Size)
	s.follows.from, s.other.from = nil, nil
	s.captured++
}

// buildGrid builds s's grid over its entities in an arena of side size Sub
// units: a counting sort of the entities by cell.
func (s *Snapshot) buildGrid(size int32) {
	if s.cellStart == nil || s.size != size {
		s.size = size
		s.side = max((size+viewCell-1)/viewCell, 1)
		s.cellStart = make([]int32, s.side*s.side+1)
	}
	clear(s.cellStart)
	s.cells = s.cells[:0]
	for i := range s.Entities {
		c := s.cellOf(s.Entities[i].X, s.Entities[i].Y)
		s.cells = append(s.cells, c)
		s.cellStart[c+1]++
	}
	for c := 1; c < len(s.cellStart); c++ {
		s.cellStart[c] += s.cellStart[c-1]
	}
	if cap(s.cellPos) < len(s.Entities) {
		s.cellPos = make([]cellEntry, len(s.Entities))
	}
	s.cellPos = s.cellPos[:len(s.Entities)]
	for i, c := range s.cells { // cellStart[c] runs ahead as cell c fills…
		e := &s.Entities[i]
		s.cellPos[s.cellStart[c]] = cellEntry{x: e.X, y: e.Y, i: int32(i)}
		s.cellStart[c]++
	}
	copy(s.cellStart[1:], s.cellStart[:len(s.cellStart)-1]) // …and is put back
	s.cellStart[0] = 0
}

// cellOf returns the cell of a position; one outside the arena counts in
// the nearest cell.
func (s *Snapshot) cellOf(x, y int32) int32 {
	return s.cellCoord(y)*s.side + s.cellCoord(x)
}

func (s *Snapshot) cellCoord(v int32) int32 { return min(max(v/viewCell, 0), s.side-1) }

// ViewInto fills dst with the view of the client whose ship is self, given the
// client's baseline base (nil or empty for a new client). dst must not be base.
// If self is not in the snapshot the view is centred on the middle of the arena.
func (s *Snapshot) ViewInto(dst *View, self uint32, base *View, a Area) {
	dst.Tick, dst.Round = s.Tick, s.Round
	dst.Entities = dst.Entities[:0]
	selfIdx := s.mark(self, a)
	var bi int
	var baseEnts []Entity
	if base != nil {
		baseEnts = base.Entities
	}
	marked := 0
	for _, m := range s.marks {
		marked += bits.OnesCount64(m)
	}
	// Room for every marked entity, so that the copies below go straight
	// into place, without append's checks.
	out := slices.Grow(dst.Entities[:0], marked)[:marked]
	n := 0
	for w := range s.marks {
		in := s.inner[w]
		for m := s.marks[w]; m != 0; m &= m - 1 {
			b := bits.TrailingZeros64(m)
			i := w<<6 + b
			if in&(1<<uint(b)) == 0 && i != selfIdx {
				// In the margin: in view only if it was.
				id := s.Entities[i].ID
				for bi < len(baseEnts) && baseEnts[bi].ID < id {
					bi++
				}
				if bi == len(baseEnts) || baseEnts[bi].ID != id {
					continue
				}
			}
			out[n] = s.Entities[i]
			n++
		}
		s.marks[w], s.inner[w] = 0, 0
	}
	dst.Entities = out[:n]
	if selfIdx >= 0 {
		// The own ship is always in view, even outside its own rectangle (never, in
		// practice, but the guarantee is cheap).
		if _, ok := dst.index(self); !ok {
			dst.Entities = append(dst.Entities, s.Entities[selfIdx])
			slices.SortFunc(dst.Entities, func(a, b Entity) int { return int(int64(a.ID) - int64(b.ID)) })
		}
	}
}

// mark sets, in the bitsets s.marks and s.inner over entity indices, the
// entities of the snapshot in the rectangle of a around the ship self grown
// by the margin, and those in the rectangle itself; the caller clears both
// once it has read them. It returns the index of self, -1 when self is not
// in the snapshot, in which case the rectangle is centred on the middle of
// the arena.
func (s *Snapshot) mark(self uint32, a Area) (selfIdx int) {
	cx, cy := s.size/2, s.size/2
	selfIdx = -1
	if i := s.index(self); i >= 0 {
		cx, cy, selfIdx = s.Entities[i].X, s.Entities[i].Y, i
	}
	hw, hh := int64(a.HalfW)*game.Sub, int64(a.HalfH)*game.Sub
	ow, oh := hw+int64(a.Margin)*game.Sub, hh+int64(a.Margin)*game.Sub
	// The grid's cells overshoot the rectangle: keep what lies inside it, marked
	// in a bitset over entity indices, which are in id order; reading the set bits
	// back yields the view sorted without a sort. A second bitset marks those
	// inside the inner rectangle, which are in view whatever the baseline holds.
	words := (len(s.Entities) + 63) / 64
	if cap(s.marks) < words {
		s.marks, s.inner = make([]uint64, words), make([]uint64, words)
	}
	s.marks, s.inner = s.marks[:words], s.inner[:words]
	cx0, cx1 := s.cellCoord(clamp32(int64(cx)-ow)), s.cellCoord(clamp32(int64(cx)+ow))
	cy0, cy1 := s.cellCoord(clamp32(int64(cy)-oh)), s.cellCoord(clamp32(int64(cy)+oh))
	// |x-cx| <= ow as one unsigned comparison, and without branches: whether
	// a candidate is in is a coin toss the branch predictor loses.
	x0, y0, ix0, iy0 := int64(cx)-ow, int64(cy)-oh, int64(cx)-hw, int64(cy)-hh
	// A negative extent, which no Area should have, holds nothing, as |x-cx|
	// <= a negative number does not.
	inOK := b2u(hw >= 0 && hh >= 0)
	for row := cy0; row <= cy1 && ow >= 0 && oh >= 0; row++ {
		c := row * s.side
		for _, p := range s.cellPos[s.cellStart[c+cx0]:s.cellStart[c+cx1+1]] {
			x, y := int64(p.x), int64(p.y)
			out := b2u(uint64(x-x0) <= uint64(2*ow)) & b2u(uint64(y-y0) <= uint64(2*oh))
			in := b2u(uint64(x-ix0) <= uint64(2*hw)) & b2u(uint64(y-iy0) <= uint64(2*hh)) & inOK
			w, sh := p.i>>6, uint(p.i)&63
			s.marks[w] |= out << sh
			s.inner[w] |= in << sh
		}
	}
	return selfIdx
}

// Contains reports whether the point lies in the area around (cx, cy), margin included.
func (a Area) Contains(cx, cy, x, y int32) bool {
	return abs64(int64(x)-int64(cx)) <= int64(a.HalfW+a.Margin)*game.Sub &&
		abs64(int64(y)-int64(cy)) <= int64(a.HalfH+a.Margin)*game.Sub
}

func (s *Snapshot) index(id uint32) int {
	i := sort.Search(len(s.Entities), func(i int) bool { return s.Entities[i].ID >= id })
	if i < len(s.Entities) && s.Entities[i].ID == id {
		return i
	}
	return -1
}

// b2u returns 1 for true and 0 for false, without a branch.
func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

func abs64(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

func clamp32(v int64) int32 {
	return int32(min(max(v, -1<<30), 1<<30))
}
