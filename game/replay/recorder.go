package replay

import (
	"fmt"
	"sort"

	"github.com/tickarena/tickarena/game"
)

// DefaultKeyframeSeconds is the time between keyframes when Options leaves it zero.
const DefaultKeyframeSeconds = 15

// Options configure a Recorder.
type Options struct {
	// KeyframeSeconds is the time between two keyframes, in seconds of play.
	// Zero means DefaultKeyframeSeconds; at most 60. A seek simulates at most
	// this much; shorter makes bigger recordings.
	KeyframeSeconds int
}

// slot is one ship of the current segment's roster as the recorder sees it.
type slot struct {
	id      uint32
	present bool       // in the world now
	x, y    int32      // position before the coming step
	aim     game.Angle // the ship's aim
	buttons game.Buttons
	seq     uint32
	target  int32 // roster index of the tracked ship, -1 for none
	offset  int16
	in      game.Input // the last input applied at this step
	has     bool       // whether in is set
	// A change of aim target waits one tick, until the next aim tells which
	// of the candidates the ship follows: pending says so, at names its kind
	// byte, cands are the candidates with their offsets.
	pending bool
	at      int
	cands   []cand
	// This segment's data of the ship, tick by tick: kinds in kinds, the
	// payloads in the sections they go to.
	kinds []byte
	data  [numSections][]byte
}

// cand is a ship that another ship may be aiming at, and with which error.
type cand struct {
	slot   int32
	offset int16
}

// Recorder records one round at a time. One goroutine drives it: Start when
// the round starts, then after every game.Step its Step, and after every other
// change to the world (AddShip, RemoveShip, SetIdle, a reset of LastSeq) the
// matching method, then Finish. A zero Recorder records nothing until Start.
// Buffers are kept from round to round, so that once they have grown to a
// round's size recording allocates nothing.
type Recorder struct {
	opts     Options
	on       bool
	err      error
	meta     Meta
	segStart uint32
	tick     uint32 // the world's tick after the last Step (or Start)
	lastEv   uint32 // tick of the last event written
	slots    []slot // the roster of the current segment; kept beyond len for reuse
	state    game.State
	sec      [numSections][]byte
}

// NewRecorder returns a recorder with options o.
func NewRecorder(o Options) *Recorder {
	return &Recorder{opts: o.withDefaults()}
}

func (o Options) withDefaults() Options {
	if o.KeyframeSeconds <= 0 {
		o.KeyframeSeconds = DefaultKeyframeSeconds
	}
	o.KeyframeSeconds = min(o.KeyframeSeconds, MaxKeyframeTicks/60)
	return o
}

// Recording reports whether a round is being recorded.
func (r *Recorder) Recording() bool { return r.on }

// Start begins recording from w's current state, dropping any recording in
// progress. Call it between steps: typically right after the Step that started
// a round, or on a new world. m's Rules, StartTick, Round and KeyframeTicks are
// filled in from w.
func (r *Recorder) Start(w *game.World, m Meta) {
	r.opts = r.opts.withDefaults()
	m.Rules = w.Rules
	m.StartTick = w.Tick
	m.Round = w.Round
	m.KeyframeTicks = uint32(r.opts.KeyframeSeconds) * uint32(w.TickRate)
	r.meta = m
	r.on, r.err = true, nil
	for i := range r.sec {
		r.sec[i] = r.sec[i][:0]
	}
	r.slots = r.slots[:0]
	r.tick, r.lastEv = w.Tick, w.Tick
	r.beginSegment(w)
}

// Abort drops the recording in progress.
func (r *Recorder) Abort() { r.on = false }

// beginSegment writes a keyframe of w and starts a segment whose roster is
// the ships of w.
func (r *Recorder) beginSegment(w *game.World) {
	r.segStart = w.Tick
	w.SaveState(&r.state)
	r.sec[secKeyframes] = appendState(r.sec[secKeyframes], &r.state)
	r.slots = r.slots[:0]
	for i := range w.Ships {
		s := &w.Ships[i]
		sl := r.newSlot(s)
		sl.buttons, sl.seq = s.Held(), s.LastSeq
	}
}

// newSlot appends a slot for ship s to the roster, reusing a dropped slot's buffers.
func (r *Recorder) newSlot(s *game.Ship) *slot {
	n := len(r.slots)
	if n < cap(r.slots) {
		r.slots = r.slots[:n+1]
	} else {
		r.slots = append(r.slots, slot{})
	}
	sl := &r.slots[n]
	kinds, data, cands := sl.kinds[:0], sl.data, sl.cands[:0]
	if k := int(r.meta.KeyframeTicks); cap(kinds) < k {
		kinds = make([]byte, 0, k) // what a segment needs, once
	}
	for i := range data {
		data[i] = data[i][:0]
	}
	*sl = slot{id: s.ID, present: true, x: s.X, y: s.Y, aim: s.Aim, target: -1, kinds: kinds, data: data, cands: cands}
	return sl
}

// find returns the roster slot of ship id, or nil.
func (r *Recorder) find(id uint32) *slot {
	i := sort.Search(len(r.slots), func(i int) bool { return r.slots[i].id >= id })
	if i < len(r.slots) && r.slots[i].id == id {
		return &r.slots[i]
	}
	return nil
}

// event starts an event record of kind k about ship id at w's tick.
func (r *Recorder) event(tick uint32, k byte, id uint32) {
	if tick != r.tick {
		r.fail(fmt.Errorf("replay: a change at tick %d, but the last step recorded is %d", tick, r.tick))
	}
	b := appendUv(r.sec[secEvents], uint64(tick-r.lastEv))
	b = append(b, k)
	r.sec[secEvents] = appendUv(b, uint64(id))
	r.lastEv = tick
}

// Joined records that ship id was just added to w (world.AddShip).
func (r *Recorder) Joined(w *game.World, id uint32) {
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
	for range w.Tick - r.segStart { // the ticks of the segment before it joined
		sl.kinds = append(sl.kinds, 0)
	}
}

// Left records that ship id was just removed from w (world.RemoveShip).
func (r *Recorder) Left(w *game.World, id uint32) {
	if sl := r.find(id); r.on && sl != nil && sl.present {
		r.event(w.Tick, evLeave, id)
		sl.present = false
	}
}

// Idle records that ship id was just set idle or back in play (world.SetIdle).
func (r *Recorder) Idle(w *game.World, id uint32, idle bool) {
	if sl := r.find(id); r.on && sl != nil && sl.present {
		r.event(w.Tick, evIdle, id)
		r.sec[secEvents] = appendBool(r.sec[secEvents], idle)
	}
}

// SeqReset records that ship id's LastSeq was just set to 0, as a server does
// when a player's new connection numbers its inputs from 1 again.
func (r *Recorder) SeqReset(w *game.World, id uint32) {
	if sl := r.find(id); r.on && sl != nil && sl.present {
		r.event(w.Tick, evSeqReset, id)
		sl.seq = 0
	}
}

func (r *Recorder) fail(err error) {
	if r.err == nil {
		r.err = err
	}
}

// Step records the step w just took: the inputs it applied (w.Applied), and a
// keyframe when one is due.
func (r *Recorder) Step(w *game.World) {
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

// encode writes the payload of input in of ship sl and returns its kind byte.
func (r *Recorder) encode(sl *slot, in game.Input) byte {
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

// aimMode chooses how to store aim a of ship sl, writes its payload and
// returns the mode.
func (r *Recorder) aimMode(sl *slot, a game.Angle) byte {
	if a == sl.aim {
		return aimSame
	}
	if sl.target >= 0 {
		if t := &r.slots[sl.target]; t.present && aimAt(sl.x, sl.y, t.x, t.y, sl.offset) == a {
			return aimTracked
		}
	}
	// Which ship is it aiming at now? Keep those close to its line of aim;
	// the next tick's aim tells (resolve).
	sl.cands = sl.cands[:0]
	c, s := int64(game.Cos(a)), int64(game.Sin(a))
	for i := range r.slots {
		t := &r.slots[i]
		if !t.present || t == sl || !mayAimAt(sl.x, sl.y, t.x, t.y, c, s) {
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
	return 0 // the mode is filled in by resolve
}

// resolve chooses the ship that sl aimed at in its pending tick: among the
// candidates, the one that also explains its next aim (next, when it has one),
// else the one closest to its line of aim; and writes that tick's aim data.
func (r *Recorder) resolve(sl *slot, has bool, next game.Angle) {
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
	r.putOffset(sl)
	sl.kinds[sl.at] |= mode << kindAimShift
	sl.pending = false
}

// resolveAll resolves every pending aim with no next aim to go by, before a
// segment ends.
func (r *Recorder) resolveAll() {
	for i := range r.slots {
		if sl := &r.slots[i]; sl.pending {
			r.resolve(sl, false, 0)
		}
	}
}

// mayAimAt reports whether a ship at (x, y) aiming along (c, s), the Cos and
// Sin of its aim, may be within maxOffset of aiming at (tx, ty): a few
// multiplications where the exact test takes an Atan2 and its two
// divisions. It is conservative, false only where the exact test fails too:
// it admits up to 24 degrees either side of the aim, the exact test 22.5 and
// the error of the tables is under 0.1 degree, so a recording is the same
// byte for byte (TestMayAimAtAdmitsEveryCandidate).
func mayAimAt(x, y, tx, ty int32, c, s int64) bool {
	// The same wrapping int32 differences aimAt takes.
	dx, dy := int64(tx-x), int64(ty-y)
	if dx == 0 && dy == 0 {
		return true // Atan2(0, 0) is 0: let the exact test decide
	}
	dot := dx*c + dy*s // |d| cos θ, scaled by TrigOne
	if dot <= 0 {
		return false // 90 degrees or more off the aim
	}
	cross := dx*s - dy*c // |d| sin θ, up to its sign
	if cross < 0 {
		cross = -cross
	}
	return cross*9 <= dot*4 // tan θ <= 4/9: θ within 24 degrees
}

func (r *Recorder) putOffset(sl *slot) {
	sl.data[secOffLo] = append(sl.data[secOffLo], byte(sl.offset))
	sl.data[secOffHi] = append(sl.data[secOffHi], byte(uint16(sl.offset)>>8))
}

func abs16(v int16) int32 {
	if v < 0 {
		return -int32(v)
	}
	return int32(v)
}

// moved copies the positions of w's ships into the roster: where they are
// before the next step.
func (r *Recorder) moved(w *game.World) {
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

// endSegment appends the roster's data to the sections, ship by ship.
func (r *Recorder) endSegment() {
	for i := range r.slots {
		r.sec[secKinds] = append(r.sec[secKinds], r.slots[i].kinds...)
	}
	for s := secButtons; s < numSections; s++ {
		for i := range r.slots {
			r.sec[s] = append(r.sec[s], r.slots[i].data[s]...)
		}
	}
}

// Finish ends the recording after the last step of the round (or at any
// point between steps, when the round is cut short) and returns it. The
// recording owns its bytes; the recorder is ready for the next Start.
func (r *Recorder) Finish(w *game.World) (*Recording, error) {
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
	size := 256
	for _, s := range r.sec {
		size += len(s) + 10
	}
	body := make([]byte, 0, size)
	body = appendMeta(body, &r.meta)
	body = appendSummary(body, &sum)
	for _, s := range r.sec {
		body = appendUv(body, uint64(len(s)))
		body = append(body, s...)
	}
	return &Recording{Meta: r.meta, Summary: sum, body: body}, nil
}
