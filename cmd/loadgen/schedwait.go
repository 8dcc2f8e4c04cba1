package main

import (
	"fmt"
	"math"
	"runtime/metrics"
)

// The load generator's own scheduling latency: how long its goroutines —
// the clients' readers and the ticking loop that sends their inputs — waited
// for its CPU once runnable, over the measured window (Go's runtime/metrics
// histogram /sched/latencies:seconds). When the load generator's core is
// full these waits are part of every figure it reports: frames read late,
// inputs sent late, round trips longer, interpolation running dry.

const schedLatencies = "/sched/latencies:seconds"

// schedWait is the load generator's scheduling-latency histogram at the
// start of the window.
type schedWait struct {
	start []uint64
}

// begin notes the histogram's counts at the start of the window.
func (w *schedWait) begin() {
	if h := readSchedLatencies(); h != nil {
		w.start = append(w.start[:0], h.Counts...)
	}
}

// quantilesMS returns the p50 and p99 of the waits since begin, in
// milliseconds, each the upper bound of its histogram bucket (the lower for
// the last, unbounded one); 0, 0 when nothing was recorded.
func (w *schedWait) quantilesMS() (p50, p99 float64) {
	h := readSchedLatencies()
	if h == nil || len(w.start) != len(h.Counts) {
		return 0, 0
	}
	counts := make([]uint64, len(h.Counts))
	for i, c := range h.Counts {
		counts[i] = c - w.start[i]
	}
	return runtimeQuantile(h.Buckets, counts, 0.5) * 1000, runtimeQuantile(h.Buckets, counts, 0.99) * 1000
}

// readSchedLatencies reads the runtime's scheduling-latency histogram, or
// returns nil when this Go does not have it.
func readSchedLatencies() *metrics.Float64Histogram {
	s := []metrics.Sample{{Name: schedLatencies}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindFloat64Histogram {
		return nil
	}
	return s[0].Value.Float64Histogram()
}

// runtimeQuantile returns the q quantile of a runtime/metrics histogram with len(counts)
// buckets whose bounds are buckets (len(counts)+1 of them, the first and
// last possibly infinite): the upper bound of the bucket that holds it, or
// its lower bound when the upper one is infinite. 0 when counts are all 0.
func runtimeQuantile(buckets []float64, counts []uint64, q float64) float64 {
	var total uint64
	for _, c := range counts {
		total += c
	}
	if total == 0 {
		return 0
	}
	rank := uint64(q * float64(total-1))
	var seen uint64
	for i, c := range counts {
		if seen += c; seen > rank {
			if hi := buckets[i+1]; !math.IsInf(hi, 1) {
				return hi
			}
			return max(buckets[i], 0)
		}
	}
	return 0
}

// loadgenBusy is the p99 of the load generator's own scheduling waits past
// which its report says that its figures carry its own delays: a frame of
// the game is 33 ms.
const loadgenBusy = 10.0 // ms

// loadgenBusyNote returns the report's warning for a load generator whose
// goroutines waited p99 ms for its CPU, or "".
func loadgenBusyNote(p99 float64) string {
	if p99 < loadgenBusy {
		return ""
	}
	return " (busy: its own delays are in the figures above)"
}

// fmtMS formats a bucket bound in milliseconds with the digits it needs.
func fmtMS(ms float64) string {
	switch {
	case ms >= 10:
		return fmt.Sprintf("%.0f", ms)
	case ms >= 1:
		return fmt.Sprintf("%.1f", ms)
	}
	return fmt.Sprintf("%.3f", ms)
}
