package realtime

import (
	"context"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/tickarena/tickarena/internal/testwait"
)

// netWaits records what a Manager reports to a NetWaitObserver.
type netWaits struct {
	NopObserver
	mu    sync.Mutex
	waits []time.Duration
}

func (o *netWaits) NetWait(d time.Duration) {
	o.mu.Lock()
	o.waits = append(o.waits, d)
	o.mu.Unlock()
}

// since returns the waits reported from index i on, and how many there are in all.
func (o *netWaits) since(i int) ([]time.Duration, int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]time.Duration(nil), o.waits[min(i, len(o.waits)):]...), len(o.waits)
}

// TestNetWaitSeesABusyProcessor: the Manager reports, every
// NetWaitInterval, how long a goroutine the network woke waited to run. With
// one processor kept busy by goroutines that never block, that goroutine
// waits for the poller to be asked and then for a turn behind them, and the
// waits reported show it; once Shutdown returns, nothing more is reported.
func TestNetWaitSeesABusyProcessor(t *testing.T) {
	obs := &netWaits{}
	m, _ := startServer(t, Options{Observer: obs, NetWaitInterval: 5 * time.Millisecond, PublicRooms: -1})
	testwait.Until(t, testwait.Default, "the Manager to report network waits", func() bool {
		_, n := obs.since(0)
		return n >= 10
	})

	_, before := obs.since(0)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	stop := make(chan struct{})
	var spinning sync.WaitGroup
	for range 4 {
		spinning.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				for i := 0; i < 1e5; i++ { // work between looks at stop
					_ = i * i
				}
			}
		})
	}
	var longest time.Duration
	testwait.Until(t, testwait.Default, "a network wait of 5 ms or more while four goroutines keep the one processor busy", func() bool {
		waits, _ := obs.since(before)
		for _, w := range waits {
			longest = max(longest, w)
		}
		return longest >= 5*time.Millisecond
	})
	close(stop)
	spinning.Wait()
	t.Logf("longest network wait with the processor busy: %v", longest)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := m.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	_, atShutdown := obs.since(0)
	time.Sleep(100 * time.Millisecond)
	if _, after := obs.since(0); after != atShutdown {
		t.Errorf("%d network waits reported in the 100 ms after Shutdown, want none", after-atShutdown)
	}
}

// TestNetWaitOff: a negative NetWaitInterval, or an Observer that does not
// implement NetWaitObserver, starts no probe.
func TestNetWaitOff(t *testing.T) {
	obs := &netWaits{}
	m, _ := startServer(t, Options{Observer: obs, NetWaitInterval: -1, PublicRooms: -1})
	time.Sleep(100 * time.Millisecond)
	if _, n := obs.since(0); n != 0 || m.netProbe != nil {
		t.Errorf("NetWaitInterval -1: %d waits reported, probe %v; want none", n, m.netProbe)
	}
	m2, _ := startServer(t, Options{Observer: newCountingObserver(), PublicRooms: -1})
	if m2.netProbe != nil {
		t.Error("an Observer without NetWait got a probe")
	}
}
