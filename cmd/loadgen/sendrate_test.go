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
		early            float64 // the first clients' ticks per delta; 0: none
		ticksP50, updP50 float64 // for the learned rate
		held             bool
		why              string
	}{
		{"k=2 keeps pace", false, 29.8, 14.9, 15, 0, 30, 15, true, ""},
		{"k=2 learned from the tick spacing", false, 29.8, 14.9, 0, 0, 30, 15, true, ""},
		{"k=2 learned from the first clients", false, 29.8, 14.9, 0, 2.03, 30, 15, true, ""},
		// A server behind skips frames: its deltas cover three ticks each,
		// and a rate learned from them (10) would call 10.4 frames held.
		{"k=2 skipping frames under load", false, 29.6, 10.4, 0, 2, 29.8, 10.4, false, "updates/s p1 10.4 < 14.75 (send rate 15/s, tick spacing of the first clients)"},
		{"send rate 20 (gaps of 1 and 2)", false, 29.8, 19.8, 0, 1.5, 30, 20, true, ""},
		{"k=2 frames behind", false, 29.8, 14.0, 15, 0, 30, 14.5, false, "updates/s p1 14.0 < 14.75 (send rate 15/s, -send-rate)"},
		{"k=2 state behind", false, 27.0, 14.9, 15, 0, 28, 15, false, "ticks/s p1 27.0 < 29.5"},
		{"k=1 unchanged", false, 29.6, 29.6, 30, 0, 30, 30, true, ""},
		{"k=1 frames behind, skipped deltas covering the ticks", false, 29.6, 27.0, 30, 0, 30, 28, false, "updates/s p1 27.0 < 29.50"},
		{"floor at frames", true, 29.0, 29.0, 0, 0, 29.5, 29.5, false, "updates/s p1 29.0 < 29.5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := base
			s.TicksP1, s.UpdatesP1 = tt.ticksP1, tt.updates
			if tt.floor {
				s.Mode = "floor"
			} else {
				s.SendRate, s.SendRateFrom = sendRate(tt.flag, tt.early, tt.ticksP50, tt.updP50)
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
	if sum.SendRate != 15 || sum.SendRateFrom != "tick spacing of the first clients" {
		t.Errorf("send rate %g from %q, want 15 learned from the first clients' tick spacing", sum.SendRate, sum.SendRateFrom)
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

// TestEarlySpacing: the send spacing comes from the first deltas of the
// clients welcomed first (a twentieth of them), not from those who came
// when the server was busy, nor from clients with too few deltas.
func TestEarlySpacing(t *testing.T) {
	mk := func(welcomed int64, deltas, ticks uint32) *player {
		p := &player{}
		p.welcomedAt.Store(welcomed)
		p.earlyDeltas.Store(deltas)
		p.earlyTicks.Store(ticks)
		return p
	}
	var players []*player
	// 40 clients: the two welcomed first saw a delta every second tick;
	// the later ones, on a busy server, every third.
	for i := range 40 {
		if i < 2 {
			players = append(players, mk(int64(100+i), earlyDeltas, 2*earlyDeltas))
			continue
		}
		players = append(players, mk(int64(1000+i), earlyDeltas, 3*earlyDeltas))
	}
	// Welcomed earlier still, but with too few deltas to count.
	players = append(players, mk(1, 3, 3), mk(0, 0, 0))
	if got := earlySpacing(players); got != 2 {
		t.Errorf("early spacing %v, want 2 (the first two clients')", got)
	}
	if got := earlySpacing(players[2:40]); got != 3 {
		t.Errorf("early spacing without the first two %v, want 3", got)
	}
	if got := earlySpacing(players[40:]); got != 0 {
		t.Errorf("early spacing with no client past %d deltas %v, want 0", earlyDeltas, got)
	}
}
