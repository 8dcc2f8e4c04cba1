package realtime

import (
	"os"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tickarena/tickarena/server/cpustat"
)

// Saturation is whether the Manager should seat more players now: the
// lobby refuses quick play, joins and new rooms while Full is set, so that a
// node past what it can carry answers "full" at once instead of seating
// players it cannot serve at the tick rate.
type Saturation struct {
	// Full is set when no more players should be seated.
	Full bool
	// Reason says why, for logs, /readyz and the player: one of the
	// Saturated constants. Empty when not Full.
	Reason string
}

// Reasons of a Saturation.
const (
	// SaturatedLate is the reason of a node whose rooms ran more than
	// LateTickShare of their ticks late in every SaturationWindow of the
	// last LateTickHold.
	SaturatedLate = "ticks late"
	// SaturatedFrames is the reason of a node that could not deliver its
	// players' frames on time: more than LateFrameShare of the frames due
	// in the last SaturationWindow found their client still holding an
	// earlier frame unwritten, or skipped it.
	SaturatedFrames = "frames late"
	// SaturatedCPU is the reason of a node whose goroutines waited longer
	// than SchedLatency for a CPU in more than SlowSchedShare of their
	// wake-ups, in every SaturationWindow of the last LateTickHold.
	SaturatedCPU = "cpu busy"
	// SaturatedReads is the reason of a node whose read pollers
	// (readpoll_linux.go) went pollBehind or longer without emptying their
	// sets — its players' messages waited that long to be read — in every
	// SaturationWindow of the last LateTickHold. A node reading with pollers
	// has few goroutines waiting for the CPU, so SaturatedCPU sees less of
	// its crowding.
	SaturatedReads = "reads behind"
	// SaturatedCeiling is the reason of a node whose process used
	// CPUCeiling percent or more of the CPUs it may run on (GOMAXPROCS, at
	// most the machine's; less what the hypervisor took from them, see
	// cpuMeter) over the last SaturationWindow while its rooms or
	// goroutines began to wait (satGate.atCeiling): a node that keeps
	// a little of its CPU free answers the lobby and keeps its players' frames
	// on time, while one that uses all of it queues everything — which the
	// other signals see only once it has already seated too many.
	SaturatedCeiling = "cpu ceiling"
	// SaturatedConns is the reason of a node at MaxConnections.
	SaturatedConns = "too many connections"
	// SaturatedArrivals is the reason TakeSeat gives once SeatRate seats
	// were handed out in the last second, or a tenth of that while the node
	// holds at least as many connections as when it last turned saturated
	// (Manager.FullAt).
	SaturatedArrivals = "too many arrivals"
)

// lateQueue is the number of frames a player's connection may hold
// unwritten when its next frame is due before that frame counts as late: a
// second frame still queued a frame interval (a tick, or TickRate/SendRate
// ticks) after the first means the node writes slower than its rooms send.
// A node that keeps up writes a frame within a millisecond or so of queueing
// it, so it finds none queued.
const lateQueue = 2

// slowClientsTolerated is how many players' frames a window may find late,
// whatever the share, without counting as saturated: a few clients on a bad
// network fall behind by themselves, and on a node with few players they
// would be the whole share.
const slowClientsTolerated = 3

// Saturation reports whether the Manager can seat more players. It reads
// what the sampler last decided and the live connection count; it never
// waits for a room.
func (m *Manager) Saturation() Saturation {
	s, _ := m.saturation()
	return s
}

// saturation is Saturation, with the connections held.
func (m *Manager) saturation() (Saturation, int) {
	m.mu.Lock()
	conns := m.count
	m.mu.Unlock()
	if conns >= m.opts.MaxConnections {
		return Saturation{Full: true, Reason: SaturatedConns}, conns
	}
	if why := m.gate.reason.Load(); why != nil {
		return Saturation{Full: true, Reason: *why}, conns
	}
	return Saturation{}, conns
}

// TakeSeat reports whether one more seat may be handed out now, like
// Saturation, and when it may, counts it against SeatRate: past SeatRate
// seats in a second it answers Full with SaturatedArrivals. The lobby calls
// it before every seat it hands out, so that a crowd arriving faster than
// the saturation signal can see the new players cannot overshoot what the
// node carries by more than about a second's worth of SeatRate.
//
// Once the node has been saturated, it knows about how many connections it
// carries: FullAt. Past that count seats come at a tenth of SeatRate
// (slowSeatRate), so that players retrying after a refusal — the lobby page
// does so every Retry-After — do not seat a second crowd the moment the
// node clears, each wave overshooting by what the signal's lag lets in:
// the node still grows past its last saturation, if it can, by a few
// players at a time that the signal sees before they are many.
func (m *Manager) TakeSeat() Saturation {
	s, conns := m.saturation()
	if s.Full {
		return s
	}
	now := time.Now()
	if at := m.fullAtAt(now); at > 0 && conns >= at && !m.slowSeats.take(now) {
		return Saturation{Full: true, Reason: SaturatedArrivals}
	}
	if !m.seats.take(now) {
		return Saturation{Full: true, Reason: SaturatedArrivals}
	}
	return Saturation{}
}

// slowSeatRate is the seats a second that TakeSeat hands out past FullAt,
// given SeatRate: a tenth of it, at least one; 20 when SeatRate bounds
// nothing.
func slowSeatRate(seatRate int) float64 {
	if seatRate <= 0 {
		return 20
	}
	return max(float64(seatRate)/10, 1)
}

// FullAt is the number of connections the node held a SaturationWindow
// before it last turned saturated (the least count of that window, the
// players it held while the signal built up), or 0 if it has not been
// saturated in the last fullAtKept. Past it, TakeSeat hands out seats at a
// tenth of SeatRate.
func (m *Manager) FullAt() int { return m.fullAtAt(time.Now()) }

// fullAtAt is FullAt at now.
func (m *Manager) fullAtAt(now time.Time) int {
	if now.UnixNano() >= m.fullUntil.Load() {
		return 0
	}
	return int(m.fullAt.Load())
}

// fullAtKept is how long FullAt outlives the node's last saturated sample:
// long enough for the players it refused to come back several times (the
// lobby page retries after each Retry-After, 5-60 s), short enough that a node
// saturated once by something passing (a backup, a burst of handshakes)
// seats at its full pace again soon after.
const fullAtKept = time.Minute

// queued returns how many frames c holds queued and unwritten, and counts
// the frame now due to c in the room's delivery figures, as late when
// lateQueue frames (or MaxInFlight, if fewer) are still queued. The fan-out
// calls it once per connected player per frame (every TickRate/SendRate
// ticks), where it decides whether to skip the client; it costs two
// uncontended atomic adds and allocates nothing.
func (r *room) queued(c *client) int {
	n := int(c.inflight.Load())
	r.framesDue.Add(1)
	if n >= min(lateQueue, r.m.opts.MaxInFlight) {
		r.framesLate.Add(1)
	}
	return n
}

// gateSample is what the rooms counted between two reads of the sampler.
type gateSample struct {
	lateTicks, dueTicks   int64
	lateFrames, dueFrames int64
	slowSched, sched      int64         // goroutine wake-ups that waited too long, all of them
	readsBehind           int64         // read pollers behind (see readPoller.behind)
	cpuUsed, cpuAvail     time.Duration // CPU time the process used, and the CPU time it had
	cpuStolen             time.Duration // CPU time the hypervisor took from what it would have had
	conns                 int64         // connections held when the sample was taken; a window's: the least
}

func (s *gateSample) add(o gateSample) {
	s.lateTicks += o.lateTicks
	s.dueTicks += o.dueTicks
	s.lateFrames += o.lateFrames
	s.dueFrames += o.dueFrames
	s.slowSched += o.slowSched
	s.sched += o.sched
	s.readsBehind += o.readsBehind
	s.cpuUsed += o.cpuUsed
	s.cpuAvail += o.cpuAvail
	s.cpuStolen += o.cpuStolen
}

// sum returns the counts of a window's samples: their sums, and the least
// of their connections.
func sum(window []gateSample) gateSample {
	var w gateSample
	for i, x := range window {
		w.add(x)
		if i == 0 || x.conns < w.conns {
			w.conns = x.conns
		}
	}
	return w
}

// minSchedEvents is the fewest goroutine wake-ups a window must hold for
// their latencies to say anything: an idle node wakes a handful.
const minSchedEvents = 200

// schedWaits reads Go's scheduling latencies: how many goroutines became
// runnable since the last read, and how many of them waited longer than a
// threshold for a CPU. Only the sampler's goroutine uses it.
type schedWaits struct {
	threshold float64 // seconds; 0 or less: never read
	sample    [1]metrics.Sample
	prev      []uint64
}

func newSchedWaits(threshold time.Duration) *schedWaits {
	w := &schedWaits{threshold: threshold.Seconds()}
	w.sample[0].Name = "/sched/latencies:seconds"
	if w.threshold > 0 {
		w.read() // the counts since the process started are not a window's
	}
	return w
}

// read returns the wake-ups since the last read that waited at least the
// threshold (by the lower bound of their histogram bucket), and all of them.
func (w *schedWaits) read() (slow, all int64) {
	if w.threshold <= 0 {
		return 0, 0
	}
	metrics.Read(w.sample[:])
	if w.sample[0].Value.Kind() != metrics.KindFloat64Histogram {
		return 0, 0
	}
	h := w.sample[0].Value.Float64Histogram()
	if len(w.prev) != len(h.Counts) {
		w.prev = make([]uint64, len(h.Counts))
		copy(w.prev, h.Counts)
		return 0, 0
	}
	return histogramSince(h, w.prev, w.threshold)
}

// histogramSince counts the events of h since prev (the counts of an
// earlier read, updated to h's), all of them and those in buckets whose
// lower bound is at least threshold.
func histogramSince(h *metrics.Float64Histogram, prev []uint64, threshold float64) (slow, all int64) {
	for i, c := range h.Counts {
		d := int64(c - prev[i])
		prev[i] = c
		all += d
		if h.Buckets[i] >= threshold {
			slow += d
		}
	}
	return slow, all
}

// cpuMeter reads how much CPU time the process used between two reads, and
// how much it had: the wall time between them times the CPUs it may run on,
// less the share of it that the hypervisor gave those CPUs' time to other
// guests (Linux's "steal"). A process cannot use time it was never given: on
// a virtual machine that lost a fifth of its core, a node using the rest is
// as full as one using all of a core of its own. Only the sampler's
// goroutine uses it.
type cpuMeter struct {
	used time.Duration // the process's CPU time at the last read
	at   time.Time     // when that was; zero: never read, or not known here

	stolen time.Duration // the stolen time of its CPUs at the last read
	cpus   int           // how many CPUs that is of; 0: not known here

	process func() (time.Duration, bool)  // the process's CPU time so far
	steal   func() (time.Duration, error) // the stolen time of its CPUs so far
}

// newCPUMeter returns the meter of this process, with the stolen time of
// the CPUs it may run on where Linux says (/proc/stat).
func newCPUMeter(now time.Time) *cpuMeter {
	steal, cpus, err := cpustat.StealOf(os.Getpid())
	if err != nil {
		steal, cpus = nil, 0
	}
	return newCPUMeterOf(now, processCPU, steal, cpus)
}

// newCPUMeterOf returns a meter over the given readings: the process's CPU
// time, and the stolen time of cpus CPUs (none when steal is nil).
func newCPUMeterOf(now time.Time, process func() (time.Duration, bool), steal func() (time.Duration, error), cpus int) *cpuMeter {
	c := &cpuMeter{process: process}
	if used, ok := process(); ok {
		c.used, c.at = used, now
	}
	if steal != nil && cpus > 0 {
		if st, err := steal(); err == nil {
			c.steal, c.stolen, c.cpus = steal, st, cpus
		}
	}
	return c
}

// maxStolenShare bounds the share of the time that stolen time takes from
// the CPU time available: a reading in clock ticks (10 ms) over a short span
// can exceed the span, and a node given nothing has not thereby used all of
// nothing.
const maxStolenShare = 0.9

// read returns the CPU time used since the last read, the CPU time
// available in that span, and the CPU time stolen from it (included in
// neither); all are 0 where the system does not say.
func (c *cpuMeter) read(now time.Time) (used, avail, stolen time.Duration) {
	u, ok := c.process()
	if !ok || c.at.IsZero() {
		return 0, 0, 0
	}
	wall := now.Sub(c.at)
	used, avail = u-c.used, wall*time.Duration(usableCPUs())
	c.used, c.at = u, now
	if c.cpus > 0 {
		if st, err := c.steal(); err == nil {
			if d := st - c.stolen; d > 0 && wall > 0 {
				share := min(float64(d)/(float64(wall)*float64(c.cpus)), maxStolenShare)
				stolen = time.Duration(share * float64(avail))
				avail -= stolen
			}
			c.stolen = st
		}
	}
	return max(used, 0), max(avail, 0), stolen
}

// usableCPUs is the number of CPUs the process's Go code can run on at once:
// GOMAXPROCS (which follows the CPU affinity and a container's CPU limit),
// at most the CPUs it may use.
func usableCPUs() int { return max(min(runtime.GOMAXPROCS(0), runtime.NumCPU()), 1) }

// satGate turns the samples of the rooms' late ticks and late frames and of
// the node's slow goroutine wake-ups into a saturation signal with
// hysteresis: it turns on at the first sample whose window (the last
// len(window) samples) is over the late frames' share or, once the window
// is whole, over the CPU ceiling, or after tickHold samples in a row whose
// windows are over the late ticks' share or the slow wake-ups' share (or
// had a read poller behind), and off only after clear samples in a row with
// a clean window, so that the node stops
// seating players within about a window of falling behind, and does not
// seat them again until it has kept up for a while.
type satGate struct {
	tickShare  float64 // share of late ticks that makes a window late
	schedShare float64 // share of slow wake-ups that makes a window late
	frameShare float64 // share of late frames that makes a window late
	minFrames  int64   // late frames a window tolerates whatever the share
	ceiling    float64 // share of the CPU time available that, used, saturates; 0: never
	tickHold   int     // samples in a row with late ticks that saturate
	clear      int     // clean samples in a row that end a saturation

	window []gateSample // ring of the last samples
	next   int          // where the next sample goes in window
	filled bool         // every slot of window holds a sample
	ticky  int          // samples in a row whose window had late ticks
	busy   int          // samples in a row whose window had slow wake-ups
	reads  int          // samples in a row whose window had a read poller behind
	clean  int          // clean samples in a row while saturated
	recent bool         // the node was saturated in the last minute (see atCeiling); set by the sampler
	last   gateSample   // the counts over the window of the last sample
	reason atomic.Pointer[string]
}

func newSatGate(o Options) *satGate {
	samples := max(int((o.SaturationWindow+o.gateInterval-1)/o.gateInterval), 1)
	// A player is due SendRate frames a second.
	framesPerWindow := int64(o.SendRate) * int64(o.SaturationWindow) / int64(time.Second)
	return &satGate{
		tickShare:  o.LateTickShare,
		schedShare: o.SlowSchedShare,
		frameShare: o.LateFrameShare,
		ceiling:    float64(max(o.CPUCeiling, 0)) / 100,
		minFrames:  slowClientsTolerated * max(framesPerWindow, 1),
		tickHold:   max(int((o.LateTickHold+o.gateInterval-1)/o.gateInterval), 1),
		clear:      max(int((o.SaturationClear+o.gateInterval-1)/o.gateInterval), samples),
		window:     make([]gateSample, samples),
	}
}

// sample takes the counts since the last sample and returns why the node is
// now saturated, or "".
func (g *satGate) sample(s gateSample) string {
	g.window[g.next] = s
	g.next = (g.next + 1) % len(g.window)
	g.filled = g.filled || g.next == 0
	held := g.window
	if !g.filled {
		held = held[:g.next] // the rest holds no sample yet
	}
	w := sum(held)
	if w.lateTicks > 0 && float64(w.lateTicks) >= g.tickShare*float64(max(w.dueTicks, 1)) {
		g.ticky++
	} else {
		g.ticky = 0
	}
	if w.sched >= minSchedEvents && w.slowSched > 0 && float64(w.slowSched) >= g.schedShare*float64(w.sched) {
		g.busy++
	} else {
		g.busy = 0
	}
	if w.readsBehind > 0 {
		g.reads++
	} else {
		g.reads = 0
	}
	why := ""
	switch {
	case w.lateFrames > g.minFrames && float64(w.lateFrames) >= g.frameShare*float64(w.dueFrames):
		why = SaturatedFrames
	case g.atCeiling(w):
		why = SaturatedCeiling
	case g.ticky >= g.tickHold:
		why = SaturatedLate
	case g.busy >= g.tickHold:
		why = SaturatedCPU
	case g.reads >= g.tickHold:
		why = SaturatedReads
	}
	g.last = w
	was := g.reason.Load()
	switch {
	case why != "":
		g.clean = 0
		if was == nil || *was != why {
			g.reason.Store(&why)
		}
		return why
	case was == nil:
		return ""
	}
	if g.clean++; g.clean >= g.clear {
		g.clean = 0
		g.reason.Store(nil)
		return ""
	}
	return *was
}

// Shares of a window's ticks run late, and of its goroutine wake-ups that
// waited over SchedLatency, from which a node at its CPU ceiling counts as
// strained (see satGate.atCeiling): far below the shares that saturate a
// node by themselves, but more than a node with CPU to spare shows.
const (
	ceilingLateTicks = 0.01
	ceilingSlowWakes = 0.02
)

// atCeiling reports whether the window w, a whole one, used the CPU
// ceiling's share of the CPU time the process had, with its rooms or
// goroutines starting to wait for it. A CPU that is busy but keeps
// everything on time — a crowd of players arriving at once costs a tenth
// of a core in handshakes, and is over in seconds — does not turn a node
// away from players it could serve.
//
// A node saturated in the last minute (g.recent; Manager.FullAt) is near
// what it carries, and seats at a tenth of SeatRate there, so that no
// crowd's handshakes can be taken for its players' load: its ceiling is
// then recentMargin lower and needs no lateness. Players refused and
// retrying cost it CPU too (an answer each), and the lateness a full core
// shows comes only once its players' frames already slip.
func (g *satGate) atCeiling(w gateSample) bool {
	if g.ceiling <= 0 || !g.filled || w.cpuAvail <= 0 {
		return false
	}
	if g.recent {
		return float64(w.cpuUsed) >= (g.ceiling-recentMargin)*float64(w.cpuAvail)
	}
	if float64(w.cpuUsed) < g.ceiling*float64(w.cpuAvail) {
		return false
	}
	lateTicks := w.dueTicks > 0 && float64(w.lateTicks) >= ceilingLateTicks*float64(w.dueTicks)
	slowWakes := w.sched >= minSchedEvents && float64(w.slowSched) >= ceilingSlowWakes*float64(w.sched)
	return lateTicks || slowWakes
}

// recentMargin is how much lower the CPU ceiling is, as a share of the CPU
// time the process has, for a node saturated in the last minute.
const recentMargin = 0.05

// watchLate samples the rooms' late ticks and late frames every interval
// until the Manager shuts down. It runs on its own goroutine, off every
// room's, and holds the Manager's lock only to list the rooms.
func (m *Manager) watchLate(interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	waits := newSchedWaits(m.opts.SchedLatency)
	cpu := newCPUMeter(time.Now())
	for {
		select {
		case <-m.gateStop:
			return
		case <-t.C:
		}
		var s gateSample
		s.slowSched, s.sched = waits.read()
		s.cpuUsed, s.cpuAvail, s.cpuStolen = cpu.read(time.Now())
		if m.opts.SchedLatency > 0 {
			now := time.Now()
			for _, p := range m.pollers {
				if p.behind(now) {
					s.readsBehind++
				}
			}
		}
		m.mu.Lock()
		s.conns = int64(m.count)
		for _, r := range m.order {
			s.lateTicks += r.lateSteps.Swap(0)
			s.dueTicks += r.dueSteps.Swap(0)
			s.lateFrames += r.framesLate.Swap(0)
			s.dueFrames += r.framesDue.Swap(0)
		}
		m.mu.Unlock()
		was := m.gate.reason.Load() != nil
		m.gate.recent = m.FullAt() > 0
		now := m.gate.sample(s)
		if now != "" {
			m.fullUntil.Store(time.Now().Add(fullAtKept).UnixNano())
		}
		if (now != "") != was {
			w := m.gate.last // over the window, which the verdict is about
			if now != "" {
				m.fullAt.Store(max(w.conns, 1))
			}
			m.log.Warn("realtime: saturation changed", "saturated", now != "", "reason", now,
				"late_ticks", w.lateTicks, "ticks", w.dueTicks, "late_frames", w.lateFrames, "frames", w.dueFrames,
				"slow_wakeups", w.slowSched, "wakeups", w.sched, "reads_behind", w.readsBehind,
				"cpu_used", w.cpuUsed, "cpu_available", w.cpuAvail, "cpu_stolen", w.cpuStolen, "connections", s.conns, "full_at", m.FullAt())
		}
	}
}

// seatPace is a token bucket of seats: rate a second, at most a second's
// worth saved up. A zero rate hands out seats without bound.
type seatPace struct {
	rate   float64
	mu     sync.Mutex
	tokens float64
	last   time.Time
}

// take spends one seat at now, or reports false when none is left.
func (p *seatPace) take(now time.Time) bool {
	if p.rate <= 0 {
		return true
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.last.IsZero() {
		p.tokens = p.rate
	} else if d := now.Sub(p.last); d > 0 {
		p.tokens = min(p.tokens+d.Seconds()*p.rate, p.rate)
	}
	p.last = now
	if p.tokens < 1 {
		return false
	}
	p.tokens--
	return true
}
