//go:build unix

package pacedaccept

import (
	"fmt"
	"net"
	"runtime"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"
)

// setProcs runs the rest of the benchmark with GOMAXPROCS n.
func setProcs(b *testing.B, n int) {
	old := runtime.GOMAXPROCS(n)
	b.Cleanup(func() { runtime.GOMAXPROCS(old) })
}

// keepBusy starts rooms goroutines that each wake on a ticker every period
// and spin for work, the way a node's rooms tick, until the benchmark ends.
func keepBusy(b *testing.B, rooms int, period, work time.Duration) {
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range rooms {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := time.NewTicker(period)
			defer t.Stop()
			for {
				select {
				case <-stop:
					return
				case <-t.C:
				}
				for start := time.Now(); time.Since(start) < work; {
				}
			}
		}()
	}
	b.Cleanup(func() { close(stop); wg.Wait() })
}

// dialBlocking connects to addr with a blocking system call, outside Go's
// network poller, so that the dialing side does not itself ask the poller
// and wake the accepting goroutine early.
func dialBlocking(b *testing.B, addr *net.TCPAddr) int {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		b.Fatal(err)
	}
	sa := &syscall.SockaddrInet4{Port: addr.Port}
	copy(sa.Addr[:], addr.IP.To4())
	if err := syscall.Connect(fd, sa); err != nil {
		syscall.Close(fd)
		b.Fatal(err)
	}
	return fd
}

// BenchmarkAcceptOnBusyProcessor measures how long a connection the kernel
// has already accepted waits for Accept to return it on one processor kept
// busy by ten or eleven 10 ms "rooms" of 0.91 ms each (91 % and 100 %),
// with a plain listener and a paced one. It reports the median and 99th
// percentile in milliseconds.
func BenchmarkAcceptOnBusyProcessor(b *testing.B) {
	for _, rooms := range []int{10, 11} {
		for _, paced := range []bool{false, true} {
			name := fmt.Sprintf("rooms=%d/plain", rooms)
			if paced {
				name = fmt.Sprintf("rooms=%d/paced", rooms)
			}
			b.Run(name, func(b *testing.B) { benchAccept(b, rooms, paced) })
		}
	}
}

func benchAccept(b *testing.B, rooms int, paced bool) {
	setProcs(b, 1)
	var ln net.Listener
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	if paced {
		ln = New(ln, Options{Busy: func() bool { return true }})
	}
	accepted := make(chan time.Time, 1)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted <- time.Now()
			c.Close()
		}
	}()
	keepBusy(b, rooms, 10*time.Millisecond, 910*time.Microsecond)
	addr := ln.Addr().(*net.TCPAddr)
	waits := make([]float64, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		// Spread the dials over the rooms' period.
		time.Sleep(time.Duration(i%7+1) * 1300 * time.Microsecond)
		fd := dialBlocking(b, addr)
		dialed := time.Now()
		at := <-accepted
		syscall.Close(fd)
		waits = append(waits, float64(at.Sub(dialed))/float64(time.Millisecond))
	}
	b.StopTimer()
	slices.Sort(waits)
	b.ReportMetric(waits[len(waits)/2], "accept-ms-p50")
	b.ReportMetric(waits[(len(waits)*99)/100], "accept-ms-p99")
}
