package realtime

import (
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/lxzan/gws"
	"github.com/tickarena/tickarena/game/bot"
	"github.com/tickarena/tickarena/game/wire"
	"github.com/tickarena/tickarena/internal/testwait"
)

const benchClients = 50

// benchRoom returns a room that is not running, so that the benchmark
// goroutine can act as its owner.
func benchRoom(b *testing.B, m *Manager) *room {
	r := newRoom(m, "bench", "BENCH", RoomSpec{Name: "Bench", Capacity: benchClients, Bots: 10}, false)
	m.mu.Lock()
	m.rooms[r.id] = r
	m.rooms[r.code] = r // as Manager.open does: hellos name it by its code
	m.mu.Unlock()
	return r
}

// BenchmarkRoomTickEncode measures one whole room tick in process, without
// sockets: 50 players' inputs through the inbox, bots, game.Step, one
// snapshot, and for every player its view, events and encoded delta.
func BenchmarkRoomTickEncode(b *testing.B) {
	m, err := New(Options{Auth: testAuth, PublicRooms: -1, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	r := benchRoom(b, m)
	players := make([]*player, benchClients)
	brains := make([]*bot.Brain, benchClients)
	for i := range players {
		players[i] = r.seat(fmt.Sprintf("p-%d", i), fmt.Sprintf("Player %d", i))
		brains[i] = bot.New(players[i].ship)
	}
	r.balanceBots()
	var buf []byte
	tick := func() int {
		for i, p := range players {
			p.slot.put(brains[i].Think(r.world))
		}
		r.step(time.Time{})
		r.snap.Capture(r.world)
		n := 0
		for _, p := range players {
			buf = r.encodeDelta(p, buf[:0])
			n += len(buf)
			r.commit(p)
		}
		r.events = r.events[:0]
		return n
	}
	for range 3 * m.opts.TickRate { // past the full snapshots
		tick()
	}
	b.ReportAllocs()
	b.ResetTimer()
	total := 0
	for range b.N {
		total += tick()
	}
	b.ReportMetric(float64(total)/float64(b.N*benchClients), "B/client/tick")
}

// BenchmarkRoomTickLoopback measures one room tick with fan-out to 50 real
// WebSocket clients over loopback: everything BenchmarkRoomTickEncode does plus
// queueing every tick frame for the room's writer (writer.go). The clients read in
// their own goroutines; between ticks (outside the timer) the benchmark waits
// for the sockets to take what was queued, as a real tick interval would.
func BenchmarkRoomTickLoopback(b *testing.B) {
	obs := newCountingObserver()
	m, url := startServer(b, Options{PublicRooms: -1, Observer: obs, MaxConnectionsPerAddr: 1000})
	r := benchRoom(b, m)
	clients := make([]*tclient, benchClients)
	tokens := mapAuth{}
	for i := range clients {
		tokens[fmt.Sprint("tok-", i)] = [2]string{fmt.Sprint("p-", i), fmt.Sprint("Player ", i)}
	}
	m.opts.Auth = tokens
	for i := range clients {
		clients[i] = dial(b, url)
		clients[i].hello(fmt.Sprint("tok-", i), r.code) // by its code: a private room by its id admits only reservations
		r.handle(<-r.cmds)                              // the benchmark is the room's goroutine
	}
	for _, c := range clients {
		c.next(wire.TypeWelcome)
	}
	// drain waits for the sockets to take every queued message, so that each
	// measured tick starts like a real one, 1/TickRate s after the last.
	drain := func() {
		testwait.Until(b, testwait.Default, "the writes to drain", func() bool {
			for _, p := range r.order {
				if p.client.inflight.Load() != 0 {
					return false
				}
			}
			return true
		})
	}
	// The players move and fire like bots, as in BenchmarkRoomTickEncode, so
	// that their deltas and roster lines change as in a real game.
	brains := make([]*bot.Brain, len(r.order))
	for i, p := range r.order {
		brains[i] = bot.New(p.ship)
	}
	now := time.Now()
	ticks := 0
	// tick runs one room tick as the room's loop does, with the roster once
	// a second and a ping every two, so that the bytes counted are all that
	// a client receives.
	tick := func() {
		ticks++
		for i, p := range r.order {
			p.slot.put(brains[i].Think(r.world))
		}
		r.step(now)
		r.fanout(now)
		if ticks%m.opts.TickRate == 0 {
			r.roster()
		}
		if ticks%(2*m.opts.TickRate) == 0 {
			r.ping(now)
		}
	}
	for range 3 * m.opts.TickRate {
		tick()
		drain()
	}
	received := func() (n int64) {
		for _, c := range clients {
			n += c.bytes.Load()
		}
		return n
	}
	// settled waits until the clients have read everything written: nothing
	// more arrives for 50 ms after the writes completed.
	settled := func() int64 {
		last := int64(-1)
		testwait.Until(b, testwait.Default, "the clients to read what was sent", func() bool {
			n := received()
			if n == last {
				return true
			}
			last = n
			time.Sleep(50 * time.Millisecond)
			return false
		})
		return last
	}
	before := settled()
	skipped := obs.skippedCount()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		tick()
		b.StopTimer()
		drain()
		b.StartTimer()
	}
	b.StopTimer()
	perClient := float64(settled()-before) / float64(b.N*benchClients)
	b.ReportMetric(perClient, "B/client/tick")
	b.ReportMetric(perClient*float64(m.opts.TickRate), "B/client/s")
	b.ReportMetric(float64(obs.skippedCount()-skipped)/float64(b.N), "skipped/tick")
}

// BenchmarkRoomTickFanout is BenchmarkRoomTickLoopback with clients that only
// read and discard their bytes (raw sockets, no WebSocket library), so that
// its allocations are the server's alone: the room tick, the fan-out of 50
// tick frames, the room's writer writing them, and the reading of the clients' inputs.
func BenchmarkRoomTickFanout(b *testing.B) {
	m, url := startServer(b, Options{PublicRooms: -1, MaxConnectionsPerAddr: 1000})
	r := benchRoom(b, m)
	tokens := mapAuth{}
	for i := range benchClients {
		tokens[fmt.Sprint("tok-", i)] = [2]string{fmt.Sprint("p-", i), fmt.Sprint("Player ", i)}
	}
	m.opts.Auth = tokens
	for i := range benchClients {
		raw := rawDial(b, url, 0)
		hello := wire.AppendHello(nil, wire.Hello{Version: wire.Version, Token: fmt.Sprint("tok-", i), Room: r.code})
		if _, err := raw.Write(frame(byte(gws.OpcodeBinary), hello)); err != nil {
			b.Fatal(err)
		}
		r.handle(<-r.cmds) // the benchmark is the room's goroutine
		go func() { _, _ = io.Copy(io.Discard, raw.br) }()
	}
	brains := make([]*bot.Brain, len(r.order))
	for i, p := range r.order {
		brains[i] = bot.New(p.ship)
	}
	now := time.Now()
	ticks := 0
	tick := func() {
		ticks++
		for i, p := range r.order {
			p.slot.put(brains[i].Think(r.world))
		}
		r.step(now)
		r.fanout(now)
		if ticks%m.opts.TickRate == 0 {
			r.roster()
		}
		if ticks%(2*m.opts.TickRate) == 0 {
			r.ping(now)
		}
	}
	drain := func() {
		testwait.Until(b, testwait.Default, "the writes to drain", func() bool {
			for _, p := range r.order {
				if p.client.inflight.Load() != 0 {
					return false
				}
			}
			return true
		})
	}
	for range 3 * m.opts.TickRate {
		tick()
		drain()
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		tick()
		b.StopTimer()
		drain()
		b.StartTimer()
	}
	b.StopTimer()
}
