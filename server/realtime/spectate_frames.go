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
	delay  uint32 // ticks between the newest frame and the one spectators see
	next   int    // the slot the next frame goes to
	n      int    // frames kept so far, up to len(frames)
}

// newFrameRing returns a ring for a delay of delay ticks. A fan-out covers
// at least one tick, so delay+1 slots always hold the frame delay ticks old.
func newFrameRing(delay int) frameRing {
	return frameRing{frames: make([]keptFrame, delay+1), delay: uint32(delay)}
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

// delayed returns the newest frame at least delay ticks older than tick, or
// nil when the ring holds none yet.
func (q *frameRing) delayed(tick uint32) *keptFrame {
	for k := 1; k <= q.n; k++ {
		f := &q.frames[(q.next-k+len(q.frames))%len(q.frames)]
		if tick-f.tick >= q.delay {
			return f
		}
	}
	return nil
}
