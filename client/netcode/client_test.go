package netcode

import (
	"math"
	"testing"
	"time"

	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/wire"
)

func TestPredictionMatchesServer(t *testing.T) {
	tests := []struct {
		name            string
		latency, jitter time.Duration
	}{
		{"100ms RTT ±20ms", 50 * time.Millisecond, 10 * time.Millisecond},
		{"no latency", 0, 0},
		{"250ms RTT ±40ms", 125 * time.Millisecond, 20 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSim(tt.latency, tt.jitter, game.Rules{Seed: 3}, Options{})
			s.buttons = roam
			s.run(10 * time.Second)
			c := s.client
			if c.State() != StatePlaying {
				t.Fatalf("state %v (%s), want playing", c.State(), c.Reason())
			}
			applied := s.srv.applied[c.Ship()]
			compared := 0
			for seq, want := range applied {
				got, ok := s.predicted[seq]
				if !ok {
					continue
				}
				compared++
				if got != want {
					t.Errorf("input %d: predicted %+v, server %+v", seq, got, want)
				}
			}
			if compared < 250 {
				t.Errorf("compared %d inputs, want at least 250", compared)
			}
			st := c.Stats()
			t.Logf("compared %d inputs; stats %+v", compared, st)
			if st.Corrections != 0 {
				t.Errorf("%d corrections (max %.1f units), want none", st.Corrections, st.CorrectionMax)
			}
			if st.InputsSent < 280 || st.Deltas < 280 {
				t.Errorf("sent %d inputs, applied %d deltas in 10 s, want about 300 each", st.InputsSent, st.Deltas)
			}
			if moved := s.srv.world.Ship(c.Ship()); moved.X == s.srv.positions[c.Ship()][1][0] && moved.Y == s.srv.positions[c.Ship()][1][1] {
				t.Errorf("ship never moved: the test proves nothing")
			}
		})
	}
}

// TestLostInputMessagesCostNothing: every input message repeats the inputs
// the server has not acknowledged, so a lost message costs no input: the
// server applies every input the client predicted, as predicted. (The first
// loss may find the server's queue empty for a tick, which moves the ship
// once on its held buttons and costs one correction; the queue then holds
// one input more and later losses cost nothing. Without the repeats, a third
// of the inputs never arrive: about 130 corrections in this run.)
func TestLostInputMessagesCostNothing(t *testing.T) {
	s := newSim(50*time.Millisecond, 10*time.Millisecond, game.Rules{Seed: 3}, Options{})
	s.srv.loseInputsEvery = 3
	s.buttons = roam
	s.run(10 * time.Second)
	c := s.client
	st := c.Stats()
	t.Logf("stats %+v; %d input messages, every 3rd lost", st, s.srv.inputMessages)
	applied := s.srv.applied[c.Ship()]
	missing, differ := 0, 0
	for seq := uint32(1); seq+8 < c.pred.seq; seq++ { // the newest may still be in flight
		want, ok := applied[seq]
		if !ok {
			missing++
			continue
		}
		if got := s.predicted[seq]; got != want {
			differ++
		}
	}
	if missing != 0 {
		t.Errorf("%d inputs never applied by the server, want 0", missing)
	}
	if st.Corrections > 1 || differ > 8 {
		t.Errorf("%d corrections (max %.1f units), %d inputs applied otherwise than predicted; want at most 1 and the inputs of its tick", st.Corrections, st.CorrectionMax, differ)
	}
	if st.InputMessages*10 > st.InputsSent*6 {
		t.Errorf("%d input messages for %d inputs, want about one per two", st.InputMessages, st.InputsSent)
	}
}

// A server that keeps only the newest of the inputs that arrived in one tick
// moves the ship differently from the prediction; the client must then blend
// toward the server's state: never jump, and end where the server is.
func TestCorrectionsBlend(t *testing.T) {
	s := newSim(50*time.Millisecond, 10*time.Millisecond, game.Rules{Seed: 3}, Options{})
	s.srv.latestWins = true
	s.buttons = roam
	var last RenderEntity
	var jumps int
	maxStep := float64(game.ShipSpeed)/60 + 8 // a frame's travel at full speed, plus the blend
	s.onFrame = func(f *Frame) {
		if !f.HasSelf {
			return
		}
		if last.ID != 0 && math.Hypot(f.Self.X-last.X, f.Self.Y-last.Y) > maxStep {
			jumps++
		}
		last = f.Self
	}
	s.run(10 * time.Second)
	// Stop moving and let every input be acknowledged.
	s.buttons = func(uint32) (game.Buttons, game.Angle) { return 0, 0 }
	s.run(time.Second)
	c := s.client
	st := c.Stats()
	t.Logf("stats %+v", st)
	if st.Corrections == 0 {
		t.Fatalf("no corrections: the server double did not drop inputs")
	}
	if st.Snaps != 0 || jumps != 0 {
		t.Errorf("%d snaps and %d frame jumps over %.0f units, want smooth blending", st.Snaps, jumps, maxStep)
	}
	got, _ := c.Predicted()
	if want := s.srv.world.Ship(c.Ship()).Motion; got != want {
		t.Errorf("at rest the prediction is %+v, server %+v", got, want)
	}
	f := c.Frame(s.net.now)
	if want := s.srv.world.Ship(c.Ship()); f.Self.X != float64(want.X)/game.Sub || f.Self.Y != float64(want.Y)/game.Sub {
		t.Errorf("drawn at (%.2f, %.2f), server at (%.2f, %.2f)", f.Self.X, f.Self.Y, float64(want.X)/game.Sub, float64(want.Y)/game.Sub)
	}
}

func TestInterpolation(t *testing.T) {
	s := newSim(50*time.Millisecond, 10*time.Millisecond, game.Rules{Seed: 5}, Options{})
	s.srv.area = wire.WholeWorld
	other := s.srv.world.AddShip("runner", true)
	dirs := [...]game.Buttons{game.Right, game.Down, game.Left, game.Up}
	s.srv.script[other] = func(tick uint32) game.Input {
		return game.Input{Ship: other, Seq: tick, Buttons: dirs[(tick/25)%4]}
	}
	s.buttons = roam
	var frames, underflows, checked int
	s.onFrame = func(f *Frame) {
		c := s.client
		if c.State() != StatePlaying || c.history.n < 2 {
			return
		}
		frames++
		newest := float64(c.Mirror().Tick)
		if f.Underflow {
			underflows++
			return
		}
		if f.RenderTick > newest {
			t.Errorf("render tick %.2f ahead of the newest snapshot %v", f.RenderTick, newest)
		}
		for _, e := range f.Ships {
			if e.ID != other {
				continue
			}
			lo, hi := uint32(f.RenderTick), uint32(f.RenderTick)+1
			a, b := s.srv.positions[other][lo], s.srv.positions[other][hi]
			if hi > uint32(newest) {
				b = a
			}
			if !between(e.X, a[0], b[0]) || !between(e.Y, a[1], b[1]) {
				t.Errorf("tick %.2f: drawn at (%.1f, %.1f), server was at %v then %v", f.RenderTick, e.X, e.Y, a, b)
			}
			checked++
		}
	}
	s.run(10 * time.Second)
	t.Logf("frames %d underflows %d checked %d delay %v stats %+v", frames, underflows, checked, s.client.InterpDelay(), s.client.Stats())
	if checked < 400 {
		t.Fatalf("checked %d frames of the other ship, want at least 400", checked)
	}
	if rate := float64(underflows) / float64(frames); rate >= 0.01 {
		t.Errorf("underflows in %d of %d frames (%.2f%%), want under 1%%", underflows, frames, rate*100)
	}
	if st := s.client.Stats(); st.Underflows != uint64(underflows) || st.Frames < uint64(frames) {
		t.Errorf("stats say %d underflows in %d frames, counted %d in %d", st.Underflows, st.Frames, underflows, frames)
	}
	// One and a half ticks (50 ms) plus the ±10 ms of jitter and the frame
	// the deltas waited for.
	if d := s.client.InterpDelay(); d < 50*time.Millisecond || d > 100*time.Millisecond {
		t.Errorf("interpolation delay %v, want 50–100 ms", d)
	}
}

// between reports whether v (world units) lies between a and b (Sub units).
func between(v float64, a, b int32) bool {
	lo, hi := float64(min(a, b))/game.Sub, float64(max(a, b))/game.Sub
	const eps = 1e-6
	return v >= lo-eps && v <= hi+eps
}

func TestReconnectResumesShip(t *testing.T) {
	s := newSim(50*time.Millisecond, 10*time.Millisecond, game.Rules{Seed: 9}, Options{})
	s.buttons = roam
	s.run(3 * time.Second)
	c := s.client
	ship := c.Ship()
	if c.State() != StatePlaying || ship == 0 {
		t.Fatalf("state %v ship %d before the drop", c.State(), ship)
	}
	ships := len(s.srv.world.Ships)
	s.srv.conns[0].drop()
	s.run(200 * time.Millisecond)
	if c.State() != StateReconnecting && c.State() != StateConnecting && c.State() != StateHelloSent {
		t.Errorf("after the drop: state %v, want reconnecting", c.State())
	}
	if c.Reason() == "" {
		t.Errorf("no reason shown while reconnecting")
	}
	s.run(3 * time.Second)
	st := c.Stats()
	switch {
	case c.State() != StatePlaying:
		t.Fatalf("state %v (%s), want playing again", c.State(), c.Reason())
	case c.Ship() != ship:
		t.Errorf("ship %d after reconnecting, want %d", c.Ship(), ship)
	case len(s.srv.world.Ships) != ships:
		t.Errorf("server has %d ships, want %d", len(s.srv.world.Ships), ships)
	case st.Welcomes != 2 || st.Reconnects != 1:
		t.Errorf("welcomes %d reconnects %d, want 2 and 1", st.Welcomes, st.Reconnects)
	case s.srv.world.Ship(ship).Idle:
		t.Errorf("ship still idle after reconnecting")
	}
	// Inputs reach the resumed ship: it keeps moving.
	before := s.srv.world.Ship(ship).Motion
	s.run(time.Second)
	if after := s.srv.world.Ship(ship).Motion; after == before {
		t.Errorf("resumed ship does not move")
	}
}

func TestResyncAfterBaseMismatch(t *testing.T) {
	s := newSim(50*time.Millisecond, 10*time.Millisecond, game.Rules{Seed: 11}, Options{})
	s.buttons = roam
	s.srv.corruptAt = 60
	s.run(5 * time.Second)
	c := s.client
	st := c.Stats()
	if st.Resyncs != 1 {
		t.Errorf("resyncs %d, want 1", st.Resyncs)
	}
	if c.State() != StatePlaying {
		t.Fatalf("state %v (%s), want playing", c.State(), c.Reason())
	}
	m := c.Mirror()
	self := m.Find(c.Ship())
	if self == nil {
		t.Fatalf("own ship %d not in the mirror", c.Ship())
	}
	if got, want := [2]int32{self.X, self.Y}, s.srv.positions[c.Ship()][m.Tick]; got != want {
		t.Errorf("mirror at tick %d has the ship at %v, server had %v", m.Tick, got, want)
	}
}
