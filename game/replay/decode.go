package replay

import (
	"encoding/binary"
	"fmt"
	"sync"

	"github.com/klauspost/compress/zstd"
	"github.com/tickarena/tickarena/game"
)

// Replay is a decoded recording, checked for structure; a Player plays it.
type Replay struct {
	Meta    Meta
	Summary Summary
	// Size is the length of the file it was decoded from, in bytes.
	Size int

	keyframes []game.State
	events    []event
	segs      []segment
	sec       [numSections][]byte
}

// event is a change to the world between two steps.
type event struct {
	tick uint32
	kind byte
	ship uint32
	flag bool   // bot for a join, idle for idle
	name string // for a join
}

// segment is the steps between two keyframes.
type segment struct {
	start      uint32 // the tick of its keyframe
	ticks      uint32 // how many steps it holds
	firstEvent int    // index of its first event
	roster     []uint32
	// cur[i] is where roster ship i's data starts in each section (in
	// secKinds: its first kind byte).
	cur [][numSections]int
}

// Ticks returns the recording's length in ticks.
func (rp *Replay) Ticks() uint32 { return rp.Summary.ticks(&rp.Meta) }

// decoder decompresses recordings; DecodeAll may be called concurrently.
var decoder = sync.OnceValue(func() *zstd.Decoder {
	d, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1),
		zstd.WithDecoderMaxMemory(MaxBody), zstd.WithDecoderMaxWindow(MaxBody))
	if err != nil {
		panic(fmt.Sprintf("replay: zstd decoder: %v", err)) // only for invalid options
	}
	return d
})

// ReadHeader checks the uncompressed header of file b: a recording of this
// format and rules version. Its errors wrap ErrVersion or ErrCorrupt and say
// which versions were found and expected.
func ReadHeader(b []byte) (bodySize int, err error) {
	if len(b) < HeaderSize || string(b[:4]) != Magic {
		return 0, fmt.Errorf("%w: not a tickarena replay (no %q header)", ErrCorrupt, Magic)
	}
	if v := binary.LittleEndian.Uint16(b[4:]); v != FormatVersion {
		return 0, fmt.Errorf("%w: replay format version %d, this build reads version %d", ErrVersion, v, FormatVersion)
	}
	if v := binary.LittleEndian.Uint16(b[6:]); v != game.RulesVersion {
		return 0, fmt.Errorf("%w: recorded under rules version %d, this build plays rules version %d", ErrVersion, v, game.RulesVersion)
	}
	n := binary.LittleEndian.Uint32(b[8:])
	if n > MaxBody {
		return 0, fmt.Errorf("%w: body of %d bytes, the limit is %d", ErrCorrupt, n, MaxBody)
	}
	return int(n), nil
}

// Decode reads a recording (a file made by Recording.Encode) and checks its
// structure, so that playing it can fail only on what the world itself refuses.
func Decode(b []byte) (*Replay, error) {
	n, err := ReadHeader(b)
	if err != nil {
		return nil, err
	}
	body, err := decoder().DecodeAll(b[HeaderSize:], make([]byte, 0, min(n, 1<<20)))
	if err != nil {
		return nil, fmt.Errorf("%w: decompress: %v", ErrCorrupt, err)
	}
	if len(body) != n {
		return nil, fmt.Errorf("%w: body of %d bytes, the header says %d", ErrCorrupt, len(body), n)
	}
	rp, err := decodeBody(body)
	if err != nil {
		return nil, err
	}
	rp.Size = len(b)
	return rp, nil
}

// decodeBody reads and checks an uncompressed body.
func decodeBody(body []byte) (*Replay, error) {
	rp := &Replay{}
	r := &reader{b: body}
	readMeta(r, &rp.Meta)
	readSummary(r, &rp.Summary)
	r.what = "sections"
	for i := range rp.sec {
		rp.sec[i] = r.bytes(int(r.upTo(uint64(r.left()), sectionNames[i]+" length")))
	}
	if r.err == nil && r.left() != 0 {
		r.fail("%d bytes after the last section", r.left())
	}
	if r.err != nil {
		return nil, r.err
	}
	m, s := &rp.Meta, &rp.Summary
	if s.EndTick < m.StartTick || s.EndTick-m.StartTick > MaxTicks {
		return nil, fmt.Errorf("%w: ends at tick %d, starts at %d", ErrCorrupt, s.EndTick, m.StartTick)
	}
	if err := rp.readKeyframes(); err != nil {
		return nil, err
	}
	if err := rp.readEvents(); err != nil {
		return nil, err
	}
	if err := rp.layout(); err != nil {
		return nil, err
	}
	return rp, nil
}

// readKeyframes reads one keyframe per KeyframeTicks, the first at StartTick.
func (rp *Replay) readKeyframes() error {
	m := &rp.Meta
	count := int(rp.Ticks()/m.KeyframeTicks) + 1
	r := &reader{b: rp.sec[secKeyframes], what: "keyframes"}
	rp.keyframes = make([]game.State, 0, min(count, 1024))
	for i := 0; i < count; i++ {
		var st game.State
		readState(r, &st)
		if r.err != nil {
			return r.err
		}
		if want := m.StartTick + uint32(i)*m.KeyframeTicks; st.Tick != want {
			return fmt.Errorf("%w: keyframe %d at tick %d, want %d", ErrCorrupt, i, st.Tick, want)
		}
		rp.keyframes = append(rp.keyframes, st)
	}
	if r.left() != 0 {
		return fmt.Errorf("%w: %d bytes after keyframe %d", ErrCorrupt, r.left(), count-1)
	}
	return nil
}

func (rp *Replay) readEvents() error {
	r := &reader{b: rp.sec[secEvents], what: "events"}
	tick := uint64(rp.Meta.StartTick)
	for r.left() > 0 && r.err == nil {
		tick += r.uv()
		e := event{tick: uint32(tick), kind: r.u8(), ship: r.u32()}
		switch e.kind {
		case evJoin:
			e.flag = r.bool()
			e.name = r.str()
		case evIdle:
			e.flag = r.bool()
		case evLeave, evSeqReset:
		default:
			r.fail("unknown event kind %d", e.kind)
		}
		if tick > uint64(rp.Summary.EndTick) {
			r.fail("event at tick %d after the end (%d)", tick, rp.Summary.EndTick)
		}
		rp.events = append(rp.events, e)
	}
	return r.err
}

// layout splits the input sections into segments, checking every kind byte
// and that every payload byte is used exactly once.
func (rp *Replay) layout() error {
	m := &rp.Meta
	var cur [numSections]int
	ev := 0
	for i := range rp.keyframes {
		seg := segment{start: m.StartTick + uint32(i)*m.KeyframeTicks, firstEvent: ev}
		seg.ticks = min(m.KeyframeTicks, rp.Summary.EndTick-seg.start)
		for _, s := range rp.keyframes[i].Ships {
			seg.roster = append(seg.roster, s.ID)
		}
		last := i == len(rp.keyframes)-1
		for ev < len(rp.events) && (last || rp.events[ev].tick < seg.start+m.KeyframeTicks) {
			e := &rp.events[ev]
			if e.kind == evJoin {
				if n := len(seg.roster); n > 0 && e.ship <= seg.roster[n-1] {
					return fmt.Errorf("%w: ship %d joins after ship %d", ErrCorrupt, e.ship, seg.roster[n-1])
				}
				seg.roster = append(seg.roster, e.ship)
			}
			ev++
		}
		if len(seg.roster) > MaxShips {
			return fmt.Errorf("%w: %d ships in segment %d", ErrCorrupt, len(seg.roster), i)
		}
		if err := rp.walk(&seg, &cur); err != nil {
			return fmt.Errorf("segment %d: %w", i, err)
		}
		rp.segs = append(rp.segs, seg)
	}
	for s := secKinds; s < numSections; s++ {
		if cur[s] != len(rp.sec[s]) {
			return fmt.Errorf("%w: %s section holds %d bytes, the inputs use %d", ErrCorrupt, sectionNames[s], len(rp.sec[s]), cur[s])
		}
	}
	return nil
}

// walk reads the kind bytes of seg, ship by ship, from cur on, notes where
// each ship's data starts, and moves cur past the segment's data.
func (rp *Replay) walk(seg *segment, cur *[numSections]int) error {
	n := len(seg.roster) * int(seg.ticks)
	if len(rp.sec[secKinds])-cur[secKinds] < n {
		return fmt.Errorf("%w: kinds section too short", ErrCorrupt)
	}
	seg.cur = make([][numSections]int, len(seg.roster))
	for i := range seg.roster {
		seg.cur[i] = *cur
		tracking := false
		kinds := rp.sec[secKinds][cur[secKinds] : cur[secKinds]+int(seg.ticks)]
		cur[secKinds] += int(seg.ticks)
		for _, k := range kinds {
			if k == 0 {
				continue
			}
			if k&kindInput == 0 || k&^(kindInput|kindButtons|kindSeq|kindAimMask) != 0 {
				return fmt.Errorf("%w: kind byte %#02x", ErrCorrupt, k)
			}
			if k&kindButtons != 0 {
				b, ok := rp.take(secButtons, cur, 1)
				if !ok || game.Buttons(b[0])&^game.AllButtons != 0 {
					return fmt.Errorf("%w: buttons missing or unknown", ErrCorrupt)
				}
			}
			if k&kindSeq != 0 {
				r := reader{b: rp.sec[secSeq], off: cur[secSeq], what: "seq"}
				if d := r.u32(); r.err != nil || d == 0 {
					return fmt.Errorf("%w: sequence step missing or 0", ErrCorrupt)
				}
				cur[secSeq] = r.off
			}
			switch mode := (k & kindAimMask) >> kindAimShift; mode {
			case aimSame:
			case aimTracked, aimNewOffset:
				if !tracking {
					return fmt.Errorf("%w: aim mode %d with no tracked ship", ErrCorrupt, mode)
				}
				if mode == aimNewOffset && !rp.takeOffset(cur) {
					return fmt.Errorf("%w: offset missing", ErrCorrupt)
				}
			case aimNewTarget:
				r := reader{b: rp.sec[secTarget], off: cur[secTarget], what: "target"}
				if t := r.uv(); r.err != nil || t >= uint64(len(seg.roster)) {
					return fmt.Errorf("%w: target missing or not in the roster", ErrCorrupt)
				}
				cur[secTarget] = r.off
				if !rp.takeOffset(cur) {
					return fmt.Errorf("%w: offset missing", ErrCorrupt)
				}
				tracking = true
			case aimAbsolute:
				if _, ok := rp.take(secAim, cur, 2); !ok {
					return fmt.Errorf("%w: aim missing", ErrCorrupt)
				}
				tracking = false
			default:
				return fmt.Errorf("%w: aim mode %d", ErrCorrupt, mode)
			}
		}
	}
	return nil
}

// take moves cur past n bytes of section s and returns them.
func (rp *Replay) take(s int, cur *[numSections]int, n int) ([]byte, bool) {
	if len(rp.sec[s])-cur[s] < n {
		return nil, false
	}
	cur[s] += n
	return rp.sec[s][cur[s]-n : cur[s]], true
}

func (rp *Replay) takeOffset(cur *[numSections]int) bool {
	_, lo := rp.take(secOffLo, cur, 1)
	_, hi := rp.take(secOffHi, cur, 1)
	return lo && hi
}
