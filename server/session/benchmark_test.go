package session

import (
	"strconv"
	"testing"
)

func BenchmarkIssue(b *testing.B) {
	is := newTestIssuer(b)
	b.ReportAllocs()
	var n int
	for b.Loop() {
		_, tok, err := is.Issue("benchmarker")
		if err != nil {
			b.Fatal(err)
		}
		n = len(tok)
	}
	b.ReportMetric(float64(n), "token-chars")
}

func BenchmarkVerify(b *testing.B) {
	is := newTestIssuer(b)
	_, tok, _ := is.Issue("benchmarker")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := is.Verify(tok); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWindowLimiterAllow measures a request of a key at its limit (10
// in the last minute), the case a flood makes common.
func BenchmarkWindowLimiterAllow(b *testing.B) {
	l := NewWindowLimiter(WindowOptions{})
	keys := make([]string, 1024)
	for i := range keys {
		keys[i] = "10.0.0." + strconv.Itoa(i)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		l.Allow(keys[i%len(keys)])
		i++
	}
}
