package main

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"
)

// testMetrics is what the test server's /metrics exposes: the series a soak
// reads, among others it must skip.
const testMetrics = `# HELP go_goroutines Number of goroutines that currently exist.
# TYPE go_goroutines gauge
go_goroutines 42
go_memstats_heap_alloc_bytes 1.048576e+07
go_memstats_heap_alloc_bytes_total 9e+09
process_resident_memory_bytes 3.3554432e+07
tickarena_players{kind="human"} 10
`

func TestParseGauges(t *testing.T) {
	g, err := parseGauges(strings.NewReader(testMetrics), "go_goroutines", "go_memstats_heap_alloc_bytes", "process_resident_memory_bytes", "missing")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{"go_goroutines": 42, "go_memstats_heap_alloc_bytes": 10 << 20, "process_resident_memory_bytes": 32 << 20}
	if len(g) != len(want) {
		t.Fatalf("parsed %v, want %v", g, want)
	}
	for k, v := range want {
		if g[k] != v {
			t.Errorf("%s = %v, want %v", k, g[k], v)
		}
	}
}

func TestSoakVerdict(t *testing.T) {
	rss := func(values ...float64) []soakSample {
		var s []soakSample
		for i, v := range values {
			s = append(s, soakSample{Seconds: float64(i+1) * 20, RSSMiB: v, Goroutines: 100 + i})
		}
		return s
	}
	tests := []struct {
		name     string
		samples  []soakSample
		wantFlat bool
		wantRef  float64
	}{
		{"flat", rss(10, 30, 40, 41, 39, 43.9, 36.1), true, 40},
		{"warm-up growth is ignored", rss(5, 20, 40, 40, 40), true, 40},
		{"grows past 10%", rss(10, 30, 40, 42, 44.1), false, 40},
		{"shrinks past 10%", rss(10, 30, 40, 38, 35.9), false, 40},
		{"nothing after the warm-up", rss(10, 30), false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &soakReport{WarmupSeconds: 60, Samples: tt.samples}
			r.judge()
			if r.RSSFlat != tt.wantFlat || r.RSSRefMiB != tt.wantRef {
				t.Fatalf("flat %v ref %v, want %v ref %v (min %v max %v)", r.RSSFlat, r.RSSRefMiB, tt.wantFlat, tt.wantRef, r.RSSMinMiB, r.RSSMaxMiB)
			}
		})
	}
	failed := (&summary{Soak: &soakReport{RSSFlat: true}, Drops: 1}).soakFailed()
	if !strings.Contains(failed, "1 errors") {
		t.Errorf("a soak with a dropped client: %q, want it failed for the error", failed)
	}
	if failed := (&summary{Soak: &soakReport{RSSFlat: true}}).soakFailed(); failed != "" {
		t.Errorf("a flat soak without errors failed: %q", failed)
	}
}

// TestSoakReadsTheServer runs a short soak against the test server and checks
// that every reading holds the server's figures and the clients' updates.
func TestSoakReadsTheServer(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc on this system")
	}
	s := startGameServer(t)
	sum, err := run(context.Background(), config{URL: s.ts.URL, N: 4, Duration: 2 * time.Second, Sample: 400 * time.Millisecond,
		Warmup: 500 * time.Millisecond, PID: os.Getpid(), Logger: quietLog()})
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	sum.print(&out)
	t.Log(out.String())
	if sum.Soak == nil || len(sum.Soak.Samples) < 3 {
		t.Fatalf("soak readings %+v, want at least 3 over 2 s at 400 ms", sum.Soak)
	}
	for i, x := range sum.Soak.Samples {
		if x.Goroutines != 42 || x.HeapMiB != 10 || x.RSSMiB <= 0 || x.Connected != 4 || x.UpdatesPerClient <= 0 {
			t.Errorf("reading %d: %+v; want 42 goroutines, 10 MiB heap, this process's RSS, 4 clients getting updates", i, x)
		}
		if i > 0 && x.Seconds <= sum.Soak.Samples[i-1].Seconds {
			t.Errorf("reading %d at %.1f s is not after the previous one", i, x.Seconds)
		}
	}
	if !strings.Contains(out.String(), "soak rss after warm-up") {
		t.Errorf("the printed summary lacks the soak verdict")
	}
}
