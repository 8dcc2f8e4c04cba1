package replay

import (
	"errors"
	"fmt"
	"runtime"
	"testing"

	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/bot"
)

// recordSmall records a 20-second round of 10 bots.
func recordSmall(t *testing.T) []byte {
	t.Helper()
	w := game.NewWorld(game.Rules{Seed: 77, RoundSeconds: 20, Pellets: 50, WorldSize: 2000})
	var brains []*bot.Brain
	rec := NewRecorder(Options{KeyframeSeconds: 4})
	rec.Start(w, Meta{})
	for i := range 10 {
		id := w.AddShip(fmt.Sprintf("b%d", i), true)
		rec.Joined(w, id)
		brains = append(brains, bot.New(id))
	}
	var in []game.Input
	for w.Result == nil {
		in = in[:0]
		for _, b := range brains {
			in = append(in, b.Think(w))
		}
		game.Step(w, in)
		rec.Step(w)
	}
	r, err := rec.Finish(w)
	if err != nil {
		t.Fatal(err)
	}
	return r.Encode()
}

// TestVerifyNoticesChangedInputs changes one recorded input at a time, the
// way a rules change or a bug in the format would: playback must report that
// it differs from the recording rather than pass.
func TestVerifyNoticesChangedInputs(t *testing.T) {
	file := recordSmall(t)
	tests := []struct {
		name   string
		sec    int
		change func(b []byte)
	}{
		{"buttons", secButtons, func(b []byte) { b[len(b)/2] ^= byte(game.Fire) }},
		{"aim offsets", secOffLo, func(b []byte) {
			for i := range b {
				b[i] += 7
			}
		}},
		{"kinds: aim kept instead of tracked", secKinds, func(b []byte) {
			for i, k := range b {
				if k == kindInput|aimTracked<<kindAimShift {
					b[i] = kindInput
				}
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rp, err := Decode(file)
			if err != nil {
				t.Fatal(err)
			}
			if err := rp.Verify(); err != nil {
				t.Fatalf("the unchanged recording fails: %v", err)
			}
			b := append([]byte(nil), rp.sec[tc.sec]...)
			tc.change(b)
			rp.sec[tc.sec] = b
			if err := rp.Verify(); !errors.Is(err, ErrMismatch) {
				t.Fatalf("Verify = %v, want a mismatch", err)
			}
		})
	}
	t.Run("summary", func(t *testing.T) {
		rp, _ := Decode(file)
		rp.Summary.Players[0].Kills++
		if err := rp.Verify(); !errors.Is(err, ErrMismatch) {
			t.Fatalf("Verify = %v, want a mismatch", err)
		}
	})
}

// TestRecorderStepDoesNotAllocate records the same round again and again
// with one recorder: once its buffers have grown to the round's size,
// recording must cost the room's tick no allocation, keyframes included.
// The count is the process's: a goroutine an earlier test left behind may
// allocate during a round, so the round is recorded up to three times more
// and one of them must allocate nothing (an allocating Step allocates in
// every round).
func TestRecorderStepDoesNotAllocate(t *testing.T) {
	rec := NewRecorder(Options{KeyframeSeconds: 1})
	var fewest, ticks uint64
	for round := 1; round <= 4; round++ {
		w := game.NewWorld(game.Rules{Seed: 5, RoundSeconds: 30})
		var brains []*bot.Brain
		rec.Start(w, Meta{})
		for i := range 30 {
			id := w.AddShip(fmt.Sprintf("p%d", i), i%3 == 0)
			rec.Joined(w, id)
			brains = append(brains, bot.New(id))
		}
		var in []game.Input
		var allocs uint64
		ticks = 0
		for w.Result == nil {
			in = in[:0]
			for _, b := range brains {
				in = append(in, b.Think(w))
			}
			game.Step(w, in)
			allocs += mallocs(func() { rec.Step(w) })
			ticks++
		}
		if _, err := rec.Finish(w); err != nil {
			t.Fatal(err)
		}
		switch {
		case round == 1 && allocs == 0:
			t.Fatal("the first round allocated nothing: the measure is broken")
		case round == 1:
		case allocs == 0:
			return
		case round == 2 || allocs < fewest:
			fewest = allocs
		}
	}
	t.Fatalf("Recorder.Step allocated %d times or more in %d ticks of each of three rounds it had recorded before", fewest, ticks)
}

// mallocs returns how many heap allocations f makes.
func mallocs(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.Mallocs - before.Mallocs
}
