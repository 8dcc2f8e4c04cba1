package app

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tickarena/tickarena/game/wire"
	"github.com/tickarena/tickarena/internal/cputime"
	"github.com/tickarena/tickarena/internal/testwait"
	"github.com/tickarena/tickarena/server/metrics"
	"github.com/tickarena/tickarena/server/realtime"
)

// tickRooms is the number of rooms of the tick benchmarks, the Manager's
// default MaxRooms.
const tickRooms = 200

// tickRig is a Manager with tickRooms public rooms, each ticking on its own
// goroutine as in production, with the server's real observer (counting
// ticks on the way), served by a real gws server on loopback, and players on
// raw sockets that read and discard what they get and send nothing after
// their hello (so what allocates is the tick path and the writes alone).
type tickRig struct {
	t       testing.TB
	m       *realtime.Manager
	url     string
	ticks   atomic.Int64 // room ticks, all rooms
	clients int
}

// tickCounter is the server's observer with every room tick counted.
type tickCounter struct {
	*observer
	n *atomic.Int64
}

func (o tickCounter) OpenRoom(id string, public bool) realtime.RoomObserver {
	return countedRoom{o.observer.OpenRoom(id, public), o.n}
}

type countedRoom struct {
	realtime.RoomObserver
	n *atomic.Int64
}

func (r countedRoom) Tick(d time.Duration) {
	r.n.Add(1)
	r.RoomObserver.Tick(d)
}

// anyToken admits every token as its own player.
type anyToken struct{}

func (anyToken) Verify(token string) (string, string, error) { return "p-" + token, token, nil }

func newTickRig(t testing.TB) *tickRig {
	g := &tickRig{t: t}
	m, err := realtime.New(realtime.Options{CPUCeiling: -1,
		Auth: anyToken{}, Observer: tickCounter{newObserver(metrics.New("bench")), &g.ticks},
		PublicRooms: tickRooms, MaxRooms: tickRooms, MaxConnectionsPerAddr: 10000,
		IdleTimeout: time.Hour, // the players send nothing after their hello
		Logger:      slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = m.Shutdown(ctx)
		srv.Close()
	})
	g.m, g.url = m, srv.URL
	return g
}

// seat connects n more players to every room and waits until they are in.
func (g *tickRig) seat(n int) {
	t := g.t
	for room := 1; room <= tickRooms; room++ {
		for range n {
			g.clients++
			g.dial(fmt.Sprintf("arena-%d", room), fmt.Sprint("tok-", g.clients))
		}
	}
	testwait.Until(t, time.Minute, fmt.Sprintf("%d players seated", g.clients), func() bool {
		humans := 0
		for _, st := range g.m.Rooms() {
			humans += st.Humans
		}
		return humans == g.clients
	})
	g.wait(2 * 30) // past their first whole snapshots and their first roster
}

// dial opens a WebSocket to room as token's player: a handshake and a
// masked hello frame by hand, then a goroutine that reads into one buffer
// (no pool, no allocation) until the connection ends.
func (g *tickRig) dial(room, token string) {
	t := g.t
	conn, err := net.Dial("tcp", strings.TrimPrefix(g.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	var key [16]byte
	_, _ = rand.Read(key[:])
	fmt.Fprintf(conn, "GET / HTTP/1.1\r\nHost: bench\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: %s\r\n\r\n", base64.StdEncoding.EncodeToString(key[:]))
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("handshake: %v %v", resp, err)
	}
	hello := wire.AppendHello(nil, wire.Hello{Version: wire.Version, Token: token, Room: room})
	frame := append([]byte{0x82, 0x80 | byte(len(hello)), 0, 0, 0, 0}, hello...) // mask 0: the payload as is
	if len(hello) > 125 {
		t.Fatalf("hello of %d bytes", len(hello))
	}
	if _, err := conn.Write(frame); err != nil {
		t.Fatal(err)
	}
	go func() {
		buf := make([]byte, 64<<10)
		for {
			if _, err := br.Read(buf); err != nil {
				return
			}
		}
	}()
}

// wait returns once the rooms have ticked n times each, on average.
func (g *tickRig) wait(n int) {
	target := g.ticks.Load() + int64(n*tickRooms)
	for g.ticks.Load() < target {
		time.Sleep(time.Millisecond)
	}
}

// BenchmarkManagerTick measures one tick of every room of a Manager with
// 200 rooms, the server's observer included, with 1 and 5 players a room:
// an op is 200 room ticks. The rooms tick on their own schedule (30 a
// second), so ns/op is the tick interval; what counts is cpu-ns/tick, the
// process's CPU time (the room goroutines, the writes, the players' reads)
// per Manager tick, and the allocations per tick and per player and tick.
func BenchmarkManagerTick(b *testing.B) {
	for _, perRoom := range []int{1, 5} {
		b.Run(fmt.Sprintf("players=%d", perRoom*tickRooms), func(b *testing.B) {
			g := newTickRig(b)
			g.seat(perRoom)
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			cpu := cputime.Process()
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				g.wait(1)
			}
			b.StopTimer()
			cpu = cputime.Process() - cpu
			runtime.ReadMemStats(&after)
			allocs := float64(after.Mallocs - before.Mallocs)
			b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/tick")
			b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N*g.clients), "cpu-ns/client/tick")
			b.ReportMetric(allocs/float64(b.N), "allocs/tick")
			b.ReportMetric(allocs/float64(b.N*g.clients), "allocs/client/tick")
		})
	}
}

// TestTickAllocatesNothingPerClient: a steady-state tick of a Manager with
// 200 rooms, observer and writes included, allocates nothing per player.
// It measures the allocations of a Manager tick with one player a room and
// again with four, and fails when the difference comes to 0.05 or more per
// player added: what a room allocates whatever its players (its second's
// work, its stats) cancels out.
func TestTickAllocatesNothingPerClient(t *testing.T) {
	if testing.Short() {
		t.Skip("opens 800 WebSockets")
	}
	if raceEnabled {
		t.Skip("allocation counts mean nothing under the race detector (sync.Pool drops at random)")
	}
	g := newTickRig(t)
	const ticks = 30
	// As testing.AllocsPerRun, but without its GOMAXPROCS of 1: the rooms,
	// their writers and the players' readers run as in production.
	perTick := func() float64 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		g.wait(ticks)
		runtime.ReadMemStats(&after)
		return float64(after.Mallocs-before.Mallocs) / ticks
	}
	g.seat(1)
	one := perTick()
	g.seat(3)
	four := perTick()
	perClient := (four - one) / float64(3*tickRooms)
	t.Logf("allocations per Manager tick: %.1f with %d players, %.1f with %d: %.3f per player and tick",
		one, tickRooms, four, 4*tickRooms, perClient)
	if perClient >= 0.05 {
		t.Errorf("a tick allocates %.2f times per player (%.0f allocations per Manager tick with %d players, %.0f with %d), want 0",
			perClient, one, tickRooms, four, 4*tickRooms)
	}
}
