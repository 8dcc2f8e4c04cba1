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
	grid     *game.Grid
	size     int32
	scratch  []int32
	marks    []uint64 // scratch bitset of entity indices, all zero between calls
}

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
	if s.grid == nil || s.size != w.Size {
		s.grid, s.size = game.NewGridCells(w.Size, viewCell), w.Size
	}
	s.grid.Build(len(s.Entities), func(i int) (int32, int32) { return s.Entities[i].X, s.Entities[i].Y })
}

// ViewInto fills dst with the view of the client whose ship is self, given the
// client's baseline base (nil or empty for a new client). dst must not be base.
// If self is not in the snapshot the view is centred on the middle of the arena.
func (s *Snapshot) ViewInto(dst *View, self uint32, base *View, a Area) {
	dst.Tick, dst.Round = s.Tick, s.Round
	dst.Entities = dst.Entities[:0]
	cx, cy := s.size/2, s.size/2
	selfIdx := -1
	if i := s.index(self); i >= 0 {
		cx, cy, selfIdx = s.Entities[i].X, s.Entities[i].Y, i
	}
	hw, hh := int64(a.HalfW)*game.Sub, int64(a.HalfH)*game.Sub
	ow, oh := hw+int64(a.Margin)*game.Sub, hh+int64(a.Margin)*game.Sub
	s.scratch = s.grid.Query(s.scratch[:0], clamp32(int64(cx)-ow), clamp32(int64(cy)-oh), clamp32(int64(cx)+ow), clamp32(int64(cy)+oh))
	// The grid's cells overshoot the rectangle: keep what lies inside it, marked
	// in a bitset over entity indices, which are in id order; reading the set bits
	// back yields the view sorted without a sort.
	words := (len(s.Entities) + 63) / 64
	if cap(s.marks) < words {
		s.marks = make([]uint64, words)
	}
	s.marks = s.marks[:words]
	lo, hi := words, -1
	for _, i := range s.scratch {
		e := &s.Entities[i]
		if abs64(int64(e.X)-int64(cx)) <= ow && abs64(int64(e.Y)-int64(cy)) <= oh {
			w := int(i >> 6)
			s.marks[w] |= 1 << (uint(i) & 63)
			lo, hi = min(lo, w), max(hi, w)
		}
	}
	near := s.scratch[:0]
	for w := lo; w <= hi; w++ {
		for m := s.marks[w]; m != 0; m &= m - 1 {
			near = append(near, int32(w<<6+bits.TrailingZeros64(m)))
		}
		s.marks[w] = 0
	}
	var bi int
	var baseEnts []Entity
	if base != nil {
		baseEnts = base.Entities
	}
	for _, i := range near {
		e := &s.Entities[i]
		dx, dy := abs64(int64(e.X)-int64(cx)), abs64(int64(e.Y)-int64(cy))
		inside := dx <= hw && dy <= hh
		if !inside {
			for bi < len(baseEnts) && baseEnts[bi].ID < e.ID {
				bi++
			}
			inside = bi < len(baseEnts) && baseEnts[bi].ID == e.ID
		}
		if inside || int(i) == selfIdx {
			dst.Entities = append(dst.Entities, *e)
		}
	}
	if selfIdx >= 0 {
		// The own ship is always in view, even outside its own rectangle (never, in
		// practice, but the guarantee is cheap).
		if _, ok := dst.index(self); !ok {
			dst.Entities = append(dst.Entities, s.Entities[selfIdx])
			slices.SortFunc(dst.Entities, func(a, b Entity) int { return int(int64(a.ID) - int64(b.ID)) })
		}
	}
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

func abs64(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

func clamp32(v int64) int32 {
	return int32(min(max(v, -1<<30), 1<<30))
}
