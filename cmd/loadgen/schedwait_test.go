package main

import (
	"math"
	"testing"
	"time"
)

func TestRuntimeQuantile(t *testing.T) {
	inf := math.Inf(1)
	buckets := []float64{math.Inf(-1), 0.001, 0.01, 0.1, inf}
	tests := []struct {
		name   string
		counts []uint64
		q      float64
		want   float64
	}{
		{"nothing recorded", []uint64{0, 0, 0, 0}, 0.99, 0},
		{"all under a millisecond", []uint64{0, 10, 0, 0}, 0.99, 0.01},
		{"two slow waits in a hundred reach the p99", []uint64{0, 98, 0, 2}, 0.99, 0.1},
		{"one slow wait in a thousand is not", []uint64{0, 999, 0, 1}, 0.99, 0.01},
		{"the median", []uint64{0, 40, 60, 0}, 0.5, 0.1},
		{"past the last bound: its lower bound", []uint64{0, 0, 0, 5}, 0.5, 0.1},
		{"below the first bound", []uint64{3, 0, 0, 0}, 0.5, 0.001},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := runtimeQuantile(buckets, tt.counts, tt.q); got != tt.want {
				t.Errorf("q%.2f of %v = %v, want %v", tt.q, tt.counts, got, tt.want)
			}
		})
	}
}

// TestSchedWaitSeesABusyProcess: goroutines that wait for one another's CPU
// show in the load generator's own figures.
func TestSchedWaitSeesABusyProcess(t *testing.T) {
	var w schedWait
	w.begin()
	if readSchedLatencies() == nil {
		t.Skip("this Go has no scheduling-latency metric")
	}
	done := make(chan struct{})
	for range 50 {
		go func() {
			for {
				select {
				case <-done:
					return
				default:
					time.Sleep(10 * time.Microsecond)
				}
			}
		}()
	}
	time.Sleep(200 * time.Millisecond)
	close(done)
	p50, p99 := w.quantilesMS()
	if p99 <= 0 || p50 > p99 {
		t.Errorf("waits p50 %v ms, p99 %v ms: want a positive p99 at least the p50", p50, p99)
	}
}
