//go:build !unix

package realtime

import "time"

// processCPU reports that this system does not say how much CPU time the
// process used: the CPU ceiling (Options.CPUCeiling) is off here.
func processCPU() (time.Duration, bool) { return 0, false }
