package realtime

import (
	"testing"
	"time"

	"github.com/tickarena/tickarena/game/wire"
	"github.com/tickarena/tickarena/internal/servertest"
	"github.com/tickarena/tickarena/internal/testwait"
)

// TestStalledSpectatorQueueStaysBounded: a spectator that stops reading
// while it keeps asking what to watch gets at most MaxInFlight messages
// queued, its spectating answers included, and is closed as too slow once
// it has been behind for SlowTimeout: not at its second skipped frame.
func TestStalledSpectatorQueueStaysBounded(t *testing.T) {
	const (
		maxInFlight = 4
		slowTimeout = 1500 * time.Millisecond
	)
	obs := newCountingObserver()
	m, url := startServer(t, Options{
		Bots: 8, TickRate: 60, SendBuffer: 4096, MaxInFlight: maxInFlight, SpectateDelay: 100 * time.Millisecond,
		PingInterval: 20 * time.Millisecond, SlowTimeout: slowTimeout, Observer: obs,
	})
	raw := servertest.DialRaw(t, url, 4096) // says hello, then never reads a byte
	if err := raw.Send(servertest.OpBinary, wire.AppendHello(nil, wire.Hello{Version: wire.Version, Token: "tok-cat", Room: "arena-1", Spectate: true})); err != nil {
		t.Fatalf("send hello: %v", err)
	}
	var stalled *client
	testwait.Until(t, testwait.Default, "the stalled spectator to be watching", func() bool {
		m.mu.Lock()
		defer m.mu.Unlock()
		for c := range m.conns {
			if c.conn.RemoteAddr().String() == raw.LocalAddr().String() && c.inflight.Load() > 0 {
				stalled = c
			}
		}
		return stalled != nil
	})
	var (
		most         int32
		full, closed time.Time
	)
	expired := testwait.Deadline(t, testwait.Default, "the stalled spectator to be closed")
	for !expired() && closed.IsZero() {
		// Every follow message asks for a spectating answer.
		if err := raw.Send(servertest.OpBinary, wire.AppendFollow(nil, wire.Follow{})); err != nil {
			t.Fatalf("send follow: %v", err)
		}
		n := stalled.inflight.Load()
		most = max(most, n)
		if n >= maxInFlight && full.IsZero() {
			full = time.Now()
		}
		if stalled.closing.Load() {
			closed = time.Now()
		}
		time.Sleep(5 * time.Millisecond)
	}
	testwait.Until(t, testwait.Default, "the server to count one connection closed as too slow", func() bool { return obs.closedCount("too slow") == 1 })
	if most != maxInFlight {
		t.Errorf("a stalled spectator had at most %d messages queued, want exactly MaxInFlight (%d): the queue filled and stayed bounded", most, maxInFlight)
	}
	if behind := closed.Sub(full); behind < slowTimeout-300*time.Millisecond {
		t.Errorf("a stalled spectator was closed %v after its queue filled, want SlowTimeout (%v)", behind, slowTimeout)
	}
}
