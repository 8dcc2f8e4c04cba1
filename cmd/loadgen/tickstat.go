package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// scrapeMetrics gets a server's /metrics (within 5 s) and hands its body,
// Prometheus' text exposition, to read.
func scrapeMetrics(ctx context.Context, base string, read func(io.Reader) error) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(base, "/")+"/metrics", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET /metrics: %s", resp.Status)
	}
	return read(resp.Body)
}

// tickSeries is the server's histogram of tick durations on /metrics.
const tickSeries = "tickarena_tick_duration_seconds_bucket"

// netWaitSeries is the server's histogram of how long what the network woke
// waited to run (a lobby request, a player's input) on /metrics.
const netWaitSeries = "tickarena_network_wait_seconds_bucket"

// serverFigures are the series of a tickarena server's /metrics that a
// report compares between the window's start and end, read in one scrape.
type serverFigures struct {
	ticks   map[float64]float64 // tickSeries, summed over room kinds: upper bound → count
	netWait map[float64]float64 // netWaitSeries; empty: the server does not measure it
	late    float64             // lateInputSeries; -1: not there (an older server)
}

// readServerFigures scrapes a server's /metrics for its serverFigures.
func readServerFigures(ctx context.Context, base string) (serverFigures, error) {
	var f serverFigures
	err := scrapeMetrics(ctx, base, func(r io.Reader) (err error) {
		f, err = parseServerFigures(r)
		return err
	})
	if err != nil {
		return serverFigures{}, fmt.Errorf("server figures: %w", err)
	}
	return f, nil
}

// parseServerFigures reads the serverFigures of a Prometheus text
// exposition.
func parseServerFigures(r io.Reader) (serverFigures, error) {
	f := serverFigures{ticks: map[float64]float64{}, netWait: map[float64]float64{}, late: -1}
	bucket := func(into map[float64]float64, labels string, v float64) {
		if le, err := strconv.ParseFloat(label(labels, "le"), 64); err == nil { // "+Inf" parses
			into[le] += v
		}
	}
	err := eachSample(r, func(name, labels string, v float64) {
		switch name {
		case tickSeries:
			bucket(f.ticks, labels, v)
		case netWaitSeries:
			bucket(f.netWait, labels, v)
		case lateInputSeries:
			f.late = v
		}
	})
	return f, err
}

// eachSample calls fn with the series name, the labels (what the braces
// hold; "" for none) and the value of each sample of a Prometheus text
// exposition, comments and lines it cannot read left out.
func eachSample(r io.Reader, fn func(name, labels string, value float64)) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		sp := strings.LastIndexByte(line, ' ')
		if line == "" || line[0] == '#' || sp < 0 {
			continue
		}
		v, err := strconv.ParseFloat(line[sp+1:], 64)
		if err != nil {
			continue
		}
		name, labels := line[:sp], ""
		if i := strings.IndexByte(name, '{'); i >= 0 && strings.HasSuffix(name, "}") {
			name, labels = name[:i], name[i+1:len(name)-1]
		}
		fn(name, labels, v)
	}
	return sc.Err()
}

// label returns the value of the label key among labels (as eachSample
// gives them), "" when it is not there.
func label(labels, key string) string {
	_, v, ok := strings.Cut(","+labels, ","+key+`="`)
	if !ok {
		return ""
	}
	v, _, _ = strings.Cut(v, `"`)
	return v
}

// bucketQuantile returns the q-quantile, in seconds, of the ticks counted
// between two readings of the histogram: the upper bound of the first bucket
// that holds it (an upper estimate, as Prometheus' histogram_quantile without
// interpolation). It returns 0 when no tick was counted.
func bucketQuantile(before, after map[float64]float64, q float64) float64 {
	bounds := make([]float64, 0, len(after))
	for le := range after {
		bounds = append(bounds, le)
	}
	sort.Float64s(bounds)
	if len(bounds) == 0 {
		return 0
	}
	total := after[bounds[len(bounds)-1]] - before[bounds[len(bounds)-1]]
	if total <= 0 {
		return 0
	}
	for _, le := range bounds {
		if after[le]-before[le] >= q*total {
			return le
		}
	}
	return bounds[len(bounds)-1]
}

// tickQuantileMS is bucketQuantile in milliseconds, always finite: when the
// quantile falls in the +Inf bucket it returns the largest finite bound and
// beyond set.
func tickQuantileMS(before, after map[float64]float64, q float64) (ms float64, beyond bool) {
	v := bucketQuantile(before, after, q)
	if !math.IsInf(v, 1) {
		return v * 1000, false
	}
	largest := 0.0
	for le := range after {
		if !math.IsInf(le, 1) && le > largest {
			largest = le
		}
	}
	return largest * 1000, true
}

// lateInputSeries counts the ticks in which a tickarena server ran a ship on
// its previous input because its player's next one had not arrived.
const lateInputSeries = "tickarena_inputs_late_ticks_total"

// refusedSeries counts the seats a tickarena server refused with 503 "full",
// by the reason it gave (its saturation signal, or the seat rate).
const refusedSeries = "tickarena_lobby_refused_full_total"

// serverRefusals reads refusedSeries from a server's /metrics, by reason; nil
// when it cannot (not a tickarena server, or no /metrics).
func serverRefusals(base string) map[string]float64 {
	var out map[string]float64
	err := scrapeMetrics(context.Background(), base, func(r io.Reader) error {
		out = parseRefusals(r)
		return nil
	})
	if err != nil {
		return nil
	}
	return out
}

// parseRefusals reads the refusedSeries lines of a Prometheus text
// exposition: the count of each reason label.
func parseRefusals(r io.Reader) map[string]float64 {
	out := map[string]float64{}
	_ = eachSample(r, func(name, labels string, v float64) {
		if name == refusedSeries {
			out[label(labels, "reason")] = v
		}
	})
	return out
}

// refusalsSince returns the refusals counted between two readings, the
// reasons with none left out; nil when either reading is missing.
func refusalsSince(before, after map[string]float64) map[string]float64 {
	if before == nil || after == nil {
		return nil
	}
	out := map[string]float64{}
	for reason, n := range after {
		if d := n - before[reason]; d > 0 {
			out[reason] = d
		}
	}
	return out
}
