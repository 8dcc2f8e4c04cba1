package realtime

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/tickarena/tickarena/internal/testwait"
)

// handleObserver gives every room a handle and counts the ticks reported
// to the handles and to the Observer's own Tick.
type handleObserver struct {
	NopObserver
	opened  atomic.Int64
	byID    atomic.Int64
	handled atomic.Int64
	private atomic.Bool
}

func (o *handleObserver) Tick(string, time.Duration) { o.byID.Add(1) }

func (o *handleObserver) OpenRoom(_ string, public bool) RoomObserver {
	o.opened.Add(1)
	if !public {
		o.private.Store(true)
	}
	return handleOf{o}
}

type handleOf struct{ o *handleObserver }

func (h handleOf) Tick(time.Duration) { h.o.handled.Add(1) }
func (h handleOf) LateTicks(int, int) {}

// TestRoomsTickThroughTheirHandle: an Observer that implements
// RoomObservers gets one handle per room, made when the room opens with the
// room's kind, and every tick goes to the handle, none to Observer.Tick.
func TestRoomsTickThroughTheirHandle(t *testing.T) {
	obs := &handleObserver{}
	m, _ := startServer(t, Options{Observer: obs})
	if _, _, err := m.CreateRoom(RoomSpec{Name: "Hidden"}); err != nil {
		t.Fatal(err)
	}
	testwait.Until(t, testwait.Default, "ticks to reach the rooms' handles", func() bool { return obs.handled.Load() > 30 })
	if got := obs.opened.Load(); got != 2 {
		t.Errorf("OpenRoom called %d times for 2 rooms", got)
	}
	if !obs.private.Load() {
		t.Error("the private room's handle was opened as public")
	}
	if got := obs.byID.Load(); got != 0 {
		t.Errorf("Observer.Tick called %d times; the rooms should report to their handles", got)
	}
}
