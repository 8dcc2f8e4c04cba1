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

// sweeper plays a ship as the load generator's players do (cmd/loadgen): a
// direction held for about a second, fire held part of the time, and the aim
// turning every tick at a speed that changes with the direction, so that it
// follows no ship.
type sweeper struct {
	ship   uint32
	seq    uint32
	move   game.Buttons
	fire   bool
	aim    game.Angle
	speed  int32
	turnAt uint32
}

// sweepMoves are the directions a sweeper holds, standing still included.
var sweepMoves = [...]game.Buttons{0, game.Up, game.Up | game.Right, game.Right, game.Down | game.Right, game.Down, game.Down | game.Left, game.Left, game.Up | game.Left}

// input returns the sweeper's input for the coming step of w.
func (s *sweeper) input(w *game.World, rng *game.Rand) game.Input {
	if w.Tick >= s.turnAt {
		s.move = sweepMoves[rng.Intn(int32(len(sweepMoves)))]
		s.fire = rng.Intn(100) < 40
		s.speed = rng.Intn(1200) - 600
		s.turnAt = w.Tick + 21 + uint32(rng.Intn(18))
	}
	s.aim += game.Angle(s.speed)
	s.seq++
	b := s.move
	if s.fire {
		b |= game.Fire
	}
	return game.Input{Ship: s.ship, Seq: s.seq, Buttons: b, Aim: s.aim}
}

// sweepRoom is a world of sweepers and nothing else, so that a benchmark of
// it spends little outside the code it measures.
type sweepRoom struct {
	w       *game.World
	rng     game.Rand
	players []sweeper
	inputs  []game.Input
}

func newSweepRoom(ships int) *sweepRoom {
	sr := &sweepRoom{w: game.NewWorld(game.Rules{Seed: 3}), rng: game.NewRand(3), players: make([]sweeper, ships)}
	for i := range sr.players {
		sr.players[i].ship = sr.w.AddShip(fmt.Sprintf("Player %d", i+1), false)
	}
	return sr
}

func (sr *sweepRoom) step() {
	sr.inputs = sr.inputs[:0]
	for i := range sr.players {
		sr.inputs = append(sr.inputs, sr.players[i].input(sr.w, &sr.rng))
	}
	game.Step(sr.w, sr.inputs)
}

// record records ticks steps of sr's round, starting when at least that many
// are left of one, and returns the time spent in Recorder.Step.
func (sr *sweepRoom) record(rec *replay.Recorder, ticks int) time.Duration {
	for sr.w.Phase != game.Playing || sr.w.Tick+uint32(ticks) >= sr.w.PhaseEnd {
		sr.step()
	}
	rec.Start(sr.w, replay.Meta{})
	var spent time.Duration
	for range ticks {
		sr.step()
		t0 := time.Now()
		rec.Step(sr.w)
		spent += time.Since(t0)
	}
	rec.Abort()
	return spent
}

// BenchmarkRecorderSweep measures Recorder.Step where a profile of the server
// at 3,000 players found it costly: a room of 50 players who all move, shoot
// and sweep their aim every tick, mostly at no ship. Each iteration records
// 300 ticks with a keyframe every 5 seconds; ns/tick is the time spent in
// Recorder.Step per tick, keyframes included, by the clock: reading the
// process's CPU time around each Step, as BenchmarkRecorderStep does, would
// add a system call of a few microseconds to each. Allocations are the whole
// iteration's, world steps included: none once the recorder's buffers have
// grown.
func BenchmarkRecorderSweep(b *testing.B) {
	const ticks = 300
	sr := newSweepRoom(50)
	rec := replay.NewRecorder(replay.Options{KeyframeSeconds: 5})
	sr.record(rec, ticks) // grow the buffers
	var spent time.Duration
	b.ReportAllocs()
	for b.Loop() {
		spent += sr.record(rec, ticks)
	}
	b.ReportMetric(float64(spent.Nanoseconds())/float64(b.N*ticks), "ns/tick")
}
