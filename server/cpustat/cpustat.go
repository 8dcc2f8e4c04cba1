// Package cpustat reads how a Linux machine's CPUs spend their time
// (/proc/stat) and which CPUs a process may run on, for a node's metrics
// and the load generator's report. On other systems its readers return an
// error.
package cpustat

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// ClockTick is the unit of the CPU times in /proc/stat and /proc/PID/stat:
// USER_HZ, 100 on every Linux platform Go supports.
const ClockTick = 10 * time.Millisecond

// Times is one CPU's line of /proc/stat: the time it spent in each state
// since boot, in clock ticks.
type Times struct {
	User, Nice, System, Idle, IOWait, IRQ, SoftIRQ, Steal uint64
}

// Read returns every CPU's times from /proc/stat, by CPU number.
func Read() (map[int]Times, error) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return nil, fmt.Errorf("read cpu times: %w", err)
	}
	return Parse(b)
}

// Parse reads the per-CPU lines ("cpu0 ...") of a /proc/stat; the total
// line ("cpu ...") and the others are skipped.
func Parse(b []byte) (map[int]Times, error) {
	times := make(map[int]Times)
	for line := range bytes.SplitSeq(b, []byte("\n")) {
		if !bytes.HasPrefix(line, []byte("cpu")) {
			continue // the interrupt counts' line alone may hold thousands of fields
		}
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
		times[cpu] = Times{User: v[0], Nice: v[1], System: v[2], Idle: v[3], IOWait: v[4], IRQ: v[5], SoftIRQ: v[6], Steal: v[7]}
	}
	if len(times) == 0 {
		return nil, errors.New("cpu times: no cpu lines")
	}
	return times, nil
}

// ParseList reads Linux's CPU list format ("0", "1-3", "0,2-3").
func ParseList(s string) ([]int, error) {
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

// Allowed returns the CPUs process pid may run on (its affinity, as taskset
// sets it) in Linux's list format, from /proc/PID/status.
func Allowed(pid int) (string, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return "", fmt.Errorf("read affinity of process %d: %w", pid, err)
	}
	for line := range bytes.SplitSeq(b, []byte("\n")) {
		if v, ok := bytes.CutPrefix(line, []byte("Cpus_allowed_list:")); ok {
			return string(bytes.TrimSpace(v)), nil
		}
	}
	return "", fmt.Errorf("read affinity of process %d: no Cpus_allowed_list", pid)
}

// StealOf returns a reading of the time the hypervisor has taken so far
// from the CPUs process pid may run on (its affinity now), and how many
// those CPUs are. It fails where Linux's /proc does not say.
func StealOf(pid int) (read func() (time.Duration, error), cpus int, err error) {
	list, err := Allowed(pid)
	if err != nil {
		return nil, 0, err
	}
	set, err := ParseList(list)
	if err != nil {
		return nil, 0, fmt.Errorf("affinity of process %d: %w", pid, err)
	}
	if len(set) == 0 {
		return nil, 0, fmt.Errorf("affinity of process %d: no cpu", pid)
	}
	if _, err := Read(); err != nil {
		return nil, 0, err
	}
	return func() (time.Duration, error) {
		t, err := Read()
		if err != nil {
			return 0, err
		}
		return stolen(t, set), nil
	}, len(set), nil
}

// Online returns the machine's online CPUs in Linux's list format, or ""
// when unknown.
func Online() string {
	b, err := os.ReadFile("/sys/devices/system/cpu/online")
	if err != nil {
		return ""
	}
	return string(bytes.TrimSpace(b))
}

// Shares is how some CPUs spent a span of time, as fractions of it.
type Shares struct {
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

// Between returns how cpus spent the time between two readings; ok is false
// when a CPU is missing from either or no time passed.
func Between(before, after map[int]Times, cpus []int) (s Shares, ok bool) {
	var busy, irq, steal, idle uint64
	for _, c := range cpus {
		a, ok1 := before[c]
		b, ok2 := after[c]
		if !ok1 || !ok2 {
			return Shares{}, false
		}
		busy += grew(a.User+a.Nice+a.System, b.User+b.Nice+b.System)
		irq += grew(a.IRQ+a.SoftIRQ, b.IRQ+b.SoftIRQ)
		steal += grew(a.Steal, b.Steal)
		idle += grew(a.Idle+a.IOWait, b.Idle+b.IOWait)
	}
	total := float64(busy + irq + steal + idle)
	if total == 0 {
		return Shares{}, false
	}
	return Shares{Busy: float64(busy) / total, IRQ: float64(irq) / total, Steal: float64(steal) / total, Idle: float64(idle) / total}, true
}

// stolen returns the time the hypervisor took from cpus since boot, by one
// reading.
func stolen(times map[int]Times, cpus []int) time.Duration {
	var ticks uint64
	for _, c := range cpus {
		ticks += times[c].Steal
	}
	return time.Duration(ticks) * ClockTick
}

// grew is after-before, or 0 when a counter went back (Linux's idle and
// I/O-wait times may, on an idle tickless CPU).
func grew(before, after uint64) uint64 {
	if after < before {
		return 0
	}
	return after - before
}
