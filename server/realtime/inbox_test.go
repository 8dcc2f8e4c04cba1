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
	for tick := 0; tick < 4; tick++ {
		got = append(got, b.drain(nil))
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
	for i := 0; i < slotCap+1; i++ {
		for _, in := range b.drain(nil) {
			seqs = append(seqs, in.Seq)
		}
	}
	if len(seqs) != slotCap || seqs[0] != 3 || seqs[slotCap-1] != slotCap+2 {
		t.Errorf("room applied %v, want the newest %d inputs in order", seqs, slotCap)
	}
}
