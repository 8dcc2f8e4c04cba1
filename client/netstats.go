package client

import (
	"fmt"
	"time"

	"github.com/tickarena/tickarena/client/netcode"
)

// NetFigures are what the net graph shows: how the connection and the
// display are doing, rates taken over the last second.
type NetFigures struct {
	// FPS is the frames drawn in the last second.
	FPS float64
	// RTT, RTTMin and Jitter are the mean and the lowest of the latest
	// round-trip times and the mean change between consecutive ones, in
	// milliseconds.
	RTT, RTTMin, Jitter float64
	// UpdatesPerSec is the deltas received in the last second; TickRate is
	// the room's tick rate; TickSpacing is the ticks a delta usually spans
	// (1 when the server sends one every tick, k when it sends one every k
	// ticks), so that UpdatesPerSec × TickSpacing is what TickRate should be.
	UpdatesPerSec float64
	TickRate      int
	TickSpacing   int
	// BytesDownPerSec and BytesUpPerSec are the message bytes received and
	// sent in the last second (WebSocket payloads, framing excluded).
	BytesDownPerSec, BytesUpPerSec float64
	// BytesDown and BytesUp are the message bytes received and sent since
	// the connection opened: a rate over any span is their difference.
	BytesDown, BytesUp uint64
	// Corrections counts the own ship's prediction corrections so far;
	// CorrectionMean and CorrectionMax are their sizes in world units.
	Corrections                   uint64
	CorrectionMean, CorrectionMax float64
	// Underflows counts the frames that ran out of snapshots to interpolate
	// between, out of InterpFrames; UnderflowPct is their share in percent.
	// StallUnderflows counts those of them that came after the page itself
	// stalled for longer than the interpolation delay (the frame time plot
	// shows it): the rest are the network's.
	Underflows, InterpFrames, StallUnderflows uint64
	UnderflowPct                              float64
	// InterpDelay is how far in the past the other ships are drawn now, and
	// InterpDelayMean its mean over the InterpFrames, in milliseconds. The
	// client widens it when updates arrive unevenly and narrows it again
	// when they come steadily.
	InterpDelay, InterpDelayMean float64
}

// frameHistory is the number of frame times the net graph plots.
const frameHistory = 120

// netMeter turns the client's counters into NetFigures, once a second, and
// keeps the latest frame times for the graph.
type netMeter struct {
	figures NetFigures
	start   time.Time             // of the current one-second window
	base    netcode.Stats         // the counters when the window started
	frames  int                   // frames in the window
	times   [frameHistory]float64 // frame times in seconds, a ring
	next    int
}

// meterWindow is how often the rates are taken.
const meterWindow = time.Second

// frame records one frame that took dt seconds, drawn at now with the
// client's counters st, and refreshes the figures once per window.
// delay is the client's interpolation delay at this frame, spacing the
// ticks its deltas usually span.
func (m *netMeter) frame(now time.Time, dt float64, st netcode.Stats, rtt, rttMin, jitter, delay time.Duration, tickRate, spacing int) {
	m.times[m.next] = dt
	m.next = (m.next + 1) % frameHistory
	if m.start.IsZero() {
		m.start, m.base = now, st
		return
	}
	m.frames++
	f := &m.figures
	f.RTT, f.RTTMin, f.Jitter = ms(rtt), ms(rttMin), ms(jitter)
	f.TickRate, f.TickSpacing = tickRate, spacing
	f.Corrections = st.Corrections
	if st.Corrections > 0 {
		f.CorrectionMean = st.CorrectionSum / float64(st.Corrections)
	}
	f.CorrectionMax = st.CorrectionMax
	f.Underflows, f.InterpFrames, f.StallUnderflows = st.Underflows, st.Frames, st.StallUnderflows
	if st.Frames > 0 {
		f.UnderflowPct = 100 * float64(st.Underflows) / float64(st.Frames)
		f.InterpDelayMean = ms(st.DelaySum) / float64(st.Frames)
	}
	f.InterpDelay = ms(delay)
	f.BytesDown, f.BytesUp = st.BytesIn, st.BytesOut
	elapsed := now.Sub(m.start)
	if elapsed < meterWindow {
		return
	}
	s := elapsed.Seconds()
	f.FPS = float64(m.frames) / s
	f.UpdatesPerSec = float64(st.Deltas-m.base.Deltas) / s
	f.BytesDownPerSec = float64(st.BytesIn-m.base.BytesIn) / s
	f.BytesUpPerSec = float64(st.BytesOut-m.base.BytesOut) / s
	m.start, m.base, m.frames = now, st, 0
}

// frameTime returns the i-th latest frame time in seconds, 0 being the
// newest.
func (m *netMeter) frameTime(i int) float64 {
	return m.times[(m.next-1-i+2*frameHistory)%frameHistory]
}

// updatesLine says how many updates came in the last second for how many
// ticks: "updates 30/s of 30", or "updates 15/s of 30, 2 ticks each" when
// the server sends every second tick.
func updatesLine(f *NetFigures) string {
	if f.TickSpacing > 1 {
		return fmt.Sprintf("updates %.0f/s of %d, %d ticks each", f.UpdatesPerSec, f.TickRate, f.TickSpacing)
	}
	return fmt.Sprintf("updates %.0f/s of %d", f.UpdatesPerSec, f.TickRate)
}

// ms returns d in milliseconds.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
