package main

import (
	"os"
	"runtime"
	"slices"
	"testing"
	"time"
)

// A /proc/stat as Linux writes it, two CPUs.
const procStat = `cpu  284898 3816 117113 4751117 1360 0 44560 7236 0 0
cpu0 149214 1734 54380 2374433 326 0 20390 3708 0 0
cpu1 135684 2081 62732 2376683 1034 0 24170 3527 0 0
intr 123 0 0
ctxt 456
btime 1764700000
`

func TestParseCPUTimes(t *testing.T) {
	got, err := parseCPUTimes([]byte(procStat))
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]cpuTimes{
		0: {user: 149214, nice: 1734, system: 54380, idle: 2374433, iowait: 326, softirq: 20390, steal: 3708},
		1: {user: 135684, nice: 2081, system: 62732, idle: 2376683, iowait: 1034, softirq: 24170, steal: 3527},
	}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("parsed %+v, want %+v", got, want)
	}
	for _, bad := range []string{"", "cpu 1 2 3\nintr 4\n", "cpu0 1 2 3\n", "cpu0 1 2 x 4 5 6 7 8\n"} {
		if _, err := parseCPUTimes([]byte(bad)); err == nil {
			t.Errorf("parseCPUTimes(%q) took it; want an error", bad)
		}
	}
}

func TestParseCPUList(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []int
	}{
		{"0", []int{0}},
		{"1-3", []int{1, 2, 3}},
		{"0,2-3\n", []int{0, 2, 3}},
	} {
		got, err := parseCPUList(tc.in)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("parseCPUList(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "a", "3-1", "0,"} {
		if got, err := parseCPUList(bad); err == nil {
			t.Errorf("parseCPUList(%q) = %v; want an error", bad, got)
		}
	}
}

func TestSharesBetween(t *testing.T) {
	before := map[int]cpuTimes{
		0: {user: 100, system: 50, idle: 1000, softirq: 10, steal: 5},
		1: {user: 100, idle: 1000},
	}
	after := map[int]cpuTimes{
		// 60 running, 20 interrupts, 10 stolen, 10 idle.
		0: {user: 140, nice: 10, system: 60, idle: 1008, iowait: 2, irq: 5, softirq: 25, steal: 15},
		// Idle went back: counted as none.
		1: {user: 200, idle: 990},
	}
	got, ok := sharesBetween(before, after, []int{0})
	if want := (cpuShares{Busy: 0.6, IRQ: 0.2, Steal: 0.1, Idle: 0.1}); !ok || !near(got, want) {
		t.Errorf("CPU 0: %+v, %v; want %+v", got, ok, want)
	}
	got, ok = sharesBetween(before, after, []int{0, 1})
	if want := (cpuShares{Busy: 160.0 / 200, IRQ: 20.0 / 200, Steal: 10.0 / 200, Idle: 10.0 / 200}); !ok || !near(got, want) {
		t.Errorf("CPUs 0-1: %+v, %v; want %+v", got, ok, want)
	}
	if _, ok := sharesBetween(before, after, []int{2}); ok {
		t.Error("a CPU missing from the readings gave shares")
	}
	if _, ok := sharesBetween(before, before, []int{0}); ok {
		t.Error("two equal readings gave shares")
	}
}

func near(a, b cpuShares) bool {
	const eps = 1e-9
	d := func(x, y float64) bool { return x-y < eps && y-x < eps }
	return d(a.Busy, b.Busy) && d(a.IRQ, b.IRQ) && d(a.Steal, b.Steal) && d(a.Idle, b.Idle)
}

// TestReadCPUTimesSeesThisCPUBusy spins on one CPU between two readings of
// the real /proc/stat: that CPU's running time grows.
func TestReadCPUTimesSeesThisCPUBusy(t *testing.T) {
	if _, err := os.Stat("/proc/stat"); err != nil {
		t.Skip("no /proc/stat on this system")
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	before, err := readCPUTimes()
	if err != nil {
		t.Fatal(err)
	}
	// Clock ticks are 10 ms; spin long enough for several on whichever
	// CPU runs this thread, then find a CPU whose running time grew.
	for start := time.Now(); time.Since(start) < 100*time.Millisecond; {
	}
	after, err := readCPUTimes()
	if err != nil {
		t.Fatal(err)
	}
	var cpus []int
	for c := range after {
		cpus = append(cpus, c)
	}
	s, ok := sharesBetween(before, after, cpus)
	if !ok || s.Busy <= 0 {
		t.Errorf("the machine's CPUs over 100 ms of spinning: %+v, %v; want some running time", s, ok)
	}
}
