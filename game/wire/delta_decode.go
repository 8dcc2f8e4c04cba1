package wire

import (
	"fmt"
	"math"
	"slices"

	"github.com/tickarena/tickarena/game"
)

// readID reads an id written by appendID.
func readID(r *reader, prev *uint32) uint32 {
	*prev += uint32(r.i32())
	return *prev
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
