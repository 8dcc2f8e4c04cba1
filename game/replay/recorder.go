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

// slot is one ship of the current segment's roster as the recorder sees it;
// its id, presence and position are in the spot of the same index.
type slot struct {
	aim     game.Angle // the ship's aim
	buttons game.Buttons
	seq     uint32
	target  int32 // roster index of the tracked ship, -1 for none
	offset  int16
	in      game.Input // the last input applied at this step
	has     bool       // whether in is set
	// A change of aim target waits one tick, until the next aim tells which
	// of the candidates the ship follows: pending says so, at names its kind
	// byte, cands are the candidates with their offsets, and closest is the
	// index of the first of those closest to its line of aim.
	pending bool
	at      int
	cands   []cand
	closest int
	// An aim that keeps following no ship (a sweeping mouse, empty space)
	// rests from the search a while (settle): misses counts the searches in
	// a row that did not pay, rest the changed aims left to store whole
	// before the next one.
	misses uint8
	rest   uint8
	// This segment's data of the ship, tick by tick: kinds in kinds, the
	// payloads in the sections they go to.
	kinds []byte
	data  [numSections][]byte
}

// spot is a roster ship's id, and where it is before the coming step. The
// roster's spots are kept apart from its slots, index for index, so that the
// search for the ship an aim follows, which looks at every other ship, and
// the search for a ship by id read a dense array.
type spot struct {
	id      uint32
	x, y    int32
	present bool // in the world now
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
	spots    []spot // the roster's ids and positions, index for index with slots
	found    []cand // the candidates of the aim being stored (search)
	closest  int    // the index in found of the first closest to the line of aim
	searches int    // searches for the ship of an aim made so far (tests)
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
	r.slots, r.spots = r.slots[:0], r.spots[:0]
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
	*sl = slot{aim: s.Aim, target: -1, kinds: kinds, data: data, cands: cands}
	r.spots = append(r.spots, spot{id: s.ID, x: s.X, y: s.Y, present: true})
	return sl
}

// find returns the roster index of ship id, or -1. It looks at index hint
// first, where the ship is when inputs come in roster order.
func (r *Recorder) find(id uint32, hint int) int {
	sp := r.spots
	if hint < len(sp) && sp[hint].id == id && (hint == 0 || sp[hint-1].id < id) {
		return hint // where the search below would end
	}
	i := sort.Search(len(sp), func(i int) bool { return sp[i].id >= id })
	if i < len(sp) && sp[i].id == id {
		return i
	}
	return -1
}

// inWorld returns the roster index of ship id and whether it is in the world.
func (r *Recorder) inWorld(id uint32) (int, bool) {
	i := r.find(id, 0)
	return i, i >= 0 && r.spots[i].present
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
	if i, ok := r.inWorld(id); r.on && ok {
		r.event(w.Tick, evLeave, id)
		r.spots[i].present = false
	}
}

// Idle records that ship id was just set idle or back in play (world.SetIdle).
func (r *Recorder) Idle(w *game.World, id uint32, idle bool) {
	if _, ok := r.inWorld(id); r.on && ok {
		r.event(w.Tick, evIdle, id)
		r.sec[secEvents] = appendBool(r.sec[secEvents], idle)
	}
}

// SeqReset records that ship id's LastSeq was just set to 0, as a server does
// when a player's new connection numbers its inputs from 1 again.
func (r *Recorder) SeqReset(w *game.World, id uint32) {
	if i, ok := r.inWorld(id); r.on && ok {
		r.event(w.Tick, evSeqReset, id)
		r.slots[i].seq = 0
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
	next := 0
	for _, in := range w.Applied {
		if i := r.find(in.Ship, next); i >= 0 {
			r.slots[i].in, r.slots[i].has = in, true
			next = i + 1
		}
	}
	for i := range r.slots {
		sl := &r.slots[i]
		if !sl.has {
			if sl.pending {
				r.resolve(i, false) // no next aim to go by
			}
			sl.kinds = append(sl.kinds, 0)
			continue
		}
		sl.has = false
		sl.kinds = append(sl.kinds, r.encode(i, sl.in))
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

// encode writes the payload of input in of roster ship i and returns its
// kind byte.
func (r *Recorder) encode(i int, in game.Input) byte {
	sl := &r.slots[i]
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
	mode := r.aimMode(i, in.Aim)
	sl.aim = in.Aim
	return k | mode<<kindAimShift
}

// moved copies the positions of w's ships into the roster: where they are
// before the next step.
func (r *Recorder) moved(w *game.World) {
	j := 0
	for i := range w.Ships {
		s := &w.Ships[i]
		for j < len(r.spots) && r.spots[j].id < s.ID {
			j++
		}
		if j < len(r.spots) && r.spots[j].id == s.ID {
			r.spots[j].x, r.spots[j].y = s.X, s.Y
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
