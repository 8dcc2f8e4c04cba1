package realtime

import (
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/tickarena/tickarena/game/bot"
	"github.com/tickarena/tickarena/game/wire"
	"github.com/tickarena/tickarena/internal/cputime"
	"github.com/tickarena/tickarena/internal/servertest"
	"github.com/tickarena/tickarena/internal/testwait"
)

const benchClients = 50

// benchRoom returns a room that is not running, so that the benchmark
// goroutine can act as its owner.
func benchRoom(b testing.TB, m *Manager) *room {
	r := newRoom(m, "bench", "BENCH", RoomSpec{Name: "Bench", Capacity: benchClients, Bots: 10}, false)
	m.mu.Lock()
	m.rooms[r.id] = r
	m.rooms[r.code] = r // as Manager.open does: hellos name it by its code
	m.mu.Unlock()
	return r
}

// benchManager returns a Manager with no public room, for a benchmark that
// drives a room of its own in process (no sockets).
func benchManager(b testing.TB, opts Options) *Manager {
	b.Helper()
	opts.Auth, opts.PublicRooms, opts.CPUCeiling = testAuth, -1, -1
	opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	m, err := New(opts)
	if err != nil {
		b.Fatal(err)
	}
	return m
}

// seatBenchPlayers seats benchClients players in r, each steered by a bot's
// brain, and fills the room with its bots.
func seatBenchPlayers(r *room) ([]*player, []*bot.Brain) {
	players := make([]*player, benchClients)
	brains := make([]*bot.Brain, benchClients)
	for i := range players {
		players[i] = r.seat(fmt.Sprintf("p-%d", i), fmt.Sprintf("Player %d", i))
		brains[i] = bot.New(players[i].ship)
	}
	r.balanceBots()
	return players, brains
}

// think puts each player's brain's input in its slot, as its client would.
func think(r *room, players []*player, brains []*bot.Brain) {
	for i, p := range players {
		p.slot.put(brains[i].Think(r.world))
	}
}

// loopbackBench is a room of benchClients players on real sockets, which
// the benchmark drives as the room's goroutine.
type loopbackBench struct {
	b      *testing.B
	m      *Manager
	r      *room
	url    string
	brains []*bot.Brain
	now    time.Time
	ticks  int
}

// newLoopbackBench starts a server as opts say and a room on it that the
// benchmark owns; the players arrive through join.
func newLoopbackBench(b *testing.B, opts Options) *loopbackBench {
	opts.PublicRooms, opts.MaxConnectionsPerAddr = -1, 1000
	m, url := startServer(b, opts)
	tokens := mapAuth{}
	for i := range benchClients {
		tokens[benchToken(i)] = [2]string{fmt.Sprint("p-", i), fmt.Sprint("Player ", i)}
	}
	m.opts.Auth = tokens
	return &loopbackBench{b: b, m: m, r: benchRoom(b, m), url: url, now: time.Now()}
}

// benchToken is the token of a loopbackBench's player i.
func benchToken(i int) string { return fmt.Sprint("tok-", i) }

// join lets in the hello a player has just sent, as the room's goroutine
// would. The hello names the room by its code: a private room by its id
// admits only reservations.
func (lb *loopbackBench) join() { lb.r.handle(<-lb.r.cmds) }

// play gives every seated player a bot's brain, once they have all joined.
func (lb *loopbackBench) play() {
	lb.brains = make([]*bot.Brain, len(lb.r.order))
	for i, p := range lb.r.order {
		lb.brains[i] = bot.New(p.ship)
	}
}

// tick runs one room tick as the room's loop does, the players moving and
// firing like bots, with the roster once a second and a ping every two, so
// that the bytes sent are all that a client receives; it fans out on the
// ticks the send rate makes due (every tick by default).
func (lb *loopbackBench) tick() {
	lb.ticks++
	think(lb.r, lb.r.order, lb.brains)
	lb.r.step(lb.now)
	if lb.r.frameDue() {
		lb.r.fanout(lb.now)
	}
	if lb.ticks%lb.m.opts.TickRate == 0 {
		lb.r.roster()
	}
	if lb.ticks%(2*lb.m.opts.TickRate) == 0 {
		lb.r.ping(lb.now)
	}
}

// drain waits for the sockets to take every queued message, so that each
// measured tick starts like a real one, 1/TickRate s after the last.
func (lb *loopbackBench) drain() {
	testwait.Until(lb.b, testwait.Default, "the writes to drain", func() bool {
		for _, p := range lb.r.order {
			if p.client.inflight.Load() != 0 {
				return false
			}
		}
		return true
	})
}

// warmUp plays the room past its full snapshots.
func (lb *loopbackBench) warmUp() {
	for range 3 * lb.m.opts.TickRate {
		lb.tick()
		lb.drain()
	}
}

// measure times b.N ticks, each followed (outside the timer) by drain.
func (lb *loopbackBench) measure() {
	lb.b.ReportAllocs()
	lb.b.ResetTimer()
	for range lb.b.N {
		lb.tick()
		lb.b.StopTimer()
		lb.drain()
		lb.b.StartTimer()
	}
	lb.b.StopTimer()
}

// BenchmarkRoomTickEncode measures one whole room tick in process, recording
// its replay as a server does by default, without sockets: 50 players'
// inputs through the inbox, bots, game.Step, one snapshot, and for every
// player its view, events and encoded delta; with the CPU time of the step
// and of the encoding apart.
func BenchmarkRoomTickEncode(b *testing.B) {
	m := benchManager(b, Options{RecordReplays: true})
	r := benchRoom(b, m)
	players, brains := seatBenchPlayers(r)
	var buf []byte
	var stepCPU, encodeCPU time.Duration
	tick := func() int {
		t0 := cputime.Process()
		think(r, players, brains)
		r.step(time.Time{})
		t1 := cputime.Process()
		r.capture()
		n := 0
		for _, p := range players {
			buf = r.encodeDelta(p, buf[:0])
			n += len(buf)
			r.commit(p)
		}
		r.events = r.events[:0]
		t2 := cputime.Process()
		stepCPU, encodeCPU = stepCPU+t1-t0, encodeCPU+t2-t1
		return n
	}
	for range 3 * m.opts.TickRate { // past the full snapshots
		tick()
	}
	stepCPU, encodeCPU = 0, 0
	b.ReportAllocs()
	b.ResetTimer()
	total := 0
	for range b.N {
		total += tick()
	}
	b.StopTimer()
	b.ReportMetric(float64(total)/float64(b.N*benchClients), "B/client/tick")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/tick")
	// In process CPU time, steadier than the clock on a busy machine: the
	// step (bots, inputs, game.Step, the replay recorder) and the encoding
	// (the snapshot, then every player's view and delta).
	b.ReportMetric(float64(stepCPU.Nanoseconds())/float64(b.N), "step-cpu-ns/tick")
	b.ReportMetric(float64(encodeCPU.Nanoseconds())/float64(b.N), "encode-cpu-ns/tick")
	b.ReportMetric(float64(encodeCPU.Nanoseconds())/float64(b.N*benchClients), "encode-cpu-ns/client/tick")
}

// BenchmarkRoomTickLoopback measures one room tick with fan-out to 50 real
// WebSocket clients over loopback: everything BenchmarkRoomTickEncode does plus
// queueing every tick frame for the room's writer (writer.go). The clients read in
// their own goroutines; between ticks (outside the timer) the benchmark waits
// for the sockets to take what was queued, as a real tick interval would.
func BenchmarkRoomTickLoopback(b *testing.B) {
	obs := newCountingObserver()
	lb := newLoopbackBench(b, Options{Observer: obs})
	clients := make([]*servertest.Player, benchClients)
	for i := range clients {
		clients[i] = servertest.MustDial(b, lb.url)
		clients[i].Hello(benchToken(i), lb.r.code)
		lb.join()
	}
	for _, c := range clients {
		c.Next(b, wire.TypeWelcome)
	}
	lb.play()
	lb.warmUp()
	received := func() (n int64) {
		for _, c := range clients {
			n += c.Bytes()
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
	lb.measure()
	perClient := float64(settled()-before) / float64(b.N*benchClients)
	b.ReportMetric(perClient, "B/client/tick")
	b.ReportMetric(perClient*float64(lb.m.opts.TickRate), "B/client/s")
	b.ReportMetric(float64(obs.skippedCount()-skipped)/float64(b.N), "skipped/tick")
}

// BenchmarkRoomTickFanout is BenchmarkRoomTickLoopback with clients that only
// read and discard their bytes (raw sockets, no WebSocket library), so that
// its allocations are the server's alone: the room tick, the fan-out of 50
// tick frames, the room's writer writing them, and the reading of the clients' inputs.
func BenchmarkRoomTickFanout(b *testing.B) {
	lb := newFanoutBench(b, Options{})
	lb.measure()
}

// BenchmarkRoomTickFanoutSendRate is BenchmarkRoomTickFanout at send rates
// of 30 (a frame every tick), 15 and 10 frames a second, 30 ticks a second,
// with the CPU time of the whole process per tick: the room's tick and
// fan-out, its writer's write(2)s and the raw clients' reads, which happen
// between the ticks (drain). CPU time, not the clock, so that a busy
// machine slows it down without changing it much.
func BenchmarkRoomTickFanoutSendRate(b *testing.B) {
	for _, rate := range []int{30, 15, 10} {
		b.Run(fmt.Sprintf("send-rate=%d", rate), func(b *testing.B) {
			lb := newFanoutBench(b, Options{TickRate: 30, SendRate: rate})
			lb.b.ReportAllocs()
			lb.b.ResetTimer()
			cpu := cputime.Process()
			for range lb.b.N {
				lb.tick()
				lb.drain()
			}
			cpu = cputime.Process() - cpu
			lb.b.StopTimer()
			b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/tick")
			b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N*benchClients), "cpu-ns/client/tick")
		})
	}
}

// newFanoutBench starts a loopbackBench of benchClients raw clients that
// read and discard, seated and warmed up.
func newFanoutBench(b *testing.B, opts Options) *loopbackBench {
	lb := newLoopbackBench(b, opts)
	for i := range benchClients {
		raw := servertest.DialRaw(b, lb.url, 0)
		hello := wire.AppendHello(nil, wire.Hello{Version: wire.Version, Token: benchToken(i), Room: lb.r.code})
		if err := raw.Send(servertest.OpBinary, hello); err != nil {
			b.Fatal(err)
		}
		lb.join()
		go func() { _, _ = io.Copy(io.Discard, raw) }()
	}
	lb.play()
	lb.warmUp()
	return lb
}
