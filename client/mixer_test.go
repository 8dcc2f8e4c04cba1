package client

import (
	"encoding/binary"
	"math"
	"testing"
)

// samples decodes the mixer's little-endian float32 bytes.
func samples(b []byte) []float32 {
	out := make([]float32, len(b)/4)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return out
}

// TestMixerSumsSoundsUntilTheyEnd: two sounds overlap where both play, each
// at its own gain; a sound that ended is forgotten; silence after; loud
// overlaps are clipped rather than wrapped.
func TestMixerSumsSoundsUntilTheyEnd(t *testing.T) {
	var m mixer
	m.add([]float32{0.5, 0.5, 0.5, 0.5}, 1)                // two stereo frames
	m.add([]float32{0.2, -0.2, 0.2, -0.2, 0.2, -0.2}, 0.5) // three
	buf := make([]byte, 8*2)
	if n, err := m.Read(buf); n != len(buf) || err != nil {
		t.Fatalf("Read = %d, %v; want %d, nil", n, err, len(buf))
	}
	want := []float32{0.6, 0.4, 0.6, 0.4}
	for i, got := range samples(buf) {
		if math.Abs(float64(got-want[i])) > 1e-6 {
			t.Fatalf("first frames %v, want %v", samples(buf), want)
		}
	}
	if got := m.audibleFrames(); got != 2 {
		t.Errorf("%d audible frames after the first read, want 2", got)
	}
	if got := m.playing(); got != 1 {
		t.Errorf("after the first sound ended %d sounds play, want 1", got)
	}
	buf = make([]byte, 8*3+5) // a partial frame is not filled
	if n, _ := m.Read(buf); n != 8*3 {
		t.Fatalf("Read of %d bytes = %d, want whole frames (24)", len(buf), n)
	}
	want = []float32{0.1, -0.1, 0, 0, 0, 0}
	for i, got := range samples(buf[:24]) {
		if math.Abs(float64(got-want[i])) > 1e-6 {
			t.Fatalf("next frames %v, want %v", samples(buf[:24]), want)
		}
	}
	if got := m.playing(); got != 0 {
		t.Errorf("%d sounds still play after all ended", got)
	}
	if got := m.audibleFrames(); got != 3 {
		t.Errorf("%d audible frames after the second read, want 3 (silence is not counted)", got)
	}

	m.add([]float32{0.9, -0.9}, 1)
	m.add([]float32{0.9, -0.9}, 1)
	buf = make([]byte, 8)
	m.Read(buf)
	if got := samples(buf); got[0] != 1 || got[1] != -1 {
		t.Errorf("two loud sounds mix to %v, want clipped to [1 -1]", got)
	}

	m.add([]float32{0.3, 0.3}, 1)
	m.stop()
	m.Read(buf)
	if got := samples(buf); got[0] != 0 || got[1] != 0 || m.playing() != 0 {
		t.Errorf("after stop the mix is %v with %d sounds, want silence", got, m.playing())
	}
}

// TestMixerDoesNotAllocate: once warm, starting a sound and mixing a buffer
// allocate nothing (a sound costs the page no garbage).
func TestMixerDoesNotAllocate(t *testing.T) {
	var m mixer
	pcm := stereo(synthesize(soundShot), 0)
	buf := make([]byte, 4096)
	for range 64 {
		m.add(pcm, 0.5)
	}
	m.stop()
	m.Read(buf)
	allocs := testing.AllocsPerRun(100, func() {
		m.add(pcm, 0.5)
		m.Read(buf)
	})
	if allocs != 0 {
		t.Errorf("starting a sound and mixing allocate %.1f times, want 0", allocs)
	}
}
