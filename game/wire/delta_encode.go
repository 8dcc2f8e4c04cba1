package wire

import "github.com/tickarena/tickarena/game"

// DeltaEncoder diffs views and encodes deltas. It keeps scratch memory between
// calls; one goroutine uses it at a time.
type DeltaEncoder struct {
	created []int32
	changed []changeRef
	removed []uint32
	// AppendRef's scratch bitsets over the current snapshot's entities: the
	// baseline's entities carried to it, and those that stay in view.
	was, stay []uint64
}

// maxChangeValues is the number of values of one change on the wire: id, mask
// and every field.
const maxChangeValues = 12

type changeRef struct {
	base, cur int32
	mask      Field
}

// Append appends to dst the delta message that turns base into cur, for a
// client whose last applied input is lastSeq, with the given events. A nil base
// or one at tick 0 gives a full snapshot.
func (e *DeltaEncoder) Append(dst []byte, base, cur *View, lastSeq uint32, events []game.Event) []byte {
	e.created, e.changed, e.removed = e.created[:0], e.changed[:0], e.removed[:0]
	var baseEnts []Entity
	var baseTick uint32
	if base != nil && base.Tick != 0 {
		baseEnts, baseTick = base.Entities, base.Tick
	}
	n := int32(cur.Tick - baseTick)
	changeValues := 0
	i, j := 0, 0
	for i < len(baseEnts) || j < len(cur.Entities) {
		switch {
		case j == len(cur.Entities) || (i < len(baseEnts) && baseEnts[i].ID < cur.Entities[j].ID):
			e.removed = append(e.removed, baseEnts[i].ID)
			i++
		case i == len(baseEnts) || cur.Entities[j].ID < baseEnts[i].ID:
			e.created = append(e.created, int32(j))
			j++
		default:
			b, c := &baseEnts[i], &cur.Entities[j]
			if !sameIdentity(b, c) {
				// The id names another entity now: remove and create, in that order.
				e.removed = append(e.removed, b.ID)
				e.created = append(e.created, int32(j))
			} else if m := diffMask(b, c, n); m != 0 {
				e.changed = append(e.changed, changeRef{base: int32(i), cur: int32(j), mask: m})
				changeValues += 2 + m.values()
			}
			i++
			j++
		}
	}

	var round *RoundInfo
	if base == nil || baseTick == 0 || base.Round != cur.Round {
		round = &cur.Round
	}
	dst = e.appendLists(dst, cur.Tick, baseTick, round, lastSeq, baseEnts, cur.Entities, changeValues)
	return appendEvents(dst, events, cur.Tick, cur)
}

// appendEvents appends the events' array of a delta at tick whose view is v.
func appendEvents(dst []byte, events []game.Event, tick uint32, v interface{ Find(uint32) *Entity }) []byte {
	dst = appendArray(dst, len(events))
	var ids eventIDs
	for i := range events {
		ev := &events[i]
		var owner *Entity
		if ev.Kind == game.Shot {
			owner = v.Find(ev.B)
		}
		dst = appendEvent(dst, ev, tick, owner, &ids)
	}
	return dst
}

// appendLists appends the head of a delta message at tick from baseTick
// (0: a full snapshot), with round when it is not the base's, then the
// entities created, changed and removed that e holds, as indices into
// curEnts and baseEnts; changeValues is the length of the changes' list.
// The events' array is the caller's to append.
func (e *DeltaEncoder) appendLists(dst []byte, tick, baseTick uint32, round *RoundInfo, lastSeq uint32, baseEnts, curEnts []Entity, changeValues int) []byte {
	n := int32(tick - baseTick)
	dst = appendArray(dst, 9)
	dst = appendUint(dst, uint64(TypeDelta))
	dst = appendUint(dst, uint64(tick))
	dst = appendUint(dst, uint64(tick-baseTick))
	dst = appendUint(dst, uint64(lastSeq))
	if round == nil {
		dst = append(dst, 0xc0)
	} else {
		dst = appendArray(dst, 3)
		dst = appendUint(dst, uint64(round.Round))
		dst = appendUint(dst, uint64(round.Phase))
		dst = appendUint(dst, uint64(round.PhaseEnd))
	}

	dst = appendArray(dst, len(e.created))
	var prev uint32
	for _, ci := range e.created {
		c := &curEnts[ci]
		dst = appendEntity(dst, c, c.ID-prev)
		prev = c.ID
	}

	// Changes are one flat list of integers: the mask says how many follow.
	dst = appendArray(dst, changeValues)
	prev = 0
	for _, ch := range e.changed {
		b, c := &baseEnts[ch.base], &curEnts[ch.cur]
		dst = appendChange(dst, b, c, ch.mask, n, c.ID-prev)
		prev = c.ID
	}

	dst = appendArray(dst, len(e.removed))
	prev = 0
	for _, id := range e.removed {
		dst = appendUint(dst, uint64(id-prev))
		prev = id
	}
	return dst
}

// values returns the number of values the fields of m take on the wire.
func (m Field) values() int {
	n := 0
	for f := FieldPos; f <= FieldKD; f <<= 1 {
		if m&f != 0 {
			n++
			if f == FieldPos || f == FieldVel || f == FieldKD {
				n++
			}
		}
	}
	return n
}

func appendEntity(dst []byte, c *Entity, idDelta uint32) []byte {
	if c.Kind == KindPellet {
		dst = appendArray(dst, 4)
		dst = appendUint(dst, uint64(idDelta))
		dst = appendUint(dst, uint64(c.Kind))
		dst = appendInt(dst, int64(c.X))
		return appendInt(dst, int64(c.Y))
	}
	dst = appendArray(dst, 13)
	dst = appendUint(dst, uint64(idDelta))
	dst = appendUint(dst, uint64(c.Kind))
	dst = appendInt(dst, int64(c.X))
	dst = appendInt(dst, int64(c.Y))
	dst = appendInt(dst, int64(c.VX))
	dst = appendInt(dst, int64(c.VY))
	dst = appendUint(dst, uint64(c.Aim))
	dst = appendUint(dst, uint64(c.HP))
	dst = appendUint(dst, uint64(c.Flags))
	dst = appendInt(dst, int64(c.Score))
	dst = appendInt(dst, int64(c.Kills))
	dst = appendInt(dst, int64(c.Deaths))
	return appendString(dst, c.Name)
}

func appendChange(dst []byte, b, c *Entity, m Field, n int32, idDelta uint32) []byte {
	dst = appendUint(dst, uint64(idDelta))
	dst = appendUint(dst, uint64(m))
	if m&FieldPos != 0 {
		dst = appendInt(dst, int64(c.X-(b.X+c.VX*n)))
		dst = appendInt(dst, int64(c.Y-(b.Y+c.VY*n)))
	}
	if m&FieldVel != 0 {
		dst = appendInt(dst, int64(c.VX-b.VX))
		dst = appendInt(dst, int64(c.VY-b.VY))
	}
	if m&FieldAim != 0 {
		dst = appendInt(dst, int64(int8(c.Aim-b.Aim)))
	}
	if m&FieldHP != 0 {
		dst = appendUint(dst, uint64(c.HP))
	}
	if m&FieldFlags != 0 {
		dst = appendUint(dst, uint64(c.Flags))
	}
	if m&FieldScore != 0 {
		dst = appendInt(dst, int64(c.Score))
	}
	if m&FieldKD != 0 {
		dst = appendInt(dst, int64(c.Kills))
		dst = appendInt(dst, int64(c.Deaths))
	}
	return dst
}

// appendID appends id as a signed 32-bit difference from *prev and makes it the
// new *prev. Events name the same few ships and bullets fired in the same
// ticks, so differences take one byte where ids take three or five.
func appendID(dst []byte, id uint32, prev *uint32) []byte {
	dst = appendInt(dst, int64(int32(id-*prev)))
	*prev = id
	return dst
}

// appendEvent appends ev to a delta at tick: ship and bullet ids as differences
// (see eventIDs), a shot's tick as how many ticks before the delta's it was
// fired. owner is a shot's owner as the delta's view holds it, nil when the
// view does not hold it.
func appendEvent(dst []byte, ev *game.Event, tick uint32, owner *Entity, ids *eventIDs) []byte {
	switch ev.Kind {
	case game.Shot:
		if ev.Tick == tick && fromMuzzle(ev, owner) {
			// The short form: fired this tick from its owner's muzzle, which the
			// client computes from the owner in the view.
			dst = appendArray(dst, 4)
			dst = appendUint(dst, uint64(ev.Kind))
			dst = appendID(dst, ev.A, &ids.bullet)
			dst = appendID(dst, ev.B, &ids.ship)
			return appendUint(dst, uint64(ev.Angle))
		}
		dst = appendArray(dst, 7)
		dst = appendUint(dst, uint64(ev.Kind))
		dst = appendID(dst, ev.A, &ids.bullet)
		dst = appendID(dst, ev.B, &ids.ship)
		dst = appendInt(dst, int64(ev.X))
		dst = appendInt(dst, int64(ev.Y))
		dst = appendUint(dst, uint64(ev.Angle))
		return appendUint(dst, uint64(tick-ev.Tick))
	case game.Hit:
		dst = appendArray(dst, 5)
		dst = appendUint(dst, uint64(ev.Kind))
		dst = appendID(dst, ev.A, &ids.ship)
		dst = appendID(dst, ev.B, &ids.ship)
		dst = appendID(dst, ev.C, &ids.bullet)
		return appendInt(dst, int64(ev.Value))
	case game.Death:
		dst = appendArray(dst, 5)
		dst = appendUint(dst, uint64(ev.Kind))
		dst = appendID(dst, ev.A, &ids.ship)
		dst = appendID(dst, ev.B, &ids.ship)
		dst = appendInt(dst, int64(ev.X))
		return appendInt(dst, int64(ev.Y))
	case game.Pickup:
		dst = appendArray(dst, 4)
		dst = appendUint(dst, uint64(ev.Kind))
		dst = appendID(dst, ev.A, &ids.ship)
		dst = appendUint(dst, uint64(ev.B))
		return appendInt(dst, int64(ev.Value))
	default: // game.Spawn
		dst = appendArray(dst, 4)
		dst = appendUint(dst, uint64(game.Spawn))
		dst = appendID(dst, ev.A, &ids.ship)
		dst = appendInt(dst, int64(ev.X))
		return appendInt(dst, int64(ev.Y))
	}
}

// fromMuzzle reports whether a shot starts at the muzzle of its owner o as a
// view holds it (nil: not in the view).
func fromMuzzle(ev *game.Event, o *Entity) bool {
	if o == nil || o.Kind != KindShip {
		return false
	}
	x, y := game.Muzzle(o.X, o.Y, ev.Angle)
	return x == ev.X && y == ev.Y
}

// WireEvent returns ev with only the fields its kind carries on the wire, as a
// decoder will see it.
func WireEvent(ev game.Event) game.Event {
	out := game.Event{Kind: ev.Kind, A: ev.A}
	switch ev.Kind {
	case game.Shot:
		out.B, out.X, out.Y, out.Angle, out.Tick = ev.B, ev.X, ev.Y, ev.Angle, ev.Tick
	case game.Hit:
		out.B, out.C, out.Value = ev.B, ev.C, ev.Value
	case game.Death:
		out.B, out.X, out.Y = ev.B, ev.X, ev.Y
	case game.Pickup:
		out.B, out.Value = ev.B, ev.Value
	default:
		out.Kind, out.X, out.Y = game.Spawn, ev.X, ev.Y
	}
	return out
}
