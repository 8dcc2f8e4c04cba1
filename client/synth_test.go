package client

import (
	"math"
	"slices"
	"testing"
	"time"
)

func TestSynthesize(t *testing.T) {
	for s := range numSounds {
		pcm := synthesize(s)
		if len(pcm) < sampleRate/20 || len(pcm) > sampleRate {
			t.Errorf("sound %d lasts %d samples, want between 50 ms and 1 s", s, len(pcm))
			continue
		}
		var peak, energy float64
		for _, v := range pcm {
			if math.IsNaN(float64(v)) || v < -1 || v > 1 {
				t.Fatalf("sound %d has sample %v out of [-1, 1]", s, v)
			}
			peak = max(peak, math.Abs(float64(v)))
			energy += float64(v * v)
		}
		if peak < 0.1 {
			t.Errorf("sound %d peaks at %.3f, want audible", s, peak)
		}
		// No click: the first and last samples are near silence.
		if a, b := math.Abs(float64(pcm[0])), math.Abs(float64(pcm[len(pcm)-1])); a > 0.01 || b > 0.01 {
			t.Errorf("sound %d starts at %.3f and ends at %.3f, want near 0", s, a, b)
		}
	}
}

func TestStereoPan(t *testing.T) {
	mono := []float32{0.5}
	tests := []struct {
		pan  float64
		l, r float64
	}{
		{-1, 0.5, 0},
		{0, 0.5 * math.Sqrt2 / 2, 0.5 * math.Sqrt2 / 2},
		{1, 0, 0.5},
	}
	for _, tt := range tests {
		b := stereo(mono, tt.pan)
		l, r := b[0], b[1]
		if math.Abs(float64(l)-tt.l) > 1e-6 || math.Abs(float64(r)-tt.r) > 1e-6 {
			t.Errorf("pan %v: left %v right %v, want %v %v", tt.pan, l, r, tt.l, tt.r)
		}
	}
	if panIndex(-1) != 0 || panIndex(1) != panSteps-1 || panIndex(0) != panSteps/2 {
		t.Errorf("panIndex(-1, 0, 1) = %d, %d, %d", panIndex(-1), panIndex(0), panIndex(1))
	}
}

func TestSpatial(t *testing.T) {
	near, _ := spatial(100, 0)
	far, _ := spatial(1000, 0)
	gone, _ := spatial(hearing+1, 0)
	if !(near > far && far > 0 && gone == 0) {
		t.Errorf("volumes near %.2f, far %.2f, out of hearing %.2f: want decreasing to 0", near, far, gone)
	}
	if _, pan := spatial(-500, 0); pan >= 0 {
		t.Errorf("a sound on the left pans to %.2f, want < 0", pan)
	}
	if _, pan := spatial(500, 0); pan <= 0 {
		t.Errorf("a sound on the right pans to %.2f, want > 0", pan)
	}
	if v, pan := spatial(0, 0); v != 1 || pan != 0 {
		t.Errorf("a sound at the listener: volume %.2f pan %.2f, want 1 and 0", v, pan)
	}
}

// TestPreparationCoversEverySoundOnce: a speaker prepares every sound at
// every position exactly once, all sounds in the middle before any other
// position, and nearer positions before farther ones.
func TestPreparationCoversEverySoundOnce(t *testing.T) {
	var seen [numSounds][panSteps]bool
	lastDist := 0
	for n := range preparations {
		s, pos := preparation(n)
		if s < 0 || s >= numSounds || pos < 0 || pos >= panSteps {
			t.Fatalf("preparation %d is sound %d at position %d, out of range", n, s, pos)
		}
		if seen[s][pos] {
			t.Fatalf("preparation %d makes sound %d at position %d a second time", n, s, pos)
		}
		seen[s][pos] = true
		d := pos - panSteps/2
		if d < 0 {
			d = -d
		}
		if d < lastDist {
			t.Fatalf("preparation %d is %d positions from the middle after one %d away", n, d, lastDist)
		}
		lastDist = d
		if n < int(numSounds) && pos != panSteps/2 {
			t.Errorf("preparation %d (sound %d) is at position %d, want the middle first", n, s, pos)
		}
	}
}

// TestRendererInParts: a sound made a part at a time is the same as made at
// once.
func TestRendererInParts(t *testing.T) {
	for s := range numSounds {
		whole := synthesize(s)
		r := recipe(s)
		steps := 0
		for !r.step(1000) {
			steps++
		}
		if len(r.out) != len(whole) {
			t.Fatalf("sound %d: %d samples in parts, %d at once", s, len(r.out), len(whole))
		}
		for i := range whole {
			if r.out[i] != whole[i] {
				t.Fatalf("sound %d: sample %d is %v in parts (%d steps), %v at once", s, i, r.out[i], steps, whole[i])
			}
		}
	}
}

// BenchmarkPrepareAllSounds measures what a speaker spends preparing every
// sound at every position, the way it does after the audio starts (a step
// a frame: a part of a sound, or a sound at one position), and the longest
// step: for each step the fastest of all iterations, so that a step the
// machine interrupted does not count.
func BenchmarkPrepareAllSounds(b *testing.B) {
	var fastest []time.Duration
	for b.Loop() {
		var pcm [numSounds][]float32
		k := 0
		took := func(start time.Time) {
			d := time.Since(start)
			if k == len(fastest) {
				fastest = append(fastest, d)
			}
			fastest[k] = min(fastest[k], d)
			k++
		}
		for n := range preparations {
			s, pos := preparation(n)
			if pcm[s] == nil {
				r := recipe(s)
				for done := false; !done; {
					start := time.Now()
					done = r.step(prepareStepSamples)
					took(start)
				}
				pcm[s] = r.out
			}
			start := time.Now()
			_ = stereo(pcm[s], float64(pos)/(panSteps-1)*2-1)
			took(start)
		}
	}
	longest := slices.Max(fastest)
	b.ReportMetric(float64(longest.Microseconds())/1000, "ms-longest-step")
	b.ReportMetric(float64(len(fastest)), "steps")
}
