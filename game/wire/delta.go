package wire

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/tickarena/tickarena/game"
)

// Bounds of a delta that a decoder accepts.
const (
	MaxEntities = 1 << 16 // per list in one delta
	MaxEvents   = 1 << 12
	MaxNameLen  = 64 // bytes
)

// ErrBase is returned by Apply when a delta is not based on the view it is applied to.
var ErrBase = errors.New("wire: delta does not apply to this view")

// Delta is a decoded delta message: what changed between the view at Base and
// the view at Tick. Base 0 means a full snapshot.
type Delta struct {
	Tick, Base uint32
	// LastSeq is the sequence number of the last input of this client that the
	// server applied, for reconciliation.
	LastSeq uint32
	// HasRound is set when Round changed since Base (always in a full snapshot).
	HasRound bool
	Round    RoundInfo
	Created  []Entity
	Changed  []Change
	Removed  []uint32
	// Events happened since Base. The origin (X, Y) of a shot sent in short form
	// is filled in by View.Apply, from its owner in the view.
	Events []game.Event
	// muzzleShots indexes the shots sent in short form, whose origin Apply
	// computes from their owner in the view.
	muzzleShots []int32
}

// Change is one changed entity: Mask says which fields are set. Positions,
// velocities and the aim are differences, as on the wire (the aim wraps around
// a turn); Apply turns them into values.
type Change struct {
	ID                   uint32
	Mask                 Field
	DX, DY, DVX, DVY     int32
	Aim, HP              uint8
	Flags                Flags
	Score, Kills, Deaths int32
}

// DeltaEncoder diffs views and encodes deltas. It keeps scratch memory between
// calls; one goroutine uses it at a time.
type DeltaEncoder struct {
	created []int32
	changed []changeRef
	removed []uint32
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

	dst = appendArray(dst, 9)
	dst = appendUint(dst, uint64(TypeDelta))
	dst = appendUint(dst, uint64(cur.Tick))
	dst = appendUint(dst, uint64(cur.Tick-baseTick))
	dst = appendUint(dst, uint64(lastSeq))
	if base != nil && baseTick != 0 && base.Round == cur.Round {
		dst = append(dst, 0xc0)
	} else {
		dst = appendArray(dst, 3)
		dst = appendUint(dst, uint64(cur.Round.Round))
		dst = appendUint(dst, uint64(cur.Round.Phase))
		dst = appendUint(dst, uint64(cur.Round.PhaseEnd))
	}

	dst = appendArray(dst, len(e.created))
	var prev uint32
	for _, ci := range e.created {
		c := &cur.Entities[ci]
		dst = appendEntity(dst, c, c.ID-prev)
		prev = c.ID
	}

	// Changes are one flat list of integers: the mask says how many follow.
	dst = appendArray(dst, changeValues)
	prev = 0
	for _, ch := range e.changed {
		b, c := &baseEnts[ch.base], &cur.Entities[ch.cur]
		dst = appendChange(dst, b, c, ch.mask, n, c.ID-prev)
		prev = c.ID
	}

	dst = appendArray(dst, len(e.removed))
	prev = 0
	for _, id := range e.removed {
		dst = appendUint(dst, uint64(id-prev))
		prev = id
	}

	dst = appendArray(dst, len(events))
	var ids eventIDs
	for i := range events {
		dst = appendEvent(dst, &events[i], cur, &ids)
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

// eventIDs are the last ship id and the last bullet id written in (or read
// from) a delta's list of events: ids in events are differences from them.
type eventIDs struct{ ship, bullet uint32 }

// appendID appends id as a signed 32-bit difference from *prev and makes it the
// new *prev. Events name the same few ships and bullets fired in the same
// ticks, so differences take one byte where ids take three or five.
func appendID(dst []byte, id uint32, prev *uint32) []byte {
	dst = appendInt(dst, int64(int32(id-*prev)))
	*prev = id
	return dst
}

// readID reads an id written by appendID.
func readID(r *reader, prev *uint32) uint32 {
	*prev += uint32(r.i32())
	return *prev
}

// appendEvent appends ev to a delta at tick: ship and bullet ids as differences
// (see eventIDs), a shot's tick as how many ticks before the delta's it was fired.
func appendEvent(dst []byte, ev *game.Event, cur *View, ids *eventIDs) []byte {
	tick := cur.Tick
	switch ev.Kind {
	case game.Shot:
		if ev.Tick == tick && fromMuzzle(ev, cur) {
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

// fromMuzzle reports whether a shot starts at the muzzle of its owner as the
// view holds it.
func fromMuzzle(ev *game.Event, v *View) bool {
	o := v.Find(ev.B)
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

// decodeDelta reads the fields of a delta message after its type into d,
// reusing d's slices.
func decodeDelta(r *reader, d *Delta) {
	d.Tick = r.u32()
	d.Base = d.Tick - r.u32() // sent as the ticks since the base: Tick for a full snapshot
	d.LastSeq = r.u32()
	d.HasRound = !r.isNil()
	if d.HasRound {
		if r.array(3) != 3 {
			r.fail(ErrRange)
		}
		d.Round = RoundInfo{Round: r.u32(), Phase: game.Phase(r.ranged(0, int64(game.Intermission))), PhaseEnd: r.u32()}
	}
	if d.Base == 0 && !d.HasRound {
		r.fail(fmt.Errorf("%w: full snapshot without round", ErrMalformed))
	}

	d.Created = d.Created[:0]
	var id uint32
	for k, n := 0, r.array(MaxEntities); k < n && r.err == nil; k++ {
		e := decodeEntity(r, &id)
		d.Created = append(d.Created, e)
	}
	d.Changed = d.Changed[:0]
	id = 0
	for k, n := 0, r.array(MaxEntities*maxChangeValues); k < n && r.err == nil; {
		c := decodeChange(r, &id)
		if k += 2 + c.Mask.values(); k > n {
			r.fail(fmt.Errorf("%w: changes overrun their list of %d values", ErrMalformed, n))
		}
		d.Changed = append(d.Changed, c)
	}
	d.Removed = d.Removed[:0]
	id = 0
	for k, n := 0, r.array(MaxEntities); k < n && r.err == nil; k++ {
		id = nextID(r, id)
		d.Removed = append(d.Removed, id)
	}
	d.Events = d.Events[:0]
	d.muzzleShots = d.muzzleShots[:0]
	var ids eventIDs
	for k, n := 0, r.array(MaxEvents); k < n && r.err == nil; k++ {
		ev, muzzle := decodeEvent(r, d.Tick, &ids)
		if muzzle {
			d.muzzleShots = append(d.muzzleShots, int32(len(d.Events)))
		}
		d.Events = append(d.Events, ev)
	}
}

// nextID reads an id difference and returns the id it leads to. Ids in a list
// strictly increase, so a difference is at least 1.
func nextID(r *reader, prev uint32) uint32 {
	d := r.ranged(1, 1<<32-1)
	if r.err == nil && uint64(prev)+uint64(d) > 1<<32-1 {
		r.fail(ErrRange)
	}
	return prev + uint32(d)
}

func decodeEntity(r *reader, id *uint32) Entity {
	n := r.array(13)
	*id = nextID(r, *id)
	e := Entity{ID: *id, Kind: Kind(r.u8())}
	switch {
	case r.err != nil:
	case e.Kind == KindPellet && n == 4:
		e.X, e.Y = r.i32(), r.i32()
	case e.Kind == KindShip && n == 13:
		e.X, e.Y, e.VX, e.VY = r.i32(), r.i32(), r.i32(), r.i32()
		e.Aim, e.HP, e.Flags = r.u8(), r.u8(), Flags(r.ranged(0, int64(FlagDead|FlagBot|FlagIdle)))
		e.Score, e.Kills, e.Deaths = r.i32(), r.i32(), r.i32()
		e.Name = r.str(MaxNameLen)
	default:
		r.fail(fmt.Errorf("%w: entity of kind %d with %d fields", ErrMalformed, e.Kind, n))
	}
	return e
}

func decodeChange(r *reader, id *uint32) Change {
	*id = nextID(r, *id)
	c := Change{ID: *id, Mask: Field(r.ranged(1, int64(allFields)))}
	if c.Mask&FieldPos != 0 {
		c.DX, c.DY = r.i32(), r.i32()
	}
	if c.Mask&FieldVel != 0 {
		c.DVX, c.DVY = r.i32(), r.i32()
	}
	if c.Mask&FieldAim != 0 {
		c.Aim = uint8(r.ranged(math.MinInt8, math.MaxInt8))
	}
	if c.Mask&FieldHP != 0 {
		c.HP = r.u8()
	}
	if c.Mask&FieldFlags != 0 {
		c.Flags = Flags(r.ranged(0, int64(FlagDead|FlagBot|FlagIdle)))
	}
	if c.Mask&FieldScore != 0 {
		c.Score = r.i32()
	}
	if c.Mask&FieldKD != 0 {
		c.Kills, c.Deaths = r.i32(), r.i32()
	}
	return c
}

// decodeEvent reads one event of a delta at tick (see appendEvent).
func decodeEvent(r *reader, tick uint32, ids *eventIDs) (ev game.Event, muzzle bool) {
	n := r.array(7)
	ev.Kind = game.EventKind(r.ranged(int64(game.Shot), int64(game.Spawn)))
	want := 0
	switch ev.Kind {
	case game.Shot:
		ev.A, ev.B = readID(r, &ids.bullet), readID(r, &ids.ship)
		if n == 4 {
			ev.Angle, ev.Tick, muzzle = game.Angle(r.u16()), tick, true
			want = 4
			break
		}
		ev.X, ev.Y, ev.Angle = r.i32(), r.i32(), game.Angle(r.u16())
		ev.Tick = tick - r.u32()
		want = 7
	case game.Hit:
		ev.A, ev.B, ev.C = readID(r, &ids.ship), readID(r, &ids.ship), readID(r, &ids.bullet)
		ev.Value = r.i32()
		want = 5
	case game.Death:
		ev.A, ev.B, ev.X, ev.Y = readID(r, &ids.ship), readID(r, &ids.ship), r.i32(), r.i32()
		want = 5
	case game.Pickup:
		ev.A, ev.B, ev.Value = readID(r, &ids.ship), r.u32(), r.i32()
		want = 4
	case game.Spawn:
		ev.A, ev.X, ev.Y = readID(r, &ids.ship), r.i32(), r.i32()
		want = 4
	}
	if r.err == nil && n != want {
		r.fail(fmt.Errorf("%w: event of kind %d with %d fields", ErrMalformed, ev.Kind, n))
	}
	return ev, muzzle
}

// Apply turns v, the view at d.Base (any view when d.Base is 0), into the view at
// d.Tick. Every entity first moves on with its velocity for d.Tick-d.Base ticks,
// then changes correct it (docs/protocol.md, "Deltas"). It checks that the delta
// fits: removed and changed ids exist, created ids do not, and a pellet changes
// only its position. After an error the view is no longer a valid baseline and the
// client must resync (reconnect for a full snapshot).
func (v *View) Apply(d *Delta) error {
	if d.Base == 0 {
		v.Entities = v.Entities[:0]
	} else if v.Tick != d.Base {
		return fmt.Errorf("%w: view at tick %d, delta from %d", ErrBase, v.Tick, d.Base)
	}
	if d.Tick <= d.Base {
		return fmt.Errorf("%w: delta tick %d not after base %d", ErrBase, d.Tick, d.Base)
	}
	n := int32(d.Tick - d.Base)
	if d.Base != 0 {
		// Entities move on with the velocity they had; changes correct from there.
		for i := range v.Entities {
			e := &v.Entities[i]
			e.X, e.Y = e.X+e.VX*n, e.Y+e.VY*n
		}
	}
	for i := range d.Changed {
		c := &d.Changed[i]
		e := v.Find(c.ID)
		if e == nil {
			return fmt.Errorf("%w: changed entity %d is not in the view", ErrBase, c.ID)
		}
		if e.Kind == KindPellet && c.Mask&^FieldPos != 0 {
			// A pellet only has a position; a mirror must stay a view that a
			// full snapshot can express.
			return fmt.Errorf("%w: change of fields %#x of pellet %d", ErrBase, c.Mask, c.ID)
		}
		applyChange(e, c, n)
	}
	if len(d.Removed) > 0 {
		kept, ri := v.Entities[:0], 0
		for _, e := range v.Entities {
			if ri < len(d.Removed) && d.Removed[ri] == e.ID {
				ri++
				continue
			}
			kept = append(kept, e)
		}
		if ri != len(d.Removed) {
			return fmt.Errorf("%w: removed entity %d is not in the view", ErrBase, d.Removed[ri])
		}
		v.Entities = kept
	}
	if len(d.Created) > 0 {
		v.Entities = append(v.Entities, d.Created...)
		slices.SortFunc(v.Entities, func(a, b Entity) int {
			switch {
			case a.ID < b.ID:
				return -1
			case a.ID > b.ID:
				return 1
			}
			return 0
		})
		for i := 1; i < len(v.Entities); i++ {
			if v.Entities[i].ID == v.Entities[i-1].ID {
				return fmt.Errorf("%w: created entity %d is already in the view", ErrBase, v.Entities[i].ID)
			}
		}
	}
	for _, i := range d.muzzleShots {
		ev := &d.Events[i]
		o := v.Find(ev.B)
		if o == nil || o.Kind != KindShip {
			return fmt.Errorf("%w: shot from ship %d, which is not in the view", ErrBase, ev.B)
		}
		ev.X, ev.Y = game.Muzzle(o.X, o.Y, ev.Angle)
	}
	v.Tick = d.Tick
	if d.HasRound {
		v.Round = d.Round
	}
	return nil
}

// applyChange applies c to e, which has already moved n ticks with its old
// velocity: a new velocity also moves it by the difference over those ticks.
func applyChange(e *Entity, c *Change, n int32) {
	if c.Mask&FieldVel != 0 {
		e.VX, e.VY = e.VX+c.DVX, e.VY+c.DVY
		e.X, e.Y = e.X+c.DVX*n, e.Y+c.DVY*n
	}
	if c.Mask&FieldPos != 0 {
		e.X, e.Y = e.X+c.DX, e.Y+c.DY
	}
	if c.Mask&FieldAim != 0 {
		e.Aim += c.Aim
	}
	if c.Mask&FieldHP != 0 {
		e.HP = c.HP
	}
	if c.Mask&FieldFlags != 0 {
		e.Flags = c.Flags
	}
	if c.Mask&FieldScore != 0 {
		e.Score = c.Score
	}
	if c.Mask&FieldKD != 0 {
		e.Kills, e.Deaths = c.Kills, c.Deaths
	}
}
