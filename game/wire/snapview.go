package wire

import (
	"math/bits"

	"github.com/tickarena/tickarena/game"
)

// SnapView is a view held as a bitset over the entities of the snapshot it
// was cut from: bit i says whether Snap.Entities[i] is in the view. A server
// holding every client's baseline this way keeps a few dozen bytes per
// client where a View copies a hundred entities, and diffs two views with
// word operations over entities that all the clients of a room share (see
// Snapshot.ViewRefInto and DeltaEncoder.AppendRef). The snapshot must not
// change while a SnapView refers to it. The zero SnapView is empty: the
// baseline of a new client.
type SnapView struct {
	Snap *Snapshot // nil: empty
	Bits []uint64
}

// Tick returns the tick of v's snapshot, 0 when v is empty.
func (v *SnapView) Tick() uint32 {
	if v.Snap == nil {
		return 0
	}
	return v.Snap.Tick
}

// Reset empties v, keeping its memory.
func (v *SnapView) Reset() { v.Snap, v.Bits = nil, v.Bits[:0] }

// Find returns the entity of v with id, or nil.
func (v *SnapView) Find(id uint32) *Entity {
	if v.Snap == nil {
		return nil
	}
	i := v.Snap.index(id)
	if i < 0 || !hasBit(v.Bits, i) {
		return nil
	}
	return &v.Snap.Entities[i]
}

// CopyTo makes dst a copy of the view v holds, reusing dst's memory.
func (v *SnapView) CopyTo(dst *View) {
	dst.Tick, dst.Round, dst.Entities = 0, RoundInfo{}, dst.Entities[:0]
	if v.Snap == nil {
		return
	}
	dst.Tick, dst.Round = v.Snap.Tick, v.Snap.Round
	for w, m := range v.Bits {
		for ; m != 0; m &= m - 1 {
			dst.Entities = append(dst.Entities, v.Snap.Entities[w<<6+bits.TrailingZeros64(m)])
		}
	}
}

// ViewRefInto is ViewInto for a SnapView: dst becomes the view of s of the
// client whose ship is self, given its baseline base (nil or empty for a new
// client); the view is the one ViewInto gives. dst must not be base.
func (s *Snapshot) ViewRefInto(dst *SnapView, self uint32, base *SnapView, a Area) {
	selfIdx := s.mark(self, a)
	dst.Bits = resizeWords(dst.Bits, len(s.marks))
	if base != nil && base.Snap != nil {
		// In the margin, what was in view stays: the baseline's entities
		// carried to their indices in s.
		s.was = resizeWords(s.was, len(s.marks))
		s.linkFrom(base.Snap).carry(s.was, base.Bits)
		for w := range dst.Bits {
			dst.Bits[w] = s.marks[w] & (s.inner[w] | s.was[w])
		}
	} else {
		for w := range dst.Bits {
			dst.Bits[w] = s.marks[w] & s.inner[w]
		}
	}
	clear(s.marks)
	clear(s.inner)
	if selfIdx >= 0 {
		// The own ship is always in view, as in ViewInto.
		dst.Bits[selfIdx>>6] |= 1 << (uint(selfIdx) & 63)
	}
	dst.Snap = s
}

// Follow tells s that it was captured after prev, of which most baselines
// hold a view: s works out where prev's entities are among its own once,
// which every ViewRefInto and AppendRef against a view of prev then reads.
// Without it (or for a view of another snapshot) they work it out on
// demand, remembering the last other snapshot's.
func (s *Snapshot) Follow(prev *Snapshot) {
	if prev != nil {
		s.follows.build(prev, s)
	}
}

// linkFrom returns where the entities of from are in s.
func (s *Snapshot) linkFrom(from *Snapshot) *link {
	if s.follows.is(from) {
		return &s.follows
	}
	if !s.other.is(from) {
		s.other.build(from, s)
	}
	return &s.other
}

// link says where the entities of an earlier snapshot, from, are in a later
// one, to: which of them carry on, by id, and which are unchanged.
type link struct {
	from     *Snapshot
	captured uint64 // from's captures when linked: a snapshot is reused for later ticks
	// fwd[i] is the index in to of from's entity i, or -1; back[j] is the
	// index in from of to's entity j, or -1.
	fwd, back []int32
	// Over to's indices: reborn has the entities whose id named another
	// entity in from (removed and created again on the wire); same has those
	// equal to their entity in from and still, which no delta changes.
	reborn, same []uint64
	// prefix is the length of from's entities that keep their index in to
	// (fwd[i] == i), the pellets at least while their number stays: the
	// bitsets of views of from carry to to word for word over it.
	prefix int
}

// is reports whether l links from the snapshot from as it is now.
func (l *link) is(from *Snapshot) bool {
	return l.from == from && from != nil && l.captured == from.captured
}

// build makes l link from to to.
func (l *link) build(from, to *Snapshot) {
	l.from, l.captured = from, from.captured
	fe, te := from.Entities, to.Entities
	l.fwd = fill(l.fwd, len(fe), -1)
	l.back = fill(l.back, len(te), -1)
	words := (len(te) + 63) / 64
	l.reborn, l.same = resizeWords(l.reborn, words), resizeWords(l.same, words)
	clear(l.reborn)
	clear(l.same)
	for i, j := 0, 0; i < len(fe) && j < len(te); {
		switch {
		case fe[i].ID < te[j].ID:
			i++
		case te[j].ID < fe[i].ID:
			j++
		default:
			l.fwd[i], l.back[j] = int32(j), int32(i)
			bit := uint64(1) << (uint(j) & 63)
			switch {
			case !sameIdentity(&fe[i], &te[j]):
				l.reborn[j>>6] |= bit
			case fe[i] == te[j] && te[j].VX == 0 && te[j].VY == 0:
				l.same[j>>6] |= bit
			}
			i++
			j++
		}
	}
	l.prefix = 0
	for l.prefix < len(fe) && l.fwd[l.prefix] == int32(l.prefix) {
		l.prefix++
	}
}

// carry sets in was, a bitset over to's entities, the entities of base, a
// bitset over from's, that carry on in to by id.
func (l *link) carry(was, base []uint64) {
	clear(was)
	pw := min(l.prefix>>6, len(base), len(was))
	copy(was[:pw], base[:pw])
	for w := pw; w < len(base); w++ {
		for m := base[w]; m != 0; m &= m - 1 {
			if j := l.fwd[w<<6+bits.TrailingZeros64(m)]; j >= 0 {
				was[j>>6] |= 1 << (uint(j) & 63)
			}
		}
	}
}

// AppendRef is Append for views held as SnapViews: the same message, made
// with word operations over the bitsets, and a field-by-field comparison
// only for the entities that changed between the two snapshots.
func (e *DeltaEncoder) AppendRef(dst []byte, base, cur *SnapView, lastSeq uint32, events []game.Event) []byte {
	e.created, e.changed, e.removed = e.created[:0], e.changed[:0], e.removed[:0]
	s := cur.Snap
	var from *Snapshot
	var baseTick uint32
	if base != nil && base.Snap != nil && base.Snap.Tick != 0 {
		from, baseTick = base.Snap, base.Snap.Tick
	}
	changeValues := 0
	if from == nil {
		for w, m := range cur.Bits {
			for ; m != 0; m &= m - 1 {
				e.created = append(e.created, int32(w<<6+bits.TrailingZeros64(m)))
			}
		}
	} else {
		n := int32(s.Tick - baseTick)
		l := s.linkFrom(from)
		e.was = resizeWords(e.was, len(cur.Bits))
		l.carry(e.was, base.Bits)
		e.stay = resizeWords(e.stay, len(cur.Bits))
		for w, c := range cur.Bits {
			keep := e.was[w] &^ l.reborn[w]
			stay := c & keep
			e.stay[w] = stay
			for m := c &^ keep; m != 0; m &= m - 1 {
				e.created = append(e.created, int32(w<<6+bits.TrailingZeros64(m)))
			}
			for m := stay &^ l.same[w]; m != 0; m &= m - 1 {
				j := w<<6 + bits.TrailingZeros64(m)
				i := l.back[j]
				if mask := diffMask(&from.Entities[i], &s.Entities[j], n); mask != 0 {
					e.changed = append(e.changed, changeRef{base: i, cur: int32(j), mask: mask})
					changeValues += 2 + mask.values()
				}
			}
		}
		// Removed: the baseline's entities that do not stay, in from's order,
		// which is the order of their ids.
		pw := min(l.prefix>>6, len(base.Bits), len(e.stay))
		for w, b := range base.Bits {
			if w < pw {
				for m := b &^ e.stay[w]; m != 0; m &= m - 1 {
					e.removed = append(e.removed, from.Entities[w<<6+bits.TrailingZeros64(m)].ID)
				}
				continue
			}
			for m := b; m != 0; m &= m - 1 {
				i := w<<6 + bits.TrailingZeros64(m)
				if j := l.fwd[i]; j < 0 || !hasBit(e.stay, int(j)) {
					e.removed = append(e.removed, from.Entities[i].ID)
				}
			}
		}
	}
	var round *RoundInfo
	if from == nil || from.Round != s.Round {
		round = &s.Round
	}
	var baseEnts []Entity
	if from != nil {
		baseEnts = from.Entities
	}
	dst = e.appendLists(dst, s.Tick, baseTick, round, lastSeq, baseEnts, s.Entities, changeValues)
	return appendEvents(dst, events, s.Tick, cur)
}

// hasBit reports whether bit i of the bitset b is set.
func hasBit(b []uint64, i int) bool { return i>>6 < len(b) && b[i>>6]&(1<<(uint(i)&63)) != 0 }

// resizeWords returns b with n words, reusing its memory; the words' values
// are the caller's to set.
func resizeWords(b []uint64, n int) []uint64 {
	if cap(b) < n {
		return make([]uint64, n)
	}
	return b[:n]
}

// fill returns s with n elements, all v, reusing its memory.
func fill(s []int32, n int, v int32) []int32 {
	if cap(s) < n {
		s = make([]int32, n)
	}
	s = s[:n]
	for i := range s {
		s[i] = v
	}
	return s
}
