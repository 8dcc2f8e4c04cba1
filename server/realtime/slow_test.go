package realtime

import (
	"testing"
	"time"

	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/wire"
	"github.com/tickarena/tickarena/internal/servertest"
	"github.com/tickarena/tickarena/internal/testwait"
)

func TestSlowReader(t *testing.T) {
	obs := newCountingObserver()
	const maxInFlight = 8
	m, url := startServer(t, Options{
		SendRate: 60, // a frame every tick: the deltas a bystander gets are the ticks run
		Bots:     16, TickRate: 60, Area: wire.WholeWorld, SendBuffer: 4096,
		MaxInFlight: maxInFlight, SlowTimeout: time.Second, Observer: obs,
	})
	fast := []*servertest.Player{servertest.MustDial(t, url), servertest.MustDial(t, url)}
	fast[0].Join(t, "tok-ann", "arena-1")
	fast[1].Join(t, "tok-bob", "arena-1")
	arena := m.room("arena-1")

	// The slow client says hello and then never reads a byte.
	raw := servertest.DialRaw(t, url, 4096)
	if err := raw.Send(servertest.OpBinary, wire.AppendHello(nil, wire.Hello{Version: wire.Version, Token: "tok-cat", Room: "arena-1"})); err != nil {
		t.Fatalf("send hello: %v", err)
	}
	var slow *client
	testwait.Until(t, testwait.Default, "the slow client to join", func() bool {
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
	start := []int64{fast[0].Deltas(), fast[1].Deltas()}
	var maxSeen int32
	testwait.Until(t, testwait.Default, "the slow client to be closed as too slow", func() bool {
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
		got := c.Deltas() - start[i]
		t.Logf("fast client %d: %d deltas while the room sent %d", i, got, ticks)
		if got < ticks-3 {
			t.Errorf("fast client %d got %d deltas, want %d", i, got, ticks)
		}
		select {
		case <-c.Closed():
			t.Errorf("fast client %d was disconnected", i)
		default:
		}
	}
}

// TestReaderThatStopsReading is a client that says hello and sends an input
// every tick but never reads a byte, behind a large receive buffer: the
// server must see from its acks that it fell behind and close it within
// seconds, long before the kernel's buffers fill, while a normal player in the
// same room plays on.
func TestReaderThatStopsReading(t *testing.T) {
	obs := newCountingObserver()
	m, url := startServer(t, Options{Observer: obs})
	normal := servertest.MustDial(t, url)
	normal.Join(t, "tok-ann", "arena-1")
	stopFlying := make(chan struct{})
	flown := make(chan struct{})
	go func() {
		defer close(flown)
		for {
			select {
			case <-stopFlying:
				return
			case <-time.After(time.Second / 30):
				normal.Input(game.Fire, 0)
			}
		}
	}()
	t.Cleanup(func() { close(stopFlying); <-flown })

	raw := servertest.DialRaw(t, url, 4<<20)
	send := func(b []byte) error { return raw.Send(servertest.OpBinary, b) }
	if err := send(wire.AppendHello(nil, wire.Hello{Version: wire.Version, Token: "tok-cat", Room: "arena-1"})); err != nil {
		t.Fatalf("send hello: %v", err)
	}
	start := time.Now()
	expired := testwait.Deadline(t, 10*time.Second, "the server to close a client that never reads as too slow")
	for seq := uint32(1); obs.closedCount("too slow") == 0 && !expired(); seq++ {
		// It has read nothing, so it acknowledges nothing.
		if err := send(wire.AppendInput(nil, wire.Input{Seq: seq, Ack: 0, N: 1, Steps: [wire.MaxInputSteps]wire.InputStep{{Buttons: game.Fire}}})); err != nil {
			t.Fatalf("send input %d: %v (the server closed the socket before counting the close)", seq, err)
		}
		time.Sleep(time.Second / 30)
	}
	t.Logf("closed as too slow %s after its hello", time.Since(start).Round(time.Millisecond))
	testwait.Until(t, testwait.Default, "the slow client's connection to be released", func() bool { return m.Connections() == 1 })

	// What it would have read: its deltas, then why it was closed.
	code, ec := raw.ReadUntilClose(t, 10*time.Second)
	if code != wire.ClosePolicy || ec != wire.ErrCodeTooSlow {
		t.Errorf("slow reader got close %d after error %d, want %d after %d", code, ec, wire.ClosePolicy, wire.ErrCodeTooSlow)
	}

	before := normal.Deltas()
	testwait.Until(t, testwait.Default, "the normal player to keep getting deltas", func() bool { return normal.Deltas() > before+30 })
	select {
	case <-normal.Closed():
		t.Errorf("the normal player was disconnected (close %d)", normal.CloseCode())
	default:
	}
	if n := obs.closedCount("too slow"); n != 1 {
		t.Errorf("%d connections closed as too slow, want 1", n)
	}
}
