package replay

import (
	"fmt"
	"sort"

	"github.com/tickarena/tickarena/game"
)

// refRecorder is the Recorder as it was before its search for the ship an
// aim follows was made faster, with the exact test (aimAt) alone: the
// definition of the bytes a recording holds, against which
// TestRecorderMatchesReference checks the Recorder. Keep it as it is: it
// changes only with the format.
type refRecorder struct {
	keyframeSeconds int
	on              bool
	err             error
	meta            Meta
	segStart        uint32
	tick            uint32
	lastEv          uint32
	slots           []refSlot
	state           game.State
	sec             [numSections][]byte
}

type refSlot struct {
	id      uint32
	present bool
	x, y    int32
	aim     game.Angle
	buttons game.Buttons
	seq     uint32
	target  int32
	offset  int16
	in      game.Input
	has     bool
	pending bool
	at      int
	cands   []cand
	kinds   []byte
	data    [numSections][]byte
}

func (r *refRecorder) Start(w *game.World, m Meta) {
	m.Rules = w.Rules
	m.StartTick = w.Tick
	m.Round = w.Round
	m.KeyframeTicks = uint32(r.keyframeSeconds) * uint32(w.TickRate)
	r.meta = m
	r.on, r.err = true, nil
	r.sec = [numSections][]byte{}
	r.slots = nil
	r.tick, r.lastEv = w.Tick, w.Tick
	r.beginSegment(w)
}

func (r *refRecorder) beginSegment(w *game.World) {
	r.segStart = w.Tick
	w.SaveState(&r.state)
	r.sec[secKeyframes] = appendState(r.sec[secKeyframes], &r.state)
	r.slots = nil
	for i := range w.Ships {
		s := &w.Ships[i]
		sl := r.newSlot(s)
		sl.buttons, sl.seq = s.Held(), s.LastSeq
	}
}

func (r *refRecorder) newSlot(s *game.Ship) *refSlot {
	r.slots = append(r.slots, refSlot{id: s.ID, present: true, x: s.X, y: s.Y, aim: s.Aim, target: -1})
	return &r.slots[len(r.slots)-1]
}

func (r *refRecorder) find(id uint32) *refSlot {
	i := sort.Search(len(r.slots), func(i int) bool { return r.slots[i].id >= id })
	if i < len(r.slots) && r.slots[i].id == id {
		return &r.slots[i]
	}
	return nil
}

func (r *refRecorder) event(tick uint32, k byte, id uint32) {
	if tick != r.tick {
		r.fail(fmt.Errorf("replay: a change at tick %d, but the last step recorded is %d", tick, r.tick))
	}
	b := appendUv(r.sec[secEvents], uint64(tick-r.lastEv))
	b = append(b, k)
	r.sec[secEvents] = appendUv(b, uint64(id))
	r.lastEv = tick
}

func (r *refRecorder) Joined(w *game.World, id uint32) {
	if !r.on {
		return
	}
	s := w.Ship(id)
	if s == nil {
		return
	}
	if len(s.Name) > MaxName || len(r.slots) >= MaxShips {
		r.fail(fmt.Errorf("replay: ship %d cannot be recorded (name of %d bytes, %d ships)", id, len(s.Name), len(r.slots)))
		return
	}
	r.event(w.Tick, evJoin, id)
	r.sec[secEvents] = appendStr(appendBool(r.sec[secEvents], s.Bot), s.Name)
	sl := r.newSlot(s)
	for range w.Tick - r.segStart {
		sl.kinds = append(sl.kinds, 0)
	}
}

func (r *refRecorder) Left(w *game.World, id uint32) {
	if sl := r.find(id); r.on && sl != nil && sl.present {
		r.event(w.Tick, evLeave, id)
		sl.present = false
	}
}

func (r *refRecorder) Idle(w *game.World, id uint32, idle bool) {
	if sl := r.find(id); r.on && sl != nil && sl.present {
		r.event(w.Tick, evIdle, id)
		r.sec[secEvents] = appendBool(r.sec[secEvents], idle)
	}
}

func (r *refRecorder) SeqReset(w *game.World, id uint32) {
	if sl := r.find(id); r.on && sl != nil && sl.present {
		r.event(w.Tick, evSeqReset, id)
		sl.seq = 0
	}
}

func (r *refRecorder) fail(err error) {
	if r.err == nil {
		r.err = err
	}
}

func (r *refRecorder) Step(w *game.World) {
	if !r.on {
		return
	}
	if w.Tick != r.tick+1 {
		r.fail(fmt.Errorf("replay: step to tick %d recorded after tick %d: a step was missed", w.Tick, r.tick))
	}
	r.tick = w.Tick
	for _, in := range w.Applied {
		if sl := r.find(in.Ship); sl != nil {
			sl.in, sl.has = in, true
		}
	}
	for i := range r.slots {
		sl := &r.slots[i]
		if sl.pending {
			r.resolve(sl, sl.has, sl.in.Aim)
		}
		if !sl.has {
			sl.kinds = append(sl.kinds, 0)
			continue
		}
		sl.has = false
		sl.kinds = append(sl.kinds, r.encode(sl, sl.in))
	}
	r.moved(w)
	if (w.Tick-r.segStart)%r.meta.KeyframeTicks == 0 {
		r.resolveAll()
		r.endSegment()
		r.beginSegment(w)
	}
	if w.Tick-r.meta.StartTick >= MaxTicks {
		r.fail(fmt.Errorf("replay: round longer than %d ticks", MaxTicks))
	}
}

func (r *refRecorder) encode(sl *refSlot, in game.Input) byte {
	k := byte(kindInput)
	if in.Seq != sl.seq+1 {
		k |= kindSeq
		sl.data[secSeq] = appendUv(sl.data[secSeq], uint64(in.Seq-sl.seq))
	}
	sl.seq = in.Seq
	if in.Buttons != sl.buttons {
		k |= kindButtons
		sl.data[secButtons] = append(sl.data[secButtons], byte(in.Buttons))
		sl.buttons = in.Buttons
	}
	mode := r.aimMode(sl, in.Aim)
	sl.aim = in.Aim
	return k | mode<<kindAimShift
}

// aimMode is the search the Recorder makes faster: every other ship, with
// the exact test.
func (r *refRecorder) aimMode(sl *refSlot, a game.Angle) byte {
	if a == sl.aim {
		return aimSame
	}
	if sl.target >= 0 {
		if t := &r.slots[sl.target]; t.present && aimAt(sl.x, sl.y, t.x, t.y, sl.offset) == a {
			return aimTracked
		}
	}
	sl.cands = sl.cands[:0]
	for i := range r.slots {
		t := &r.slots[i]
		if !t.present || t == sl {
			continue
		}
		if off := int16(a - aimAt(sl.x, sl.y, t.x, t.y, 0)); abs16(off) <= maxOffset {
			sl.cands = append(sl.cands, cand{slot: int32(i), offset: off})
		}
	}
	if len(sl.cands) == 0 {
		sl.target = -1
		sl.data[secAim] = appendU16(sl.data[secAim], uint16(a))
		return aimAbsolute
	}
	sl.pending, sl.at = true, len(sl.kinds)
	return 0
}

func (r *refRecorder) resolve(sl *refSlot, has bool, next game.Angle) {
	best := -1
	matched := false
	for i, c := range sl.cands {
		m := false
		if t := &r.slots[c.slot]; has && t.present {
			m = aimAt(sl.x, sl.y, t.x, t.y, c.offset) == next
		}
		if best < 0 || (m && !matched) || (m == matched && abs16(c.offset) < abs16(sl.cands[best].offset)) {
			best, matched = i, m
		}
	}
	c := sl.cands[best]
	mode := byte(aimNewOffset)
	if c.slot != sl.target {
		mode = aimNewTarget
		sl.data[secTarget] = appendUv(sl.data[secTarget], uint64(c.slot))
	}
	sl.target, sl.offset = c.slot, c.offset
	sl.data[secOffLo] = append(sl.data[secOffLo], byte(sl.offset))
	sl.data[secOffHi] = append(sl.data[secOffHi], byte(uint16(sl.offset)>>8))
	sl.kinds[sl.at] |= mode << kindAimShift
	sl.pending = false
}

func (r *refRecorder) resolveAll() {
	for i := range r.slots {
		if sl := &r.slots[i]; sl.pending {
			r.resolve(sl, false, 0)
		}
	}
}

func (r *refRecorder) moved(w *game.World) {
	j := 0
	for i := range w.Ships {
		s := &w.Ships[i]
		for j < len(r.slots) && r.slots[j].id < s.ID {
			j++
		}
		if j < len(r.slots) && r.slots[j].id == s.ID {
			r.slots[j].x, r.slots[j].y = s.X, s.Y
		}
	}
}

func (r *refRecorder) endSegment() {
	for i := range r.slots {
		r.sec[secKinds] = append(r.sec[secKinds], r.slots[i].kinds...)
	}
	for s := secButtons; s < numSections; s++ {
		for i := range r.slots {
			r.sec[s] = append(r.sec[s], r.slots[i].data[s]...)
		}
	}
}

// Finish returns the recording's body, as Recorder.Finish makes it.
func (r *refRecorder) Finish(w *game.World) ([]byte, error) {
	if !r.on {
		return nil, fmt.Errorf("replay: finish: nothing is being recorded")
	}
	r.on = false
	if w.Tick != r.tick {
		r.fail(fmt.Errorf("replay: finish at tick %d, but the last step recorded is %d", w.Tick, r.tick))
	}
	if r.err != nil {
		return nil, r.err
	}
	if w.Tick != r.segStart {
		r.resolveAll()
		r.endSegment()
	}
	sum := Summary{EndTick: w.Tick, Hash: w.Hash()}
	if res := w.Result; res != nil && res.EndTick == w.Tick {
		sum.Ended = true
		sum.Players = append([]game.PlayerResult(nil), res.Players...)
	} else {
		sum.Players = w.Standings()
	}
	body := appendMeta(nil, &r.meta)
	body = appendSummary(body, &sum)
	for _, s := range r.sec {
		body = appendUv(body, uint64(len(s)))
		body = append(body, s...)
	}
	return body, nil
}
