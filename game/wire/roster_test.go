package wire

import (
	"errors"
	"slices"
	"testing"

	"github.com/tickarena/tickarena/game"
)

// TestRosterDiffApplies: a roster difference, decoded and applied to the
// roster it was made from, gives the new roster exactly, over many seconds of
// a room where ships move, score, die, join and leave.
func TestRosterDiffApplies(t *testing.T) {
	rng := game.NewRand(5)
	cur := []RosterLine{}
	next := uint32(1024)
	var client RosterView
	var m ServerMsg
	var b []byte
	prevTick, base := uint32(0), uint32(0)
	for sec := range 200 {
		prev := slices.Clone(cur)
		cur = cur[:0]
		for _, l := range prev {
			if rng.Intn(20) == 0 {
				continue // left
			}
			if rng.Intn(3) > 0 {
				l.MapX += uint8(rng.Intn(9) - 4)
			}
			if rng.Intn(5) == 0 {
				l.Score += rng.Intn(200) - 50
			}
			if rng.Intn(8) == 0 {
				l.Kills++
				l.Flags ^= FlagDead
			}
			cur = append(cur, l)
		}
		for range rng.Intn(3) {
			cur = append(cur, RosterLine{Ship: next, Name: "p", MapX: uint8(rng.Intn(256)), MapY: uint8(rng.Intn(256))})
			next += uint32(1 + rng.Intn(3))
		}
		tick := uint32(30 * (sec + 1))
		if sec%50 == 0 {
			base = 0 // now and then a whole one
		} else {
			base = prevTick
		}
		b = AppendRosterDiff(b[:0], tick, base, prev, cur)
		if err := DecodeServer(b, &m); err != nil {
			t.Fatalf("second %d: decode: %v", sec, err)
		}
		if err := client.Apply(&m.Roster); err != nil {
			t.Fatalf("second %d: apply: %v", sec, err)
		}
		if client.Tick != tick || !slices.Equal(client.Lines, cur) {
			t.Fatalf("second %d: roster %v at %d, want %v at %d", sec, client.Lines, client.Tick, cur, tick)
		}
		prevTick = tick
	}
	if len(cur) < 5 {
		t.Errorf("only %d ships at the end: the test proves little", len(cur))
	}
}

// TestRosterDiffRejected: a difference that does not fit the client's roster
// is an error wrapping ErrBase, never a silently wrong scoreboard.
func TestRosterDiffRejected(t *testing.T) {
	held := RosterView{Tick: 9030, Lines: slices.Clone(exampleRoster)}
	tests := []struct {
		name string
		m    Roster
	}{
		{"another base", Roster{Tick: 9060, Base: 9000}},
		{"change of a ship not listed", Roster{Tick: 9060, Base: 9030, Changes: []RosterChange{{Ship: 1030, Mask: RosterScore}}}},
		{"removal of a ship not listed", Roster{Tick: 9060, Base: 9030, Removed: []uint32{1030}}},
		{"a ship added twice", Roster{Tick: 9060, Base: 9030, Lines: []RosterLine{{Ship: 1024, Name: "ann"}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := RosterView{Tick: held.Tick, Lines: slices.Clone(held.Lines)}
			if err := v.Apply(&tc.m); !errors.Is(err, ErrBase) {
				t.Errorf("err %v, want ErrBase", err)
			}
		})
	}
}

// TestRosterDiffAllocations: encoding a difference allocates nothing once
// the buffer has grown (the room encodes one a second).
func TestRosterDiffAllocations(t *testing.T) {
	b := AppendRosterDiff(nil, 9060, 9030, exampleRoster, exampleRosterNext)
	if n := testing.AllocsPerRun(100, func() { b = AppendRosterDiff(b[:0], 9060, 9030, exampleRoster, exampleRosterNext) }); n != 0 {
		t.Errorf("%v allocations per difference, want 0", n)
	}
}
