package replay

import (
	"math/rand/v2"
	"testing"

	"github.com/tickarena/tickarena/game"
)

// TestConeAdmitsEveryCandidate checks that the recorder's quick test (cone) never
// rejects a ship the exact test (an offset of at most maxOffset from aimAt)
// accepts, so that it changes no recording: over every aim in steps of 7,
// targets on rings from one unit to the widest int32 differences, and the
// ship's own position. It also checks that the quick test rejects most of
// the other pairs, or it would save nothing.
func TestConeAdmitsEveryCandidate(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	checked, admitted := 0, 0
	for a := 0; a < 1<<16; a += 7 {
		aim := game.Angle(a)
		for _, r := range []int32{1, 2, 3, 17, 1000, 40000, 1 << 24, 1<<31 - 1} {
			for range 24 {
				// A point of the square ring of radius r; and one where
				// the subtraction wraps, as it may in aimAt.
				x, y := int32(rng.Int64N(int64(r)*2+1)-int64(r)), r
				if rng.IntN(2) == 0 {
					x, y = y, x
				}
				if rng.IntN(2) == 0 {
					x = -x
				}
				if rng.IntN(2) == 0 {
					y = -y
				}
				sx, sy := int32(rng.IntN(2001)-1000), int32(rng.IntN(2001)-1000)
				for _, p := range [][4]int32{{0, 0, x, y}, {sx, sy, sx + x, sy + y}, {sx, sy, sx, sy}} {
					exact := abs16(int16(aim-aimAt(p[0], p[1], p[2], p[3], 0))) <= maxOffset
					quick := newCone(aim).admits(int64(p[2]-p[0]), int64(p[3]-p[1])) == 1
					if exact && !quick {
						t.Fatalf("aim %d from (%d, %d) at (%d, %d): the exact test accepts, the quick one rejects", aim, p[0], p[1], p[2], p[3])
					}
					if p[0] == p[2] && p[1] == p[3] {
						continue // the own position: always admitted
					}
					checked++
					if quick {
						admitted++
					}
				}
			}
		}
	}
	if admitted*6 > checked { // about 48 degrees of 360 pass
		t.Fatalf("the quick test admits %d of %d pairs: it should reject most", admitted, checked)
	}
}

// TestSweepingAimRestsFromTheSearch: a ship whose aim sweeps round at no
// ship in particular, as the load generator's players and a human moving
// their mouse aim, costs the recorder a search for the ship it follows only
// now and then, not at every tick; once it locks on to a ship, its aim is
// stored as following that ship again within a rest; and the recording
// still plays the round.
func TestSweepingAimRestsFromTheSearch(t *testing.T) {
	w := game.NewWorld(game.Rules{Seed: 5, WorldSize: 1500, RoundSeconds: 60})
	var ids []uint32
	for i := range 20 {
		ids = append(ids, w.AddShip(string(rune('a'+i)), false))
	}
	for w.Phase != game.Playing {
		game.Step(w, nil)
	}
	rec := NewRecorder(Options{KeyframeSeconds: 60})
	rec.Start(w, Meta{})
	slotOf := func(id uint32) int32 {
		for j, s := range rec.spots {
			if s.id == id {
				return int32(j)
			}
		}
		t.Fatalf("ship %d is not in the roster", id)
		return -1
	}
	shooter, target := ids[0], ids[1]
	// The target circles (it thrusts up and turns left and right by
	// turns), so that an aim that follows it changes every tick.
	var seq uint32
	aim := game.Angle(0)
	step := func(a game.Angle) {
		seq++
		turn := game.Left
		if seq/40%2 == 1 {
			turn = game.Right
		}
		game.Step(w, []game.Input{
			{Ship: shooter, Seq: seq, Aim: a},
			{Ship: target, Seq: seq, Buttons: game.Up | turn},
		})
		rec.Step(w)
	}
	const sweepTicks = 300
	for range sweepTicks {
		aim += 1900
		step(aim)
	}
	if rec.searches > sweepTicks/10 {
		t.Errorf("%d ticks of a sweeping aim: %d searches, want at most a tenth (%d)", sweepTicks, rec.searches, sweepTicks/10)
	}
	if rec.searches == 0 {
		t.Errorf("%d ticks of a sweeping aim: no search at all, want one now and then", sweepTicks)
	}
	// Lock on: aim straight at the target, wherever it is before the step.
	tracked, first := 0, -1
	const lockTicks = 120
	for k := range lockTicks {
		s, o := w.Ship(shooter), w.Ship(target)
		if s == nil || o == nil || s.Dead || o.Dead {
			t.Fatalf("tick %d of the lock-on: a ship died or left, the test needs both", k)
		}
		step(aimAt(s.X, s.Y, o.X, o.Y, 0))
		sl := &rec.slots[slotOf(shooter)]
		if !sl.pending && sl.target == slotOf(target) {
			tracked++
			if first < 0 {
				first = k
			}
		}
	}
	if first < 0 || first > maxRest+2 {
		t.Errorf("aim locked on to a ship: stored as following it from tick %d of the lock-on, want within a rest (%d)", first, maxRest+2)
	}
	if tracked < lockTicks-maxRest-2 {
		t.Errorf("aim locked on for %d ticks: stored as following its ship at %d of them, want all but a rest", lockTicks, tracked)
	}
	r, err := rec.Finish(w)
	if err != nil {
		t.Fatal(err)
	}
	rp, err := Decode(r.Encode())
	if err != nil {
		t.Fatal(err)
	}
	if err := rp.Verify(); err != nil {
		t.Errorf("the recording does not play the round: %v", err)
	}
}
