package main

import (
	"math"
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
