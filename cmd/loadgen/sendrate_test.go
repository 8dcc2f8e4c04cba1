package main

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestHeldAtSendRate: against a server sending a frame every k ticks, a run
// is held when the deltas cover the ticks (ticks/s p1 ≥ 29.5) and the frames
// come at the send rate (updates/s p1 ≥ 29.5/30 of it); it is not held when
// either falls behind. The floor's criterion stays on frames alone.
func TestHeldAtSendRate(t *testing.T) {
	base := summary{Mode: "game", Clients: 100, Connected: 100, TickP99ms: 4}
	tests := []struct {
		name             string
		floor            bool
		ticksP1, updates float64
		flag             int     // the loadgen's -send-rate
		ticksP50, updP50 float64 // for the learned rate
		held             bool
		why              string
	}{
		{"k=2 keeps pace", false, 29.8, 14.9, 15, 30, 15, true, ""},
		{"k=2 learned from the tick spacing", false, 29.8, 14.9, 0, 30, 15, true, ""},
		{"k=2 frames behind", false, 29.8, 14.0, 15, 30, 14.5, false, "updates/s p1 14.0 < 14.75 (send rate 15/s, -send-rate)"},
		{"k=2 state behind", false, 27.0, 14.9, 15, 28, 15, false, "ticks/s p1 27.0 < 29.5"},
		{"k=1 unchanged", false, 29.6, 29.6, 30, 30, 30, true, ""},
		{"k=1 frames behind, skipped deltas covering the ticks", false, 29.6, 27.0, 30, 30, 28, false, "updates/s p1 27.0 < 29.50"},
		{"floor at frames", true, 29.0, 29.0, 0, 29.5, 29.5, false, "updates/s p1 29.0 < 29.5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := base
			s.TicksP1, s.UpdatesP1 = tt.ticksP1, tt.updates
			if tt.floor {
				s.Mode = "floor"
			} else {
				s.SendRate, s.SendRateFrom = sendRate(tt.flag, tt.ticksP50, tt.updP50)
			}
			s.judge(33 * time.Millisecond)
			if s.Held != tt.held {
				t.Fatalf("held %v (%v), want %v", s.Held, s.NotHeld, tt.held)
			}
			if tt.why != "" && !strings.Contains(strings.Join(s.NotHeld, "; "), tt.why) {
				t.Errorf("not held because %v, want %q", s.NotHeld, tt.why)
			}
		})
	}
}

// TestRunAtSendRateTwo runs verifying and light clients against a server
// that sends a frame every second tick: the summary counts twice as many
// ticks as updates per client and second, learns the send rate 15 from the
// tick spacing, says both, and every mirror stays consistent.
func TestRunAtSendRateTwo(t *testing.T) {
	s := startGameServer(t)
	s.mu.Lock()
	s.every = 2
	s.mu.Unlock()
	sum, err := run(context.Background(), config{URL: s.ts.URL, N: 10, Duration: 2 * time.Second, Verify: true, VerifyFraction: 0.5, Logger: quietLog()})
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	sum.print(&out)
	t.Log(out.String())
	if sum.Verified == nil || !*sum.Verified {
		t.Fatalf("mirrors not consistent: %v", sum.VerifyFailures)
	}
	if sum.SendRate != 15 || sum.SendRateFrom != "tick spacing" {
		t.Errorf("send rate %g from %q, want 15 learned from the tick spacing", sum.SendRate, sum.SendRateFrom)
	}
	// The ratio, not the rates: a busy test machine slows the test
	// server's ticker, but each frame still covers two ticks.
	if r := sum.TicksP50 / sum.UpdatesP50; sum.UpdatesP50 == 0 || r < 1.7 || r > 2.3 {
		t.Errorf("updates/s p50 %.1f, ticks/s p50 %.1f: want twice as many ticks as updates", sum.UpdatesP50, sum.TicksP50)
	}
	if !strings.Contains(out.String(), "ticks/s per client") || !strings.Contains(out.String(), "send rate: 15 frames/s") {
		t.Errorf("the summary does not say the ticks per second and the send rate:\n%s", out.String())
	}
}
