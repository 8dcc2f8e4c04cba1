package netcode

import (
	"fmt"
	"testing"
	"time"

	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/wire"
)

// sendRateRun is what a client saw of a server that sends a frame every k
// ticks.
type sendRateRun struct {
	jitterRun
	maxDelay  time.Duration // the largest interpolation delay of a frame
	compared  int           // inputs whose prediction was compared with the server
	mismatch  int           // of them, predicted otherwise than the server applied
	corrected uint64
}

// runSendRate plays d of virtual time and returns what the client saw
// after the first warm of it.
func runSendRate(t *testing.T, s *sim, warm, d time.Duration) sendRateRun {
	t.Helper()
	var r sendRateRun
	s.run(warm)
	before := s.client.Stats()
	firstSeq := s.client.pred.seq + 1
	watchPlayout(s, &r.jitterRun)
	playout := s.onFrame
	s.onFrame = func(f *Frame) {
		playout(f)
		r.maxDelay = max(r.maxDelay, s.client.InterpDelay())
	}
	s.run(d - warm)
	st := s.client.Stats()
	if s.client.State() != StatePlaying || st.Resyncs != 0 {
		t.Fatalf("state %v (%s), resyncs %d: want playing throughout", s.client.State(), s.client.Reason(), st.Resyncs)
	}
	r.frames, r.underflows = st.Frames-before.Frames, st.Underflows-before.Underflows
	if r.frames > 0 {
		r.meanDelay = (st.DelaySum - before.DelaySum) / time.Duration(r.frames)
	}
	r.corrected = st.Corrections - before.Corrections
	applied := s.srv.applied[s.client.Ship()]
	for seq := firstSeq; seq <= s.client.pred.seq; seq++ {
		want, ok := applied[seq]
		if !ok {
			continue // still on its way
		}
		r.compared++
		if s.predicted[seq] != want {
			r.mismatch++
		}
	}
	return r
}

// TestSendRate plays at 100 ms of round trip (50 ms ± 10 each way) against
// a server that sends a frame every 1, 2 and 3 ticks, each delta spanning
// those ticks. After the warm-up, each must be as smooth as a frame every
// tick: no frame short of snapshots, no correction of the own ship, which
// its own inputs drive, and the others drawn no further in the past than
// the spacing, half a tick and the jitter ask for. The round trip the
// client measures leaves out the time its pong waited for the next frame.
func TestSendRate(t *testing.T) {
	const (
		tick       = time.Second / 30
		jitterPeak = 20 * time.Millisecond // ±10 ms each way, the server to the client
		margin     = 10 * time.Millisecond
	)
	for _, k := range []uint32{1, 2, 3} {
		t.Run(map[uint32]string{1: "every tick", 2: "every 2 ticks", 3: "every 3 ticks"}[k], func(t *testing.T) {
			s := newJitterSim(50*time.Millisecond, 10*time.Millisecond)
			s.net.StampArrival = true
			s.srv.sendEvery = k
			s.client.opt.PingInterval = 500 * time.Millisecond
			r := runSendRate(t, s, 4*time.Second, 34*time.Second)
			c := s.client
			spacing := time.Duration(k) * tick
			t.Logf("k=%d: %d underflows in %d frames, mean delay %v, max %v; %d inputs compared, %d corrections; spacing %d ticks; RTT %v (min %v)",
				k, r.underflows, r.frames, r.meanDelay, r.maxDelay, r.compared, r.corrected, c.TickSpacing(), c.RTTMean(), c.RTTMin())
			if r.frames < 1500 {
				t.Fatalf("%d frames drawn with snapshots in 30 s, want about 1800", r.frames)
			}
			if r.underflows != 0 {
				t.Errorf("%d frames in %d short of snapshots, want none", r.underflows, r.frames)
			}
			if r.jumps != 0 {
				t.Errorf("drawn time went back or ran more than %.0f%% fast on %d frames", 100*maxStretch, r.jumps)
			}
			if r.corrected != 0 || r.mismatch != 0 || r.compared < 800 {
				t.Errorf("%d corrections, %d of %d inputs predicted otherwise than the server applied them; want none of at least 800",
					r.corrected, r.mismatch, r.compared)
			}
			if got := c.TickSpacing(); got != int(k) {
				t.Errorf("TickSpacing() = %d, want %d", got, k)
			}
			// The delay covers the spacing and half a tick, and the jitter
			// on top of that; not more.
			lo, hi := spacing+tick/2, spacing+tick/2+jitterPeak+margin
			if r.meanDelay < lo || r.maxDelay > hi {
				t.Errorf("interpolation delay %v on average, at most %v; want from %v to %v", r.meanDelay, r.maxDelay, lo, hi)
			}
			if rtt := c.RTTMean(); rtt < 90*time.Millisecond || rtt > 110*time.Millisecond {
				t.Errorf("mean RTT %v, want 100 ms ± 10: the pong's wait for the next frame is not network time", rtt)
			}
		})
	}
}

// TestSendRateLongGap sends a frame every 2 ticks and once skips the
// client for a quarter of a second, as the server does to a socket that
// fell behind. The next delta spans the gap; the delay must not take that
// gap as the spacing: a few seconds later it is back where it was, the
// spacing still 2 ticks, and no frame runs short of snapshots any more.
func TestSendRateLongGap(t *testing.T) {
	const tick = time.Second / 30
	s := newJitterSim(50*time.Millisecond, 10*time.Millisecond)
	s.net.StampArrival = true
	s.srv.sendEvery = 2
	s.run(6 * time.Second)
	before := s.client.InterpDelay()
	if before < 2*tick+tick/2 {
		t.Fatalf("delay %v at a frame every 2 ticks, want at least the spacing and half a tick (%v)", before, 2*tick+tick/2)
	}
	// Skip the next 7 ticks: one delta then spans 9 ticks (300 ms).
	now := s.srv.world.Tick
	s.srv.skipFrom, s.srv.skipTo = now+1, now+8
	after := runSendRate(t, s, 4*time.Second, 7*time.Second)
	back := s.client.InterpDelay()
	t.Logf("delay %v before the gap, %v on average from 4 s to 7 s after, %v at the end, at most %v; spacing %d ticks; %d underflows in %d frames from 4 s after the gap",
		before, after.meanDelay, back, after.maxDelay, s.client.TickSpacing(), after.underflows, after.frames)
	if got := s.client.TickSpacing(); got != 2 {
		t.Errorf("TickSpacing() = %d after one long gap, want 2", got)
	}
	if back > before+5*time.Millisecond || after.maxDelay > before+10*time.Millisecond {
		t.Errorf("delay %v at the end, at most %v from 4 s to 7 s after a single long gap, want back near %v", back, after.maxDelay, before)
	}
	if after.underflows != 0 || after.jumps != 0 {
		t.Errorf("%d underflows in %d frames from 4 s after the gap, %d jumps of drawn time; want none", after.underflows, after.frames, after.jumps)
	}
}

// TestSendRateHits has one ship fire at another that strafes, with the
// client watching, against a server that sends every 1, 2 and 3 ticks. A
// delta spanning k ticks says only that a hit happened in one of them;
// the client must still end the bullet near the tick of the hit, not fly
// it on through the ship for the rest of the delta, and show the hit's
// effect, and the wreck of a kill, at that tick. The client places the
// hit from the target's path between two snapshots, which it estimates:
// a target that turns within the span may be placed a tick off, never
// more, and a bullet is never drawn a whole tick past its hit.
func TestSendRateHits(t *testing.T) {
	for _, run := range []struct {
		name   string
		period uint32 // ticks the target strafes one way before turning
	}{{"dodging", 8}, {"strafing", 20}} {
		for _, k := range []uint32{1, 2, 3} {
			t.Run(fmt.Sprintf("%s every %d ticks", run.name, k), func(t *testing.T) {
				r := playHits(t, k, run.period)
				t.Logf("k=%d: %d hits, %d kills; %d hit and death effects, %d a tick off, %d more; %d frames drew a bullet after its hit, %d a tick or more after",
					k, r.hits, r.kills, r.effects, r.offByOne, r.offMore, r.drawnAfter, r.drawnTickAfter)
				if r.hits < 25 || r.effects < 25 || r.kills < 5 {
					t.Fatalf("%d hits, %d kills, %d effects in 60 s: the scene proves nothing", r.hits, r.kills, r.effects)
				}
				if r.offMore != 0 || r.offByOne*5 > r.effects {
					t.Errorf("%d of %d hit and death effects a tick off the event, %d more: want at most a fifth, and none more", r.offByOne, r.effects, r.offMore)
				}
				if r.drawnTickAfter != 0 {
					t.Errorf("%d frames drew a bullet a tick or more after it hit its target, want none", r.drawnTickAfter)
				}
				if k == 1 && (r.offByOne != 0 || r.drawnAfter != 0) {
					t.Errorf("a delta every tick: %d effects a tick off, %d frames drew a bullet after its hit; want none", r.offByOne, r.drawnAfter)
				}
			})
		}
	}
}

// hitRun is what TestSendRateHits counts.
type hitRun struct {
	hits, kills, effects       int
	offByOne, offMore          int // effects at another tick than their event
	drawnAfter, drawnTickAfter int // frames that drew a bullet at or after its hit's tick, a tick or more after
}

// playHits plays 60 s of a ship firing at one that strafes period ticks
// each way, the server sending every k ticks.
func playHits(t *testing.T, k, period uint32) hitRun {
	t.Helper()
	s := newSim(50*time.Millisecond, 10*time.Millisecond, game.Rules{Seed: 5}, Options{})
	s.net.StampArrival = true
	s.srv.sendEvery = k
	s.srv.area = wire.WholeWorld
	w := s.srv.world
	shooter, target := w.AddShip("shooter", true), w.AddShip("target", true)
	const gap = 300 * game.Sub
	s.srv.script[shooter] = func(tick uint32) game.Input {
		a, b := w.Ship(shooter), w.Ship(target)
		if b.Dead {
			return game.Input{Ship: shooter, Seq: tick}
		}
		if dx, dy := b.X-a.X, b.Y-a.Y; max(dx, -dx) > 2*gap || max(dy, -dy) > 2*gap {
			// Respawned far away: back in range (the deltas say so).
			b.X, b.Y = a.X+gap, a.Y
		}
		return game.Input{Ship: shooter, Seq: tick, Buttons: game.Fire, Aim: game.Atan2(b.Y-a.Y, b.X-a.X)}
	}
	dirs := [...]game.Buttons{game.Up, game.Down}
	s.srv.script[target] = func(tick uint32) game.Input {
		return game.Input{Ship: target, Seq: tick, Buttons: dirs[(tick/period)%2]}
	}
	hitAt := map[uint32]uint32{}   // bullet id: the tick it hit
	deathAt := map[uint32]uint32{} // kill number: the tick
	s.srv.onEvent = func(ev game.Event, tick uint32) {
		switch {
		case ev.Kind == game.Hit && ev.A == target:
			hitAt[ev.C] = tick
		case ev.Kind == game.Death && ev.A == target:
			deathAt[uint32(len(deathAt))] = tick
		}
	}
	var r hitRun
	off := func(got, want uint32) {
		switch {
		case got == want:
		case got+1 == want || got == want+1:
			r.offByOne++
		default:
			r.offMore++
		}
	}
	var fx []Effect
	deaths := 0
	s.onFrame = func(f *Frame) {
		for _, b := range f.Bullets {
			if h, ok := hitAt[b.ID]; ok && f.RenderTick >= float64(h) {
				r.drawnAfter++
				if f.RenderTick >= float64(h+1) {
					r.drawnTickAfter++
				}
			}
		}
		fx = s.client.Effects(fx[:0])
		for _, e := range fx {
			switch e.Kind {
			case game.Hit:
				r.effects++
				off(e.Tick, hitAt[e.C])
			case game.Death:
				r.effects++
				off(e.Tick, deathAt[uint32(deaths)])
				deaths++
			}
		}
	}
	a := w.Ship(shooter)
	w.Ship(target).X, w.Ship(target).Y = a.X+gap, a.Y
	s.run(60 * time.Second)
	r.hits, r.kills = len(hitAt), len(deathAt)
	return r
}

// TestSendRateSlowerPath makes the path 200 ms slower for good, at a frame
// every 1, 2 and 3 ticks. The client takes the new path as the fastest
// once its old samples are two seconds old, whatever the spacing: after
// the first seconds of the change it draws as smoothly with a delta every
// 3 ticks as with one every tick.
func TestSendRateSlowerPath(t *testing.T) {
	for _, k := range []uint32{1, 2, 3} {
		t.Run(fmt.Sprintf("every %d ticks", k), func(t *testing.T) {
			s := newJitterSim(50*time.Millisecond, 10*time.Millisecond)
			s.net.StampArrival = true
			s.srv.sendEvery = k
			s.run(6 * time.Second)
			s.net.Latency = 250 * time.Millisecond
			s.run(3 * time.Second) // the change: the others wait for the slower deltas
			before := s.client.Stats()
			s.run(7 * time.Second)
			st := s.client.Stats()
			under, frames := st.Underflows-before.Underflows, st.Frames-before.Frames
			t.Logf("k=%d: %d underflows in %d frames from 3 s to 10 s after the path became 200 ms slower; delay %v", k, under, frames, s.client.InterpDelay())
			if frames < 300 || under != 0 {
				t.Errorf("%d underflows in %d frames from 3 s after the change, want none", under, frames)
			}
		})
	}
}

// TestSendRateHeavyJitter plays at 100 ms ± 95 each way, a jitter that
// takes most of the room MaxInterpDelay leaves at a delta every tick. A
// server that sends every 2 or 3 ticks must leave the jitter the same
// room: the cap grows by the spacing, and no frame runs short.
func TestSendRateHeavyJitter(t *testing.T) {
	const tick = time.Second / 30
	for _, k := range []uint32{1, 2, 3} {
		t.Run(fmt.Sprintf("every %d ticks", k), func(t *testing.T) {
			s := newJitterSim(100*time.Millisecond, 95*time.Millisecond)
			s.net.StampArrival = true
			s.srv.sendEvery = k
			r := runSendRate(t, s, 6*time.Second, 36*time.Second)
			most := 250*time.Millisecond + time.Duration(k-1)*tick
			t.Logf("k=%d: %d underflows in %d frames, mean delay %v, max %v (cap %v)", k, r.underflows, r.frames, r.meanDelay, r.maxDelay, most)
			if r.frames < 1500 || r.underflows != 0 {
				t.Errorf("%d underflows in %d frames, want none", r.underflows, r.frames)
			}
			if r.meanDelay > most {
				t.Errorf("mean delay %v, want at most the cap %v", r.meanDelay, most)
			}
		})
	}
}
