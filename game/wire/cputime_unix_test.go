//go:build unix

package wire

import (
	"syscall"
	"time"
)

// cpuTime returns the CPU time the process has used so far. Benchmarks report
// it next to wall time because a shared machine stretches wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
