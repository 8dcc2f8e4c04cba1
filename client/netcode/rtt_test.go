package netcode

import (
	"testing"
	"time"

	"github.com/tickarena/tickarena/game"
)

func TestRTTSamples(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name              string
		samples           []time.Duration
		mean, jitter, min time.Duration
	}{
		{"none", nil, 0, 0, 0},
		{"one", []time.Duration{80 * ms}, 80 * ms, 0, 80 * ms},
		{"steady", []time.Duration{100 * ms, 100 * ms, 100 * ms}, 100 * ms, 0, 100 * ms},
		{"alternating", []time.Duration{90 * ms, 110 * ms, 90 * ms, 110 * ms}, 100 * ms, 20 * ms, 90 * ms},
		// Only the latest rttWindow samples count: the first two fall out.
		{"window", append([]time.Duration{900 * ms, 5 * ms}, repeat(50*ms, rttWindow)...), 50 * ms, 0, 50 * ms},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r rttSamples
			for _, s := range tt.samples {
				r.add(s)
			}
			if got := r.mean(); got != tt.mean {
				t.Errorf("mean = %v, want %v", got, tt.mean)
			}
			if got := r.jitter(); got != tt.jitter {
				t.Errorf("jitter = %v, want %v", got, tt.jitter)
			}
			if got := r.min(); got != tt.min {
				t.Errorf("min = %v, want %v", got, tt.min)
			}
		})
	}
}

func repeat(d time.Duration, n int) []time.Duration {
	s := make([]time.Duration, n)
	for i := range s {
		s[i] = d
	}
	return s
}

// TestRTTIndependentOfFrameRate plays at 100 ms round trip (±20 ms) with a
// slow display, 5 frames a second as a browser without a GPU draws: with the
// transport's arrival times the round trip is measured right; without them
// it would include up to a frame of waiting.
func TestRTTIndependentOfFrameRate(t *testing.T) {
	tests := []struct {
		name     string
		stamp    bool
		min, max time.Duration
	}{
		{"arrival times", true, 90 * time.Millisecond, 110 * time.Millisecond},
		{"frame times", false, 110 * time.Millisecond, 300 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSim(50*time.Millisecond, 10*time.Millisecond, game.Rules{Seed: 3}, Options{PingInterval: 500 * time.Millisecond})
			s.net.StampArrival = tt.stamp
			s.frameEvery = 200 * time.Millisecond
			s.run(12 * time.Second)
			c := s.client
			if c.State() != StatePlaying {
				t.Fatalf("state %v (%s), want playing", c.State(), c.Reason())
			}
			if got := c.RTTMean(); got < tt.min || got > tt.max {
				t.Errorf("mean RTT %v, want within [%v, %v]", got, tt.min, tt.max)
			}
			if j := c.RTTJitter(); tt.stamp && (j <= 0 || j > 30*time.Millisecond) {
				t.Errorf("RTT jitter %v, want above 0 and at most 30 ms for ±10 ms each way", j)
			}
			t.Logf("RTT mean %v, jitter %v", c.RTTMean(), c.RTTJitter())
		})
	}
}
