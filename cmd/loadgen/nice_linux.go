package main

import (
	"fmt"
	"os"
	"strconv"
	"syscall"
)

// setNice sets the nice value of every thread of this process to n: Linux
// keeps one per thread, and a thread the Go runtime starts later takes the
// value of the thread that starts it, so setting the threads there are now
// covers the process. A negative value needs privileges (root, or
// CAP_SYS_NICE).
func setNice(n int) error {
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return fmt.Errorf("set nice %d: %w", n, err)
	}
	for _, t := range tasks {
		tid, err := strconv.Atoi(t.Name())
		if err != nil {
			continue
		}
		if err := syscall.Setpriority(syscall.PRIO_PROCESS, tid, n); err != nil {
			return fmt.Errorf("set nice %d on thread %d: %w", n, tid, err)
		}
	}
	return nil
}
