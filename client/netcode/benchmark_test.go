package netcode

import (
	"testing"
	"time"

	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/bot"
	"github.com/tickarena/tickarena/game/wire"
)

// recordMatch steps a world of 40 bot ships and returns the encoded deltas
// one client (the first ship) receives, the first a full snapshot.
func recordMatch(ticks int) (ship uint32, msgs [][]byte) {
	w := game.NewWorld(game.Rules{Seed: 21})
	var brains []*bot.Brain
	for i := range 40 {
		id := w.AddShip("bot"+string(rune('a'+i%26)), true)
		brains = append(brains, bot.New(id))
	}
	ship = brains[0].Ship
	var snap wire.Snapshot
	var enc wire.DeltaEncoder
	var base, cur wire.View
	var events []game.Event
	for range ticks {
		inputs := make([]game.Input, 0, len(brains))
		for _, b := range brains {
			inputs = append(inputs, b.Think(w))
		}
		game.Step(w, inputs)
		events = events[:0]
		for _, ev := range w.Events {
			events = append(events, wire.WireEvent(ev))
		}
		snap.Capture(w)
		snap.ViewInto(&cur, ship, &base, wire.DefaultArea)
		msgs = append(msgs, enc.Append(nil, &base, &cur, 0, events))
		base, cur = cur, base
	}
	return ship, msgs
}

// benchClient returns a playing client fed by hand.
func benchClient(b *testing.B, ship uint32, o Options) (*Client, *Inbox, time.Time) {
	var in *Inbox
	o.Logger = quietLogger()
	o.Dial = func(url string, i *Inbox) (Transport, error) { in = i; return &recorder{}, nil }
	c := New(o)
	now := epoch
	c.Start(now)
	in.Opened()
	w := testWelcome
	w.Ship = ship
	in.Received(wire.AppendWelcome(nil, w))
	c.Update(now)
	if c.State() != StatePlaying {
		b.Fatalf("state %v", c.State())
	}
	return c, in, now
}

// BenchmarkDelta measures one delta through the client: queue, decode,
// apply to the mirror, history, prediction and events.
func BenchmarkDelta(b *testing.B) {
	for _, tc := range []struct {
		name string
		opt  Options
	}{{"render", Options{}}, {"mirror-only", Options{MirrorOnly: true}}} {
		b.Run(tc.name, func(b *testing.B) {
			ship, msgs := recordMatch(301)
			c, in, now := benchClient(b, ship, tc.opt)
			var bytes int
			i := 0
			b.ReportAllocs()
			for b.Loop() {
				if i == len(msgs) {
					b.StopTimer()
					c, in, now = benchClient(b, ship, tc.opt)
					i = 0
					b.StartTimer()
				}
				now = now.Add(time.Second / 30)
				in.Received(msgs[i])
				c.Update(now)
				bytes += len(msgs[i])
				i++
			}
			if c.Stats().Resyncs != 0 {
				b.Fatalf("resyncs: %+v", c.Stats())
			}
			b.ReportMetric(float64(bytes)/float64(b.N), "B/delta")
			b.ReportMetric(float64(len(c.Mirror().Entities)), "entities")
		})
	}
}

// BenchmarkFrame measures one rendered frame: the own ship predicted, the
// other ships interpolated, pellets and bullets.
func BenchmarkFrame(b *testing.B) {
	ship, msgs := recordMatch(120)
	c, in, now := benchClient(b, ship, Options{})
	for _, m := range msgs {
		now = now.Add(time.Second / 30)
		in.Received(m)
		c.Update(now)
	}
	start := now.Add(-time.Second / 2)
	k := 0
	b.ReportAllocs()
	for b.Loop() {
		// Frames move through the last half second, over and over.
		t := start.Add(time.Duration(k%30) * time.Second / 60)
		k++
		f := c.Frame(t)
		if len(f.Pellets) == 0 {
			b.Fatal("empty frame")
		}
	}
	f := c.Frame(now)
	b.ReportMetric(float64(len(f.Ships)), "ships")
	b.ReportMetric(float64(len(f.Pellets)), "pellets")
}
