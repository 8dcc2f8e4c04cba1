package game_test

import (
	"runtime"
	"sync"
	"testing"

	"github.com/tickarena/tickarena/game"
)

// recording is the input stream of a played scenario, one batch per tick, so
// that benchmarks replay the same match without paying for who made the inputs.
type recording struct {
	sc    scenario
	ticks [][]game.Input
	hash  uint64 // world hash after the last tick
}

func record(sc scenario, ticks int) *recording {
	m := newMatch(sc)
	rec := &recording{sc: sc, ticks: make([][]game.Input, 0, ticks)}
	for i := 0; i < ticks; i++ {
		m.step()
		rec.ticks = append(rec.ticks, append([]game.Input(nil), m.inputs...))
	}
	rec.hash = m.w.Hash()
	return rec
}

// replay returns a fresh world of the recorded scenario stepped through its
// first warm ticks.
func (r *recording) replay(warm int) *game.World {
	w := newMatch(r.sc).w
	for _, in := range r.ticks[:warm] {
		game.Step(w, in)
	}
	return w
}

var (
	// roomScenario is a full room: 50 humans with random inputs and 200 bots
	// in the default arena with its 300 pellets.
	roomScenario = scenario{name: "room", rules: game.Rules{Seed: 5}, humans: 50, bots: 200}
	// hugeScenario is 10,000 ships with random inputs in a large arena.
	hugeScenario = scenario{name: "10k", rules: game.Rules{Seed: 6, WorldSize: 20000, Pellets: game.MaxPellets}, humans: 10000}

	roomOnce, hugeOnce sync.Once
	roomRec, hugeRec   *recording
)

const roomWarm, hugeWarm = 150, 30

func roomRecording() *recording {
	roomOnce.Do(func() { roomRec = record(roomScenario, 1200) })
	return roomRec
}

func hugeRecording() *recording {
	hugeOnce.Do(func() { hugeRec = record(hugeScenario, 150) })
	return hugeRec
}

// TestReplayMatchesRecording makes sure the benchmarks measure the real match:
// replaying a recorded input stream rebuilds the recorded world bit for bit.
func TestReplayMatchesRecording(t *testing.T) {
	rec := record(roomScenario, 300)
	if got := rec.replay(len(rec.ticks)).Hash(); got != rec.hash {
		t.Fatalf("replayed hash %#x, recorded %#x", got, rec.hash)
	}
}

// TestStepDoesNotAllocate steps a warmed-up full room: Step allocates nothing.
func TestStepDoesNotAllocate(t *testing.T) {
	if testing.Short() {
		t.Skip("records a full room")
	}
	rec := record(roomScenario, 500)
	w := rec.replay(400)
	next := 400
	allocs := testing.AllocsPerRun(90, func() {
		game.Step(w, rec.ticks[next])
		next++
	})
	if allocs != 0 {
		t.Fatalf("Step allocates %.2f times per tick in steady state", allocs)
	}
}

// benchReplay steps replayed worlds b.N ticks in all, starting over from a fresh
// world when the recording runs out, and reports time and allocations per tick.
func benchReplay(b *testing.B, rec *recording, warm int) {
	w := rec.replay(warm)
	next := warm
	var ms runtime.MemStats
	var mallocs uint64
	runtime.ReadMemStats(&ms)
	start := ms.Mallocs
	b.ReportAllocs()
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		if next == len(rec.ticks) {
			b.StopTimer()
			runtime.ReadMemStats(&ms)
			mallocs += ms.Mallocs - start
			w, next = rec.replay(warm), warm
			runtime.ReadMemStats(&ms)
			start = ms.Mallocs
			b.StartTimer()
		}
		game.Step(w, rec.ticks[next])
		next++
	}
	b.StopTimer()
	runtime.ReadMemStats(&ms)
	mallocs += ms.Mallocs - start
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/tick")
	b.ReportMetric(float64(mallocs)/float64(b.N), "allocs/tick")
	b.ReportMetric(float64(len(w.Ships)), "ships")
	b.ReportMetric(float64(len(w.Bullets)), "bullets")
}

// BenchmarkStep steps a full room (50 humans, 200 bots, 300 pellets) from a
// recorded match; bot thinking is measured by bot.BenchmarkBots200.
func BenchmarkStep(b *testing.B) {
	benchReplay(b, roomRecording(), roomWarm)
}

// BenchmarkStep10k steps 10,000 ships in a 20,000-unit arena, to show that the
// spatial grid keeps collisions and pickups from growing with the square of ships.
func BenchmarkStep10k(b *testing.B) {
	benchReplay(b, hugeRecording(), hugeWarm)
}

// BenchmarkGridQuery asks a grid of 10,000 points for the rectangles the game
// asks for: a client's area of interest and a bullet's path.
func BenchmarkGridQuery(b *testing.B) {
	size := int32(4000 * game.Sub)
	rng := game.NewRand(9)
	const n = 10000
	xs, ys := make([]int32, n), make([]int32, n)
	for i := range xs {
		xs[i], ys[i] = rng.Intn(size), rng.Intn(size)
	}
	g := game.NewGrid(size)
	g.Build(n, func(i int) (int32, int32) { return xs[i], ys[i] })
	for _, q := range []struct {
		name string
		w, h int32 // world units
	}{{"area-of-interest", 1600, 1000}, {"bullet-path", 90, 60}} {
		b.Run(q.name, func(b *testing.B) {
			dst := make([]int32, 0, n)
			items := 0
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				x, y := xs[i%n], ys[i%n]
				dst = g.Query(dst[:0], x, y, x+q.w*game.Sub, y+q.h*game.Sub)
				items += len(dst)
			}
			b.ReportMetric(float64(items)/float64(b.N), "items/query")
		})
	}
}

// BenchmarkGridBuild rebuilds the index of 10,000 points, as Step does each tick.
func BenchmarkGridBuild(b *testing.B) {
	size := int32(20000 * game.Sub)
	rng := game.NewRand(10)
	const n = 10000
	xs, ys := make([]int32, n), make([]int32, n)
	for i := range xs {
		xs[i], ys[i] = rng.Intn(size), rng.Intn(size)
	}
	g := game.NewGrid(size)
	b.ReportAllocs()
	for b.Loop() {
		g.Build(n, func(i int) (int32, int32) { return xs[i], ys[i] })
	}
}
