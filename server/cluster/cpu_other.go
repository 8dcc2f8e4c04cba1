//go:build !unix

package cluster

import "time"

// processCPU is not measured on this platform; nodes report no CPU load.
func processCPU() time.Duration { return 0 }
