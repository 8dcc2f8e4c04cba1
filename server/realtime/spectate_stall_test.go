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

// TestFollowerOfANewShipIsToldTheMiddlesEvents: a spectator that follows a
// ship which joined less than SpectateDelay ago, not yet in the delayed
// frame of a room that spectators watch, sees the arena's middle until the
// ship appears there, and is
// told the events around that middle, not those around some other point.
// The players' area here reaches from the middle to every edge, so every
// event of those frames is near.
func TestFollowerOfANewShipIsToldTheMiddlesEvents(t *testing.T) {
	const delayTicks = 30 // a second at 30 Hz
	m, url := startServer(t, Options{Bots: 8, SpectateDelay: time.Second, Area: wire.Area{HalfW: 2000, HalfH: 2000}})
	r := m.room("arena-1")
	// A first spectator watches from the start: the room keeps its frames.
	watch(t, servertest.MustDial(t, url), "tok-cat", "arena-1", 0)
	start := r.tick.Load()
	testwait.Until(t, testwait.Default, "the room to keep frames for twice the spectators' delay", func() bool { return r.tick.Load() > start+2*delayTicks })
	ann := servertest.MustDial(t, url)
	annShip := ann.Join(t, "tok-ann", "arena-1").Ship
	c := servertest.MustDial(t, url)
	if _, s := watch(t, c, "tok-bob", "arena-1", annShip); s.Follow != annShip {
		t.Fatalf("spectating %+v, want ann's ship %d", s, annShip)
	}
	told, deltas := 0, 0
	for seen := false; !seen; {
		d := c.Next(t, wire.TypeDelta).Delta
		for _, e := range d.Created {
			seen = seen || e.ID == annShip
		}
		if seen {
			break
		}
		deltas++
		for _, ev := range d.Events {
			if ev.A != annShip && ev.B != annShip {
				told++
			}
		}
	}
	if told == 0 {
		t.Fatalf("a spectator following ann's new ship was told no event of the room in %d deltas before her ship reached its delayed frame; want the events around the arena's middle it watches", deltas)
	}
	t.Logf("%d events in %d deltas before ann's ship appeared", told, deltas)
}
