package main

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// cpuTimes is one CPU's line of /proc/stat: the time it spent in each state
// since boot, in clock ticks.
type cpuTimes struct {
	user, nice, system, idle, iowait, irq, softirq, steal uint64
}

// readCPUTimes returns every CPU's times from /proc/stat (Linux only), by
// CPU number.
func readCPUTimes() (map[int]cpuTimes, error) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return nil, fmt.Errorf("read cpu times: %w", err)
	}
	return parseCPUTimes(b)
}

// parseCPUTimes reads the per-CPU lines ("cpu0 ...") of /proc/stat; the
// total line ("cpu ...") and the others are skipped.
func parseCPUTimes(b []byte) (map[int]cpuTimes, error) {
	times := make(map[int]cpuTimes)
	for line := range bytes.SplitSeq(b, []byte("\n")) {
		fields := bytes.Fields(line)
		if len(fields) == 0 {
			continue
		}
		num, ok := bytes.CutPrefix(fields[0], []byte("cpu"))
		if !ok || len(num) == 0 {
			continue
		}
		cpu, err := strconv.Atoi(string(num))
		if err != nil {
			continue
		}
		if len(fields) < 9 {
			return nil, fmt.Errorf("cpu times: short line for cpu%d", cpu)
		}
		var v [8]uint64
		for i := range v {
			if v[i], err = strconv.ParseUint(string(fields[i+1]), 10, 64); err != nil {
				return nil, fmt.Errorf("cpu times: cpu%d: %w", cpu, err)
			}
		}
		times[cpu] = cpuTimes{user: v[0], nice: v[1], system: v[2], idle: v[3], iowait: v[4], irq: v[5], softirq: v[6], steal: v[7]}
	}
	if len(times) == 0 {
		return nil, fmt.Errorf("cpu times: no cpu lines")
	}
	return times, nil
}

// parseCPUList reads Linux's CPU list format ("0", "1-3", "0,2-3").
func parseCPUList(s string) ([]int, error) {
	var cpus []int
	for part := range strings.SplitSeq(strings.TrimSpace(s), ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.Atoi(lo)
		if err != nil {
			return nil, fmt.Errorf("cpu list %q: %w", s, err)
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(hi); err != nil || b < a {
				return nil, fmt.Errorf("cpu list %q: bad range %q", s, part)
			}
		}
		for c := a; c <= b; c++ {
			cpus = append(cpus, c)
		}
	}
	return cpus, nil
}

// cpuShares is how some CPUs spent a span of time, as fractions of it.
type cpuShares struct {
	// Busy is time running processes (user, nice and system).
	Busy float64 `json:"busy"`
	// IRQ is time in interrupts and softirqs: on loopback, mostly the
	// network stack's work for the processes on the CPU, which their own
	// CPU time partly includes (softirqs run in the context of whichever
	// process was running).
	IRQ float64 `json:"irq"`
	// Steal is time the hypervisor gave the virtual CPU to someone else.
	Steal float64 `json:"steal"`
	// Idle is idle and I/O-wait time.
	Idle float64 `json:"idle"`
}

// sharesBetween returns how cpus spent the time between two readings; ok
// is false when a CPU is missing from either or no time passed.
func sharesBetween(before, after map[int]cpuTimes, cpus []int) (s cpuShares, ok bool) {
	var busy, irq, steal, idle uint64
	for _, c := range cpus {
		a, ok1 := before[c]
		b, ok2 := after[c]
		if !ok1 || !ok2 {
			return cpuShares{}, false
		}
		busy += grew(a.user+a.nice+a.system, b.user+b.nice+b.system)
		irq += grew(a.irq+a.softirq, b.irq+b.softirq)
		steal += grew(a.steal, b.steal)
		idle += grew(a.idle+a.iowait, b.idle+b.iowait)
	}
	total := float64(busy + irq + steal + idle)
	if total == 0 {
		return cpuShares{}, false
	}
	return cpuShares{Busy: float64(busy) / total, IRQ: float64(irq) / total, Steal: float64(steal) / total, Idle: float64(idle) / total}, true
}

// grew is after-before, or 0 when a counter went back (Linux's idle and
// I/O-wait times may, on an idle tickless CPU).
func grew(before, after uint64) uint64 {
	if after < before {
		return 0
	}
	return after - before
}
