package main

import (
	"fmt"
	"io"
	"math"
)

// A comparison of two runs made at the same time on the same CPU (make
// loadtest with AB_BASE): whatever else the machine did then fell on both,
// so a difference of a few percent means something, which it does not
// between runs minutes apart on a shared machine.

// compareRow is one figure of a comparison: how to read it from a summary,
// how to print it, and whether less is better (for the verdict's sign).
// events, for a rate of rare events (corrections, underflows), says how
// many the figure was counted from: such a figure is only marked better or
// worse when the counts differ by more than chance would make them.
type compareRow struct {
	name         string
	value        func(*summary) float64
	format       string
	lessIsBetter bool
	events       func(*summary) float64
	// spread is the relative change below which a figure read from a tail
	// of few samples (a p99 of API calls) is not marked; 0 means a tenth.
	spread float64
	// sometimes is set for a figure that a run may not have at all (no 503
	// answered): it is marked only when both runs have it.
	sometimes bool
	// retried is set for a figure of -retry-full: the row is printed only
	// when one of the runs retried.
	retried bool
	// unmarked is set for a figure that is neither better nor worse when
	// it moves.
	unmarked bool
}

// retryFigure returns a figure of a summary's retries, 0 for a run
// without -retry-full.
func retryFigure(f func(*retryReport) float64) func(*summary) float64 {
	return func(s *summary) float64 {
		if s.Retry == nil {
			return 0
		}
		return f(s.Retry)
	}
}

// verifiedEvents returns the number of events a per-verifying-client,
// per-minute rate was counted from.
func verifiedEvents(rate func(*summary) float64) func(*summary) float64 {
	return func(s *summary) float64 { return rate(s) * float64(s.Verifying) * s.Seconds / 60 }
}

func correctionRate(s *summary) float64 { return s.CorrectionsPerMin }

func underflowRate(s *summary) float64 { return s.UnderflowsPerMin }

var compareRows = []compareRow{
	{name: "clients playing at the end", value: func(s *summary) float64 { return float64(s.Connected) }, format: "%.0f"},
	{name: "server cores", value: func(s *summary) float64 { return s.ServerCores }, format: "%.3f", lessIsBetter: true},
	{name: "server cores per 1000 clients", value: func(s *summary) float64 { return s.ServerCoresPer1000 }, format: "%.3f", lessIsBetter: true},
	{name: "server RSS, MiB", value: func(s *summary) float64 { return s.ServerRSSMB }, format: "%.1f", lessIsBetter: true},
	{name: "updates/s per client, p1", value: func(s *summary) float64 { return s.UpdatesP1 }, format: "%.2f"},
	{name: "ticks/s per client, p1", value: func(s *summary) float64 { return s.TicksP1 }, format: "%.2f"},
	// In the histogram's buckets, which double: a step of one is not marked.
	{name: "tick p99, ms", value: func(s *summary) float64 { return s.TickP99ms }, format: "%.2f", lessIsBetter: true, spread: 1.5},
	{name: "bytes down per client and second", value: func(s *summary) float64 { return s.DownBytesPerClient }, format: "%.0f", lessIsBetter: true},
	{name: "corrections per verifying client and minute", value: correctionRate, format: "%.2f", lessIsBetter: true, events: verifiedEvents(correctionRate)},
	{name: "interpolation underflows per verifying client and minute", value: underflowRate, format: "%.2f", lessIsBetter: true, events: verifiedEvents(underflowRate)},
	{name: "share of frames short of snapshots, %", value: func(s *summary) float64 { return 100 * s.UnderflowShare }, format: "%.3f", lessIsBetter: true, events: verifiedEvents(underflowRate)},
	// The tail of the few API calls of a ramp.
	{name: "API calls, p99 ms", value: func(s *summary) float64 { return s.HTTPMsP99 }, format: "%.1f", lessIsBetter: true, spread: 2},
	{name: "503 full answers, p99 ms", value: func(s *summary) float64 { return s.FullMsP99 }, format: "%.1f", lessIsBetter: true, spread: 2, sometimes: true},
	{name: "server's network waits, p99 ms", value: func(s *summary) float64 { return s.NetWaitP99ms }, format: "%.1f", lessIsBetter: true, spread: 2, sometimes: true},
	{name: "503 full answers to the verifying process, p99 ms", value: func(s *summary) float64 { return s.VerifierFullMsP99 }, format: "%.1f", lessIsBetter: true, spread: 2, sometimes: true},
	// More clients seated after a retry is fewer left out, or more
	// refused at first: neither better nor worse alone.
	{name: "clients seated only after a retry", value: retryFigure(func(r *retryReport) float64 { return float64(r.Seated) }), format: "%.0f", retried: true, unmarked: true},
	{name: "refused clients still unseated at the end", value: retryFigure(func(r *retryReport) float64 { return float64(r.Unseated) }), format: "%.0f", lessIsBetter: true, retried: true},
}

// compareTable reads two summaries written with -json, a baseline and the
// run compared with it, and prints each figure of both with their ratio.
func compareTable(w io.Writer, basePath, path string) error {
	base, err := readSummary(basePath)
	if err != nil {
		return err
	}
	cur, err := readSummary(path)
	if err != nil {
		return err
	}
	if base.Mode != cur.Mode || base.Clients != cur.Clients {
		return fmt.Errorf("compare %s (%s, %d clients) with %s (%s, %d clients): not the same load", basePath, base.Mode, base.Clients, path, cur.Mode, cur.Clients)
	}
	fmt.Fprintf(w, "%-58s %12s %12s %8s\n", fmt.Sprintf("%s, %d clients each", cur.Mode, cur.Clients), "base", "this", "ratio")
	retried := base.Retry != nil || cur.Retry != nil
	for _, r := range compareRows {
		if r.retried && !retried {
			continue
		}
		b, c := r.value(base), r.value(cur)
		ratio := "—"
		if b != 0 {
			ratio = fmt.Sprintf("×%.2f", c/b)
		}
		fmt.Fprintf(w, "%-58s %12s %12s %8s%s\n", r.name, fmt.Sprintf(r.format, b), fmt.Sprintf(r.format, c), ratio, verdict(r, base, cur))
	}
	return nil
}

// verdict marks a figure that moved: by more than its spread (a tenth, more
// for a tail of few samples), or, for a rate of rare events, by more than
// twice the spread of chance (the counts as Poisson's: a difference beyond
// 2·√(a+b) events).
func verdict(r compareRow, base, cur *summary) string {
	b, c := r.value(base), r.value(cur)
	if r.unmarked || (r.sometimes && (b == 0 || c == 0)) {
		return ""
	}
	if r.events != nil {
		eb, ec := r.events(base), r.events(cur)
		if math.Abs(eb-ec) <= 2*math.Sqrt(eb+ec) {
			if eb == 0 && ec == 0 {
				return ""
			}
			return fmt.Sprintf("  (%.0f vs %.0f events: within chance)", eb, ec)
		}
	} else {
		spread := r.spread
		if spread == 0 {
			spread = 0.1
		}
		if b == c || (b != 0 && c/b > 1/(1+spread) && c/b < 1+spread) {
			return ""
		}
	}
	if (c < b) == r.lessIsBetter {
		return "  better"
	}
	return "  worse"
}
