package realtime

import (
	"fmt"
	"testing"
	"time"

	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/wire"
	"github.com/tickarena/tickarena/internal/servertest"
	"github.com/tickarena/tickarena/internal/testwait"
)

// awaitAck reads deltas until one acknowledges input seq, failing the test
// after testwait.Default with what it waited for.
func awaitAck(t testing.TB, c *servertest.Player, seq uint32) {
	t.Helper()
	expired := testwait.Deadline(t, testwait.Default, fmt.Sprintf("a delta that acknowledges input %d", seq))
	for !expired() && c.Next(t, wire.TypeDelta).Delta.LastSeq != seq {
	}
}

// TestRejoinedPlayerNumbersInputsAnew: a player who comes back on a new
// connection (after a drop, or replacing the open one) is steered by the new
// connection's inputs even though it numbers them from scratch, below the
// numbers the old connection had reached, and whatever number it starts at.
func TestRejoinedPlayerNumbersInputsAnew(t *testing.T) {
	for _, how := range []string{"after a drop", "replacing the open connection"} {
		for _, start := range []uint32{1, 7} {
			t.Run(fmt.Sprintf("%s, first input %d", how, start), func(t *testing.T) {
				m, url := startServer(t, Options{Bots: -1, ReconnectGrace: time.Minute})
				old := servertest.MustDial(t, url)
				old.Join(t, "tok-ann", "arena-1")
				var last uint32
				for range 20 { // one a tick, as a client does
					last = old.Input(0, 0)
					awaitAck(t, old, last)
				}
				if how == "after a drop" {
					old.Drop()
					testwait.Until(t, testwait.Default, "the server to notice the drop", func() bool { return m.Connections() == 0 })
				}
				next := servertest.MustDial(t, url)
				next.Join(t, "tok-ann", "arena-1")
				next.SetSeq(start - 1)
				seq := next.Input(8, 0)
				if seq != start || seq >= last {
					t.Fatalf("sent input %d, want %d, below the old connection's %d", seq, start, last)
				}
				awaitAck(t, next, seq)
				seq = next.Input(8, 0)
				awaitAck(t, next, seq)
			})
		}
	}
}

// TestInputsPerTickLimit: a player may send up to MaxInputsPerTick inputs in
// one tick and all of them count; one more in the same tick is dropped and
// counted as "too many", and the next tick accepts inputs again.
func TestInputsPerTickLimit(t *testing.T) {
	for _, limit := range []int{1, 3, 4} {
		t.Run(fmt.Sprintf("limit %d", limit), func(t *testing.T) {
			obs := newCountingObserver()
			// 10 Hz: a burst sent right after a delta lands well inside one tick.
			_, url := startServer(t, Options{Bots: -1, TickRate: 10, MaxInputsPerTick: limit, FloodRate: 50, Observer: obs})
			c := servertest.MustDial(t, url)
			c.Join(t, "tok-ann", "arena-1")

			// burst sends n inputs right after a tick and returns the last
			// input acknowledged once they are handled and how many were
			// refused as too many.
			burst := func(n int) (acked uint32, refused int) {
				t.Helper()
				before := obs.rejectedCount("too many")
				first := c.Seq() + 1
				c.Next(t, wire.TypeDelta)
				for range n {
					c.Input(0, 0)
				}
				// The room applies one queued input a tick. Wait until it has
				// applied the last but one of the burst: by then the whole burst
				// has been handled, and the next tick applies the last one if it
				// was accepted.
				expired := testwait.Deadline(t, testwait.Default, fmt.Sprintf("a delta that acknowledges input %d", c.Seq()-1))
				acked = first - 1
				for !expired() && acked < c.Seq()-1 {
					acked = c.Next(t, wire.TypeDelta).Delta.LastSeq
				}
				if acked < c.Seq() {
					acked = c.Next(t, wire.TypeDelta).Delta.LastSeq
				}
				return acked, obs.rejectedCount("too many") - before
			}

			if acked, refused := burst(limit); acked != c.Seq() || refused != 0 {
				t.Fatalf("%d inputs in one tick: acknowledged up to %d with %d refused; want all %d accepted (ack %d)", limit, acked, refused, limit, c.Seq())
			}
			// One more than the limit: the last is refused. A burst that
			// happened to straddle two ticks is accepted whole; try again.
			for attempt := 1; ; attempt++ {
				acked, refused := burst(limit + 1)
				if refused == 0 && acked == c.Seq() && attempt < 5 {
					t.Logf("attempt %d straddled a tick; again", attempt)
					continue
				}
				if refused != 1 || acked != c.Seq()-1 {
					t.Fatalf("%d inputs in one tick: acknowledged up to %d with %d refused; want input %d refused and %d acknowledged", limit+1, acked, refused, c.Seq(), c.Seq()-1)
				}
				break
			}
			// The next tick takes inputs again.
			if acked, refused := burst(1); acked != c.Seq() || refused != 0 {
				t.Fatalf("input after the limit was hit: acknowledged up to %d with %d refused; want %d accepted", acked, refused, c.Seq())
			}
		})
	}
}

// TestFloodClosesAfterFloodSeconds: a client that sends more than
// FloodRate×TickRate messages a second is closed with 1008 "flood" once it has
// done so for FloodSeconds seconds in a row: not before, and not a second
// later. Here it floods for FloodSeconds seconds and a little, then calms
// down; it must be closed all the same.
func TestFloodClosesAfterFloodSeconds(t *testing.T) {
	const floodSeconds = 2
	obs := newCountingObserver()
	// 10 Hz × FloodRate 4: more than 40 messages in a second is a flood.
	_, url := startServer(t, Options{Bots: -1, TickRate: 10, FloodRate: 4, FloodSeconds: floodSeconds, Observer: obs})
	c := servertest.MustDial(t, url)
	c.Join(t, "tok-ann", "arena-1")
	joined := time.Now()

	// 150 messages a second for floodSeconds+0.15 s: every whole second is
	// a flood, the next one (with 0.15 s of it, ~22 messages, and the calm
	// inputs after) is not. The flood keeps its rate on a slow machine: a
	// late sender catches up with a burst (the server counts messages per
	// second, however they come), so that no second falls short of a flood.
	const floodRate = 150
	closedAt := time.Time{}
	flood := floodSeconds*time.Second + 150*time.Millisecond
	stopFlood := joined.Add(flood)
	giveUp := joined.Add(floodSeconds*time.Second + 3*time.Second)
	sent := 0
	for closedAt.IsZero() && time.Now().Before(giveUp) {
		pause := 7 * time.Millisecond
		if now := time.Now(); now.After(stopFlood) {
			c.Input(0, 0)
			pause = 250 * time.Millisecond // calm: 4 a second
		} else {
			for due := int(now.Sub(joined).Seconds()*floodRate) + 1; sent < due; sent++ {
				c.Input(0, 0)
			}
		}
		select {
		case <-c.Closed():
			closedAt = time.Now()
		case <-time.After(pause):
		}
	}
	if closedAt.IsZero() {
		t.Fatalf("a client that flooded for %d s (then calmed down) was still open %v after joining; want it closed after %d s", floodSeconds, time.Since(joined).Round(time.Millisecond), floodSeconds)
	}
	after := closedAt.Sub(joined)
	if after < floodSeconds*time.Second-300*time.Millisecond {
		t.Errorf("closed %v after it started flooding, before %d s of flood", after, floodSeconds)
	}
	code, e := c.WaitClosed(t)
	if code != wire.ClosePolicy || e == nil || e.Code != wire.ErrCodeFlood {
		t.Errorf("closed with %d %+v, want %d and ErrCodeFlood", code, e, wire.ClosePolicy)
	}
	testwait.Until(t, testwait.Default, "the server to count one connection closed for flood", func() bool { return obs.closedCount("flood") == 1 })
	t.Logf("closed %v after it started flooding", after.Round(time.Millisecond))
}

// TestInputsAfterAStallAllApplied: a client whose inputs were held up for
// slotCap ticks (a stalled page, a congested link, a server too busy to read
// them) delivers them all at once; the room takes every one, in order, one
// a tick, and refuses none as too many or drops none from a full queue.
func TestInputsAfterAStallAllApplied(t *testing.T) {
	obs := newCountingObserver()
	_, url := startServer(t, Options{Bots: -1, TickRate: 10, Observer: obs})
	c := servertest.MustDial(t, url)
	c.Join(t, "tok-ann", "arena-1")
	last, tick := c.Seq(), c.Next(t, wire.TypeDelta).Delta.Tick
	for range slotCap {
		c.Input(game.Right, 0)
	}
	expired := testwait.Deadline(t, testwait.Default, fmt.Sprintf("a delta that acknowledges input %d", c.Seq()))
	for !expired() && last < c.Seq() {
		d := c.Next(t, wire.TypeDelta).Delta
		if d.LastSeq > last+(d.Tick-tick) {
			t.Fatalf("the %d ticks to %d acknowledged input %d after %d: inputs were skipped", d.Tick-tick, d.Tick, d.LastSeq, last)
		}
		last, tick = d.LastSeq, d.Tick
	}
	if last != c.Seq() {
		t.Errorf("acknowledged up to input %d, want %d", last, c.Seq())
	}
	for _, reason := range []string{"too many", "overflow"} {
		if n := obs.rejectedCount(reason); n != 0 {
			t.Errorf("%d inputs rejected as %q, want none", n, reason)
		}
	}
}
