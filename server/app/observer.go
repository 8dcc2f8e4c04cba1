package app

import (
	"slices"

	"github.com/prometheus/client_golang/prometheus"
	"sync"
	"time"

	"github.com/tickarena/tickarena/server/metrics"
	"github.com/tickarena/tickarena/server/realtime"
)

// observer feeds the real-time server's counters into Prometheus and keeps the
// few figures the status page shows (recent tick times, bytes sent).
type observer struct {
	m        *metrics.Metrics
	sendRate rate

	mu      sync.Mutex
	ticks   [2048]time.Duration // ring of recent tick durations, all rooms
	next    int
	filled  bool
	players map[string][2]int // room → humans, bots
}

var (
	_ realtime.Observer        = (*observer)(nil)
	_ realtime.RoomObservers   = (*observer)(nil)
	_ realtime.NetWaitObserver = (*observer)(nil)
)

func newObserver(m *metrics.Metrics) *observer {
	return &observer{m: m, players: make(map[string][2]int)}
}

func (o *observer) ConnOpened() {
	o.m.ConnsOpened.Inc()
	o.m.ConnsCurrent.Inc()
}

func (o *observer) ConnClosed(reason string) {
	o.m.ConnsCurrent.Dec()
	o.m.ConnsClosed.WithLabelValues(reason).Inc()
}

func (o *observer) ConnRejected(reason string) {
	o.m.ConnsClosed.WithLabelValues("rejected: " + reason).Inc()
}

// Tick is the path of a room without a handle. The Manager opens a handle
// for every room (OpenRoom), which knows the room's kind; this path cannot,
// and counts the tick under "unknown".
func (o *observer) Tick(_ string, d time.Duration) {
	o.tick(o.m.TickSeconds.WithLabelValues("unknown"), d)
}

// NetWait records how long what the network woke waited to run.
func (o *observer) NetWait(d time.Duration) { o.m.NetWait.Observe(d.Seconds()) }

func (o *observer) LateTicks(_ string, late, dropped int) {
	o.m.TicksLate.Add(float64(late + dropped))
}

// OpenRoom gives each room a handle whose histogram child is resolved now,
// so that a tick reports without any lookup or allocation.
func (o *observer) OpenRoom(_ string, public bool) realtime.RoomObserver {
	kind := "public"
	if !public {
		kind = "private"
	}
	return &roomObserver{o: o, ticks: o.m.TickSeconds.WithLabelValues(kind)}
}

// tick records one tick's duration in the histogram and in the ring.
func (o *observer) tick(h prometheus.Observer, d time.Duration) {
	h.Observe(d.Seconds())
	o.mu.Lock()
	o.ticks[o.next] = d
	o.next = (o.next + 1) % len(o.ticks)
	o.filled = o.filled || o.next == 0
	o.mu.Unlock()
}

// roomObserver is one room's handle on the observer.
type roomObserver struct {
	o     *observer
	ticks prometheus.Observer // the room kind's child of TickSeconds
}

func (r *roomObserver) Tick(d time.Duration) { r.o.tick(r.ticks, d) }

func (r *roomObserver) LateTicks(late, dropped int) {
	r.o.m.TicksLate.Add(float64(late + dropped))
}

func (o *observer) MessageSent(n int) {
	o.m.MessagesSent.Inc()
	o.m.BytesSent.Add(float64(n))
	o.sendRate.add(time.Now(), n)
}

func (o *observer) MessageReceived(n int) {
	o.m.MessagesReceived.Inc()
	o.m.BytesReceived.Add(float64(n))
}

func (o *observer) DeltaSkipped(string) { o.m.DeltasSkipped.Inc() }

func (o *observer) InputRejected(reason string) { o.m.InputsRejected.WithLabelValues(reason).Inc() }

func (o *observer) InputsLate(late, trimmed int) {
	o.m.InputsLate.Add(float64(late))
	if trimmed > 0 {
		o.m.InputsRejected.WithLabelValues("trimmed").Add(float64(trimmed))
	}
}

func (o *observer) RoomPlayers(room string, humans, bots int) {
	o.mu.Lock()
	if humans == 0 && bots == 0 {
		delete(o.players, room)
	} else {
		o.players[room] = [2]int{humans, bots}
	}
	var h, b int
	for _, p := range o.players {
		h += p[0]
		b += p[1]
	}
	o.mu.Unlock()
	o.m.Players.WithLabelValues("human").Set(float64(h))
	o.m.Players.WithLabelValues("bot").Set(float64(b))
}

// tickQuantiles returns the median and 99th percentile of recent tick durations.
func (o *observer) tickQuantiles() (p50, p99 time.Duration) {
	o.mu.Lock()
	n := o.next
	if o.filled {
		n = len(o.ticks)
	}
	s := slices.Clone(o.ticks[:n])
	o.mu.Unlock()
	if len(s) == 0 {
		return 0, 0
	}
	slices.Sort(s)
	return s[len(s)/2], s[min(len(s)-1, len(s)*99/100)]
}
