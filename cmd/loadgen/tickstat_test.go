package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
)

func TestBucketQuantile(t *testing.T) {
	before := map[float64]float64{0.001: 10, 0.002: 10, 0.004: 10, math.Inf(1): 10}
	after := map[float64]float64{0.001: 60, 0.002: 105, 0.004: 109, math.Inf(1): 110}
	tests := []struct {
		q    float64
		want float64
	}{
		{0.5, 0.001},  // 50 of 100 ticks in the window took at most 1 ms
		{0.9, 0.002},  // 95 at most 2 ms
		{0.99, 0.004}, // 99 at most 4 ms
		{1, math.Inf(1)},
	}
	for _, tt := range tests {
		if got := bucketQuantile(before, after, tt.q); got != tt.want {
			t.Errorf("q%.2f = %v, want %v", tt.q, got, tt.want)
		}
	}
	if got := bucketQuantile(after, after, 0.99); got != 0 {
		t.Errorf("no ticks in the window: got %v, want 0", got)
	}
}

// TestSummaryWithTicksBeyondTheLastBucket: when the p99 tick falls in the
// +Inf bucket, the summary still encodes to JSON (which has no +Inf),
// giving the largest finite bound and saying the ticks went beyond it.
func TestSummaryWithTicksBeyondTheLastBucket(t *testing.T) {
	before := map[float64]float64{0.033: 0, 0.066: 0, math.Inf(1): 0}
	after := map[float64]float64{0.033: 90, 0.066: 95, math.Inf(1): 100}
	var s summary
	s.TickP50ms, s.TickP50Beyond = tickQuantileMS(before, after, 0.5)
	s.TickP99ms, s.TickP99Beyond = tickQuantileMS(before, after, 0.99)
	if s.TickP50ms != 33 || s.TickP50Beyond {
		t.Errorf("p50 = %v ms (beyond %v), want 33 ms within the buckets", s.TickP50ms, s.TickP50Beyond)
	}
	if s.TickP99ms != 66 || !s.TickP99Beyond {
		t.Errorf("p99 = %v ms (beyond %v), want beyond the last bound, 66 ms", s.TickP99ms, s.TickP99Beyond)
	}
	path := filepath.Join(t.TempDir(), "summary.json")
	if err := s.writeJSON(path); err != nil {
		t.Fatalf("writeJSON with a p99 in the +Inf bucket: %v", err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("summary is not JSON: %v\n%s", err, b)
	}
	if got["tick_ms_p99"] != 66.0 || got["tick_ms_p99_beyond_last_bucket"] != true {
		t.Errorf("summary says p99 %v, beyond %v; want 66 and true", got["tick_ms_p99"], got["tick_ms_p99_beyond_last_bucket"])
	}
}
