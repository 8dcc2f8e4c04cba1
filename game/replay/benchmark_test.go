package replay_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/bot"
	"github.com/tickarena/tickarena/game/replay"
	"github.com/tickarena/tickarena/internal/cputime"
)

// fullRoom is the room the size goal is set for: a 5-minute round at 30 Hz
// with 50 humans (played by bot brains, for realistic inputs) and 10 bots.
type fullRoom struct {
	w      *game.World
	brains []*bot.Brain
	inputs []game.Input
	// sweep, when set, replaces the aim of the 50 humans with one that
	// sweeps round at a steady speed each, as the load generator's players
	// aim: tracking no ship, so the recorder looks for a target every tick.
	sweep []game.Angle
}

func newFullRoom(seed uint64) *fullRoom {
	fr := &fullRoom{w: game.NewWorld(game.Rules{Seed: seed})}
	for i := range 60 {
		fr.brains = append(fr.brains, bot.New(fr.w.AddShip(fmt.Sprintf("Player %d", i+1), i >= 50)))
	}
	return fr
}

func (fr *fullRoom) step() {
	fr.inputs = fr.inputs[:0]
	for _, b := range fr.brains {
		fr.inputs = append(fr.inputs, b.Think(fr.w))
	}
	for i := range fr.sweep {
		fr.sweep[i] += game.Angle(100 + 37*i)
		fr.inputs[i].Aim = fr.sweep[i]
	}
	game.Step(fr.w, fr.inputs)
}

// recordFullRound records one whole round of fr and returns the file.
func recordFullRound(tb testing.TB, fr *fullRoom, rec *replay.Recorder) ([]byte, *replay.Recording) {
	rec.Start(fr.w, replay.Meta{Room: replay.Room{ID: "bench", Name: "Bench", Capacity: 60, Bots: 10}})
	for fr.w.Result == nil {
		fr.step()
		rec.Step(fr.w)
	}
	r, err := rec.Finish(fr.w)
	if err != nil {
		tb.Fatalf("finish: %v", err)
	}
	return r.Encode(), r
}

// BenchmarkRoundSize records a full 5-minute round of 60 players and reports
// the file's size per round and per player-minute (the goal is 256 KB).
func BenchmarkRoundSize(b *testing.B) {
	var size, minutes float64
	for i := 0; b.Loop(); i++ {
		fr := newFullRoom(uint64(i + 1))
		file, r := recordFullRound(b, fr, replay.NewRecorder(replay.Options{}))
		size += float64(len(file))
		minutes += float64(r.Ticks()) / float64(r.Meta.Rules.TickRate) / 60 * 60
	}
	b.ReportMetric(size/float64(b.N), "B/round")
	b.ReportMetric(size/minutes, "B/player-minute")
}

// BenchmarkRecorderStep plays a 60-player room, its humans aiming as the bots
// do or sweeping their aim (see fullRoom.sweep), and measures what recording
// adds to each tick (Recorder.Step, keyframes and round ends included), as
// ns/record. Each iteration is one tick; allocations are those of the whole
// tick (bots, Step and recording), which must be none once the recorder's
// buffers have grown. cpu-ns/record is the same in process CPU time, steadier
// than the wall clock on a busy machine.
func BenchmarkRecorderStep(b *testing.B) {
	b.Run("bots", func(b *testing.B) { benchmarkRecorderStep(b, newFullRoom(1)) })
	b.Run("sweep", func(b *testing.B) {
		fr := newFullRoom(1)
		fr.sweep = make([]game.Angle, 50)
		benchmarkRecorderStep(b, fr)
	})
}

func benchmarkRecorderStep(b *testing.B, fr *fullRoom) {
	rec := replay.NewRecorder(replay.Options{})
	recordFullRound(b, fr, rec) // grow the buffers to a round's size
	for fr.w.Phase != game.Playing {
		fr.step()
	}
	rec.Start(fr.w, replay.Meta{})
	var spent, cpu time.Duration
	b.ReportAllocs()
	for b.Loop() {
		fr.step()
		if !rec.Recording() {
			if fr.w.Phase == game.Playing {
				rec.Start(fr.w, replay.Meta{})
			}
			continue
		}
		t0, c0 := time.Now(), cputime.Process()
		rec.Step(fr.w)
		spent += time.Since(t0)
		cpu += cputime.Process() - c0
		if fr.w.Result != nil {
			if _, err := rec.Finish(fr.w); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(spent.Nanoseconds())/float64(b.N), "ns/record")
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/record")
}

// BenchmarkSeek measures a seek to minute 4 of a recorded 5-minute round of
// 60 players from a new player: restoring a keyframe and simulating from it.
func BenchmarkSeek(b *testing.B) {
	file, _ := recordFullRound(b, newFullRoom(1), replay.NewRecorder(replay.Options{}))
	rp, err := replay.Decode(file)
	if err != nil {
		b.Fatal(err)
	}
	p, err := rp.NewPlayer()
	if err != nil {
		b.Fatal(err)
	}
	at := rp.Meta.StartTick + 4*60*uint32(rp.Meta.Rules.TickRate) + rp.Meta.KeyframeTicks - 1 // the worst case: just before a keyframe
	for b.Loop() {
		if err := p.Seek(at); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecode measures reading a 5-minute round of 60 players.
func BenchmarkDecode(b *testing.B) {
	file, _ := recordFullRound(b, newFullRoom(1), replay.NewRecorder(replay.Options{}))
	b.SetBytes(int64(len(file)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := replay.Decode(file); err != nil {
			b.Fatal(err)
		}
	}
}
