package realtime

import (
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

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
// queueing every delta on its socket with WriteAsync. The clients read in
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
		clients[i].hello(fmt.Sprint("tok-", i), r.id)
		r.handle(<-r.cmds) // the benchmark is the room's goroutine
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
	now := time.Now()
	for range 3 * m.opts.TickRate {
		r.step(now)
		r.fanout(now)
		drain()
	}
	var sent int64
	for _, p := range r.order {
		sent += p.client.sentBytes.Load()
	}
	skipped := obs.skippedCount()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		r.step(now)
		r.fanout(now)
		b.StopTimer()
		drain()
		b.StartTimer()
	}
	b.StopTimer()
	for _, p := range r.order {
		sent -= p.client.sentBytes.Load()
	}
	b.ReportMetric(float64(-sent)/float64(b.N*benchClients), "B/client/tick")
	b.ReportMetric(float64(obs.skippedCount()-skipped)/float64(b.N), "skipped/tick")
}
