package client

import "math"

// The game's sounds are synthesized in code at start, so that they cost no
// download and no licence: short tones, sweeps and filtered noise.

// SoundSettings are the player's sound preferences, which the page keeps
// across visits.
type SoundSettings struct {
	// Muted silences every sound.
	Muted bool
	// Volume is the master volume from 0 to 1.
	Volume float64
}

// SoundStatus is what the test hook shows of the sound.
type SoundStatus struct {
	SoundSettings
	// Started is true once the first key, click or touch started the audio.
	Started bool
	// Played counts the sounds started so far.
	Played uint64
	// Audible counts the stereo frames of sound the audio output has taken
	// from the mix with at least one sound in them: it grows only while
	// sound really goes out.
	Audible uint64
}

// sampleRate is the rate of every sound and of the audio context, in Hz.
const sampleRate = 44100

// sound names one of the game's sounds.
type sound int

const (
	soundShot       sound = iota // a ship fires
	soundHit                     // a bullet hits a ship
	soundHurt                    // a bullet hits the own ship
	soundPickup                  // a pellet is picked up
	soundExplosion               // a ship is destroyed
	soundRoundStart              // a round starts
	soundRoundEnd                // a round ends
	soundLowHealth               // the own ship's health is low
	numSounds
)

// synthesize returns sound s as mono samples in [-1, 1] at sampleRate.
func synthesize(s sound) []float32 {
	r := recipe(s)
	r.step(len(r.out))
	return r.out
}

// recipe returns a renderer of sound s, which makes nothing until stepped.
func recipe(s sound) *renderer {
	switch s {
	case soundShot:
		return render(0.11, func(t, _ float64, n *noise) float64 {
			f := 1400 * math.Exp(-t*22) // a fast falling sweep
			return 0.45*square(f, t)*decay(t, 30) + 0.15*n.next()*decay(t, 60)
		})
	case soundHit:
		return render(0.09, func(t, _ float64, n *noise) float64 {
			return 0.5*n.lowpass(0.35)*decay(t, 40) + 0.4*math.Sin(2*math.Pi*180*t)*decay(t, 30)
		})
	case soundHurt:
		return render(0.22, func(t, _ float64, n *noise) float64 {
			f := 160 * math.Exp(-t*4)
			return 0.7*math.Sin(2*math.Pi*f*t)*decay(t, 12) + 0.3*n.lowpass(0.2)*decay(t, 25)
		})
	case soundPickup:
		return render(0.12, func(t, _ float64, _ *noise) float64 {
			f := 660.0
			if t > 0.05 {
				f = 990
			}
			return 0.35 * math.Sin(2*math.Pi*f*t) * decay(math.Mod(t, 0.05), 25)
		})
	case soundExplosion:
		return render(0.9, func(t, _ float64, n *noise) float64 {
			rumble := math.Sin(2*math.Pi*(55-20*t)*t) * decay(t, 4)
			return 0.8*n.lowpass(0.25*decay(t, 2)+0.02)*decay(t, 4.5) + 0.5*rumble
		})
	case soundRoundStart:
		return melody([]float64{523.25, 659.25, 783.99, 1046.5}, 0.11)
	case soundRoundEnd:
		return melody([]float64{783.99, 659.25, 523.25, 392.0}, 0.16)
	case soundLowHealth:
		return render(0.26, func(t, _ float64, _ *noise) float64 {
			beat := math.Mod(t, 0.13) // two beats, as a heart
			return 0.4 * math.Sin(2*math.Pi*70*beat) * math.Sin(2*math.Pi*440*t) * decay(beat, 28)
		})
	}
	return render(0, nil)
}

// renderer samples a sound's function a part at a time, so that making a
// long sound can be spread over frames; the result is the same however it
// is stepped.
type renderer struct {
	seconds float64
	f       func(t, dur float64, n *noise) float64
	n       noise
	out     []float32
	done    int // samples made
}

// render returns a renderer of f over seconds, with a short fade at both
// ends so that no sound starts or stops with a click.
func render(seconds float64, f func(t, dur float64, n *noise) float64) *renderer {
	return &renderer{seconds: seconds, f: f, n: noise{state: 0x9e3779b9}, out: make([]float32, int(seconds*sampleRate))}
}

// step makes up to samples more samples and reports whether the sound is
// whole.
func (r *renderer) step(samples int) bool {
	const fade = 0.004
	end := min(len(r.out), r.done+samples)
	for i := r.done; i < end; i++ {
		t := float64(i) / sampleRate
		v := r.f(t, r.seconds, &r.n)
		v *= min(t/fade, 1, (r.seconds-t)/fade)
		r.out[i] = float32(clamp1(v))
	}
	r.done = end
	return r.done == len(r.out)
}

// clamp1 returns v limited to [-1, 1].
func clamp1(v float64) float64 { return max(-1, min(1, v)) }

// melody plays notes (Hz) one after the other, each lasting step seconds.
func melody(notes []float64, step float64) *renderer {
	return render(step*float64(len(notes))+0.15, func(t, _ float64, _ *noise) float64 {
		i := min(int(t/step), len(notes)-1)
		local := t - float64(i)*step
		f := notes[i]
		return 0.3 * (math.Sin(2*math.Pi*f*t) + 0.3*math.Sin(4*math.Pi*f*t)) * decay(local, 9)
	})
}

// decay is an exponential envelope falling at rate per second.
func decay(t, rate float64) float64 { return math.Exp(-t * rate) }

// square is a square wave of frequency f at time t.
func square(f, t float64) float64 {
	if math.Mod(f*t, 1) < 0.5 {
		return 1
	}
	return -1
}

// noise is white noise from a xorshift generator, the same every time.
type noise struct {
	state uint32
	low   float64
}

func (n *noise) next() float64 {
	n.state ^= n.state << 13
	n.state ^= n.state >> 17
	n.state ^= n.state << 5
	return float64(n.state)/float64(math.MaxUint32)*2 - 1
}

// lowpass returns the noise through a one-pole low-pass filter; k in (0, 1]
// is how fast it follows, lower is darker.
func (n *noise) lowpass(k float64) float64 {
	n.low += k * (n.next() - n.low)
	return n.low
}

// panSteps is the number of stereo positions each sound is prepared at, from
// full left to full right.
const panSteps = 9

// stereo returns mono as interleaved stereo samples (left, right), panned
// to pan in [-1, 1] with equal power.
func stereo(mono []float32, pan float64) []float32 {
	a := (max(-1, min(1, pan)) + 1) * math.Pi / 4
	l, r := float32(math.Cos(a)), float32(math.Sin(a))
	out := make([]float32, 2*len(mono))
	for i, v := range mono {
		out[2*i] = v * l
		out[2*i+1] = v * r
	}
	return out
}

// prepareStepSamples is the most a frame synthesizes ahead of use.
const prepareStepSamples = sampleRate / 10

// preparations is the number of (sound, position) pairs a speaker prepares.
const preparations = int(numSounds) * panSteps

// preparation returns the n-th pair to prepare, n in [0, preparations):
// every sound in the middle first (the own ship's sounds and the nearest
// ones), then the positions next to it, outwards.
func preparation(n int) (s sound, pos int) {
	s = sound(n % int(numSounds))
	k := n / int(numSounds) // 0, 1, 2, ... → middle, right of it, left of it, ...
	off := (k + 1) / 2
	if k%2 == 0 {
		off = -off
	}
	return s, panSteps/2 + off
}

// panIndex returns the prepared position nearest to pan.
func panIndex(pan float64) int {
	return int(math.Round((max(-1, min(1, pan)) + 1) / 2 * (panSteps - 1)))
}

// hearing is the distance, in world units, beyond which a sound is silent.
const hearing = 1400.0

// spatial returns the volume in [0, 1] and the pan in [-1, 1] of a sound
// made dx, dy world units from the listener: quieter with distance, toward
// the side it comes from.
func spatial(dx, dy float64) (volume, pan float64) {
	d := math.Hypot(dx, dy)
	if d >= hearing {
		return 0, 0
	}
	k := 1 - d/hearing
	return k * k, max(-1, min(1, dx/(hearing/2)))
}
