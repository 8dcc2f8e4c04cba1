package playback_test

import (
	"fmt"
	"testing"

	"github.com/tickarena/tickarena/client/playback"
	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/bot"
	"github.com/tickarena/tickarena/game/replay"
)

// fiveMinutes records a default 5-minute round (30 ticks a second) of 20 bots.
func fiveMinutes(b *testing.B) *replay.Replay {
	b.Helper()
	w := game.NewWorld(game.Rules{Seed: 3})
	rec := replay.NewRecorder(replay.Options{})
	rec.Start(w, replay.Meta{Room: replay.Room{ID: "b", Name: "Bench"}})
	var brains []*bot.Brain
	for i := range 20 {
		id := w.AddShip(fmt.Sprintf("Bot %d", i+1), true)
		rec.Joined(w, id)
		brains = append(brains, bot.New(id))
	}
	inputs := make([]game.Input, 0, len(brains))
	for w.Result == nil {
		inputs = inputs[:0]
		for _, br := range brains {
			inputs = append(inputs, br.Think(w))
		}
		game.Step(w, inputs)
		rec.Step(w)
	}
	r, err := rec.Finish(w)
	if err != nil {
		b.Fatal(err)
	}
	rp, err := replay.Decode(r.Encode())
	if err != nil {
		b.Fatal(err)
	}
	return rp
}

// BenchmarkSeekToMinute4 seeks a 5-minute round of 20 bots to 4:00 and back
// to 0:30, as a viewer dragging the seek bar does; ms/seek is what the viewer
// waits (the browser's WebAssembly is a few times slower than native code).
func BenchmarkSeekToMinute4(b *testing.B) {
	rp := fiveMinutes(b)
	pb, err := playback.New(rp)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		t := 240.0
		if i%2 == 1 {
			t = 30
		}
		if err := pb.Seek(t); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/seek")
}

// BenchmarkPlay8x advances a 5-minute round at 8× in 60 Hz frames: the cost
// of one frame at the fastest speed.
func BenchmarkPlay8x(b *testing.B) {
	rp := fiveMinutes(b)
	pb, err := playback.New(rp)
	if err != nil {
		b.Fatal(err)
	}
	pb.SetSpeed(8)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if pb.Ended() {
			b.StopTimer()
			if err := pb.Seek(0); err != nil {
				b.Fatal(err)
			}
			_ = pb.SetPlaying(true)
			b.StartTimer()
		}
		if err := pb.Advance(1.0 / 60); err != nil {
			b.Fatal(err)
		}
		pb.Frame(0)
	}
}
