package realtime

import (
	"sync/atomic"
	"time"
)

// Saturation is whether the Manager should seat more players now: the
// lobby refuses quick play, joins and new rooms while Full is set, so that a
// node past what it can carry answers "full" at once instead of seating
// players it cannot serve at the tick rate.
type Saturation struct {
	// Full is set when no more players should be seated.
	Full bool
	// Reason says why, for logs, /readyz and the player: "ticks late" or
	// "too many connections". Empty when not Full.
	Reason string
}

// Reasons of a Saturation.
const (
	// SaturatedLate is the reason of a node whose rooms ticked late for
	// SaturationSeconds seconds in a row.
	SaturatedLate = "ticks late"
	// SaturatedConns is the reason of a node at MaxConnections.
	SaturatedConns = "too many connections"
)

// Saturation reports whether the Manager can seat more players. It reads
// what the once-a-second sampler last decided and the live connection
// count; it never waits for a room.
func (m *Manager) Saturation() Saturation {
	m.mu.Lock()
	atMax := m.count >= m.opts.MaxConnections
	m.mu.Unlock()
	switch {
	case atMax:
		return Saturation{Full: true, Reason: SaturatedConns}
	case m.late.full.Load():
		return Saturation{Full: true, Reason: SaturatedLate}
	}
	return Saturation{}
}

// lateGate turns the rooms' late-tick counts, sampled once a second, into
// a saturation signal with hysteresis: it turns on after need late seconds
// in a row and off after need clean seconds in a row, so that one slow
// second neither refuses players nor lets them in while the node is still
// behind.
type lateGate struct {
	need     int     // seconds in a row that switch the state
	fraction float64 // share of late ticks that makes a second late
	run      int     // seconds in a row that disagree with full
	full     atomic.Bool
}

// sample takes one second's counts: late (catch-up and dropped) ticks out
// of all the ticks due, and returns whether the node is now saturated.
func (g *lateGate) sample(late, due int64) bool {
	isLate := late > 0 && float64(late) >= g.fraction*float64(max(due, 1))
	full := g.full.Load()
	if isLate != full {
		g.run++
	} else {
		g.run = 0
	}
	if g.run >= g.need {
		g.run = 0
		full = !full
		g.full.Store(full)
	}
	return full
}

// watchLate samples the rooms' late ticks every interval until the Manager
// shuts down. It runs on its own goroutine, off every room's.
func (m *Manager) watchLate(interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-m.gateStop:
			return
		case <-t.C:
		}
		var late, due int64
		m.mu.Lock()
		for _, r := range m.order {
			late += r.lateSteps.Swap(0)
			due += r.dueSteps.Swap(0)
		}
		m.mu.Unlock()
		was := m.late.full.Load()
		if now := m.late.sample(late, due); now != was {
			m.log.Warn("realtime: saturation changed", "saturated", now, "late_ticks", late, "ticks", due)
		}
	}
}
