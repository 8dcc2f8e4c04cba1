package app

import (
	"testing"
	"time"

	"github.com/tickarena/tickarena/server/metrics"
)

// BenchmarkObserverTick measures what one room's tick costs the observer:
// "handle" is the room's own handle, made when the room opened, which every
// room of a Manager uses; "by id" is the path of a room without one.
func BenchmarkObserverTick(b *testing.B) {
	obs := newObserver(metrics.New("bench"))
	d := 150 * time.Microsecond

	b.Run("by id", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			obs.Tick("room-1", d)
		}
	})
	b.Run("handle", func(b *testing.B) {
		h := obs.OpenRoom("room-1", false)
		b.ReportAllocs()
		for b.Loop() {
			h.Tick(d)
		}
		if allocs := testing.AllocsPerRun(100, func() { h.Tick(d) }); allocs != 0 {
			b.Errorf("a tick through the room's handle allocates %.0f times, want 0", allocs)
		}
	})
}
