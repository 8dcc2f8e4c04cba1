package netcode

import (
	"math"
	"time"
)

// The interpolation delay is a jitter buffer. Each delta's arrival is
// compared with the fastest arrival of the recent ones (see clock): how
// much later it came than its tick's share of that path is its lateness.
// The lateness is per tick, so a server that sends a delta every k ticks
// does not make the deltas late: the delta of tick t leaves at t, whenever
// the one before it left. The highest lateness of the last few seconds is
// the jitter the delay must cover.
//
// Just before a delta arrives, the newest snapshot is the spacing of the
// deltas (k ticks, see gapWindow) older than the fastest path would have
// it; a frame runs short of snapshots when a delta is later than the delay
// less that spacing. The delay the jitter asks for is therefore the
// spacing plus half a tick plus that peak, between Options.MinInterpDelay
// and Options.MaxInterpDelay, the latter raised by the spacing beyond one
// tick: the jitter gets the same room at every spacing.
//
// The peak of a few seconds forgets a spike that comes back every 20 or 30
// seconds — the server's garbage collection, a Wi-Fi scan — and every one
// of them would run the buffer dry. A delta later than that peak by
// spikeRise or more is a spike; once two come further apart than the
// peak's memory and less than spikeRecur, the jitter is at least the
// higher of the latest two until twice their distance has passed without
// another (see spikeHold).
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

// gapSamples is the number of gaps between consecutive deltas the spacing
// is taken over: about a second at one delta a tick, three at one every
// three ticks. rareGaps is the share of them, 1 in rareGaps, that may be
// longer than the spacing and still not count: a server that skips a
// socket that fell behind makes one gap longer now and then; a spacing
// such gaps raised would draw everything further in the past for seconds
// after each, for no gain. (The gaps are in the server's ticks: a page
// that stalls delays deltas, which the jitter measure sees, but does not
// widen their gaps.)
const (
	gapSamples = 32
	rareGaps   = 8
	// maxGap bounds a gap's record: any delay is capped long before it.
	maxGap = 63
)

// gapWindow keeps the tick gaps between the latest consecutive deltas and
// the spacing they show.
type gapWindow struct {
	last    uint32 // tick of the latest delta
	started bool   // last is set
	gaps    [gapSamples]uint8
	n, next int
	space   int // the spacing of the gaps held, 0 before the first
}

// add records the delta of tick, which came after the one of w.last.
func (w *gapWindow) add(tick uint32) {
	g, started := tick-w.last, w.started
	w.last, w.started = tick, true
	if !started || g == 0 || g > 1<<31 {
		return // the first delta, or a tick that did not move on
	}
	w.gaps[w.next] = uint8(min(g, maxGap))
	w.next = (w.next + 1) % gapSamples
	w.n = min(w.n+1, gapSamples)
	// The spacing is the largest gap that more than one in rareGaps of the
	// held gaps reach: the usual one when the server sends every k ticks,
	// the longer one when gaps alternate (a send rate that does not divide
	// the tick rate), never a rare one.
	var count [maxGap + 1]int
	for _, g := range w.gaps[:w.n] {
		count[g]++
	}
	rare, reached := w.n/rareGaps, 0
	for g := maxGap; g > 0; g-- {
		if reached += count[g]; reached > rare {
			w.space = g
			return
		}
	}
}

// spacing returns the ticks the deltas usually span, 1 before any gap.
func (w *gapWindow) spacing() int { return max(w.space, 1) }

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

// The spikes a delay keeps room for once they recur (see spikeHold).
const (
	// spikeRise is how much later than the peak of the last peakSlots
	// slots a delta must come to be a spike: about where the buffer runs
	// dry, as the delay covers the peak and half a tick.
	spikeRise = 10 * time.Millisecond
	// spikeGap joins late deltas into one spike: those that come within it
	// of the last late one belong to the same stall.
	spikeGap = 2 * time.Second
	// spikeRecur is the longest distance between two spikes that still
	// counts as recurring; the delay keeps room for them at most twice as
	// long after the last.
	spikeRecur = time.Minute
)

// spikeHold keeps the latest two spikes: when each started, when the latest
// ended, how late their latest deltas came.
type spikeHold struct {
	n                  int           // spikes seen, up to 2
	last, prev         time.Duration // starts of the latest spike and the one before it
	lastEnd            time.Duration // the latest delta that joined the latest spike
	lastHigh, prevHigh time.Duration // the highest lateness in each
}

// add records the lateness v of a delta that arrived at t, given peak, the
// highest lateness of the last seconds before it.
func (h *spikeHold) add(t, v, peak time.Duration) {
	if v < peak+spikeRise {
		return
	}
	if h.n > 0 && t-h.lastEnd <= spikeGap {
		h.lastHigh, h.lastEnd = max(h.lastHigh, v), t
		return
	}
	h.prev, h.prevHigh = h.last, h.lastHigh
	h.last, h.lastEnd, h.lastHigh = t, t, v
	h.n = min(h.n+1, 2)
}

// level returns the lateness the delay keeps room for at t: the higher of
// the latest two spikes while they recur, else 0. Spikes closer together
// than the peak's memory are the peak's: they do not count as recurring.
func (h *spikeHold) level(t time.Duration) time.Duration {
	if h.n < 2 {
		return 0
	}
	apart := h.last - h.prev
	if apart < peakSlots*peakSlot || apart > spikeRecur || t-h.lastEnd > 2*apart {
		return 0
	}
	return max(h.lastHigh, h.prevHigh)
}

// playout is the drawn time: the server tick, with a fraction, at which the
// others are drawn, and the frame it was drawn at.
type playout struct {
	tick float64
	at   time.Time
}

// wantDelay returns the interpolation delay the measured jitter asks for at
// now, between least and most.
//
// most is the cap for a delta every tick; a spacing of k ticks raises it by
// k−1 ticks, so that the jitter has as much room at every spacing: the
// others drawn as smoothly, the further in the past by the spacing only.
func (k *clock) wantDelay(now time.Time, interval, least, most time.Duration) time.Duration {
	spacing := time.Duration(k.gaps.spacing())
	cover := spacing*interval + interval/2
	most = max(most+(spacing-1)*interval, least, cover)
	if k.n < startSamples {
		return max(most/2, least, cover)
	}
	t := now.Sub(k.base)
	want := cover + max(k.peaks.peak(t), k.spikes.level(t))
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
