package replay

import (
	"encoding/binary"
	"fmt"
	"io"

	"github.com/tickarena/tickarena/game"
)

// Player plays a Replay: it steps a world with the recorded inputs and changes,
// and seeks through keyframes. One goroutine uses it.
type Player struct {
	rp     *Replay
	w      *game.World
	seg    int    // the current segment
	step   uint32 // steps taken in it
	ev     int    // the next event to apply
	ships  []playShip
	inputs []game.Input
}

// playShip is the decoding state of one roster ship in the current segment.
type playShip struct {
	cur     [numSections]int
	buttons game.Buttons
	target  int32 // roster index, -1 for none
	offset  int16
}

// NewPlayer returns a player at the start of the recording.
func (rp *Replay) NewPlayer() (*Player, error) {
	p := &Player{rp: rp}
	if err := p.Seek(rp.Meta.StartTick); err != nil {
		return nil, err
	}
	return p, nil
}

// World returns the world being played. It changes with Step and Seek, which
// may replace it; read it, do not change it.
func (p *Player) World() *game.World { return p.w }

// Tick returns the world's tick.
func (p *Player) Tick() uint32 { return p.w.Tick }

// Seek moves the world to tick (StartTick ≤ tick ≤ EndTick): it restores the
// last keyframe at or before tick and steps from there.
func (p *Player) Seek(tick uint32) error {
	rp := p.rp
	if tick < rp.Meta.StartTick || tick > rp.Summary.EndTick {
		return fmt.Errorf("replay: seek to tick %d outside %d..%d", tick, rp.Meta.StartTick, rp.Summary.EndTick)
	}
	i := min(int((tick-rp.Meta.StartTick)/rp.Meta.KeyframeTicks), len(rp.segs)-1)
	w, err := game.RestoreWorld(rp.Meta.Rules, &rp.keyframes[i])
	if err != nil {
		return fmt.Errorf("%w: keyframe %d: %v", ErrCorrupt, i, err)
	}
	p.w = w
	p.enter(i)
	for p.w.Tick < tick {
		if err := p.Step(); err != nil {
			return err
		}
	}
	return nil
}

// enter starts segment i with the world at its keyframe's tick.
func (p *Player) enter(i int) {
	seg := &p.rp.segs[i]
	p.seg, p.step, p.ev = i, 0, seg.firstEvent
	p.ships = p.ships[:0]
	for j, id := range seg.roster {
		ps := playShip{cur: seg.cur[j], target: -1}
		if s := p.w.Ship(id); s != nil {
			ps.buttons = s.Held()
		}
		p.ships = append(p.ships, ps)
	}
}

// Step applies the changes recorded at the world's tick and takes one step.
// At the end of the recording it applies the last changes and returns io.EOF.
func (p *Player) Step() error {
	seg := &p.rp.segs[p.seg]
	for p.step == seg.ticks { // the last segment may hold no step
		if p.seg == len(p.rp.segs)-1 {
			if err := p.applyEvents(); err != nil {
				return err
			}
			return io.EOF
		}
		p.enter(p.seg + 1)
		seg = &p.rp.segs[p.seg]
	}
	if err := p.applyEvents(); err != nil {
		return err
	}
	p.inputs = p.inputs[:0]
	for i, id := range seg.roster {
		in, ok, err := p.input(seg, i, id)
		if err != nil {
			return fmt.Errorf("tick %d: %w", p.w.Tick+1, err)
		}
		if ok {
			p.inputs = append(p.inputs, in)
		}
	}
	game.Step(p.w, p.inputs)
	p.step++
	return nil
}

// applyEvents applies the events recorded at the world's tick.
func (p *Player) applyEvents() error {
	w := p.w
	for ; p.ev < len(p.rp.events) && p.rp.events[p.ev].tick == w.Tick; p.ev++ {
		e := &p.rp.events[p.ev]
		var err error
		switch e.kind {
		case evJoin:
			if id := w.AddShip(e.name, e.flag); id != e.ship {
				err = fmt.Errorf("ship %d joined as %d", e.ship, id)
			}
		case evLeave:
			err = w.RemoveShip(e.ship)
		case evIdle:
			err = w.SetIdle(e.ship, e.flag)
		case evSeqReset:
			if s := w.Ship(e.ship); s != nil {
				s.LastSeq = 0
			} else {
				err = game.ErrNoShip
			}
		}
		if err != nil {
			return fmt.Errorf("%w: tick %d: event %d on ship %d: %v", ErrCorrupt, w.Tick, e.kind, e.ship, err)
		}
	}
	return nil
}

// input decodes the input of roster ship i (id) for the coming step.
func (p *Player) input(seg *segment, i int, id uint32) (game.Input, bool, error) {
	sec := &p.rp.sec
	ps := &p.ships[i]
	k := sec[secKinds][ps.cur[secKinds]+int(p.step)]
	if k == 0 {
		return game.Input{}, false, nil
	}
	s := p.w.Ship(id)
	if s == nil {
		return game.Input{}, false, fmt.Errorf("%w: input for ship %d, which is not in the world", ErrCorrupt, id)
	}
	in := game.Input{Ship: id, Seq: s.LastSeq + 1, Aim: s.Aim}
	if k&kindSeq != 0 {
		d, n := binary.Uvarint(sec[secSeq][ps.cur[secSeq]:])
		ps.cur[secSeq] += n
		if uint64(s.LastSeq)+d > 1<<32-1 {
			return game.Input{}, false, fmt.Errorf("%w: ship %d's sequence number overflows", ErrCorrupt, id)
		}
		in.Seq = s.LastSeq + uint32(d)
	}
	if k&kindButtons != 0 {
		ps.buttons = game.Buttons(sec[secButtons][ps.cur[secButtons]])
		ps.cur[secButtons]++
	}
	in.Buttons = ps.buttons
	switch (k & kindAimMask) >> kindAimShift {
	case aimTracked, aimNewOffset, aimNewTarget:
		mode := (k & kindAimMask) >> kindAimShift
		if mode == aimNewTarget {
			t, n := binary.Uvarint(sec[secTarget][ps.cur[secTarget]:])
			ps.cur[secTarget] += n
			ps.target = int32(t)
		}
		if mode != aimTracked {
			ps.offset = int16(uint16(sec[secOffLo][ps.cur[secOffLo]]) | uint16(sec[secOffHi][ps.cur[secOffHi]])<<8)
			ps.cur[secOffLo]++
			ps.cur[secOffHi]++
		}
		t := p.w.Ship(seg.roster[ps.target])
		if t == nil {
			return game.Input{}, false, fmt.Errorf("%w: ship %d aims at ship %d, which is not in the world", ErrCorrupt, id, seg.roster[ps.target])
		}
		in.Aim = aimAt(s.X, s.Y, t.X, t.Y, ps.offset)
	case aimAbsolute:
		in.Aim = game.Angle(binary.LittleEndian.Uint16(sec[secAim][ps.cur[secAim]:]))
		ps.cur[secAim] += 2
		ps.target = -1
	}
	return in, true, nil
}

// Verify plays the whole recording and checks that it goes as recorded: the
// world at every keyframe is the keyframe, and at the end it has the recorded
// hash and the recorded result for every player. Its error wraps ErrMismatch
// and names the first difference.
func (rp *Replay) Verify() error {
	p, err := rp.NewPlayer()
	if err != nil {
		return err
	}
	m := &rp.Meta
	for {
		err := p.Step()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if n := p.w.Tick - m.StartTick; n%m.KeyframeTicks == 0 {
			kw, err := game.RestoreWorld(m.Rules, &rp.keyframes[n/m.KeyframeTicks])
			if err != nil {
				return fmt.Errorf("%w: keyframe at tick %d: %v", ErrCorrupt, p.w.Tick, err)
			}
			if got, want := p.w.Hash(), kw.Hash(); got != want {
				return fmt.Errorf("%w: at tick %d the world hashes %#016x, its keyframe %#016x", ErrMismatch, p.w.Tick, got, want)
			}
		}
	}
	return rp.check(p.w)
}

// check compares the world at the end of the recording with its summary.
func (rp *Replay) check(w *game.World) error {
	s := &rp.Summary
	got := w.Standings()
	if s.Ended {
		if w.Result == nil {
			return fmt.Errorf("%w: the recorded round ended at tick %d, the replayed one did not", ErrMismatch, s.EndTick)
		}
		got = w.Result.Players
	}
	if len(got) != len(s.Players) {
		return fmt.Errorf("%w: %d players in the result, recorded %d", ErrMismatch, len(got), len(s.Players))
	}
	for i, want := range s.Players {
		if got[i] != want {
			return fmt.Errorf("%w: result line %d is %+v, recorded %+v", ErrMismatch, i+1, got[i], want)
		}
	}
	if h := w.Hash(); h != s.Hash {
		return fmt.Errorf("%w: final world hash %#016x, recorded %#016x", ErrMismatch, h, s.Hash)
	}
	return nil
}
