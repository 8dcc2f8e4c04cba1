package cpustat

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

func TestParse(t *testing.T) {
	got, err := Parse([]byte(procStat))
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]Times{
		0: {User: 149214, Nice: 1734, System: 54380, Idle: 2374433, IOWait: 326, SoftIRQ: 20390, Steal: 3708},
		1: {User: 135684, Nice: 2081, System: 62732, Idle: 2376683, IOWait: 1034, SoftIRQ: 24170, Steal: 3527},
	}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("parsed %+v, want %+v", got, want)
	}
	for _, bad := range []string{"", "cpu 1 2 3\nintr 4\n", "cpu0 1 2 3\n", "cpu0 1 2 x 4 5 6 7 8\n"} {
		if _, err := Parse([]byte(bad)); err == nil {
			t.Errorf("Parse(%q) took it; want an error", bad)
		}
	}
}

func TestParseList(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []int
	}{
		{"0", []int{0}},
		{"1-3", []int{1, 2, 3}},
		{"0,2-3\n", []int{0, 2, 3}},
	} {
		got, err := ParseList(tc.in)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("ParseList(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "a", "3-1", "0,"} {
		if got, err := ParseList(bad); err == nil {
			t.Errorf("ParseList(%q) = %v; want an error", bad, got)
		}
	}
}

func TestBetween(t *testing.T) {
	before := map[int]Times{
		0: {User: 100, System: 50, Idle: 1000, SoftIRQ: 10, Steal: 5},
		1: {User: 100, Idle: 1000},
	}
	after := map[int]Times{
		// 60 running, 20 interrupts, 10 stolen, 10 idle.
		0: {User: 140, Nice: 10, System: 60, Idle: 1008, IOWait: 2, IRQ: 5, SoftIRQ: 25, Steal: 15},
		// Idle went back: counted as none.
		1: {User: 200, Idle: 990},
	}
	got, ok := Between(before, after, []int{0})
	if want := (Shares{Busy: 0.6, IRQ: 0.2, Steal: 0.1, Idle: 0.1}); !ok || !near(got, want) {
		t.Errorf("CPU 0: %+v, %v; want %+v", got, ok, want)
	}
	got, ok = Between(before, after, []int{0, 1})
	if want := (Shares{Busy: 160.0 / 200, IRQ: 20.0 / 200, Steal: 10.0 / 200, Idle: 10.0 / 200}); !ok || !near(got, want) {
		t.Errorf("CPUs 0-1: %+v, %v; want %+v", got, ok, want)
	}
	if _, ok := Between(before, after, []int{2}); ok {
		t.Error("a CPU missing from the readings gave shares")
	}
	if _, ok := Between(before, before, []int{0}); ok {
		t.Error("two equal readings gave shares")
	}
}

func near(a, b Shares) bool {
	const eps = 1e-9
	d := func(x, y float64) bool { return x-y < eps && y-x < eps }
	return d(a.Busy, b.Busy) && d(a.IRQ, b.IRQ) && d(a.Steal, b.Steal) && d(a.Idle, b.Idle)
}

// TestReadSeesThisCPUBusy spins on one CPU between two readings of
// the real /proc/stat: that CPU's running time grows.
func TestReadSeesThisCPUBusy(t *testing.T) {
	if _, err := os.Stat("/proc/stat"); err != nil {
		t.Skip("no /proc/stat on this system")
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	before, err := Read()
	if err != nil {
		t.Fatal(err)
	}
	// Clock ticks are 10 ms; spin long enough for several on whichever
	// CPU runs this thread, then find a CPU whose running time grew.
	for start := time.Now(); time.Since(start) < 100*time.Millisecond; {
	}
	after, err := Read()
	if err != nil {
		t.Fatal(err)
	}
	var cpus []int
	for c := range after {
		cpus = append(cpus, c)
	}
	s, ok := Between(before, after, cpus)
	if !ok || s.Busy <= 0 {
		t.Errorf("the machine's CPUs over 100 ms of spinning: %+v, %v; want some running time", s, ok)
	}
}

// TestStealOf reads the stolen time of this process's CPUs: one reading per
// CPU it may run on, never going back; a process that does not exist has
// none.
func TestStealOf(t *testing.T) {
	if _, err := os.Stat("/proc/stat"); err != nil {
		t.Skip("no /proc/stat on this system")
	}
	read, cpus, err := StealOf(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	list, err := Allowed(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if set, _ := ParseList(list); cpus != len(set) || cpus == 0 {
		t.Errorf("StealOf counts %d CPUs, want the %d of the affinity %q", cpus, len(set), list)
	}
	first, err := read()
	if err != nil {
		t.Fatal(err)
	}
	second, err := read()
	if err != nil {
		t.Fatal(err)
	}
	if first < 0 || second < first {
		t.Errorf("stolen time read twice: %v then %v, want a count that never goes back", first, second)
	}
	if _, _, err := StealOf(1 << 30); err == nil {
		t.Errorf("StealOf of a process that does not exist: no error")
	}
}
