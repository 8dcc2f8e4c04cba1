//go:build !unix

package sqlitestore

import "time"

// processCPU is not measured on this platform; benchmarks report 0 CPU time.
func processCPU() time.Duration { return 0 }
