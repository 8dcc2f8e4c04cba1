package realtime

import (
	"testing"
	"time"

	"github.com/lxzan/gws"
	"github.com/tickarena/tickarena/game/wire"
)

func TestSlowReader(t *testing.T) {
	obs := newCountingObserver()
	const maxInFlight = 8
	m, url := startServer(t, Options{
		Bots: 16, TickRate: 60, Area: wire.WholeWorld, SendBuffer: 4096,
		MaxInFlight: maxInFlight, SlowTimeout: time.Second, Observer: obs,
	})
	fast := []*tclient{dial(t, url), dial(t, url)}
	fast[0].join("tok-ann", "arena-1")
	fast[1].join("tok-bob", "arena-1")
	arena := m.room("arena-1")

	// The slow client says hello and then never reads a byte.
	raw := rawDial(t, url, 4096)
	if _, err := raw.Write(frame(byte(gws.OpcodeBinary), wire.AppendHello(nil, wire.Hello{Version: wire.Version, Token: "tok-cat", Room: "arena-1"}))); err != nil {
		t.Fatalf("send hello: %v", err)
	}
	var slow *client
	eventually(t, "the slow client to join", func() bool {
		m.mu.Lock()
		defer m.mu.Unlock()
		for c := range m.conns {
			if c.conn.RemoteAddr().String() == raw.LocalAddr().String() && c.state.Load() == stateJoined {
				slow = c
			}
		}
		return slow != nil
	})

	startTick, startLate := arena.tick.Load(), obs.lateCount()
	start := []int64{fast[0].deltas.Load(), fast[1].deltas.Load()}
	var maxSeen int32
	eventually(t, "the slow client to be closed as too slow", func() bool {
		maxSeen = max(maxSeen, slow.inflight.Load())
		return obs.closedCount("too slow") == 1
	})
	ticks := int64(arena.tick.Load()-startTick) - int64(obs.lateCount()-startLate)

	if maxSeen > maxInFlight {
		t.Errorf("slow client had %d messages in flight, want at most %d", maxSeen, maxInFlight)
	}
	if obs.skippedCount() == 0 {
		t.Errorf("no delta was skipped for the slow client")
	}
	for i, c := range fast {
		got := c.deltas.Load() - start[i]
		t.Logf("fast client %d: %d deltas while the room sent %d", i, got, ticks)
		if got < ticks-3 {
			t.Errorf("fast client %d got %d deltas, want %d", i, got, ticks)
		}
		select {
		case <-c.done:
			t.Errorf("fast client %d was disconnected", i)
		default:
		}
	}
}
