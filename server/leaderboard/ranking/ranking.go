// Package ranking keeps players in rank order in memory so that a store can
// answer "top N" and "around me" without counting rows in a database.
//
// A Table holds one row of values per player and, for each column, an index
// ordered by value descending then player id ascending. The index is a list
// of sorted blocks of bounded size: finding a player's position is a binary
// search over the blocks plus one inside a block, and selecting the k-th
// player walks the block lengths. Both cost microseconds at a million rows.
//
// A Table is not safe for concurrent use; its owner serialises access.
package ranking

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// blockSize is the size blocks are built with; a block splits at twice that.
const blockSize = 512

// Table ranks players on a fixed number of columns.
type Table struct {
	cols  int
	slots map[string]uint32
	ids   []string
	vals  []int64 // slot*cols + col
	index []blocks
}

// blocks is one column's order: concatenated, the blocks list every slot.
type blocks [][]uint32

// New returns an empty table with cols columns.
func New(cols int) *Table {
	if cols < 1 {
		panic(fmt.Sprintf("ranking: %d columns", cols))
	}
	return &Table{cols: cols, slots: make(map[string]uint32), index: make([]blocks, cols)}
}

// Len returns the number of players in the table.
func (t *Table) Len() int { return len(t.ids) }

// Columns returns the number of columns.
func (t *Table) Columns() int { return t.cols }

// Values returns the player's values, or false when the player is not in the table.
func (t *Table) Values(id string) ([]int64, bool) {
	s, ok := t.slots[id]
	if !ok {
		return nil, false
	}
	return slices.Clone(t.row(s)), true
}

func (t *Table) row(s uint32) []int64 { return t.vals[int(s)*t.cols : int(s+1)*t.cols] }

func (t *Table) value(s uint32, col int) int64 { return t.vals[int(s)*t.cols+col] }

// less reports whether slot a goes before slot b in column col.
func (t *Table) less(col int, a, b uint32) bool {
	va, vb := t.value(a, col), t.value(b, col)
	if va != vb {
		return va > vb
	}
	return t.ids[a] < t.ids[b]
}

// Load adds players in bulk and rebuilds every index once; it is how a
// store fills a table from its database. A player already present is set
// to the new values. vals holds len(ids) rows of Columns values each.
func (t *Table) Load(ids []string, vals []int64) {
	if len(vals) != len(ids)*t.cols {
		panic(fmt.Sprintf("ranking: %d values for %d players of %d columns", len(vals), len(ids), t.cols))
	}
	for i, id := range ids {
		s, ok := t.slots[id]
		if !ok {
			s = uint32(len(t.ids))
			t.slots[id] = s
			t.ids = append(t.ids, id)
			t.vals = append(t.vals, make([]int64, t.cols)...)
		}
		copy(t.row(s), vals[i*t.cols:(i+1)*t.cols])
	}
	// Sorting (value, slot) pairs keeps the values next to each other in
	// memory; ids are only compared on ties.
	type pair struct {
		v int64
		s uint32
	}
	pairs := make([]pair, len(t.ids))
	for col := range t.cols {
		for i := range pairs {
			pairs[i] = pair{v: t.value(uint32(i), col), s: uint32(i)}
		}
		slices.SortFunc(pairs, func(a, b pair) int {
			if c := cmp.Compare(b.v, a.v); c != 0 {
				return c
			}
			return strings.Compare(t.ids[a.s], t.ids[b.s])
		})
		var bs blocks
		for rest := pairs; len(rest) > 0; {
			n := min(blockSize, len(rest))
			b := make([]uint32, n, 2*blockSize+1)
			for i := range b {
				b[i] = rest[i].s
			}
			bs = append(bs, b)
			rest = rest[n:]
		}
		t.index[col] = bs
	}
}

// Set puts a player in the table with the given values (one per column),
// moving them in every index whose value changed.
func (t *Table) Set(id string, vals []int64) {
	if len(vals) != t.cols {
		panic(fmt.Sprintf("ranking: %d values for %d columns", len(vals), t.cols))
	}
	s, ok := t.slots[id]
	if !ok {
		s = uint32(len(t.ids))
		t.slots[id] = s
		t.ids = append(t.ids, id)
		t.vals = append(t.vals, vals...)
		for col := range t.cols {
			t.insert(col, s)
		}
		return
	}
	row := t.row(s)
	for col, v := range vals {
		if row[col] == v {
			continue
		}
		t.remove(col, s)
		row[col] = v
		t.insert(col, s)
	}
}

// locate returns the block that holds, or would hold, slot s in column col
// and the index inside that block where s is or would be inserted.
func (t *Table) locate(col int, s uint32) (bi, i int) {
	bs := t.index[col]
	if len(bs) == 0 {
		return 0, 0
	}
	bi = sort.Search(len(bs), func(k int) bool {
		b := bs[k]
		return !t.less(col, b[len(b)-1], s)
	})
	if bi == len(bs) {
		bi = len(bs) - 1
	}
	b := bs[bi]
	i = sort.Search(len(b), func(k int) bool { return !t.less(col, b[k], s) })
	return bi, i
}

func (t *Table) insert(col int, s uint32) {
	bi, i := t.locate(col, s)
	bs := t.index[col]
	if len(bs) == 0 {
		b := make([]uint32, 1, 2*blockSize+1)
		b[0] = s
		t.index[col] = blocks{b}
		return
	}
	b := slices.Insert(bs[bi], i, s)
	if len(b) <= 2*blockSize {
		bs[bi] = b
		return
	}
	tail := make([]uint32, len(b)-blockSize, 2*blockSize+1)
	copy(tail, b[blockSize:])
	bs[bi] = b[:blockSize]
	t.index[col] = slices.Insert(bs, bi+1, tail)
}

func (t *Table) remove(col int, s uint32) {
	bi, i := t.locate(col, s)
	bs := t.index[col]
	if bi >= len(bs) || i >= len(bs[bi]) || bs[bi][i] != s {
		panic(fmt.Sprintf("ranking: player %q missing from column %d", t.ids[s], col))
	}
	bs[bi] = slices.Delete(bs[bi], i, i+1)
	if len(bs[bi]) == 0 {
		t.index[col] = slices.Delete(bs, bi, bi+1)
	}
}

// Position returns the player's 0-based position in column col, or false
// when the player is not in the table.
func (t *Table) Position(id string, col int) (int, bool) {
	s, ok := t.slots[id]
	if !ok {
		return 0, false
	}
	bi, i := t.locate(col, s)
	return t.before(col, bi) + i, true
}

// before returns the number of slots in the blocks before block bi.
func (t *Table) before(col, bi int) int {
	n := 0
	for _, b := range t.index[col][:bi] {
		n += len(b)
	}
	return n
}

// Rank returns the competition rank a value v has in column col: one more
// than the number of players whose value is greater than v.
func (t *Table) Rank(col int, v int64) int {
	bs := t.index[col]
	bi := sort.Search(len(bs), func(k int) bool {
		b := bs[k]
		return t.value(b[len(b)-1], col) <= v
	})
	if bi == len(bs) {
		return t.Len() + 1
	}
	b := bs[bi]
	i := sort.Search(len(b), func(k int) bool { return t.value(b[k], col) <= v })
	return t.before(col, bi) + i + 1
}

// Row is one player's place in a column, as returned by Range.
type Row struct {
	// Position is 0-based and distinct for every player.
	Position int
	// Rank is the competition rank (tied values share it).
	Rank  int
	ID    string
	Value int64
}

// Range returns the rows of column col at positions from (inclusive) to
// to (exclusive), clipped to the table.
func (t *Table) Range(col, from, to int) []Row {
	from, to = max(from, 0), min(to, t.Len())
	if from >= to {
		return nil
	}
	rows := make([]Row, 0, to-from)
	pos := 0
	for _, b := range t.index[col] {
		if pos+len(b) <= from {
			pos += len(b)
			continue
		}
		start := max(from-pos, 0)
		for i := start; i < len(b) && pos+i < to; i++ {
			s := b[i]
			r := Row{Position: pos + i, ID: t.ids[s], Value: t.value(s, col)}
			switch {
			case len(rows) > 0 && rows[len(rows)-1].Value == r.Value:
				r.Rank = rows[len(rows)-1].Rank
			case len(rows) > 0:
				r.Rank = r.Position + 1
			default:
				r.Rank = t.Rank(col, r.Value)
			}
			rows = append(rows, r)
		}
		pos += len(b)
		if pos >= to {
			break
		}
	}
	return rows
}
