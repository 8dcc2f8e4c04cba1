package realtime

import (
	"testing"
	"time"

	"github.com/tickarena/tickarena/game/wire"
	"github.com/tickarena/tickarena/internal/servertest"
	"github.com/tickarena/tickarena/internal/testwait"
)

// TestOneFramePerTick: a client gets one frame per tick and nothing else
// after its welcome: the roster, the server's pings and the pongs to its own
// pings ride in the tick frames, after the delta. The pong says how long it
// waited for its frame, at most about a tick interval.
func TestOneFramePerTick(t *testing.T) {
	const rate = 20
	_, url := startServer(t, Options{Bots: 2, TickRate: rate, PingInterval: 300 * time.Millisecond})
	c := servertest.MustDial(t, url)
	c.Join(t, "tok-ann", "arena-1")
	counts := map[wire.Type]int{}
	var pong *wire.Pong
	expired := testwait.Deadline(t, testwait.Default, "two rosters, three pings and a pong")
	for !expired() && (counts[wire.TypeRoster] < 2 || counts[wire.TypePing] < 3 || pong == nil) {
		if counts[wire.TypeDelta] == 5 {
			sent := time.Now().UnixNano()
			c.Send(wire.AppendPing(nil, wire.Ping{Time: sent}))
		}
		var b []byte
		select {
		case b = <-c.Messages():
		case <-time.After(time.Second):
			continue
		}
		var m wire.ServerMsg
		if err := wire.DecodeServer(b, &m); err != nil {
			t.Fatalf("decode: %v", err)
		}
		counts[m.Type]++
		if m.Type == wire.TypePong {
			pong = &m.Pong
		}
	}
	frames, deltas := c.Frames(), int64(counts[wire.TypeDelta])
	t.Logf("%d frames: %v by type", frames, counts)
	// Frames may have arrived that the loop has not read yet: count again.
	for len(c.Messages()) > 0 {
		if wire.PeekType(<-c.Messages()) == wire.TypeDelta {
			deltas++
		}
	}
	if frames != deltas+1 {
		t.Errorf("%d frames for %d deltas and a welcome: the roster (%d), pings (%d) and pong (%d) took frames of their own",
			frames, deltas, counts[wire.TypeRoster], counts[wire.TypePing], counts[wire.TypePong])
	}
	if pong == nil {
		t.Fatalf("no pong to the client's ping")
	}
	if held := time.Duration(pong.Held) * time.Microsecond; held > time.Second/rate+100*time.Millisecond {
		t.Errorf("the pong says it waited %v, want at most about a tick (%v)", held, time.Second/rate)
	}
}
