package realtime

import (
	"testing"

	"github.com/tickarena/tickarena/game"
)

func TestInboxAppliesOneInputPerTickInOrder(t *testing.T) {
	var b inbox
	a := &inputSlot{ship: 1, inbox: &b}
	c := &inputSlot{ship: 2, inbox: &b}
	for seq := uint32(1); seq <= 3; seq++ {
		a.put(game.Input{Seq: seq})
	}
	c.put(game.Input{Seq: 7})
	var got [][]game.Input
	for tick := uint32(1); tick <= 4; tick++ {
		got = append(got, b.drain(nil, tick))
	}
	want := [][]uint32{{1, 7}, {2}, {3}, {}}
	for tick, ins := range got {
		if len(ins) != len(want[tick]) {
			t.Fatalf("tick %d: got %v, want seqs %v", tick, ins, want[tick])
		}
		for i, in := range ins {
			if in.Seq != want[tick][i] {
				t.Errorf("tick %d: input %d has seq %d, want %d", tick, i, in.Seq, want[tick][i])
			}
			if in.Seq == 7 && in.Ship != 2 || in.Seq != 7 && in.Ship != 1 {
				t.Errorf("input %d tagged with ship %d", in.Seq, in.Ship)
			}
		}
	}
}

func TestInboxDropsOldestWhenFull(t *testing.T) {
	var b inbox
	s := &inputSlot{ship: 1, inbox: &b}
	dropped := 0
	for seq := uint32(1); seq <= slotCap+2; seq++ {
		if s.put(game.Input{Seq: seq}) {
			dropped++
		}
	}
	if dropped != 2 {
		t.Errorf("dropped %d inputs, want 2", dropped)
	}
	var seqs []uint32
	for tick := uint32(1); tick <= slotCap+1; tick++ {
		for _, in := range b.drain(nil, tick) {
			seqs = append(seqs, in.Seq)
		}
	}
	if len(seqs) != slotCap || seqs[0] != 3 || seqs[slotCap-1] != slotCap+2 {
		t.Errorf("room applied %v, want the newest %d inputs in order", seqs, slotCap)
	}
}

// jitterRun plays a player's inputs into an inbox: arrivals[tick] are the
// sequence numbers that reach the slot just before that tick. It returns the
// sequence numbers the room applied, in order, and the first tick at which
// the room trimmed the queue (0 if never).
func jitterRun(b *inbox, s *inputSlot, ticks uint32, arrivals map[uint32][]uint32) (applied []uint32, firstTrim uint32) {
	for tick := uint32(1); tick <= ticks; tick++ {
		for _, seq := range arrivals[tick] {
			s.put(game.Input{Seq: seq})
		}
		for _, in := range b.drain(nil, tick) {
			applied = append(applied, in.Seq)
		}
		if b.trimmed > 0 && firstTrim == 0 {
			firstTrim = tick
		}
	}
	return applied, firstTrim
}

// pairs returns the arrivals of a client that sends its inputs in pairs every
// second tick, pair k (inputs 2k-1 and 2k) just in time for tick 2k-1, except
// that the pairs in late arrive that many ticks later; as over TCP, none
// arrives before the one sent ahead of it.
func pairs(n uint32, late map[uint32]uint32) map[uint32][]uint32 {
	arr := map[uint32][]uint32{}
	prev := uint32(0)
	for k := uint32(1); k <= n; k++ {
		at := max(2*k-1+late[k], prev)
		arr[at] = append(arr[at], 2*k-1, 2*k)
		prev = at
	}
	return arr
}

func TestInputCushion(t *testing.T) {
	tests := []struct {
		name     string
		late     map[uint32]uint32 // pair → ticks late
		wantLate int
	}{
		{"on time", nil, 0},
		{"one pair a tick late", map[uint32]uint32{5: 1}, 1},
		// The first late pair leaves one more input waiting ever after,
		// which absorbs every later pair that is as late.
		{"every fifth pair a tick late", map[uint32]uint32{5: 1, 10: 1, 15: 1, 20: 1, 25: 1}, 1},
		// A stall of three ticks, then as long a stall again: the queue
		// grew by three the first time, the second costs nothing.
		{"two stalls of three ticks", map[uint32]uint32{5: 3, 12: 3}, 3},
		{"a stall of three ticks, then of four", map[uint32]uint32{5: 3, 12: 4}, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b inbox
			b.pause = 30
			s := &inputSlot{ship: 1, inbox: &b}
			const n = 30
			applied, _ := jitterRun(&b, s, 2*n+10, pairs(n, tt.late))
			if len(applied) != 2*n {
				t.Fatalf("applied %d inputs, want all %d: %v", len(applied), 2*n, applied)
			}
			for i, seq := range applied {
				if seq != uint32(i+1) {
					t.Fatalf("applied %v, want every input once, in order", applied)
				}
			}
			if b.late != tt.wantLate {
				t.Errorf("%d ticks ran without an input, want %d", b.late, tt.wantLate)
			}
			if b.trimmed != 0 {
				t.Errorf("%d inputs trimmed, want none (no calm spell, never frozen)", b.trimmed)
			}
		})
	}
}

// TestInputCushionTrimmed: the queue shrinks back to one input waiting while
// the ship cannot move, at once and whatever its length, and by one input
// after each calm spell in which more than one always waited — never below.
func TestInputCushionTrimmed(t *testing.T) {
	tests := []struct {
		name        string
		calm        uint32
		frozen      bool
		late        uint32 // ticks the second pair is late by: the cushion it leaves
		wantTrimmed int
		wantFirst   uint32 // the tick of the first trim
	}{
		// The second pair comes at tick 7, four ticks late, with the
		// next two.
		{"frozen: down to one waiting at once", 0, true, 4, 4, 7},
		// The queue ran dry at ticks 3 to 6: frozen trims wait until it
		// has kept its cushion for a calm spell (20 ticks from tick 7).
		{"frozen after a calm spell", 20, true, 4, 4, 27},
		{"calm spells with a cushion of four", 20, false, 4, 3, 41},
		{"calm spells with a cushion of one", 20, false, 1, 0, 0},
		{"no calm trimming", 0, false, 4, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b inbox
			b.pause, b.calm = 30, tt.calm
			b.frozen = func(uint32) bool { return tt.frozen }
			s := &inputSlot{ship: 1, inbox: &b}
			const n = 60
			applied, first := jitterRun(&b, s, 2*n+20, pairs(n, map[uint32]uint32{2: tt.late}))
			if b.trimmed != tt.wantTrimmed || first != tt.wantFirst {
				t.Errorf("trimmed %d inputs, the first at tick %d; want %d, the first at tick %d (applied %v)", b.trimmed, first, tt.wantTrimmed, tt.wantFirst, applied)
			}
			if len(applied)+b.trimmed != 2*n || applied[len(applied)-1] != 2*n {
				t.Errorf("applied %v and trimmed %d, want every input either way, ending with %d", applied, b.trimmed, 2*n)
			}
			for i := 1; i < len(applied); i++ {
				if applied[i] <= applied[i-1] {
					t.Fatalf("applied %v: out of order", applied)
				}
			}
		})
	}
}

// TestInputPauseIsNotLate: a player who sent nothing for longer than pause
// (a hidden tab, a reconnect) is not counted as late when they come back.
func TestInputPauseIsNotLate(t *testing.T) {
	var b inbox
	b.pause = 5
	s := &inputSlot{ship: 1, inbox: &b}
	_, _ = jitterRun(&b, s, 40, map[uint32][]uint32{1: {1}, 2: {2}, 20: {3}, 21: {4}, 24: {5}})
	if b.late != 2 {
		t.Errorf("late %d ticks, want 2 (the pause of 17 ticks is not lateness, the gap of 2 is)", b.late)
	}
}
