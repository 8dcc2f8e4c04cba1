package playback_test

import (
	"fmt"
	"math"
	"sync"
	"testing"

	"github.com/tickarena/tickarena/client/playback"
	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/bot"
	"github.com/tickarena/tickarena/game/replay"
)

// recorded is a 40-second round of six bots at 20 ticks a second with a
// keyframe every 5 s, recorded once for every test.
var recorded = sync.OnceValues(func() ([]byte, error) {
	w := game.NewWorld(game.Rules{Seed: 7, TickRate: 20, RoundSeconds: 40, WorldSize: 1200, Pellets: 40})
	rec := replay.NewRecorder(replay.Options{KeyframeSeconds: 5})
	rec.Start(w, replay.Meta{Room: replay.Room{ID: "r1", Name: "Test"}})
	var brains []*bot.Brain
	for i := range 6 {
		id := w.AddShip(fmt.Sprintf("Bot %d", i+1), true)
		rec.Joined(w, id)
		brains = append(brains, bot.New(id))
	}
	for w.Result == nil {
		var inputs []game.Input
		for _, b := range brains {
			inputs = append(inputs, b.Think(w))
		}
		game.Step(w, inputs)
		rec.Step(w)
	}
	r, err := rec.Finish(w)
	if err != nil {
		return nil, err
	}
	return r.Encode(), nil
})

func newPlayback(t *testing.T) *playback.Playback {
	t.Helper()
	file, err := recorded()
	if err != nil {
		t.Fatalf("record: %v", err)
	}
	rp, err := replay.Decode(file)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	pb, err := playback.New(rp)
	if err != nil {
		t.Fatalf("new: %v", err)
	}
	return pb
}

// advance runs pb for secs seconds of real time in 60 Hz frames.
func advance(t *testing.T, pb *playback.Playback, secs float64) {
	t.Helper()
	for range int(math.Round(secs * 60)) {
		if err := pb.Advance(1.0 / 60); err != nil {
			t.Fatalf("advance: %v", err)
		}
	}
}

func TestPlaybackClockAndSpeeds(t *testing.T) {
	pb := newPlayback(t)
	if pb.Duration() != 40 {
		t.Fatalf("duration %v s; want 40", pb.Duration())
	}
	tests := []struct {
		name   string
		change func()
		secs   float64
		want   float64 // playback seconds gained
	}{
		{"1×", func() {}, 2, 2},
		{"faster: 2×", func() { pb.Faster(1) }, 1, 2},
		{"fastest: 8×", func() { pb.Faster(10) }, 1, 8},
		{"slowest: 0.25×", func() { pb.Faster(-10) }, 2, 0.5},
		{"paused", func() { pb.SetSpeed(1); _ = pb.SetPlaying(false) }, 3, 0},
		{"playing again at 4×", func() { pb.SetSpeed(3.5); _ = pb.Toggle() }, 1, 4},
	}
	for _, tt := range tests {
		tt.change()
		before := pb.Time()
		advance(t, pb, tt.secs)
		if got := pb.Time() - before; math.Abs(got-tt.want) > 0.06 {
			t.Errorf("%s: %v s of play moved the clock %v s; want %v", tt.name, tt.secs, got, tt.want)
		}
	}
	if s := pb.Speed(); s != 4 {
		t.Errorf("SetSpeed(3.5) chose %v×; want 4×", s)
	}
}

// The world after a seek is the world after playing to the same time, in
// both directions, and the kill feed is the same.
func TestSeekLandsWherePlayingDoes(t *testing.T) {
	played := newPlayback(t)
	sought := newPlayback(t)
	_ = played.SetPlaying(true)
	for _, at := range []float64{7, 23.5, 31} {
		played.SetSpeed(8)
		for played.Time() < at-1e-9 {
			if err := played.Advance(math.Min(1.0/60, (at-played.Time())/8)); err != nil {
				t.Fatal(err)
			}
		}
		if err := sought.Seek(at); err != nil {
			t.Fatalf("seek to %v: %v", at, err)
		}
		if sought.Time() != played.Time() {
			t.Fatalf("seek to %v landed at %v; playing reached %v", at, sought.Time(), played.Time())
		}
		if a, b := sought.World().Hash(), played.World().Hash(); a != b {
			t.Errorf("at %v s the sought world hashes %#x, the played one %#x", at, a, b)
		}
		pf, sf := played.KillFeed(), sought.KillFeed()
		var recent []string
		for _, k := range pf {
			if float64(k.Tick) > played.RenderTick()-playback.FeedSeconds*played.TickRate() {
				recent = append(recent, fmt.Sprint(k))
			}
		}
		var got []string
		for _, k := range sf {
			got = append(got, fmt.Sprint(k))
		}
		if fmt.Sprint(got) != fmt.Sprint(recent) {
			t.Errorf("at %v s the kill feed after a seek is %v; playing there shows %v", at, got, recent)
		}
	}
	// Back to the start: the world is the recording's first.
	if err := sought.Seek(-3); err != nil || sought.Time() != 0 || sought.World().Tick != sought.Replay().Meta.StartTick {
		t.Errorf("seek to -3 s: err %v, time %v, tick %d", err, sought.Time(), sought.World().Tick)
	}
}

func TestPlaybackEndsWithTheResult(t *testing.T) {
	pb := newPlayback(t)
	if err := pb.Seek(39); err != nil {
		t.Fatal(err)
	}
	if pb.Result() != nil {
		t.Fatalf("a result before the end")
	}
	advance(t, pb, 2)
	if !pb.Ended() || pb.Playing() || pb.Time() != pb.Duration() {
		t.Fatalf("after the end: ended %v playing %v time %v; want ended, paused at %v", pb.Ended(), pb.Playing(), pb.Time(), pb.Duration())
	}
	res := pb.Result()
	if len(res) != 6 || res[0].Placement != 1 {
		t.Fatalf("result %+v; want the six bots ranked", res)
	}
	if pb.World().Hash() != pb.Replay().Summary.Hash {
		t.Errorf("the played world differs from the recorded end")
	}
	// Play from the end starts over.
	if err := pb.Toggle(); err != nil || pb.Time() != 0 || !pb.Playing() {
		t.Errorf("play at the end: err %v, time %v, playing %v; want the start, playing", err, pb.Time(), pb.Playing())
	}
}

// Frames between two ticks draw ships between their two positions.
func TestFrameInterpolates(t *testing.T) {
	pb := newPlayback(t)
	if err := pb.Seek(10); err != nil {
		t.Fatal(err)
	}
	before := map[uint32][2]float64{}
	for _, s := range pb.Frame(0).Ships {
		before[s.ID] = [2]float64{s.X, s.Y}
	}
	// Half a tick at 1×.
	if err := pb.Advance(0.5 / pb.TickRate()); err != nil {
		t.Fatal(err)
	}
	mid := map[uint32][2]float64{}
	for _, s := range pb.Frame(3).Ships {
		mid[s.ID] = [2]float64{s.X, s.Y}
		if s.Self != (s.ID == 3) {
			t.Errorf("ship %d Self=%v; want only ship 3", s.ID, s.Self)
		}
	}
	if err := pb.Advance(0.5 / pb.TickRate()); err != nil {
		t.Fatal(err)
	}
	moved := 0
	for _, s := range pb.Frame(0).Ships {
		b, m := before[s.ID], mid[s.ID]
		if b == [2]float64{s.X, s.Y} {
			continue
		}
		moved++
		wx, wy := (b[0]+s.X)/2, (b[1]+s.Y)/2
		if math.Abs(m[0]-wx) > 1e-6 || math.Abs(m[1]-wy) > 1e-6 {
			t.Errorf("ship %d half way: (%v, %v); want (%v, %v) between %v and (%v, %v)", s.ID, m[0], m[1], wx, wy, b, s.X, s.Y)
		}
	}
	if moved == 0 {
		t.Fatalf("no ship moved in a tick")
	}
}

func TestEffectsOnlyWhenPlaying(t *testing.T) {
	pb := newPlayback(t)
	if err := pb.Seek(20); err != nil {
		t.Fatal(err)
	}
	if fx := pb.Effects(nil); len(fx) != 0 {
		t.Errorf("a seek left %d effects to draw", len(fx))
	}
	advance(t, pb, 3)
	fx := pb.Effects(nil)
	shots := 0
	for _, e := range fx {
		if e.Kind == game.Shot {
			shots++
		}
	}
	if shots == 0 {
		t.Errorf("3 s of bots fighting made no shot effects (%d effects)", len(fx))
	}
	if again := pb.Effects(nil); len(again) != 0 {
		t.Errorf("effects handed out twice")
	}
}
