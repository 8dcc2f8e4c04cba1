package realtime

import (
	"errors"
	"io"
	"math"
	"runtime/metrics"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tickarena/tickarena/game/wire"
	"github.com/tickarena/tickarena/internal/servertest"
	"github.com/tickarena/tickarena/internal/testwait"
)

// TestSaturationGate feeds the saturation rule one sample (a second here)
// at a time, with a window of two samples, three windows of late ticks to
// turn on for them and three clean samples to clear: it turns on at the
// first window over the late frames' share, or after three windows in a row
// over the late ticks' share, tolerates a few slow clients, a little
// lateness and a late moment, and turns off only after three samples in a
// row with a clean window.
func TestSaturationGate(t *testing.T) {
	const (
		late = SaturatedLate
		fr   = SaturatedFrames
		cpu  = SaturatedCPU
		rd   = SaturatedReads
		ceil = SaturatedCeiling
	)
	type sec struct {
		s    gateSample
		want string
	}
	clean := gateSample{dueTicks: 30, dueFrames: 3000}                       // 100 players on time
	behind := gateSample{dueTicks: 30, lateFrames: 600, dueFrames: 3000}     // a fifth of the frames late
	slowFew := gateSample{dueTicks: 30, lateFrames: 90, dueFrames: 150}      // 3 of 5 players on bad networks
	littleLate := gateSample{dueTicks: 30, lateFrames: 200, dueFrames: 3000} // a fifteenth late
	lateTicks := gateSample{lateTicks: 30, dueTicks: 30, dueFrames: 3000}    // the rooms a tick behind on every tick
	// Goroutines waiting for a CPU: a fifth of the wake-ups slow, every
	// tick and frame on time (a node short of CPU whose writes never block).
	starved := gateSample{dueTicks: 30, dueFrames: 3000, slowSched: 2000, sched: 10000}
	fewWaits := gateSample{dueTicks: 30, dueFrames: 3000, slowSched: 20, sched: 40}      // an idle node: too few wake-ups to judge
	someWaits := gateSample{dueTicks: 30, dueFrames: 3000, slowSched: 500, sched: 10000} // one in twenty slow
	// A read poller that went 100 ms without emptying its set.
	readsLate := gateSample{dueTicks: 30, dueFrames: 3000, readsBehind: 1}
	// The process used 98%, 90% or half of the CPU time it had (the default
	// ceiling is 95%): at 98%, with two ticks in a hundred late, or three
	// wake-ups in a hundred slow (far below what saturates by itself), or
	// with everything on time, as while a crowd arrives.
	cpuFull := gateSample{lateTicks: 2, dueTicks: 100, dueFrames: 3000, cpuUsed: 980 * time.Millisecond, cpuAvail: time.Second}
	cpuWaits := gateSample{dueTicks: 100, dueFrames: 3000, slowSched: 300, sched: 10000, cpuUsed: 980 * time.Millisecond, cpuAvail: time.Second}
	cpuArrivals := gateSample{dueTicks: 100, dueFrames: 3000, slowSched: 10, sched: 10000, cpuUsed: 980 * time.Millisecond, cpuAvail: time.Second}
	cpuNear := gateSample{lateTicks: 2, dueTicks: 100, dueFrames: 3000, cpuUsed: 900 * time.Millisecond, cpuAvail: time.Second}
	cpuEasy := gateSample{dueTicks: 100, dueFrames: 3000, cpuUsed: 500 * time.Millisecond, cpuAvail: time.Second}
	tests := []struct {
		name string
		secs []sec
	}{
		{"clean node stays open", []sec{{clean, ""}, {clean, ""}, {gateSample{}, ""}}},
		{"late frames saturate at once", []sec{{clean, ""}, {behind, fr}, {behind, fr}}},
		{"late ticks saturate after three seconds", []sec{{clean, ""}, {lateTicks, ""}, {lateTicks, ""}, {lateTicks, late}}},
		{"a late moment is tolerated", []sec{{lateTicks, ""}, {clean, ""}, {clean, ""}, {lateTicks, ""}, {clean, ""}}},
		{"a few slow clients are tolerated", []sec{{slowFew, ""}, {slowFew, ""}, {slowFew, ""}}},
		{"a little lateness is tolerated", []sec{{littleLate, ""}, {littleLate, ""}, {littleLate, ""}}},
		{"recovers after three clean windows", []sec{
			{behind, fr},
			{clean, fr}, // the window still holds the late second
			{clean, fr}, {clean, fr}, {clean, ""}, {clean, ""},
		}},
		{"a late second restarts the count", []sec{
			{behind, fr}, {clean, fr}, {clean, fr}, {clean, fr},
			{behind, fr}, {clean, fr}, {clean, fr}, {clean, fr}, {clean, ""},
		}},
		{"the reason follows the signal", []sec{{lateTicks, ""}, {lateTicks, ""}, {lateTicks, late}, {behind, fr}, {behind, fr}}},
		{"goroutines waiting for a CPU saturate after three seconds", []sec{{clean, ""}, {starved, ""}, {starved, ""}, {starved, cpu}}},
		{"a busy moment is tolerated", []sec{{starved, ""}, {clean, ""}, {clean, ""}, {starved, ""}, {clean, ""}}},
		{"few wake-ups say nothing", []sec{{fewWaits, ""}, {fewWaits, ""}, {fewWaits, ""}, {fewWaits, ""}}},
		{"some slow wake-ups are tolerated", []sec{{someWaits, ""}, {someWaits, ""}, {someWaits, ""}, {someWaits, ""}}},
		{"reads behind saturate after three seconds", []sec{{clean, ""}, {readsLate, ""}, {readsLate, ""}, {readsLate, rd}, {clean, rd}}},
		{"the cpu at its ceiling with rooms starting to lag saturates once a window is whole", []sec{{cpuFull, ""}, {cpuFull, ceil}, {cpuFull, ceil}}},
		{"the cpu at its ceiling with goroutines starting to wait saturates", []sec{{cpuWaits, ""}, {cpuWaits, ceil}}},
		{"the cpu at its ceiling with everything on time (a crowd arriving) stays open", []sec{{cpuArrivals, ""}, {cpuArrivals, ""}, {cpuArrivals, ""}, {cpuArrivals, ""}}},
		{"the cpu under its ceiling stays open", []sec{{cpuNear, ""}, {cpuNear, ""}, {cpuNear, ""}, {cpuNear, ""}}},
		{"a second at the ceiling in an easy window is tolerated", []sec{{cpuEasy, ""}, {cpuFull, ""}, {cpuEasy, ""}, {cpuFull, ""}}},
		{"the cpu back under its ceiling clears after three clean samples", []sec{
			{cpuFull, ""}, {cpuFull, ceil},
			{cpuEasy, ceil}, // the window still holds a second at the ceiling, but is under it
			{cpuEasy, ceil}, {cpuEasy, ""},
		}},
		{"no cpu figures (a system that does not say) say nothing", []sec{{clean, ""}, {clean, ""}, {clean, ""}}},
		{"reads behind for a moment are tolerated", []sec{{readsLate, ""}, {clean, ""}, {clean, ""}, {readsLate, ""}, {clean, ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newSatGate(Options{SendRate: 30, SaturationWindow: 2 * time.Second, SaturationClear: 3 * time.Second,
				LateTickHold: 3 * time.Second, gateInterval: time.Second}.withDefaults())
			for i, s := range tt.secs {
				if got := g.sample(s.s); got != s.want {
					t.Fatalf("second %d (%+v): saturated %q, want %q", i, s.s, got, s.want)
				}
			}
		})
	}
}

// TestCPUCeilingOff: a node whose CPU ceiling is off is never full for its
// CPU use, however much of it it uses.
func TestCPUCeilingOff(t *testing.T) {
	g := newSatGate(Options{CPUCeiling: -1, gateInterval: time.Second}.withDefaults())
	all := gateSample{lateTicks: 2, dueTicks: 100, dueFrames: 3000, cpuUsed: time.Second, cpuAvail: time.Second}
	for i := range 5 {
		if got := g.sample(all); got != "" {
			t.Fatalf("second %d with every CPU in use and the ceiling off: saturated %q, want not", i, got)
		}
	}
}

// TestCeilingAfterASaturation: a node saturated in the last minute is
// full at 91 % of its CPU with everything on time (5 points under the
// default ceiling, no lateness needed), while one never saturated is not.
func TestCeilingAfterASaturation(t *testing.T) {
	busy := gateSample{dueTicks: 100, dueFrames: 3000, cpuUsed: 910 * time.Millisecond, cpuAvail: time.Second}
	easy := gateSample{dueTicks: 100, dueFrames: 3000, cpuUsed: 880 * time.Millisecond, cpuAvail: time.Second}
	for _, tt := range []struct {
		name   string
		recent bool
		s      gateSample
		want   string
	}{
		{"saturated lately, at 91%", true, busy, SaturatedCeiling},
		{"saturated lately, at 88%", true, easy, ""},
		{"never saturated, at 91%", false, busy, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			g := newSatGate(Options{CPUCeiling: 95, SaturationWindow: 2 * time.Second, gateInterval: time.Second}.withDefaults())
			g.recent = tt.recent
			got := ""
			for range 3 {
				got = g.sample(tt.s)
			}
			if got != tt.want {
				t.Errorf("three seconds at %v of the CPU: saturated %q, want %q", tt.s.cpuUsed, got, tt.want)
			}
		})
	}
}

// TestCeilingCountsStolenTime: time the hypervisor gave the node's CPUs to
// other guests is time the node never had. A node that used 80 % of the
// wall time of its CPUs while a fifth of it was stolen, with its ticks
// starting to run late, is at its ceiling; the same node with nothing
// stolen has a fifth to spare; a stolen-time reading that fails, or none at
// all, leaves the ceiling as it was.
func TestCeilingCountsStolenTime(t *testing.T) {
	const wall = time.Second
	p := time.Duration(usableCPUs())
	errNoStat := errors.New("no /proc/stat")
	for _, tt := range []struct {
		name       string
		cpus       int
		stolen     time.Duration // over the second, all cpus together
		stealFails bool
		wantAvail  time.Duration
		want       string
	}{
		{"a fifth stolen", 1, wall / 5, false, wall * p * 4 / 5, SaturatedCeiling},
		{"a fifth stolen over two cpus", 2, 2 * wall / 5, false, wall * p * 4 / 5, SaturatedCeiling},
		{"nothing stolen", 1, 0, false, wall * p, ""},
		{"stolen time not known", 0, wall / 5, false, wall * p, ""},
		{"stolen time unreadable", 1, wall / 5, true, wall * p, ""},
		{"more stolen than the span (clock ticks)", 1, 2 * wall, false, wall * p / 10, SaturatedCeiling},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t0 := time.Unix(1000, 0)
			var used, stolen time.Duration
			fail := false
			process := func() (time.Duration, bool) { return used, true }
			steal := func() (time.Duration, error) {
				if fail {
					return 0, errNoStat
				}
				return stolen, nil
			}
			m := newCPUMeterOf(t0, process, steal, tt.cpus) // 0 CPUs: no stolen time known
			g := newSatGate(Options{CPUCeiling: 95, SaturationWindow: time.Second, gateInterval: time.Second}.withDefaults())
			got := ""
			for i := 1; i <= 3; i++ {
				used += wall * p * 4 / 5
				stolen += tt.stolen
				fail = tt.stealFails
				s := gateSample{lateTicks: 2, dueTicks: 100, dueFrames: 3000}
				s.cpuUsed, s.cpuAvail, s.cpuStolen = m.read(t0.Add(time.Duration(i) * wall))
				if d := s.cpuAvail - tt.wantAvail; d < -time.Microsecond || d > time.Microsecond {
					t.Fatalf("second %d: CPU time available %v, want %v", i, s.cpuAvail, tt.wantAvail)
				}
				if s.cpuAvail+s.cpuStolen != wall*p && !tt.stealFails && tt.cpus > 0 {
					t.Errorf("second %d: available %v + stolen %v, want the wall time of the CPUs, %v", i, s.cpuAvail, s.cpuStolen, wall*p)
				}
				got = g.sample(s)
			}
			if got != tt.want {
				t.Errorf("80%% of the CPUs' wall time used, late ticks: saturated %q, want %q", got, tt.want)
			}
		})
	}
}

// TestGateWindowKeepsTheLeastCount: the count a saturation is remembered at
// (FullAt) is the least of the window's samples — the players held while the
// signal built up — and a window not yet whole counts only the samples it
// holds, so a node saturated in its first second is not taken to hold none.
func TestGateWindowKeepsTheLeastCount(t *testing.T) {
	behind := func(conns int64) gateSample {
		return gateSample{dueTicks: 30, lateFrames: 600, dueFrames: 3000, conns: conns}
	}
	g := newSatGate(Options{SendRate: 30, SaturationWindow: 3 * time.Second, gateInterval: time.Second}.withDefaults())
	for i, tt := range []struct {
		conns, want int64
	}{{40, 40}, {55, 40}, {70, 40}, {90, 55}} {
		if got := g.sample(behind(tt.conns)); got != SaturatedFrames {
			t.Fatalf("sample %d: saturated %q, want %q", i, got, SaturatedFrames)
		}
		if g.last.conns != tt.want {
			t.Errorf("sample %d (%d connections): the window's least count %d, want %d", i, tt.conns, g.last.conns, tt.want)
		}
	}
}

// TestSeatPace hands out seats on a clock of its own: a second's worth at
// once, then one per 1/rate seconds, never more than a second's worth saved
// up; a negative SeatRate bounds nothing.
func TestSeatPace(t *testing.T) {
	t0 := time.Unix(1000, 0)
	p := seatPace{rate: 4}
	taken := 0
	for range 10 {
		if p.take(t0) {
			taken++
		}
	}
	if taken != 4 {
		t.Fatalf("seats at once: %d, want a second's worth, 4", taken)
	}
	if p.take(t0.Add(200 * time.Millisecond)) {
		t.Errorf("a seat 200 ms later at 4 a second: given, want refused")
	}
	if !p.take(t0.Add(260 * time.Millisecond)) {
		t.Errorf("a seat 260 ms later at 4 a second: refused, want given")
	}
	taken = 0
	for range 10 {
		if p.take(t0.Add(time.Hour)) {
			taken++
		}
	}
	if taken != 4 {
		t.Errorf("seats after an idle hour: %d, want still a second's worth, 4", taken)
	}
	free := seatPace{rate: float64(max(Options{SeatRate: -1}.withDefaults().SeatRate, 0))}
	for i := range 1000 {
		if !free.take(t0) {
			t.Fatalf("SeatRate -1: seat %d refused, want no bound", i)
		}
	}
}

// slowTickObserver makes every tick of every room take sleep longer, on the
// room's goroutine, so that the rooms really fall behind their schedule.
type slowTickObserver struct {
	NopObserver
	sleep atomic.Int64 // nanoseconds
}

func (o *slowTickObserver) Tick(string, time.Duration) {
	if d := time.Duration(o.sleep.Load()); d > 0 {
		time.Sleep(d)
	}
}

// TestSaturatedWhileRoomsTickLate forces a real room to tick late: the
// Manager reports itself saturated ("ticks late") within a few samples, and
// open again once the room keeps its schedule.
func TestSaturatedWhileRoomsTickLate(t *testing.T) {
	obs := &slowTickObserver{}
	m, _ := startServer(t, Options{Observer: obs, gateInterval: 300 * time.Millisecond})
	if s := m.Saturation(); s.Full {
		t.Fatalf("a fresh Manager is saturated: %+v", s)
	}
	obs.sleep.Store(int64(100 * time.Millisecond)) // three ticks at 30 Hz
	testwait.Until(t, testwait.Default, "the Manager to be saturated while its room ticks late", func() bool { return m.Saturation().Full })
	if s := m.Saturation(); s.Reason != SaturatedLate {
		t.Errorf("saturation reason = %q, want %q", s.Reason, SaturatedLate)
	}
	obs.sleep.Store(0)
	testwait.Until(t, testwait.Default, "the Manager to admit again once its room is on time", func() bool { return !m.Saturation().Full })
}

// TestSaturatedAtMaxConnections: at MaxConnections the Manager is saturated
// at once, and open again as soon as a connection ends.
func TestSaturatedAtMaxConnections(t *testing.T) {
	m, url := startServer(t, Options{MaxConnections: 1})
	c := servertest.MustDial(t, url)
	if s := m.Saturation(); !s.Full || s.Reason != SaturatedConns {
		t.Fatalf("with 1 of 1 connections open: saturation = %+v, want full with %q", s, SaturatedConns)
	}
	_ = c.Conn().WriteClose(1000, nil)
	testwait.Until(t, testwait.Default, "the Manager to admit again after the connection closed", func() bool { return !m.Saturation().Full })
}

// TestSaturatedWhileFramesGoUndelivered: four players stop reading (tiny
// kernel buffers on both ends), so that their frames pile up unwritten
// while the room ticks on time. The Manager reports itself saturated
// ("frames late") and TakeSeat refuses; once they read again and their
// queues drain, it seats players again.
func TestSaturatedWhileFramesGoUndelivered(t *testing.T) {
	m, url := startServer(t, Options{
		Bots: 16, TickRate: 60, Area: wire.WholeWorld, SendBuffer: 4096, SeatRate: 1000,
		SlowTimeout: time.Minute, IdleTimeout: time.Minute, MaxAckLag: time.Minute,
		SaturationWindow: 250 * time.Millisecond, SaturationClear: 500 * time.Millisecond,
		gateInterval: 50 * time.Millisecond,
	})
	fast := servertest.MustDial(t, url)
	fast.Join(t, "tok-ann", "arena-1")
	var stalled []*servertest.RawConn
	for _, tok := range []string{"tok-bob", "tok-cat", "tok-dan", "tok-eve"} {
		raw := servertest.DialRaw(t, url, 4096)
		if err := raw.Send(servertest.OpBinary, wire.AppendHello(nil, wire.Hello{Version: wire.Version, Token: tok, Room: "arena-1"})); err != nil {
			t.Fatalf("send hello: %v", err)
		}
		stalled = append(stalled, raw)
	}
	testwait.Until(t, testwait.Default, "the four stalled players to take their seats", func() bool {
		return m.room("arena-1").pub.Load().stats.Humans == 5
	})
	// On a loaded machine the room may also tick late; late frames are
	// what must show.
	testwait.Until(t, testwait.Default, "the Manager to be saturated (\"frames late\") while its players' frames go unwritten", func() bool {
		return m.Saturation().Reason == SaturatedFrames
	})
	if s := m.TakeSeat(); !s.Full || s.Reason != SaturatedFrames {
		t.Errorf("TakeSeat while frames go unwritten = %+v, want refused, %q", s, SaturatedFrames)
	}
	if late := m.room("arena-1").lateSteps.Load(); late > 0 {
		t.Logf("the room also ran %d ticks late", late)
	}

	for _, raw := range stalled {
		go func() { _, _ = io.Copy(io.Discard, raw) }() // they read again
	}
	testwait.Until(t, testwait.Default, "the Manager to seat players again once the frames are delivered", func() bool {
		return !m.Saturation().Full
	})
	if s := m.TakeSeat(); s.Full {
		t.Errorf("TakeSeat once the frames are delivered = %+v, want a seat", s)
	}

	// It remembers how many it held when it turned full, and seats past
	// that count at a tenth of SeatRate (100 a second here, a second's
	// worth at once) instead of 1,000: players coming back after their
	// refusal do not flood it again.
	if at := m.FullAt(); at < 1 || at > 5 {
		t.Fatalf("FullAt after a saturation with 5 players = %d, want 1-5", at)
	}
	granted, start := 0, time.Now()
	var refused Saturation
	for range 150 {
		s := m.TakeSeat()
		if !s.Full {
			granted++
			continue
		}
		refused = s
	}
	// 100 at once, and 100 a second after that.
	if most := 101 + int(time.Since(start).Seconds()*100); granted > most || refused.Reason != SaturatedArrivals {
		t.Errorf("150 seats asked for at once past FullAt: %d granted (want at most %d), refusal %+v (want %q)",
			granted, most, refused, SaturatedArrivals)
	}
}

// TestSeatsAtFullPaceBeforeAnySaturation: a node that has never been
// saturated hands out seats at SeatRate, whatever its count.
func TestSeatsAtFullPaceBeforeAnySaturation(t *testing.T) {
	m, url := startServer(t, Options{SeatRate: 1000})
	c := servertest.MustDial(t, url)
	c.Join(t, "tok-ann", "arena-1")
	if at := m.FullAt(); at != 0 {
		t.Fatalf("FullAt of a node never saturated = %d, want 0", at)
	}
	for i := range 150 {
		if s := m.TakeSeat(); s.Full {
			t.Fatalf("seat %d of 150 asked for at once with SeatRate 1000: %+v, want a seat", i+1, s)
		}
	}
}

// TestSchedWaitsCountsSinceTheLastRead: the scheduling histogram is read as
// a difference from the previous read, and a wake-up counts as slow when
// its bucket starts at the threshold or above.
func TestSchedWaitsCountsSinceTheLastRead(t *testing.T) {
	h := &metrics.Float64Histogram{
		Buckets: []float64{0, 0.001, 0.01, 0.1, 1, math.Inf(1)},
		Counts:  []uint64{100, 50, 20, 5, 1},
	}
	prev := []uint64{90, 50, 10, 5, 0}
	slow, all := histogramSince(h, prev, 0.1)
	if slow != 1 || all != 21 {
		t.Errorf("since the last read: %d slow of %d wake-ups, want 1 of 21 (10 + 10 under the threshold, 1 in [1, +Inf))", slow, all)
	}
	if slow, all := histogramSince(h, prev, 0.1); slow != 0 || all != 0 {
		t.Errorf("read again with nothing new: %d slow of %d, want 0 of 0", slow, all)
	}
	h.Counts[3] += 7
	if slow, all := histogramSince(h, prev, 0.01); slow != 7 || all != 7 {
		t.Errorf("7 new wake-ups in [0.1, 1) with a 10 ms threshold: %d slow of %d, want 7 of 7", slow, all)
	}

	// The runtime's own histogram reads and adds up.
	w := newSchedWaits(100 * time.Millisecond)
	done := make(chan struct{})
	for range 100 {
		go func() { done <- struct{}{} }()
		<-done
	}
	if _, all := w.read(); all <= 0 {
		t.Errorf("100 goroutines woke and the runtime's histogram counted %d wake-ups since the last read", all)
	}
	if off := newSchedWaits(-1); func() bool { s, a := off.read(); return s != 0 || a != 0 }() {
		t.Error("with a negative SchedLatency the signal is off but read counted wake-ups")
	}
}

// reservedAdmission admits the players holding a reservation anywhere, and
// anyone else to a free seat of an open room, like the lobby's.
type reservedAdmission struct{ reserved map[string]bool }

func (a reservedAdmission) Admit(roomID, playerID string, humans, capacity int, open bool) error {
	switch {
	case a.reserved[playerID]:
		return nil
	case !open:
		return ErrNoRoom
	}
	return nil
}

// TestSaturatedNodeSeatsOnlyReservations: while the node is saturated, a
// hello sent without the lobby does not take a free seat of a public room
// (the lobby would have answered 503): it is closed with 1013 and an error
// that says the server is full and why. A player holding a reservation the
// lobby handed out before still gets in, and once the node keeps up again
// anyone does.
func TestSaturatedNodeSeatsOnlyReservations(t *testing.T) {
	m, url := startServer(t, Options{Bots: -1, Admission: reservedAdmission{reserved: map[string]bool{"p-bob": true}},
		SaturationClear: time.Hour})
	busy := SaturatedCPU
	m.gate.reason.Store(&busy)

	ann := servertest.MustDial(t, url)
	ann.Hello("tok-ann", "arena-1")
	code, e := ann.WaitClosed(t)
	if code != wire.CloseTryAgainLater || e == nil || e.Code != wire.ErrCodeRoomFull || !strings.Contains(e.Reason, "full (cpu busy)") {
		t.Fatalf("a hello without a reservation to a saturated node: close %d, error %+v; want close 1013 with error 4005 saying the server is full (cpu busy)", code, e)
	}
	if got := m.room("arena-1").pub.Load().stats.Humans; got != 0 {
		t.Errorf("the refused hello took a seat: %d humans", got)
	}

	bob := servertest.MustDial(t, url)
	if w := bob.Join(t, "tok-bob", "arena-1"); w.RoomID != "arena-1" {
		t.Errorf("the player with a reservation was welcomed to %q, want arena-1", w.RoomID)
	}

	m.gate.reason.Store(nil)
	cat := servertest.MustDial(t, url)
	if w := cat.Join(t, "tok-cat", "arena-1"); w.RoomID != "arena-1" {
		t.Errorf("once the node keeps up, a hello without a reservation was welcomed to %q, want arena-1", w.RoomID)
	}
}
