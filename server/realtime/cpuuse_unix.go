//go:build unix

package realtime

import (
	"syscall"
	"time"
)

// processCPU returns the CPU time the process has used so far, in user and
// kernel mode together, and whether the system could say.
func processCPU() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
