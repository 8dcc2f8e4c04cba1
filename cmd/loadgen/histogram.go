package main

import (
	"slices"
	"sync/atomic"
)

// histogram counts message sizes in 8-byte buckets up to 8 KiB, safe for
// concurrent use.
type histogram struct {
	buckets [1025]atomic.Uint64 // the last one holds everything larger
}

const bucketWidth = 8

func (h *histogram) add(n int) {
	h.buckets[min(n/bucketWidth, len(h.buckets)-1)].Add(1)
}

// quantile returns the lower bound in bytes of the bucket holding quantile q.
func (h *histogram) quantile(q float64) float64 {
	var total uint64
	counts := make([]uint64, len(h.buckets))
	for i := range h.buckets {
		counts[i] = h.buckets[i].Load()
		total += counts[i]
	}
	if total == 0 {
		return 0
	}
	rank := uint64(q * float64(total-1))
	var seen uint64
	for i, c := range counts {
		seen += c
		if seen > rank {
			return float64(i * bucketWidth)
		}
	}
	return float64(len(counts) * bucketWidth)
}

// percentile returns the q quantile (0–1) of values, which it sorts.
func percentile(values []float64, q float64) float64 {
	if len(values) == 0 {
		return 0
	}
	slices.Sort(values)
	i := int(q * float64(len(values)-1))
	return values[i]
}
