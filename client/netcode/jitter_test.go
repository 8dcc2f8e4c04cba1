package netcode

import (
	"testing"
	"time"

	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/wire"
)

// jitterRun is what one run of a client on a simulated network saw.
type jitterRun struct {
	frames, underflows uint64
	stalls             uint64 // underflows after a stall of the page
	meanDelay          time.Duration
	// jumps counts frames whose drawn time went back or ran faster than
	// real time allows (more than maxStretch); worst is the largest ratio
	// of drawn time to real time between two frames.
	jumps int
	worst float64
}

// watchPlayout makes s count the frames whose drawn time went back or ran
// faster than real time with the stretch; the first frame of a connection
// (which snaps) is skipped.
func watchPlayout(s *sim, r *jitterRun) {
	var prevTick float64
	var prevAt time.Time
	var welcomes uint64
	s.onFrame = func(f *Frame) {
		c := s.client
		if c.State() != StatePlaying || c.history.n < 2 {
			prevAt = time.Time{}
			return
		}
		now := s.net.now
		if w := c.Stats().Welcomes; !prevAt.IsZero() && w == welcomes {
			ratio := (f.RenderTick - prevTick) / (float64(now.Sub(prevAt)) / float64(c.interval))
			r.worst = max(r.worst, ratio)
			if ratio < -1e-9 || ratio > 1+maxStretch+1e-6 {
				r.jumps++
			}
		}
		welcomes = c.Stats().Welcomes
		prevTick, prevAt = f.RenderTick, now
	}
}

// runJitter plays d of virtual time on a network and returns what the
// client saw over the last d-warm of it.
func runJitter(t *testing.T, s *sim, warm, d time.Duration) jitterRun {
	t.Helper()
	var r jitterRun
	watchPlayout(s, &r)
	s.run(warm)
	before := s.client.Stats()
	s.run(d - warm)
	st := s.client.Stats()
	if s.client.State() != StatePlaying || st.Resyncs != 0 {
		t.Fatalf("state %v (%s), resyncs %d: want playing throughout", s.client.State(), s.client.Reason(), st.Resyncs)
	}
	r.frames, r.underflows = st.Frames-before.Frames, st.Underflows-before.Underflows
	r.stalls = st.StallUnderflows - before.StallUnderflows
	if r.frames > 0 {
		r.meanDelay = (st.DelaySum - before.DelaySum) / time.Duration(r.frames)
	}
	return r
}

// newJitterSim is a client and the test server with one other ship roaming
// in view, on a network of latency ± jitter each way.
func newJitterSim(latency, jitter time.Duration) *sim {
	s := newSim(latency, jitter, game.Rules{Seed: 5}, Options{})
	s.srv.area = wire.WholeWorld
	other := s.srv.world.AddShip("runner", true)
	dirs := [...]game.Buttons{game.Right, game.Down, game.Left, game.Up}
	s.srv.script[other] = func(tick uint32) game.Input {
		return game.Input{Ship: other, Seq: tick, Buttons: dirs[(tick/25)%4]}
	}
	s.buttons = roam
	return s
}

// pairs delivers messages only on every second tick boundary: two deltas
// arrive together, then none for two ticks.
func pairs(at time.Time) time.Time {
	const every = 2 * time.Second / 30
	since := at.Sub(epoch)
	return epoch.Add((since + every - 1) / every * every)
}

// stalls holds every message due within the first 200 ms of each 3 s,
// as a busy machine does to a process it does not schedule.
func stalls(at time.Time) time.Time {
	const every, hold = 3 * time.Second, 200 * time.Millisecond
	since := at.Sub(epoch)
	if since%every < hold {
		return epoch.Add(since - since%every + hold)
	}
	return at
}

// TestJitterBuffer plays on networks with jitter, bursts and stalls and
// checks that the others are drawn without running short of snapshots on
// more than a few frames in a thousand, and that drawn time never jumps.
func TestJitterBuffer(t *testing.T) {
	for _, tc := range []struct {
		name             string
		latency, jitter  time.Duration
		stamp            bool                      // the transport stamps arrivals, as the browser's does
		frame            time.Duration             // time between frames
		shape            func(time.Time) time.Time // bursts or stalls on the way down
		maxPerMille      float64                   // underflows allowed per thousand frames
		delayLo, delayHi time.Duration             // the mean delay expected
	}{
		{"50±10ms each way (the browser test's proxy)", 50 * time.Millisecond, 10 * time.Millisecond, true, frameInterval, nil, 1, 60 * time.Millisecond, 90 * time.Millisecond},
		{"100±20ms each way", 100 * time.Millisecond, 20 * time.Millisecond, true, frameInterval, nil, 1, 70 * time.Millisecond, 110 * time.Millisecond},
		{"50±10ms, arrivals not stamped", 50 * time.Millisecond, 10 * time.Millisecond, false, frameInterval, nil, 1, 60 * time.Millisecond, 100 * time.Millisecond},
		{"50±10ms at 20 frames a second", 50 * time.Millisecond, 10 * time.Millisecond, true, 50 * time.Millisecond, nil, 1, 60 * time.Millisecond, 90 * time.Millisecond},
		{"two deltas in one frame, then a gap", 50 * time.Millisecond, 0, true, frameInterval, pairs, 1, 70 * time.Millisecond, 100 * time.Millisecond},
		// The first stall costs a few frames; the delay covers the next ones.
		{"200ms stall every 3s", 50 * time.Millisecond, 10 * time.Millisecond, true, frameInterval, stalls, 6, 150 * time.Millisecond, 250 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newJitterSim(tc.latency, tc.jitter)
			s.net.StampArrival = tc.stamp
			s.net.Shape = tc.shape
			s.frameEvery = tc.frame
			r := runJitter(t, s, 2*time.Second, 32*time.Second)
			perMille := 1000 * float64(r.underflows) / float64(r.frames)
			t.Logf("%d underflows in %d frames (%.2f‰), mean delay %v, drawn time at most %.3f× real time", r.underflows, r.frames, perMille, r.meanDelay, r.worst)
			if perMille > tc.maxPerMille {
				t.Errorf("%d underflows in %d frames (%.2f‰), want at most %.1f‰", r.underflows, r.frames, perMille, tc.maxPerMille)
			}
			if r.stalls != 0 {
				t.Errorf("%d underflows put down to stalls of the page, which drew every frame", r.stalls)
			}
			if r.jumps != 0 {
				t.Errorf("drawn time went back or ran more than %.0f%% fast on %d frames (at most %.3f× real time)", 100*maxStretch, r.jumps, r.worst)
			}
			if r.meanDelay < tc.delayLo || r.meanDelay > tc.delayHi {
				t.Errorf("mean interpolation delay %v, want %v–%v", r.meanDelay, tc.delayLo, tc.delayHi)
			}
		})
	}
}

// TestJitterBufferAdapts checks that the delay is short on a steady
// network, widens when jitter starts and narrows again when it stops.
func TestJitterBufferAdapts(t *testing.T) {
	s := newJitterSim(50*time.Millisecond, 0)
	s.net.StampArrival = true
	steady := runJitter(t, s, 5*time.Second, 10*time.Second)
	calm := s.client.InterpDelay()

	s.net.Jitter = 40 * time.Millisecond
	jittery := runJitter(t, s, 3*time.Second, 15*time.Second)
	wide := s.client.InterpDelay()

	s.net.Jitter = 0
	s.run(15 * time.Second)
	after := runJitter(t, s, 0, 5*time.Second)
	back := s.client.InterpDelay()

	t.Logf("steady: %v (%d underflows in %d frames); ±40 ms: %v (%d in %d); steady again: %v (%d in %d)",
		calm, steady.underflows, steady.frames, wide, jittery.underflows, jittery.frames, back, after.underflows, after.frames)
	tick := time.Second / 30
	if calm > 2*tick {
		t.Errorf("delay %v on a steady network, want at most two ticks (%v)", calm, 2*tick)
	}
	// 80 ms between the fastest and the slowest delta.
	if wide < calm+60*time.Millisecond {
		t.Errorf("delay %v with ±40 ms of jitter, want at least 60 ms above the steady %v", wide, calm)
	}
	if back > calm+5*time.Millisecond {
		t.Errorf("delay %v 15 s after the jitter stopped, want back near %v", back, calm)
	}
	for _, r := range []jitterRun{steady, jittery, after} {
		if r.underflows*1000 > r.frames*2 || r.jumps != 0 {
			t.Errorf("%d underflows in %d frames (want at most 2‰), %d jumps of drawn time", r.underflows, r.frames, r.jumps)
		}
	}
}

// TestJitterBufferRecurringSpikes holds the deltas for 100 ms every 15 s,
// as a server's garbage collection on a busy core or a Wi-Fi scan does, on
// an otherwise steady network, with a delta every second tick. The peak of
// the last seconds has forgotten each spike when the next comes: the first
// two run the buffer dry, the later ones must not. Once the spikes stop,
// the delay narrows back after twice their distance.
func TestJitterBufferRecurringSpikes(t *testing.T) {
	const (
		every, hold = 15 * time.Second, 100 * time.Millisecond
		first, last = 5 * time.Second, 65 * time.Second // spikes at 5, 20, 35, 50, 65 s
	)
	spikes := func(at time.Time) time.Time {
		since := at.Sub(epoch)
		if since >= first && since < last+hold {
			if in := (since - first) % every; in < hold {
				return at.Add(hold - in)
			}
		}
		return at
	}
	s := newJitterSim(50*time.Millisecond, 3*time.Millisecond)
	s.net.StampArrival = true
	s.net.Shape = spikes
	s.srv.sendEvery = 2
	before := runJitter(t, s, 2*time.Second, 4*time.Second)
	calm := s.client.InterpDelay()
	twoSpikes := runJitter(t, s, 0, 30*time.Second) // 4 s to 34 s: the first two
	recurring := runJitter(t, s, 0, 36*time.Second) // 34 s to 70 s: three more
	held := s.client.InterpDelay()
	s.run(2*every + 5*time.Second) // the spikes stopped: the hold ends after 2 × 15 s
	back := s.client.InterpDelay()
	t.Logf("calm %v (%d underflows); first two spikes: %d underflows in %d frames; next three: %d in %d, delay %v; 35 s after the last: %v",
		calm, before.underflows, twoSpikes.underflows, twoSpikes.frames, recurring.underflows, recurring.frames, held, back)
	if before.underflows != 0 {
		t.Errorf("%d underflows before the first spike, want none", before.underflows)
	}
	if twoSpikes.underflows == 0 {
		t.Errorf("no underflow at the first two spikes: the test's spikes do not reach the buffer's end")
	}
	if recurring.underflows != 0 {
		t.Errorf("%d underflows at the third to fifth spikes, want none: the delay must keep room for spikes that recur", recurring.underflows)
	}
	// A delta every 67 ms: the one held longest waits 33 to 100 ms.
	if held < calm+hold/3 {
		t.Errorf("delay %v while the spikes recur, want room for their %v above the calm %v", held, hold/3, calm)
	}
	if back > calm+5*time.Millisecond {
		t.Errorf("delay %v 35 s after the last spike, want back near %v", back, calm)
	}
	for _, r := range []jitterRun{before, twoSpikes, recurring} {
		if r.jumps != 0 {
			t.Errorf("drawn time went back or ran more than %.0f%% fast on %d frames", 100*maxStretch, r.jumps)
		}
	}
}

// TestJitterBufferPageStalls stalls the page instead of the network: no
// frame for 400 ms every 3 s, and the updates of that time handed over
// just after the first frame that follows, as a browser does when its
// main thread was busy. The underflows those frames see are put down to
// the stalls, not the network.
func TestJitterBufferPageStalls(t *testing.T) {
	const every, hold = 3 * time.Second, 400 * time.Millisecond
	inStall := func(at time.Time) bool { return at.Sub(epoch)%every < hold }
	s := newJitterSim(50*time.Millisecond, 10*time.Millisecond)
	s.net.StampArrival = true
	s.stalled = inStall
	s.net.Shape = func(at time.Time) time.Time {
		if since := at.Sub(epoch); since%every < hold+5*time.Millisecond {
			return epoch.Add(since - since%every + hold + 5*time.Millisecond)
		}
		return at
	}
	r := runJitter(t, s, 2*time.Second, 32*time.Second)
	t.Logf("%d underflows in %d frames, %d after stalls; mean delay %v", r.underflows, r.frames, r.stalls, r.meanDelay)
	if r.stalls < 10 || r.underflows != r.stalls {
		t.Errorf("%d underflows, %d of them after the 10 stalls of the page: want at least one per stall and none otherwise", r.underflows, r.stalls)
	}
	if r.jumps != 0 {
		t.Errorf("drawn time went back or ran more than %.0f%% fast on %d frames", 100*maxStretch, r.jumps)
	}
}

// TestGapWindow checks the spacing learned from the ticks of consecutive
// deltas: the usual gap, the longer of alternating ones, never a rare
// long one, and a new spacing once it is the usual one.
func TestGapWindow(t *testing.T) {
	series := func(gaps ...uint32) []uint32 { return gaps }
	times := func(n int, gaps ...uint32) []uint32 {
		var s []uint32
		for range n {
			s = append(s, gaps...)
		}
		return s
	}
	for _, tc := range []struct {
		name string
		gaps []uint32 // ticks between consecutive deltas
		want int
	}{
		{"no delta yet", nil, 1},
		{"every tick", times(40, 1), 1},
		{"every 2 ticks", times(40, 2), 2},
		{"every 3 ticks", times(40, 3), 3},
		{"1 and 2 alternating (20 a second at 30 ticks)", times(20, 1, 2), 2},
		{"one long gap among every 2 ticks", append(times(20, 2), append(series(12), times(20, 2)...)...), 2},
		{"four long gaps in the window", append(times(30, 2), series(9, 2, 9, 2, 9, 2, 9)...), 2},
		{"a long gap in one of every four", times(10, 1, 1, 1, 4), 4},
		{"every 2 ticks, then every 3", append(times(40, 2), times(gapSamples, 3)...), 3},
		{"a gap of an hour", append(times(30, 1), 108000, 1, 1), 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var w gapWindow
			tick := uint32(1000)
			w.add(tick)
			for _, g := range tc.gaps {
				tick += g
				w.add(tick)
			}
			if got := w.spacing(); got != tc.want {
				t.Errorf("spacing %d, want %d", got, tc.want)
			}
		})
	}
}

// TestSpikeHold checks which late deltas the delay keeps room for: spikes
// (10 ms or more above the peak of the last seconds) that recur further
// apart than that peak remembers and less than a minute, for twice their
// distance; late deltas within 2 s of a spike are part of it.
func TestSpikeHold(t *testing.T) {
	type arrival struct{ at, late, peak time.Duration }
	sec := func(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	for _, tc := range []struct {
		name     string
		arrivals []arrival
		at       time.Duration // when the level is read
		want     time.Duration
	}{
		{"no spike", []arrival{{sec(1), ms(15), ms(10)}, {sec(20), ms(19), ms(10)}}, sec(25), 0},
		{"one spike", []arrival{{sec(1), ms(40), ms(5)}}, sec(5), 0},
		{"two, 15 s apart: the higher", []arrival{{sec(1), ms(40), ms(5)}, {sec(16), ms(30), ms(5)}}, sec(20), ms(40)},
		{"two, 15 s apart: still held 29 s after the last", []arrival{{sec(1), ms(40), ms(5)}, {sec(16), ms(30), ms(5)}}, sec(45), ms(40)},
		{"two, 15 s apart: let go 31 s after the last", []arrival{{sec(1), ms(40), ms(5)}, {sec(16), ms(30), ms(5)}}, sec(47), 0},
		{"two, 5 s apart: the peak's own", []arrival{{sec(1), ms(40), ms(5)}, {sec(6), ms(60), ms(40)}}, sec(8), 0},
		{"two, 90 s apart: not recurring", []arrival{{sec(1), ms(40), ms(5)}, {sec(91), ms(30), ms(5)}}, sec(92), 0},
		{"below the rise: no spike", []arrival{{sec(1), ms(40), ms(5)}, {sec(16), ms(14), ms(5)}}, sec(20), 0},
		{"late deltas within 2 s join the spike", []arrival{{sec(1), ms(40), ms(5)}, {sec(2.5), ms(70), ms(40)}, {sec(16), ms(30), ms(5)}}, sec(20), ms(70)},
		{"the latest two count", []arrival{{sec(1), ms(90), ms(5)}, {sec(16), ms(30), ms(5)}, {sec(31), ms(35), ms(5)}}, sec(33), ms(35)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var h spikeHold
			for _, a := range tc.arrivals {
				h.add(a.at, a.late, a.peak)
			}
			if got := h.level(tc.at); got != tc.want {
				t.Errorf("level at %v = %v, want %v", tc.at, got, tc.want)
			}
		})
	}
}
