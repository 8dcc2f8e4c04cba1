package main

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/tickarena/tickarena/server/cpustat"
)

// processCPU returns the CPU time (user + system) used so far by process pid,
// read from /proc (Linux only).
func processCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("read cpu of process %d: %w", pid, err)
	}
	// The command name, field 2, is in parentheses and may hold spaces: the
	// fields that follow are counted from its closing parenthesis.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, fmt.Errorf("read cpu of process %d: malformed stat", pid)
	}
	fields := bytes.Fields(b[i+1:])
	// utime and stime are fields 14 and 15 of the line; field 3 is fields[0].
	if len(fields) < 13 {
		return 0, fmt.Errorf("read cpu of process %d: short stat", pid)
	}
	utime, err1 := strconv.ParseInt(string(fields[11]), 10, 64)
	stime, err2 := strconv.ParseInt(string(fields[12]), 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("read cpu of process %d: bad times", pid)
	}
	return time.Duration(utime+stime) * cpustat.ClockTick, nil
}

// processMemory returns the resident set size of process pid and its peak, in
// bytes, read from /proc (Linux only).
func processMemory(pid int) (rss, peak int64, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, fmt.Errorf("read memory of process %d: %w", pid, err)
	}
	for _, line := range bytes.Split(b, []byte("\n")) {
		fields := bytes.Fields(line)
		if len(fields) < 2 {
			continue
		}
		kb, perr := strconv.ParseInt(string(fields[1]), 10, 64)
		if perr != nil {
			continue
		}
		switch string(fields[0]) {
		case "VmRSS:":
			rss = kb << 10
		case "VmHWM:":
			peak = kb << 10
		}
	}
	return rss, peak, nil
}
