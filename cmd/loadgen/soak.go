package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"time"
)

// rssTolerance is how far, as a fraction, the server's RSS may move from its
// first reading after the warm-up for a soak to call it flat.
const rssTolerance = 0.10

// soakSample is one reading of the server and the clients during a soak.
type soakSample struct {
	// Seconds is the time since the measured window started.
	Seconds float64 `json:"t_s"`
	// RSSMiB is the server's resident set size (from /proc with -pid, else
	// process_resident_memory_bytes on /metrics).
	RSSMiB float64 `json:"rss_mib"`
	// HeapMiB is the server's live Go heap (go_memstats_heap_alloc_bytes).
	HeapMiB float64 `json:"heap_mib"`
	// Goroutines is the server's go_goroutines.
	Goroutines int `json:"goroutines"`
	// Connected is the number of clients playing at the reading.
	Connected int `json:"connected"`
	// UpdatesPerClient is the mean updates per second per client since the
	// previous reading.
	UpdatesPerClient float64 `json:"updates_per_client_per_s"`
	// Errors counts dial errors and dropped connections since the start.
	Errors uint64 `json:"errors"`
}

// soakReport is the soak part of a summary: the readings and the verdict.
type soakReport struct {
	IntervalSeconds float64      `json:"interval_s"`
	WarmupSeconds   float64      `json:"warmup_s"`
	Samples         []soakSample `json:"samples"`
	// RSSRefMiB is the first reading after the warm-up; RSSMinMiB and
	// RSSMaxMiB bound every reading from there on.
	RSSRefMiB float64 `json:"rss_ref_mib"`
	RSSMinMiB float64 `json:"rss_min_mib"`
	RSSMaxMiB float64 `json:"rss_max_mib"`
	// RSSFlat is true when every reading after the warm-up is within ±10% of
	// the reference; false also when no reading came after the warm-up.
	RSSFlat bool `json:"rss_flat"`
	// GoroutinesMin and GoroutinesMax bound the readings after the warm-up.
	GoroutinesMin int `json:"goroutines_min"`
	GoroutinesMax int `json:"goroutines_max"`
}

// judge fills the verdict from the samples.
func (s *soakReport) judge() {
	s.RSSFlat = false
	first := true
	for _, x := range s.Samples {
		if x.Seconds < s.WarmupSeconds || x.RSSMiB <= 0 {
			continue
		}
		if first {
			s.RSSRefMiB, s.RSSMinMiB, s.RSSMaxMiB = x.RSSMiB, x.RSSMiB, x.RSSMiB
			s.GoroutinesMin, s.GoroutinesMax = x.Goroutines, x.Goroutines
			first = false
		}
		s.RSSMinMiB, s.RSSMaxMiB = min(s.RSSMinMiB, x.RSSMiB), max(s.RSSMaxMiB, x.RSSMiB)
		s.GoroutinesMin, s.GoroutinesMax = min(s.GoroutinesMin, x.Goroutines), max(s.GoroutinesMax, x.Goroutines)
	}
	if first {
		return
	}
	s.RSSFlat = s.RSSMinMiB >= s.RSSRefMiB*(1-rssTolerance) && s.RSSMaxMiB <= s.RSSRefMiB*(1+rssTolerance)
}

// soak takes a reading every cfg.Sample from the start of the measured
// window until ctx ends, and returns them.
func (r *reporter) soak(ctx context.Context) *soakReport {
	rep := &soakReport{IntervalSeconds: r.cfg.Sample.Seconds(), WarmupSeconds: r.cfg.Warmup.Seconds()}
	select {
	case <-ctx.Done():
		return rep
	case <-r.winSet:
	}
	prev := make([]uint64, len(r.players))
	copy(prev, r.winUpd)
	last := r.winStart
	t := time.NewTicker(r.cfg.Sample)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return rep
		case now := <-t.C:
			x := r.reading(ctx, now, last, prev)
			if ctx.Err() != nil {
				return rep // the run ended during this reading: its scrape was cut short
			}
			last = now
			rep.Samples = append(rep.Samples, x)
			if r.cfg.Progress != nil {
				fmt.Fprintf(r.cfg.Progress, "soak %6.0fs  rss %7.1f MiB  heap %6.1f MiB  goroutines %5d  connected %d  updates/s/client %.1f  errors %d\n",
					x.Seconds, x.RSSMiB, x.HeapMiB, x.Goroutines, x.Connected, x.UpdatesPerClient, x.Errors)
			}
		}
	}
}

// reading takes one soak sample at now; prev holds each player's update
// count at the previous reading, taken at last, and is updated.
func (r *reporter) reading(ctx context.Context, now, last time.Time, prev []uint64) soakSample {
	x := soakSample{Seconds: now.Sub(r.winStart).Seconds()}
	var sum float64
	dt := now.Sub(last).Seconds()
	for i, p := range r.players {
		u := p.updates.Load()
		if p.welcomed.Load() {
			x.Connected++
		}
		if dt > 0 {
			sum += float64(u-prev[i]) / dt
		}
		prev[i] = u
		x.Errors += p.dialErrs.Load() + p.closes.Load()
	}
	if n := len(r.players); n > 0 {
		x.UpdatesPerClient = sum / float64(n)
	}
	if r.cfg.API != "" {
		g, err := scrapeGauges(ctx, r.cfg.API, "go_memstats_heap_alloc_bytes", "go_goroutines", "process_resident_memory_bytes")
		if err != nil && ctx.Err() == nil {
			r.cfg.Logger.Warn("soak: no server metrics", "err", err)
		}
		x.HeapMiB = g["go_memstats_heap_alloc_bytes"] / (1 << 20)
		x.Goroutines = int(g["go_goroutines"])
		x.RSSMiB = g["process_resident_memory_bytes"] / (1 << 20)
	}
	if r.cfg.PID > 0 {
		if rss, _, err := processMemory(r.cfg.PID); err == nil {
			x.RSSMiB = float64(rss) / (1 << 20)
		}
	}
	return x
}

// scrapeGauges reads the named series without labels from a server's
// /metrics; a missing series is absent from the map.
func scrapeGauges(ctx context.Context, base string, names ...string) (map[string]float64, error) {
	out := map[string]float64{}
	err := scrapeMetrics(ctx, base, func(r io.Reader) (err error) {
		out, err = parseGauges(r, names...)
		return err
	})
	if err != nil {
		return out, fmt.Errorf("scrape metrics: %w", err)
	}
	return out, nil
}

// parseGauges reads the named unlabelled series from the Prometheus text
// exposition format.
func parseGauges(r io.Reader, names ...string) (map[string]float64, error) {
	out := map[string]float64{}
	err := eachSample(r, func(name, labels string, v float64) {
		if labels == "" && slices.Contains(names, name) {
			out[name] = v
		}
	})
	if err != nil {
		return out, fmt.Errorf("scrape metrics: %w", err)
	}
	return out, nil
}

// print writes the soak table and its verdict for people.
func (s *soakReport) print(w io.Writer) {
	fmt.Fprintf(w, "  soak: a reading every %.0f s, warm-up %.0f s\n", s.IntervalSeconds, s.WarmupSeconds)
	fmt.Fprintf(w, "    %8s %9s %9s %10s %9s %10s %7s\n", "t (s)", "rss MiB", "heap MiB", "goroutines", "connected", "updates/s", "errors")
	for _, x := range s.Samples {
		fmt.Fprintf(w, "    %8.0f %9.1f %9.1f %10d %9d %10.1f %7d\n", x.Seconds, x.RSSMiB, x.HeapMiB, x.Goroutines, x.Connected, x.UpdatesPerClient, x.Errors)
	}
	verdict := "NOT flat"
	if s.RSSFlat {
		verdict = "flat"
	}
	fmt.Fprintf(w, "  soak rss after warm-up: %s within ±%.0f%% (reference %.1f MiB, min %.1f, max %.1f); goroutines %d–%d\n",
		verdict, rssTolerance*100, s.RSSRefMiB, s.RSSMinMiB, s.RSSMaxMiB, s.GoroutinesMin, s.GoroutinesMax)
}
