package realtime

import (
	"sync"

	"github.com/tickarena/tickarena/game"
)

// inputSlot holds the newest input of one player that the room has not taken
// yet. A connection's read goroutine writes it; the room goroutine drains it.
type inputSlot struct {
	mu    sync.Mutex
	in    game.Input
	has   bool
	ship  uint32 // set by the room before the slot is handed out; never changes
	inbox *inbox
}

// put stores in as the player's newest input, replacing an untaken one, and
// reports whether it replaced one. It never blocks on the room.
func (s *inputSlot) put(in game.Input) (replaced bool) {
	in.Ship = s.ship
	s.mu.Lock()
	replaced = s.has
	s.in, s.has = in, true
	s.mu.Unlock()
	if !replaced {
		s.inbox.markDirty(s)
	}
	return replaced
}

// inbox is a room's set of slots with untaken inputs. Each slot is listed at
// most once, so the list is bounded by the number of players.
type inbox struct {
	mu    sync.Mutex
	dirty []*inputSlot
	spare []*inputSlot
}

func (b *inbox) markDirty(s *inputSlot) {
	b.mu.Lock()
	b.dirty = append(b.dirty, s)
	b.mu.Unlock()
}

// drain appends every untaken input to dst and returns it.
func (b *inbox) drain(dst []game.Input) []game.Input {
	b.mu.Lock()
	list := b.dirty
	b.dirty, b.spare = b.spare[:0], list
	b.mu.Unlock()
	for i, s := range list {
		s.mu.Lock()
		if s.has {
			dst = append(dst, s.in)
			s.has = false
		}
		s.mu.Unlock()
		list[i] = nil
	}
	return dst
}
