package wire

import (
	"fmt"
	"slices"
)

// RosterField says which fields of a roster line a RosterChange sets.
type RosterField uint8

// The fields of a roster change, in the order their values follow the mask.
const (
	RosterFlags RosterField = 1 << iota // flags
	RosterScore                         // score
	RosterKD                            // kills, deaths
	RosterMap                           // mapX, mapY

	allRosterFields = RosterFlags | RosterScore | RosterKD | RosterMap
)

// RosterChange is one ship whose roster line changed: Mask says which fields
// hold new values. A ship's name never changes.
type RosterChange struct {
	Ship                 uint32
	Mask                 RosterField
	Flags                Flags
	Score, Kills, Deaths int32
	MapX, MapY           uint8
}

// RosterView is a client's copy of the roster: the lines of the ships of the
// room, sorted by ship id, as of Tick. Apply turns it into the next one.
type RosterView struct {
	Tick  uint32
	Lines []RosterLine
}

// lineRecord is the number of fields of a roster line on the wire.
const lineRecord = 8

// AppendRoster appends a roster message: m.Lines whole, then m.Changes and
// m.Removed. Each list must be sorted by ship id, without repeats.
func AppendRoster(b []byte, m Roster) []byte {
	b = appendArray(b, 6)
	b = appendUint(b, uint64(TypeRoster))
	b = appendUint(b, uint64(m.Tick))
	b = appendUint(b, uint64(m.Base))
	b = appendArray(b, len(m.Lines))
	for i := range m.Lines {
		b = appendLine(b, &m.Lines[i])
	}
	ints := 0
	for i := range m.Changes {
		ints += 2 + m.Changes[i].Mask.values()
	}
	b = appendArray(b, ints)
	var prev uint32
	for i := range m.Changes {
		b = appendRosterChange(b, &prev, &m.Changes[i])
	}
	b = appendArray(b, len(m.Removed))
	prev = 0
	for _, id := range m.Removed {
		b = appendUint(b, uint64(id-prev))
		prev = id
	}
	return b
}

// AppendRosterDiff appends the roster message that turns the roster prev
// (the one at tick base, which the client holds) into cur, the roster at
// tick: the ships new in cur whole, the lines that changed as changes, and
// the ships gone. Base 0 sends cur whole (prev is then ignored). Both lists
// are sorted by ship id. It allocates nothing once b has grown.
func AppendRosterDiff(b []byte, tick, base uint32, prev, cur []RosterLine) []byte {
	if base == 0 {
		prev = nil
	}
	created, removed, ints := 0, 0, 0
	mergeRoster(prev, cur, func(p, c *RosterLine) {
		switch {
		case p == nil:
			created++
		case c == nil:
			removed++
		default:
			if mask := lineChange(p, c); mask != 0 {
				ints += 2 + mask.values()
			}
		}
	})
	b = appendArray(b, 6)
	b = appendUint(b, uint64(TypeRoster))
	b = appendUint(b, uint64(tick))
	b = appendUint(b, uint64(base))
	b = appendArray(b, created)
	mergeRoster(prev, cur, func(p, c *RosterLine) {
		if p == nil {
			b = appendLine(b, c)
		}
	})
	b = appendArray(b, ints)
	var last uint32
	mergeRoster(prev, cur, func(p, c *RosterLine) {
		if p != nil && c != nil {
			if mask := lineChange(p, c); mask != 0 {
				ch := RosterChange{Ship: c.Ship, Mask: mask, Flags: c.Flags, Score: c.Score, Kills: c.Kills, Deaths: c.Deaths, MapX: c.MapX, MapY: c.MapY}
				b = appendRosterChange(b, &last, &ch)
			}
		}
	})
	b = appendArray(b, removed)
	last = 0
	mergeRoster(prev, cur, func(p, c *RosterLine) {
		if c == nil {
			b = appendUint(b, uint64(p.Ship-last))
			last = p.Ship
		}
	})
	return b
}

// mergeRoster calls f for every ship of prev and cur in ship id order, with
// its line in each (nil where it is missing).
func mergeRoster(prev, cur []RosterLine, f func(p, c *RosterLine)) {
	i, j := 0, 0
	for i < len(prev) || j < len(cur) {
		switch {
		case j == len(cur) || i < len(prev) && prev[i].Ship < cur[j].Ship:
			f(&prev[i], nil)
			i++
		case i == len(prev) || cur[j].Ship < prev[i].Ship:
			f(nil, &cur[j])
			j++
		default:
			f(&prev[i], &cur[j])
			i, j = i+1, j+1
		}
	}
}

// lineChange returns the fields in which the line of one ship differs.
func lineChange(p, c *RosterLine) RosterField {
	var m RosterField
	if p.Flags != c.Flags {
		m |= RosterFlags
	}
	if p.Score != c.Score {
		m |= RosterScore
	}
	if p.Kills != c.Kills || p.Deaths != c.Deaths {
		m |= RosterKD
	}
	if p.MapX != c.MapX || p.MapY != c.MapY {
		m |= RosterMap
	}
	return m
}

// values returns how many integers follow a change's mask.
func (m RosterField) values() int {
	n := 0
	if m&RosterFlags != 0 {
		n++
	}
	if m&RosterScore != 0 {
		n++
	}
	if m&RosterKD != 0 {
		n += 2
	}
	if m&RosterMap != 0 {
		n += 2
	}
	return n
}

func appendLine(b []byte, l *RosterLine) []byte {
	b = appendArray(b, lineRecord)
	b = appendUint(b, uint64(l.Ship))
	b = appendString(b, l.Name)
	b = appendUint(b, uint64(l.Flags))
	b = appendInt(b, int64(l.Score))
	b = appendInt(b, int64(l.Kills))
	b = appendInt(b, int64(l.Deaths))
	b = appendUint(b, uint64(l.MapX))
	return appendUint(b, uint64(l.MapY))
}

func appendRosterChange(b []byte, prev *uint32, c *RosterChange) []byte {
	b = appendUint(b, uint64(c.Ship-*prev))
	*prev = c.Ship
	b = appendUint(b, uint64(c.Mask))
	if c.Mask&RosterFlags != 0 {
		b = appendUint(b, uint64(c.Flags))
	}
	if c.Mask&RosterScore != 0 {
		b = appendInt(b, int64(c.Score))
	}
	if c.Mask&RosterKD != 0 {
		b = appendInt(b, int64(c.Kills))
		b = appendInt(b, int64(c.Deaths))
	}
	if c.Mask&RosterMap != 0 {
		b = appendUint(b, uint64(c.MapX))
		b = appendUint(b, uint64(c.MapY))
	}
	return b
}

// decodeRoster reads the fields of a roster message after its type into m,
// reusing m's slices.
func decodeRoster(r *reader, m *Roster) {
	m.Tick, m.Base = r.u32(), r.u32()
	m.Lines, m.Changes, m.Removed = m.Lines[:0], m.Changes[:0], m.Removed[:0]
	var prev uint32
	for k, n := 0, r.array(MaxEntities); k < n && r.err == nil; k++ {
		if r.array(lineRecord) != lineRecord {
			r.fail(ErrRange)
		}
		l := RosterLine{Ship: r.u32(), Name: r.str(MaxNameLen), Flags: Flags(r.ranged(0, int64(FlagDead|FlagBot|FlagIdle)))}
		l.Score, l.Kills, l.Deaths = r.i32(), r.i32(), r.i32()
		l.MapX, l.MapY = r.u8(), r.u8()
		if k > 0 && l.Ship <= prev {
			r.fail(fmt.Errorf("%w: roster lines not in increasing ship order", ErrRange))
		}
		prev = l.Ship
		m.Lines = append(m.Lines, l)
	}
	n := r.array(MaxEntities * 8)
	prev = 0
	for k := 0; k < n && r.err == nil; {
		c := RosterChange{Ship: nextID(r, prev)}
		prev = c.Ship
		c.Mask = RosterField(r.ranged(1, int64(allRosterFields)))
		k += 2 + c.Mask.values()
		if k > n {
			r.fail(fmt.Errorf("%w: roster change past the end of its list", ErrRange))
			break
		}
		if c.Mask&RosterFlags != 0 {
			c.Flags = Flags(r.ranged(0, int64(FlagDead|FlagBot|FlagIdle)))
		}
		if c.Mask&RosterScore != 0 {
			c.Score = r.i32()
		}
		if c.Mask&RosterKD != 0 {
			c.Kills, c.Deaths = r.i32(), r.i32()
		}
		if c.Mask&RosterMap != 0 {
			c.MapX, c.MapY = r.u8(), r.u8()
		}
		m.Changes = append(m.Changes, c)
	}
	prev = 0
	for k, n := 0, r.array(MaxEntities); k < n && r.err == nil; k++ {
		prev = nextID(r, prev)
		m.Removed = append(m.Removed, prev)
	}
}

// Apply turns the roster v holds into the one m describes: a whole roster
// (Base 0) replaces it; a difference must be based on v's tick, change and
// remove ships v has and add ships it has not. On error (wrapping ErrBase)
// v is left in an unspecified state and the client should ask for a whole
// roster (reconnect).
func (v *RosterView) Apply(m *Roster) error {
	if m.Base == 0 {
		v.Tick = m.Tick
		v.Lines = append(v.Lines[:0], m.Lines...)
		return nil
	}
	if m.Base != v.Tick {
		return fmt.Errorf("%w: roster at tick %d, difference from %d", ErrBase, v.Tick, m.Base)
	}
	find := func(ship uint32) (int, bool) {
		return slices.BinarySearchFunc(v.Lines, ship, func(l RosterLine, s uint32) int { return cmpU32(l.Ship, s) })
	}
	for i := range m.Changes {
		c := &m.Changes[i]
		k, ok := find(c.Ship)
		if !ok {
			return fmt.Errorf("%w: roster change of ship %d, which it does not list", ErrBase, c.Ship)
		}
		l := &v.Lines[k]
		if c.Mask&RosterFlags != 0 {
			l.Flags = c.Flags
		}
		if c.Mask&RosterScore != 0 {
			l.Score = c.Score
		}
		if c.Mask&RosterKD != 0 {
			l.Kills, l.Deaths = c.Kills, c.Deaths
		}
		if c.Mask&RosterMap != 0 {
			l.MapX, l.MapY = c.MapX, c.MapY
		}
	}
	for _, ship := range m.Removed {
		k, ok := find(ship)
		if !ok {
			return fmt.Errorf("%w: roster removes ship %d, which it does not list", ErrBase, ship)
		}
		v.Lines = slices.Delete(v.Lines, k, k+1)
	}
	for i := range m.Lines {
		k, ok := find(m.Lines[i].Ship)
		if ok {
			return fmt.Errorf("%w: roster adds ship %d, which it lists already", ErrBase, m.Lines[i].Ship)
		}
		v.Lines = slices.Insert(v.Lines, k, m.Lines[i])
	}
	v.Tick = m.Tick
	return nil
}

func cmpU32(a, b uint32) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
