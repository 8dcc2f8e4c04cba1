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

// tickBuckets reads the cumulative tick-duration histogram of a tickarena
// server from its /metrics, summed over room kinds: upper bound → count.
func tickBuckets(ctx context.Context, base string) (map[float64]float64, error) {
	var buckets map[float64]float64
	err := scrapeMetrics(ctx, base, func(r io.Reader) (err error) {
		buckets, err = parseBuckets(r)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("tick histogram: %w", err)
	}
	return buckets, nil
}

// parseBuckets reads the tickSeries lines of a Prometheus text exposition,
// summed over room kinds: upper bound → count.
func parseBuckets(r io.Reader) (map[float64]float64, error) {
	buckets := map[float64]float64{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, tickSeries+"{") {
			continue
		}
		i := strings.Index(line, `le="`)
		j := strings.LastIndexByte(line, ' ')
		if i < 0 || j < 0 {
			continue
		}
		leText := line[i+4:]
		leText = leText[:strings.IndexByte(leText, '"')]
		le := math.Inf(1)
		if leText != "+Inf" {
			var err error
			if le, err = strconv.ParseFloat(leText, 64); err != nil {
				continue
			}
		}
		n, err := strconv.ParseFloat(line[j+1:], 64)
		if err != nil {
			continue
		}
		buckets[le] += n
	}
	return buckets, sc.Err()
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

// lateInputTicks reads lateInputSeries from a server's /metrics; -1 when it
// cannot (not a tickarena server, or an older one).
func lateInputTicks(base string) float64 {
	g, err := scrapeGauges(context.Background(), base, lateInputSeries)
	if v, ok := g[lateInputSeries]; err == nil && ok {
		return v
	}
	return -1
}

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
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), refusedSeries+"{")
		if !ok {
			continue
		}
		labels, value, ok := strings.Cut(rest, "} ")
		if !ok {
			continue
		}
		_, reason, ok := strings.Cut(labels, `reason="`)
		if !ok {
			continue
		}
		reason, _, _ = strings.Cut(reason, `"`)
		if v, err := strconv.ParseFloat(strings.TrimSpace(value), 64); err == nil {
			out[reason] = v
		}
	}
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
