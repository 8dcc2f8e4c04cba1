package replay

import "github.com/tickarena/tickarena/game"

// The recorder's model of aim: an aim that turns toward a ship is stored as
// that ship plus an offset, and costs nothing while it keeps following it
// (format.go, aim modes). An aim that follows no known ship has its
// candidates searched for among every other ship of the roster; the next
// aim tells which one it followed (resolve). When aims change every tick,
// as a sweeping human's do, that search runs for every ship at every tick,
// so it is kept to one pass per ship and tick: the candidates of the new aim
// also tell which of the pending candidates it follows (matchFound), the
// exact test (aimAt, an Atan2 and its division) is taken only by ships that
// a few multiplications (cone) do not rule out, and the candidate closest
// to the line of aim is noted as they are found. A recording is the same,
// byte for byte, as with the exact test for every pair and every question
// (TestRecorderMatchesReference).
//
// A search pays when the next aim follows one of its candidates (or the
// aim keeps following its ship); one that finds none, or whose candidates
// the next aim does not follow, costs a pass over the roster for an aim
// stored whole all the same (or as a target and an offset, about as
// long). The aims of the load generator's players and of a human sweeping
// their mouse do that every tick, and the search was then most of what
// recording cost the server: after searchMisses such searches in a row a
// ship's changed aims are stored whole without one for minRest of them,
// twice as many after each further miss, up to maxRest (about a second at
// 30 Hz); a search that pays, or an aim that keeps following its ship,
// ends the rest. A ship that begins to follow
// another while resting is found at its next search.

// cand is a ship that another ship may be aiming at, and with which error.
type cand struct {
	slot   int32
	offset int16
	// match is whether the ship's next aim is toward this ship with this
	// offset; set just before resolve reads it.
	match bool
}

// aimMode chooses how to store aim a of roster ship i, writes its payload
// and returns the mode. A pending aim of the ship's is resolved first, by a.
func (r *Recorder) aimMode(i int, a game.Angle) byte {
	sl := &r.slots[i]
	if a == sl.aim {
		if sl.pending {
			matched := r.matchEach(i, a)
			r.resolve(i, matched)
			settle(sl, matched)
		}
		return aimSame
	}
	switch {
	case sl.pending && sl.rest == 0:
		r.search(i, a)
		matched := r.matchFound(sl)
		r.resolve(i, matched)
		settle(sl, matched)
		if matched {
			return aimTracked // toward the ship just chosen, with its offset
		}
	case sl.pending:
		// Resting: the pending candidates alone are tested.
		matched := r.matchEach(i, a)
		r.resolve(i, matched)
		settle(sl, matched)
		if matched {
			return aimTracked
		}
		sl.rest-- // still at least 1: a miss never shortens a rest
		r.found = r.found[:0]
	case r.tracks(i, a):
		settle(sl, true)
		return aimTracked
	case sl.rest > 0:
		sl.rest--
		r.found = r.found[:0]
	default:
		r.search(i, a)
		if len(r.found) == 0 {
			settle(sl, false)
		}
	}
	if len(r.found) == 0 {
		sl.target = -1
		sl.data[secAim] = appendU16(sl.data[secAim], uint16(a))
		return aimAbsolute
	}
	// Which of them is it aiming at? The next tick's aim tells (resolve).
	sl.cands, sl.closest = append(sl.cands[:0], r.found...), r.closest
	sl.pending, sl.at = true, len(sl.kinds)
	return 0 // the mode is filled in by resolve
}

// How long an aim rests from the search (see the top of this file): after
// searchMisses searches in a row that did not pay, minRest changed aims,
// doubled by each further one, up to maxRest.
const (
	searchMisses = 3
	minRest      = 4
	maxRest      = 32
)

// settle counts whether the last search for sl's aim paid (its next aim
// followed a candidate), and sets the rest that follows a run of misses.
func settle(sl *slot, paid bool) {
	if paid {
		sl.misses, sl.rest = 0, 0
		return
	}
	sl.misses = min(sl.misses, 254) + 1
	if n := int(sl.misses) - searchMisses; n >= 0 {
		sl.rest = uint8(min(minRest<<min(n, 4), maxRest))
	}
}

// tracks reports whether a is the aim of roster ship i toward the ship it
// tracks, with the tracked offset.
func (r *Recorder) tracks(i int, a game.Angle) bool {
	sl := &r.slots[i]
	if sl.target < 0 {
		return false
	}
	p, t := &r.spots[i], &r.spots[sl.target]
	return t.present && aimAt(p.x, p.y, t.x, t.y, sl.offset) == a
}

// search sets r.found to the candidates of roster ship i aiming at a: the
// other ships in the world that a points at within maxOffset, in roster
// order; and r.closest to the index of the first of those closest to its
// line of aim.
func (r *Recorder) search(i int, a game.Angle) {
	r.searches++
	spots := r.spots
	if cap(r.found) < len(spots) {
		r.found = make([]cand, 0, cap(spots))
	}
	found := r.found[:len(spots)]
	p := spots[i]
	n := inCone(found, spots, p.x, p.y, a)
	// Without branches on the outcome, which the processor cannot predict:
	// each ship is written at k, which moves on when it is within maxOffset;
	// the closest is the least key |off|, then k, which one kept always wins
	// over one dropped.
	k, closest := 0, int64(1<<62)
	for _, f := range found[:n] {
		t := &spots[f.slot]
		if !t.present || int(f.slot) == i {
			continue
		}
		off := int16(a - aimAt(p.x, p.y, t.x, t.y, 0))
		found[k] = cand{slot: f.slot, offset: off}
		closest = min(closest, int64(abs16(off))<<32|int64(k))
		k += int(1 + (maxOffset-abs16(off))>>31) // 1 + (-1 beyond maxOffset, else 0)
	}
	r.found, r.closest = found[:k], int(uint32(closest))
}

// inCone sets the slot of found[:n] to the spots that a ship at (x, y)
// aiming at a may be aiming at within maxOffset (cone), and returns n; found
// holds at least as many as spots. The spots it gives may be absent from the
// world or be the ship itself: its loop is kept to the arithmetic.
func inCone(found []cand, spots []spot, x, y int32, a game.Angle) int {
	k := newCone(a)
	found = found[:len(spots)]
	n := 0
	for j := range spots {
		found[n].slot = int32(j)
		n += k.admits(int64(spots[j].x-x), int64(spots[j].y-y))
	}
	return n
}

// matchEach marks the pending candidates of roster ship i that its next aim
// a is toward, with their offsets, and reports whether there are any.
func (r *Recorder) matchEach(i int, a game.Angle) bool {
	sl := &r.slots[i]
	p := &r.spots[i]
	some := false
	for k := range sl.cands {
		c := &sl.cands[k]
		t := &r.spots[c.slot]
		c.match = t.present && aimAt(p.x, p.y, t.x, t.y, c.offset) == a
		some = some || c.match
	}
	return some
}

// matchFound marks the pending candidates of sl that its next aim is toward,
// with their offsets, from r.found, the candidates of that aim. An aim is
// toward a candidate with its offset when aimAt gives the aim; as the offset
// is within maxOffset, that is when the ship is among the aim's candidates,
// with the same offset. Both lists are in roster order. It reports whether
// any candidate matches.
func (r *Recorder) matchFound(sl *slot) bool {
	f := r.found
	some := false
	for k := range sl.cands {
		c := &sl.cands[k]
		for len(f) > 0 && f[0].slot < c.slot {
			f = f[1:]
		}
		c.match = len(f) > 0 && f[0].slot == c.slot && f[0].offset == c.offset
		some = some || c.match
	}
	return some
}

// resolve chooses the ship that roster ship i aimed at in its pending tick,
// and writes that tick's aim data. When matched, some candidates explain its
// next aim (they are marked match) and it chooses among them; either way, the
// first of those closest to its line of aim.
func (r *Recorder) resolve(i int, matched bool) {
	sl := &r.slots[i]
	best := sl.closest
	if matched {
		best = closestMatch(sl.cands)
	}
	c := sl.cands[best]
	mode := byte(aimNewOffset)
	if c.slot != sl.target {
		mode = aimNewTarget
		sl.data[secTarget] = appendUv(sl.data[secTarget], uint64(c.slot))
	}
	sl.target, sl.offset = c.slot, c.offset
	r.putOffset(sl)
	sl.kinds[sl.at] |= mode << kindAimShift
	sl.pending = false
}

// closestMatch returns the index of the first of the candidates marked match
// that are closest to the line of aim; there is one.
func closestMatch(cands []cand) int {
	best := -1
	for k, c := range cands {
		if c.match && (best < 0 || abs16(c.offset) < abs16(cands[best].offset)) {
			best = k
		}
	}
	return best
}

// resolveAll resolves every pending aim with no next aim to go by, before a
// segment ends.
func (r *Recorder) resolveAll() {
	for i := range r.slots {
		if r.slots[i].pending {
			r.resolve(i, false)
		}
	}
}

// cone is the quick test of one aim: whether a ship aiming along it may be
// within maxOffset of aiming at a ship in direction (dx, dy), the wrapping
// int32 differences aimAt takes. It takes a few multiplications where the
// exact test takes an Atan2 and its division, and it is conservative, false
// only where the exact test fails too: it admits up to 24 degrees either
// side of the aim, the exact test 22.5, and the error of the tables is under
// 0.1 degree; so a recording is the same byte for byte
// (TestConeAdmitsEveryCandidate).
type cone struct {
	c4, s4, c9, s9 int64 // the aim's Cos and Sin, times 4 and times 9
}

// newCone returns the quick test of aim a.
func newCone(a game.Angle) cone {
	c, s := int64(game.Cos(a)), int64(game.Sin(a))
	return cone{c4: 4 * c, s4: 4 * s, c9: 9 * c, s9: 9 * s}
}

// admits returns 1 when the ship in direction (dx, dy) may be aimed at,
// else 0. With θ the angle between that direction and the aim's, the test is
// 9 |sin θ| <= 4 cos θ (tan θ <= 4/9, θ within 24 degrees), scaled by the
// length of (dx, dy) and TrigOne: 4 dot - 9 cross and 4 dot + 9 cross both
// at least 0, which their OR tells by its sign. It holds for (0, 0), where
// Atan2 gives 0 and the exact test decides; for other directions it implies
// dot > 0 (less than 90 degrees off the aim). The products stay under 2^50:
// the differences are int32, the scaled Cos and Sin under 2^18. Without
// branches it costs the same whichever way it goes, which suits a search
// whose outcome the processor cannot predict.
func (k cone) admits(dx, dy int64) int {
	dot4 := dx*k.c4 + dy*k.s4
	cross9 := dx*k.s9 - dy*k.c9
	return int(uint64(^((dot4 - cross9) | (dot4 + cross9))) >> 63)
}

// putOffset writes the offset sl tracks its target with.
func (r *Recorder) putOffset(sl *slot) {
	sl.data[secOffLo] = append(sl.data[secOffLo], byte(sl.offset))
	sl.data[secOffHi] = append(sl.data[secOffHi], byte(uint16(sl.offset)>>8))
}

// abs16 returns the absolute value of v.
func abs16(v int16) int32 {
	if v < 0 {
		return -int32(v)
	}
	return int32(v)
}
