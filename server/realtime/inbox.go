package realtime

import (
	"sync"

	"github.com/tickarena/tickarena/game"
)

// slotCap is how many of a player's inputs may wait for the room. The room
// applies one per tick, in order, so that the server runs exactly the steps the
// client predicted; when more arrive than it applies, the oldest waiting one is
// dropped: the newest input always wins.
const slotCap = 4

// inputSlot holds the inputs of one player that the room has not taken yet, in
// a small ring. A connection's read goroutine writes it; the room goroutine
// drains it.
type inputSlot struct {
	mu     sync.Mutex
	buf    [slotCap]game.Input
	head   int
	n      int
	listed bool   // the slot is on its inbox's dirty list
	ship   uint32 // set by the room before the slot is handed out; never changes
	inbox  *inbox
}

// put queues in after the player's waiting inputs and reports whether the
// oldest waiting input had to be dropped to make room. It never blocks on the room.
func (s *inputSlot) put(in game.Input) (dropped bool) {
	in.Ship = s.ship
	s.mu.Lock()
	if s.n == slotCap {
		s.head = (s.head + 1) % slotCap
		s.n--
		dropped = true
	}
	s.buf[(s.head+s.n)%slotCap] = in
	s.n++
	list := !s.listed
	s.listed = true
	s.mu.Unlock()
	if list {
		s.inbox.markDirty(s)
	}
	return dropped
}

// take removes the oldest waiting input, if any, and reports whether more wait.
func (s *inputSlot) take() (in game.Input, ok, more bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.n > 0 {
		in, ok = s.buf[s.head], true
		s.head = (s.head + 1) % slotCap
		s.n--
	}
	more = s.n > 0
	s.listed = more
	return in, ok, more
}

// inbox is a room's set of slots with waiting inputs. Each slot is listed at
// most once, so the list is bounded by the number of players.
type inbox struct {
	mu    sync.Mutex
	dirty []*inputSlot
	spare []*inputSlot
	again []*inputSlot
}

func (b *inbox) markDirty(s *inputSlot) {
	b.mu.Lock()
	b.dirty = append(b.dirty, s)
	b.mu.Unlock()
}

// drain appends the oldest waiting input of every player to dst and returns
// it; players with more inputs waiting stay listed for the next tick.
func (b *inbox) drain(dst []game.Input) []game.Input {
	b.mu.Lock()
	list := b.dirty
	b.dirty, b.spare = b.spare[:0], list
	b.mu.Unlock()
	b.again = b.again[:0]
	for i, s := range list {
		if in, ok, more := s.take(); ok {
			dst = append(dst, in)
			if more {
				b.again = append(b.again, s)
			}
		}
		list[i] = nil
	}
	if len(b.again) > 0 {
		b.mu.Lock()
		b.dirty = append(b.dirty, b.again...)
		b.mu.Unlock()
	}
	return dst
}
