package main

import (
	"encoding/json"
	"maps"
	"math"
	"os"
	"path/filepath"
	"strings"
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

// TestServerRefusals reads the server's refusals by reason from its
// /metrics text, and what changed between two readings.
func TestServerRefusals(t *testing.T) {
	const before = `# HELP tickarena_lobby_refused_full_total Quick plays refused.
# TYPE tickarena_lobby_refused_full_total counter
tickarena_lobby_refused_full_total{reason="cpu ceiling"} 3
tickarena_lobby_refused_full_total{reason="too many arrivals"} 7
tickarena_players{kind="human"} 10
`
	const after = `tickarena_lobby_refused_full_total{reason="cpu ceiling"} 1862
tickarena_lobby_refused_full_total{reason="too many arrivals"} 7
tickarena_lobby_refused_full_total{reason="reads behind"} 40
`
	b, a := parseRefusals(strings.NewReader(before)), parseRefusals(strings.NewReader(after))
	if len(b) != 2 || b["cpu ceiling"] != 3 || b["too many arrivals"] != 7 {
		t.Fatalf("before: %v, want cpu ceiling 3 and too many arrivals 7", b)
	}
	got := refusalsSince(b, a)
	want := map[string]float64{"cpu ceiling": 1859, "reads behind": 40}
	if !maps.Equal(got, want) {
		t.Errorf("refusals over the run %v, want %v (a reason with none new left out)", got, want)
	}
	if refusalsSince(nil, a) != nil {
		t.Errorf("refusals with no first reading: want none reported")
	}
}

// TestParseBuckets reads the tick histogram from /metrics text as the server
// writes it: summed over room kinds, the +Inf bucket kept, other series and
// the _sum and _count lines left out; and the late input ticks, -1 when the
// server has none.
func TestParseBuckets(t *testing.T) {
	const text = `# TYPE tickarena_tick_duration_seconds histogram
tickarena_tick_duration_seconds_bucket{kind="public",le="0.001"} 10
tickarena_tick_duration_seconds_bucket{kind="public",le="+Inf"} 12
tickarena_tick_duration_seconds_bucket{kind="private",le="0.001"} 3
tickarena_tick_duration_seconds_bucket{kind="private",le="+Inf"} 3
tickarena_tick_duration_seconds_sum{kind="public"} 0.02
tickarena_tick_duration_seconds_count{kind="public"} 12
tickarena_rules{le="0.001"} 99
`
	f, err := parseServerFigures(strings.NewReader(text + "tickarena_inputs_late_ticks_total 42\n"))
	if err != nil {
		t.Fatal(err)
	}
	got := f.ticks
	want := map[float64]float64{0.001: 13, math.Inf(1): 15}
	if !maps.Equal(got, want) {
		t.Errorf("buckets %v, want %v", got, want)
	}
	if f.late != 42 || len(f.netWait) != 0 {
		t.Errorf("late input ticks %v, network wait buckets %v; want 42 and none", f.late, f.netWait)
	}
	if f, _ := parseServerFigures(strings.NewReader(text)); f.late != -1 {
		t.Errorf("late input ticks of a server without the series %v, want -1", f.late)
	}
}

// TestNetWaitQuantiles: the server's network-wait histogram is read as the
// tick histogram is, by its own series, and its quantiles are those of the
// waits counted between two readings.
func TestNetWaitQuantiles(t *testing.T) {
	read := func(text string) map[float64]float64 {
		t.Helper()
		f, err := parseServerFigures(strings.NewReader(text))
		if err != nil {
			t.Fatal(err)
		}
		return f.netWait
	}
	before := read(`tickarena_network_wait_seconds_bucket{le="0.001"} 100
tickarena_network_wait_seconds_bucket{le="0.01"} 100
tickarena_network_wait_seconds_bucket{le="0.1"} 100
tickarena_network_wait_seconds_bucket{le="+Inf"} 100
tickarena_tick_duration_seconds_bucket{room_kind="public",le="0.001"} 7
`)
	// Then 1,000 waits: 980 under 1 ms, 15 up to 10 ms, 5 up to 100 ms.
	after := read(`tickarena_network_wait_seconds_bucket{le="0.001"} 1080
tickarena_network_wait_seconds_bucket{le="0.01"} 1095
tickarena_network_wait_seconds_bucket{le="0.1"} 1100
tickarena_network_wait_seconds_bucket{le="+Inf"} 1100
`)
	if p50, _ := tickQuantileMS(before, after, 0.5); p50 != 1 {
		t.Errorf("network wait p50 %v ms, want 1 (the bucket of the median)", p50)
	}
	if p99, beyond := tickQuantileMS(before, after, 0.99); p99 != 10 || beyond {
		t.Errorf("network wait p99 %v ms (beyond %v), want 10", p99, beyond)
	}
	if len(before) != 4 {
		t.Errorf("buckets read %v: the tick histogram's lines got in", before)
	}
}
