package cputime

import (
	"runtime"
	"testing"
	"time"

	"github.com/tickarena/tickarena/internal/testwait"
)

// TestProcessCountsWork: busy work shows as CPU time. A loaded machine gives
// the loop less of a core, so it spins until 20 ms are counted, within a
// generous deadline, rather than for a fixed time.
func TestProcessCountsWork(t *testing.T) {
	switch runtime.GOOS {
	case "windows", "plan9", "js", "wasip1":
		t.Skip("CPU time is not measured on " + runtime.GOOS)
	}
	before := Process()
	expired := testwait.Deadline(t, testwait.Default, "20 ms of busy work to show as CPU time")
	for Process()-before < 20*time.Millisecond && !expired() {
	}
}
