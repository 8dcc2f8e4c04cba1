package client

import (
	"encoding/binary"
	"math"
	"sync"
)

// mixer sums the sounds that play into the one stream the speaker's audio
// player reads, so that a sound costs no player of its own: starting one
// allocates nothing and the audio library mixes a single stream. It is an
// endless io.Reader of 32-bit float stereo PCM, little-endian, silent when
// nothing plays. The game adds voices from its frame; the audio library reads
// from its own goroutine.
type mixer struct {
	mu      sync.Mutex
	voices  []voice
	sum     []float32
	audible uint64 // stereo frames read with a sound in them
}

// voice is one sound playing: interleaved stereo samples, the next one to
// play, and its gain.
type voice struct {
	pcm  []float32
	pos  int
	gain float32
}

// add starts pcm (interleaved stereo) at gain.
func (m *mixer) add(pcm []float32, gain float64) {
	m.mu.Lock()
	m.voices = append(m.voices, voice{pcm: pcm, gain: float32(gain)})
	m.mu.Unlock()
}

// playing returns the number of sounds playing.
func (m *mixer) playing() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.voices)
}

// audibleFrames returns the stereo frames read so far that had a sound in
// them.
func (m *mixer) audibleFrames() uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.audible
}

// stop silences every sound at once.
func (m *mixer) stop() {
	m.mu.Lock()
	clear(m.voices)
	m.voices = m.voices[:0]
	m.mu.Unlock()
}

// Read fills p with the next whole samples of the mix, clipped to [-1, 1],
// and forgets the sounds that ended. It never fails and never ends.
func (m *mixer) Read(p []byte) (int, error) {
	n := len(p) / 8 * 2 // samples: whole stereo frames of two float32
	m.mu.Lock()
	defer m.mu.Unlock()
	if cap(m.sum) < n {
		m.sum = make([]float32, n)
	}
	sum := m.sum[:n]
	clear(sum)
	kept := m.voices[:0]
	heard := 0
	for _, v := range m.voices {
		src := v.pcm[v.pos:]
		if len(src) > n {
			src = src[:n]
		}
		for i, s := range src {
			sum[i] += s * v.gain
		}
		v.pos += len(src)
		heard = max(heard, len(src)/2)
		if v.pos < len(v.pcm) {
			kept = append(kept, v)
		}
	}
	clear(m.voices[len(kept):])
	m.voices = kept
	m.audible += uint64(heard)
	for i, s := range sum {
		binary.LittleEndian.PutUint32(p[4*i:], math.Float32bits(max(-1, min(1, s))))
	}
	return 4 * n, nil
}
