package realtime

import (
	"sync"

	"github.com/tickarena/tickarena/game"
)

// slotCap is how many of a player's inputs may wait for the room: the pair a
// client sends every second tick and up to fourteen ticks (almost half a
// second at 30 ticks a second) of cushion in front of it, which a node at
// the edge of its core needs (docs/performance.md). The room applies one per
// tick, in order, so that the server runs exactly the steps the client
// predicted; when more arrive than fit, the oldest waiting one is dropped:
// the newest input always wins.
const slotCap = 16

// keepWaiting is the cushion the room trims a player's queue down to: one
// input left waiting after a take, so that the next pair may come up to a
// tick late without the ship running a tick on its old input.
const keepWaiting = 1

// inputSlot holds the inputs of one player that the room has not taken yet, in
// a small ring. A connection's read goroutine writes it; the room goroutine
// drains it.
//
// The slot is a jitter buffer that sizes itself. When a player's inputs come
// late, the ship runs the ticks in between on its previous input (game.Step's
// rule) and every input after that waits one tick longer: the queue grows by
// the ticks it ran dry, which is the cushion the next late arrival needs. It
// shrinks back to keepWaiting for free while the ship cannot move (dead,
// between rounds: the client predicts nothing then) unless the queue ran dry
// during the last calm spell, and by one input after a calm spell in which
// more than keepWaiting always waited; each such trim costs the player one
// prediction correction, as each tick run dry does.
type inputSlot struct {
	mu     sync.Mutex
	buf    [slotCap]game.Input
	head   int
	n      int
	listed bool   // the slot is on its inbox's dirty list
	ship   uint32 // set by the room before the slot is handed out; never changes
	inbox  *inbox

	// On the room goroutine, under mu:
	took     uint32 // the tick of the last take, 0 before the first
	dryAt    uint32 // the last tick the queue was found to have run dry, 0 if never
	calmFrom uint32 // the tick the current calm spell began, 0 before the first take
	fewest   int    // the fewest inputs left waiting after a take since calmFrom
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

// inbox is a room's set of slots with waiting inputs. Each slot is listed at
// most once, so the list is bounded by the number of players.
type inbox struct {
	mu    sync.Mutex
	dirty []*inputSlot
	spare []*inputSlot
	again []*inputSlot

	// Set by the room before the first drain. calm is the length in ticks of
	// the calm spell after which a queue is trimmed by one (0: only while
	// frozen); pause the longest run of ticks without input that counts as
	// late (a longer one is a paused or reconnecting client); frozen, if set,
	// reports whether a ship cannot move this tick.
	calm, pause uint32
	frozen      func(ship uint32) bool

	// late counts the ticks in which a player with a slot ran on without a
	// new input (at most pause in a row), trimmed the inputs dropped to
	// shrink a queue; the room reads and clears them.
	late, trimmed int
}

func (b *inbox) markDirty(s *inputSlot) {
	b.mu.Lock()
	b.dirty = append(b.dirty, s)
	b.mu.Unlock()
}

// drain appends the input every player with waiting inputs applies at tick
// to dst and returns it; players with more inputs waiting stay listed for the
// next tick.
func (b *inbox) drain(dst []game.Input, tick uint32) []game.Input {
	b.mu.Lock()
	list := b.dirty
	b.dirty, b.spare = b.spare[:0], list
	b.mu.Unlock()
	b.again = b.again[:0]
	for i, s := range list {
		if in, ok, more := b.take(s, tick); ok {
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

// take removes the input s applies at tick, after trimming its queue when it
// is due, and reports whether more wait.
func (b *inbox) take(s *inputSlot, tick uint32) (in game.Input, ok, more bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.n > 0 {
		b.countLate(s, tick)
		if drop := b.excess(s, tick); drop > 0 {
			s.head = (s.head + drop) % slotCap
			s.n -= drop
			b.trimmed += drop
		}
		in, ok = s.buf[s.head], true
		s.head = (s.head + 1) % slotCap
		s.n--
		s.fewest = min(s.fewest, s.n)
	}
	more = s.n > 0
	s.listed = more
	return in, ok, more
}

// countLate counts the ticks since s's last take that ran without an input.
func (b *inbox) countLate(s *inputSlot, tick uint32) {
	if s.took != 0 {
		if gap := tick - s.took - 1; gap > 0 {
			s.fewest, s.dryAt = 0, tick // the queue ran dry
			if gap <= b.pause {
				b.late += int(gap)
			}
		}
	}
	s.took = tick
}

// excess returns how many of s's oldest inputs to drop before the take at
// tick: down to keepWaiting left after it while the ship cannot move, unless
// the queue ran dry within the last calm spell (the cushion is in use: the
// player's inputs keep coming late); one after a calm spell; else none. The
// ship is looked up only when there is something to drop.
func (b *inbox) excess(s *inputSlot, tick uint32) int {
	if s.calmFrom == 0 {
		s.calmFrom, s.fewest = tick, slotCap
	}
	spare := s.n - 1 - keepWaiting // waiting after this take, past the cushion
	inUse := b.calm > 0 && s.dryAt != 0 && tick-s.dryAt < b.calm
	if spare > 0 && !inUse && b.frozen != nil && b.frozen(s.ship) {
		s.calmFrom, s.fewest = tick, slotCap
		return spare
	}
	if b.calm == 0 || tick-s.calmFrom < b.calm {
		return 0
	}
	drop := 0
	if s.fewest > keepWaiting && s.n > 1 {
		drop = 1
	}
	s.calmFrom, s.fewest = tick, slotCap
	return drop
}
