// Package metrics is the Prometheus instrumentation of a tickarena node: one
// registry with every series the host watches, an HTTP middleware that counts
// requests by route and status, and the /metrics handler. Names follow the
// Prometheus conventions: tickarena_<what>_<unit>, counters end in _total.
package metrics

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds the node's collectors. Make it with New; every method is safe
// for concurrent use.
type Metrics struct {
	reg *prometheus.Registry

	ConnsCurrent     prometheus.Gauge
	ConnsOpened      prometheus.Counter
	ConnsClosed      *prometheus.CounterVec // reason
	Players          *prometheus.GaugeVec   // kind: human, bot
	TickSeconds      *prometheus.HistogramVec
	TicksLate        prometheus.Counter
	NetWait          prometheus.Histogram
	BytesSent        prometheus.Counter
	BytesReceived    prometheus.Counter
	MessagesSent     prometheus.Counter
	MessagesReceived prometheus.Counter
	DeltasSkipped    prometheus.Counter
	InputsRejected   *prometheus.CounterVec // reason
	InputsLate       prometheus.Counter
	RefusedFull      *prometheus.CounterVec // reason: seats refused because the node is saturated
	RoundsEnded      prometheus.Counter
	StoreWrite       prometheus.Histogram
	StoreErrors      prometheus.Counter
	StoreFailures    prometheus.Counter
	HTTPRequests     *prometheus.CounterVec // route, code
	HTTPSeconds      *prometheus.HistogramVec
	RedisSeconds     *prometheus.HistogramVec // op
	RedisErrors      *prometheus.CounterVec   // op
}

// New makes and registers every collector, plus the Go runtime and process
// collectors. version is exposed in tickarena_build_info.
func New(version string) *Metrics {
	reg := prometheus.NewRegistry()
	f := factory{reg}
	m := &Metrics{
		reg:              reg,
		ConnsCurrent:     f.gauge("tickarena_connections", "WebSocket connections open now."),
		ConnsOpened:      f.counter("tickarena_connections_opened_total", "WebSocket connections accepted."),
		ConnsClosed:      f.counterVec("tickarena_connections_closed_total", "WebSocket connections closed, by reason.", "reason"),
		Players:          f.gaugeVec("tickarena_players", "Ships in rooms on this node, by kind (human, bot).", "kind"),
		TickSeconds:      f.histogramVec("tickarena_tick_duration_seconds", "Time to simulate one tick and fan it out, by room kind.", []float64{.0001, .00025, .0005, .001, .002, .004, .008, .016, .033, .066}, "room_kind"),
		NetWait:          f.histogram("tickarena_network_wait_seconds", "How long what the network wakes (a lobby request, a player's input) waited to run: the least a lobby answer takes on this node.", []float64{.0005, .001, .002, .005, .01, .02, .05, .1, .2, .5, 1}),
		TicksLate:        f.counter("tickarena_ticks_late_total", "Ticks that started later than one tick interval after their due time."),
		BytesSent:        f.counter("tickarena_ws_sent_bytes_total", "WebSocket payload bytes queued to clients."),
		BytesReceived:    f.counter("tickarena_ws_received_bytes_total", "WebSocket payload bytes received from clients."),
		MessagesSent:     f.counter("tickarena_ws_sent_messages_total", "WebSocket messages queued to clients."),
		MessagesReceived: f.counter("tickarena_ws_received_messages_total", "WebSocket messages received from clients."),
		DeltasSkipped:    f.counter("tickarena_deltas_skipped_total", "Per-client deltas not sent because the client was behind (slow consumer)."),
		InputsRejected:   f.counterVec("tickarena_inputs_rejected_total", "Client messages rejected, by reason.", "reason"),
		InputsLate:       f.counter("tickarena_inputs_late_ticks_total", "Ticks in which a player's ship ran on its previous input because the next one had not arrived yet (each usually costs that player a prediction correction)."),
		RefusedFull:      f.counterVec("tickarena_lobby_refused_full_total", "Quick plays, joins and room creations refused with 503 \"full\" because the node (in a cluster, every node that could seat the player) is saturated or seats players faster than -seat-rate, by reason.", "reason"),
		RoundsEnded:      f.counter("tickarena_rounds_ended_total", "Rounds finished on this node."),
		StoreWrite:       f.histogram("tickarena_leaderboard_write_duration_seconds", "Time to record one round's results.", prometheus.DefBuckets),
		StoreErrors:      f.counter("tickarena_leaderboard_write_errors_total", "Failed attempts to record a round's results."),
		StoreFailures:    f.counter("tickarena_leaderboard_store_failures_total", "Permanent failures of the leaderboard store (read-only, corrupt, disk full): results are no longer recorded and /readyz answers 503."),
		HTTPRequests:     f.counterVec("tickarena_http_requests_total", "HTTP requests, by route pattern and status code.", "route", "code"),
		HTTPSeconds:      f.histogramVec("tickarena_http_request_duration_seconds", "HTTP request latency, by route pattern.", prometheus.DefBuckets, "route"),
		RedisSeconds:     f.histogramVec("tickarena_redis_duration_seconds", "Redis round trips, by operation.", []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .5}, "op"),
		RedisErrors:      f.counterVec("tickarena_redis_errors_total", "Failed Redis operations, by operation.", "op"),
	}
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	info := f.gaugeVec("tickarena_build_info", "Build information; the value is always 1.", "version")
	info.WithLabelValues(version).Set(1)
	return m
}

// Registry returns the registry, for extra collectors (e.g. a queue depth GaugeFunc).
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// GaugeFunc registers a gauge whose value is read from fn at scrape time.
func (m *Metrics) GaugeFunc(name, help string, fn func() float64) {
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, fn))
}

// CounterFunc registers a counter whose value is read from fn at scrape time.
func (m *Metrics) CounterFunc(name, help string, fn func() float64) {
	m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, fn))
}

// Handler serves the exposition format at /metrics.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Middleware counts and times every request handled by next, labelled by the
// ServeMux pattern that matched (so that ids in paths do not explode the label
// set) and by status code. WebSocket upgrades are counted once, when they end.
func (m *Metrics) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		next.ServeHTTP(sw, r)
		route := r.Pattern
		if route == "" {
			route = "unmatched"
		}
		m.HTTPRequests.WithLabelValues(route, strconv.Itoa(sw.code)).Inc()
		m.HTTPSeconds.WithLabelValues(route).Observe(time.Since(start).Seconds())
	})
}

type statusWriter struct {
	http.ResponseWriter
	code    int
	written bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.written {
		w.code, w.written = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	w.written = true
	return w.ResponseWriter.Write(p)
}

// Hijack hands the connection over for a WebSocket upgrade; the request is
// counted with status 101.
func (w *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h, ok := w.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, fmt.Errorf("metrics: %T cannot hijack", w.ResponseWriter)
	}
	w.code, w.written = http.StatusSwitchingProtocols, true
	return h.Hijack()
}

// Flush sends buffered data to the client.
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the underlying writer (hijacking
// for WebSocket upgrades, flushing).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

type factory struct{ reg *prometheus.Registry }

func (f factory) counter(name, help string) prometheus.Counter {
	c := prometheus.NewCounter(prometheus.CounterOpts{Name: name, Help: help})
	f.reg.MustRegister(c)
	return c
}

func (f factory) counterVec(name, help string, labels ...string) *prometheus.CounterVec {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
	f.reg.MustRegister(c)
	return c
}

func (f factory) gauge(name, help string) prometheus.Gauge {
	g := prometheus.NewGauge(prometheus.GaugeOpts{Name: name, Help: help})
	f.reg.MustRegister(g)
	return g
}

func (f factory) gaugeVec(name, help string, labels ...string) *prometheus.GaugeVec {
	g := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: name, Help: help}, labels)
	f.reg.MustRegister(g)
	return g
}

func (f factory) histogram(name, help string, buckets []float64) prometheus.Histogram {
	h := prometheus.NewHistogram(prometheus.HistogramOpts{Name: name, Help: help, Buckets: buckets})
	f.reg.MustRegister(h)
	return h
}

func (f factory) histogramVec(name, help string, buckets []float64, labels ...string) *prometheus.HistogramVec {
	h := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: name, Help: help, Buckets: buckets}, labels)
	f.reg.MustRegister(h)
	return h
}
