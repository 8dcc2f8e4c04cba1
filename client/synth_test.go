package client

import (
	"encoding/binary"
	"math"
	"testing"
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
		l := math.Float32frombits(binary.LittleEndian.Uint32(b))
		r := math.Float32frombits(binary.LittleEndian.Uint32(b[4:]))
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
