package cluster

import (
	"runtime"
	"time"

	"github.com/tickarena/tickarena/internal/cputime"
)

// cpuMeter measures the share of the machine's CPUs the process used
// between two samples: 0 idle, 1 every core busy.
type cpuMeter struct {
	wall time.Time
	cpu  time.Duration
	last float64
}

func newCPUMeter() cpuMeter { return cpuMeter{wall: time.Now(), cpu: cputime.Process()} }

// sample returns the share used since the previous sample.
func (m *cpuMeter) sample() float64 {
	now, cpu := time.Now(), cputime.Process()
	if wall := now.Sub(m.wall); wall > 0 && cpu > 0 {
		m.last = float64(cpu-m.cpu) / float64(wall) / float64(runtime.NumCPU())
	}
	m.wall, m.cpu = now, cpu
	return m.last
}
