package netcode

import (
	"math"
	"time"
)

// The interpolation delay is a jitter buffer. Each delta's arrival is
// compared with the fastest arrival of the recent ones (see clock): how
// much later it came is its lateness. The highest lateness of the last few
// seconds is the jitter the delay must cover, because a frame runs short of
// snapshots when a delta is later than the delay less one tick. The delay
// the jitter asks for is one and a half ticks plus that peak, between
// Options.MinInterpDelay and Options.MaxInterpDelay.
//
// Drawn time does not jump to a new delay: it runs a few percent slower
// or faster than real time until it reaches it (playout). When no snapshot
// is newer than the drawn time the others move on along their velocity for
// at most one tick and then wait, so the delay grows by as long as the
// buffer ran dry instead of the others jumping ahead when the late deltas
// come.

const (
	// peakSlots and peakSlot say how long a late arrival keeps the delay
	// wide: the peak is taken over peakSlots slots of peakSlot each.
	peakSlots = 8
	peakSlot  = time.Second
	// maxStretch is how much faster or slower than real time drawn time may
	// run to reach the delay the jitter asks for: 5% is not seen as a
	// change of speed.
	maxStretch = 0.05
	// stretchSpan is the distance from the wanted delay at which the stretch
	// is at its most; closer, it is proportionally less.
	stretchSpan = 500 * time.Millisecond
	// startSamples is the number of arrivals after which the jitter measure
	// is trusted; the first frames draw half MaxInterpDelay in the past and
	// narrow from there.
	startSamples = 30
)

// peakHold keeps the highest lateness seen in each of the last peakSlots
// slots of time.
type peakHold struct {
	high [peakSlots]time.Duration
	slot [peakSlots]int64 // 1 + the number of the slot each entry holds; 0 is empty
}

// add records lateness v at time t (since the clock's base).
func (p *peakHold) add(t, v time.Duration) {
	n := int64(t/peakSlot) + 1
	i := n % peakSlots
	if p.slot[i] != n {
		p.slot[i], p.high[i] = n, 0
	}
	p.high[i] = max(p.high[i], v)
}

// peak returns the highest lateness recorded within the last peakSlots
// slots before t.
func (p *peakHold) peak(t time.Duration) time.Duration {
	n := int64(t/peakSlot) + 1
	var v time.Duration
	for i := range p.high {
		if p.slot[i] != 0 && n-p.slot[i] < peakSlots {
			v = max(v, p.high[i])
		}
	}
	return v
}

// playout is the drawn time: the server tick, with a fraction, at which the
// others are drawn, and the frame it was drawn at.
type playout struct {
	tick float64
	at   time.Time
}

// wantDelay returns the interpolation delay the measured jitter asks for at
// now, between least and most.
func (k *clock) wantDelay(now time.Time, interval, least, most time.Duration) time.Duration {
	most = max(most, least, interval*3/2)
	if k.n < startSamples {
		return max(most/2, least, interval*3/2)
	}
	want := interval*3/2 + k.peaks.peak(now.Sub(k.base))
	return min(max(want, least), most)
}

// renderTick advances the drawn time to now and returns it: toward the
// server tick want delay ago, stretched by at most maxStretch, and never
// more than one tick past newest, the newest snapshot's tick. Drawn time
// further than snap from where it should be jumps there instead: the page
// stalled, or was hidden, for longer than any delay covers.
func (k *clock) renderTick(now time.Time, interval, want, snap time.Duration, newest float64) float64 {
	p := &k.play
	goal := k.serverTick(now.Add(-want), interval)
	dt := now.Sub(p.at)
	step := float64(dt) / float64(interval)           // ticks drawn time moves at real speed
	off := (goal - p.tick - step) * float64(interval) // how far that leaves it behind the goal, in ns
	switch {
	case p.at.IsZero() || dt < 0 || math.Abs(off) > float64(max(snap, want)):
		p.tick = goal
	default:
		stretch := min(max(off/float64(stretchSpan), -maxStretch), maxStretch)
		p.tick += step * (1 + stretch)
	}
	// Out of snapshots: move on for one tick at most, then wait for them.
	p.tick = min(p.tick, newest+1)
	p.at = now
	k.delay = time.Duration((k.serverTick(now, interval) - p.tick) * float64(interval))
	return p.tick
}
