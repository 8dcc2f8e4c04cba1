package realtime

import (
	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/wire"
)

// keptFrame is the room as one fan-out saw it: what spectators are sent, later.
type keptFrame struct {
	tick     uint32
	round    wire.RoundInfo
	entities []wire.Entity
	events   []game.Event // the events since the previous frame
	roundEnd []byte       // the round-end message announced with this frame, nil mostly
}

// frameRing keeps a room's most recent frames, one per fan-out, for its
// spectators: one ring per room, whatever the number of spectators. Each
// slot's memory is reused, so that once the ring has gone round, keeping a
// frame allocates nothing.
type frameRing struct {
	frames []keptFrame
	delay  uint32    // ticks between the newest frame and the one spectators see
	next   int       // the slot the next frame goes to
	n      int       // frames kept so far, up to len(frames)
	served uint32    // the tick of the frame nextFrame returned last
	out    keptFrame // what nextFrame returns: a frame with the events since the last
}

// newFrameRing returns a ring for a delay of delay ticks, of a room whose
// fan-outs are at least every ticks apart (1, or TickRate/SendRate): the
// frame delay ticks older than the newest is at most ⌈delay/every⌉ frames
// back, so that many slots and one more always hold it.
func newFrameRing(delay, every int) frameRing {
	every = max(every, 1)
	return frameRing{frames: make([]keptFrame, (delay+every-1)/every+1), delay: uint32(delay)}
}

// push keeps the frame of snap with the events since the previous one and
// the round-end message announced since, if any.
func (q *frameRing) push(snap *wire.Snapshot, events []game.Event, roundEnd []byte) {
	f := &q.frames[q.next]
	f.tick, f.round = snap.Tick, snap.Round
	f.entities = append(f.entities[:0], snap.Entities...)
	f.events = append(f.events[:0], events...)
	f.roundEnd = roundEnd
	q.next = (q.next + 1) % len(q.frames)
	q.n = min(q.n+1, len(q.frames))
}

// nextFrame returns the newest frame at least delay ticks older than tick,
// with the events and the round end of every frame since the one it
// returned last; nil when the ring holds none yet or that frame was
// returned already. A late room steps several ticks in one fan-out and
// keeps one frame for them, so the frame delay ticks old may be one the
// spectators have, or come after one they never got: deltas then neither
// repeat a tick nor lose an event. The frame returned is valid until the
// next push; its memory is the ring's.
func (q *frameRing) nextFrame(tick uint32) *keptFrame {
	var f *keptFrame
	for k := 1; k <= q.n && f == nil; k++ {
		if c := &q.frames[(q.next-k+len(q.frames))%len(q.frames)]; tick-c.tick >= q.delay {
			f = c
		}
	}
	if f == nil || (q.served != 0 && f.tick == q.served) {
		return nil
	}
	out := &q.out
	out.tick, out.round, out.entities = f.tick, f.round, f.entities
	out.events, out.roundEnd = out.events[:0], nil
	for k := q.n; k >= 1; k-- { // oldest first
		c := &q.frames[(q.next-k+len(q.frames))%len(q.frames)]
		if (q.served == 0 || c.tick > q.served) && c.tick <= f.tick {
			out.events = append(out.events, c.events...)
			if c.roundEnd != nil {
				out.roundEnd = c.roundEnd
			}
		}
	}
	q.served = f.tick
	return out
}
