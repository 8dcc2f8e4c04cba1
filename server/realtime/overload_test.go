package realtime

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/tickarena/tickarena/internal/servertest"
	"github.com/tickarena/tickarena/internal/testwait"
)

// TestLateGateHysteresis feeds the saturation rule one second at a time: it
// turns on after three late seconds in a row, not before, and off only after
// three clean seconds in a row.
func TestLateGateHysteresis(t *testing.T) {
	type sec struct {
		late, due int64
		want      bool
	}
	tests := []struct {
		name string
		secs []sec
	}{
		{"clean node stays open", []sec{{0, 30, false}, {0, 30, false}, {0, 30, false}, {0, 0, false}}},
		{"a little lateness is tolerated", []sec{{2, 300, false}, {2, 300, false}, {2, 300, false}, {2, 300, false}}},
		{"three late seconds saturate", []sec{{10, 30, false}, {10, 30, false}, {10, 30, true}, {10, 30, true}}},
		{"a clean second breaks the run", []sec{{10, 30, false}, {10, 30, false}, {0, 30, false}, {10, 30, false}, {10, 30, false}, {10, 30, true}}},
		{"recovers after three clean seconds", []sec{
			{10, 30, false}, {10, 30, false}, {10, 30, true},
			{0, 30, true}, {0, 30, true}, {10, 30, true}, // a late second restarts the count
			{0, 30, true}, {0, 30, true}, {0, 30, false}, {0, 30, false},
		}},
		{"dropped ticks with none due count as late", []sec{{5, 0, false}, {5, 0, false}, {5, 0, true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := lateGate{need: 3, fraction: 0.1}
			for i, s := range tt.secs {
				if got := g.sample(s.late, s.due); got != s.want {
					t.Fatalf("second %d (%d late of %d): saturated = %v, want %v", i, s.late, s.due, got, s.want)
				}
			}
		})
	}
}

// slowTickObserver makes every tick of every room take sleep longer, on the
// room's goroutine, so that the rooms really fall behind their schedule.
type slowTickObserver struct {
	NopObserver
	sleep atomic.Int64 // nanoseconds
}

func (o *slowTickObserver) Tick(string, time.Duration) {
	if d := time.Duration(o.sleep.Load()); d > 0 {
		time.Sleep(d)
	}
}

// TestSaturatedWhileRoomsTickLate forces a real room to tick late: the
// Manager reports itself saturated ("ticks late") within a few samples, and
// open again once the room keeps its schedule.
func TestSaturatedWhileRoomsTickLate(t *testing.T) {
	obs := &slowTickObserver{}
	m, _ := startServer(t, Options{Observer: obs, gateInterval: 300 * time.Millisecond})
	if s := m.Saturation(); s.Full {
		t.Fatalf("a fresh Manager is saturated: %+v", s)
	}
	obs.sleep.Store(int64(100 * time.Millisecond)) // three ticks at 30 Hz
	testwait.Until(t, testwait.Default, "the Manager to be saturated while its room ticks late", func() bool { return m.Saturation().Full })
	if s := m.Saturation(); s.Reason != SaturatedLate {
		t.Errorf("saturation reason = %q, want %q", s.Reason, SaturatedLate)
	}
	obs.sleep.Store(0)
	testwait.Until(t, testwait.Default, "the Manager to admit again once its room is on time", func() bool { return !m.Saturation().Full })
}

// TestSaturatedAtMaxConnections: at MaxConnections the Manager is saturated
// at once, and open again as soon as a connection ends.
func TestSaturatedAtMaxConnections(t *testing.T) {
	m, url := startServer(t, Options{MaxConnections: 1})
	c := servertest.MustDial(t, url)
	if s := m.Saturation(); !s.Full || s.Reason != SaturatedConns {
		t.Fatalf("with 1 of 1 connections open: saturation = %+v, want full with %q", s, SaturatedConns)
	}
	_ = c.Conn().WriteClose(1000, nil)
	testwait.Until(t, testwait.Default, "the Manager to admit again after the connection closed", func() bool { return !m.Saturation().Full })
}
