package realtime

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lxzan/gws"
	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/wire"
)

// memClientsEnv names the environment variable that turns
// TestConnMemoryClients into BenchmarkConnMemory's client process: it holds
// the server's ws:// URL, a space, and the room codes separated by commas.
const memClientsEnv = "TICKARENA_MEMBENCH_CLIENTS"

// memRoomSize is the number of players per room in BenchmarkConnMemory, as in
// `make loadtest`.
const memRoomSize = 50

// numberedAuth accepts the tokens "tok-<n>" as player "p-<n>".
type numberedAuth struct{}

func (numberedAuth) Verify(token string) (string, string, error) {
	n, ok := strings.CutPrefix(token, "tok-")
	if !ok || n == "" {
		return "", "", fmt.Errorf("unknown token %q", token)
	}
	return "p-" + n, "Player " + n, nil
}

// BenchmarkConnMemory measures what one seated connection costs the server
// in memory: it seats real WebSocket clients, 50 to a room, over loopback,
// lets the rooms tick for four seconds with every client sending inputs, and
// reports the growth over the idle server divided by the number of clients.
// The clients run in a child process (this test binary, see
// TestConnMemoryClients) so that only the server's memory is counted.
// Each iteration is a whole measurement: run it with -benchtime=1x.
//
// Metrics per connection: heap-B/conn is the live heap after a GC (what the
// server holds), heapgoal-B/conn what the GC lets the heap grow to before it
// collects again (GOGC's headroom included), stack-B/conn the goroutine
// stacks and goroutines/conn the goroutines; gc-ms/s is the CPU time the
// GC took per second of play (the runtime's estimate, from its workers' wall
// time: a loaded machine inflates it), gc/s its cycles per second and
// alloc-B/conn/s what a connection allocates per second, which with the
// headroom (heapgoal minus heap) sets how often the GC runs: set GOGC to see
// what a setting costs. Kernel socket buffers are not
// in any of them (nor in the process's RSS).
func BenchmarkConnMemory(b *testing.B) {
	for _, n := range []int{500} {
		b.Run(fmt.Sprintf("clients=%d", n), func(b *testing.B) {
			for range b.N {
				measureConnMemory(b, n)
			}
		})
	}
}

func measureConnMemory(b *testing.B, n int) {
	m, url := startServer(b, Options{Auth: numberedAuth{}, PublicRooms: -1, Bots: -1,
		MaxConnections: n + 10, MaxConnectionsPerAddr: n + 10, MaxRooms: n/memRoomSize + 10})
	var codes []string
	for i := 0; i < n; i += memRoomSize {
		_, code, err := m.CreateRoom(RoomSpec{Capacity: memRoomSize, Bots: -1, Public: true})
		if err != nil {
			b.Fatalf("CreateRoom: %v", err)
		}
		codes = append(codes, code)
	}
	// Let the empty rooms tick once, so that what they allocate anyway is in
	// the baseline.
	time.Sleep(200 * time.Millisecond)
	before := memNow()

	cmd := exec.Command(os.Args[0], "-test.run=^TestConnMemoryClients$", "-test.count=1")
	cmd.Env = append(os.Environ(), memClientsEnv+"="+url+" "+strings.Join(codes, ","))
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatalf("start the client process: %v", err)
	}
	defer func() {
		_ = stdin.Close() // tells the client process to leave
		_ = cmd.Wait()
	}()
	seated := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if sc.Text() == "seated" {
				seated <- nil
				_, _ = io.Copy(io.Discard, stdout)
				return
			}
		}
		seated <- fmt.Errorf("client process ended before its %d clients were seated", n)
	}()
	select {
	case err := <-seated:
		if err != nil {
			b.Fatal(err)
		}
	case <-time.After(60 * time.Second):
		b.Fatalf("%d clients not seated within 60 s", n)
	}
	if got := m.connCount(); got != n {
		b.Fatalf("server holds %d connections, want %d", got, n)
	}
	// Steady state: views, rosters, pings. What the GC costs is read over a
	// window of it, before memNow forces collections.
	time.Sleep(time.Second)
	gc0, t0 := gcNow(), time.Now()
	time.Sleep(3 * time.Second)
	gc1, secs := gcNow(), time.Since(t0).Seconds()
	after := memNow()

	per := func(a, b uint64) float64 { return (float64(a) - float64(b)) / float64(n) }
	b.ReportMetric(per(after.heap, before.heap), "heap-B/conn")
	b.ReportMetric(per(after.goal, before.goal), "heapgoal-B/conn")
	b.ReportMetric(per(after.stack, before.stack), "stack-B/conn")
	b.ReportMetric((gc1.cpu-gc0.cpu)/secs*1000, "gc-ms/s")
	b.ReportMetric((gc1.cycles-gc0.cycles)/secs, "gc/s")
	b.ReportMetric((gc1.alloc-gc0.alloc)/secs/float64(n), "alloc-B/conn/s")
	b.ReportMetric((float64(after.goroutines)-float64(before.goroutines))/float64(n), "goroutines/conn")
}

// memSample is the server process's memory at one moment, after a GC.
type memSample struct {
	heap, goal, stack uint64
	goroutines        int
}

// gcSample is the GC's CPU time (seconds), its cycles and the bytes allocated
// so far.
type gcSample struct{ cpu, cycles, alloc float64 }

func gcNow() gcSample {
	s := []metrics.Sample{{Name: "/cpu/classes/gc/total:cpu-seconds"}, {Name: "/gc/cycles/total:gc-cycles"},
		{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	return gcSample{cpu: s[0].Value.Float64(), cycles: float64(s[1].Value.Uint64()),
		alloc: float64(s[2].Value.Uint64())}
}

func memNow() memSample {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return memSample{heap: ms.HeapAlloc, goal: ms.NextGC, stack: ms.StackInuse,
		goroutines: runtime.NumGoroutine()}
}

func (m *Manager) connCount() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.conns)
}

// TestConnMemoryClients is BenchmarkConnMemory's client process; run on its
// own it skips. It seats memRoomSize clients in each room named, prints
// "seated", and plays (an input every other tick, acknowledging the latest
// delta) until its standard input closes.
func TestConnMemoryClients(t *testing.T) {
	spec := os.Getenv(memClientsEnv)
	if spec == "" {
		t.Skip("the client process of BenchmarkConnMemory")
	}
	url, rooms, _ := strings.Cut(spec, " ")
	var clients []*memClient
	for i, code := range strings.Split(rooms, ",") {
		for j := range memRoomSize {
			c := &memClient{welcome: make(chan struct{})}
			conn, _, err := gws.NewClient(c, &gws.ClientOption{Addr: url})
			if err != nil {
				t.Fatalf("dial %s: %v", url, err)
			}
			c.conn = conn
			go conn.ReadLoop()
			id := strconv.Itoa(i*memRoomSize + j)
			c.write(wire.AppendHello(nil, wire.Hello{Version: wire.Version, Token: "tok-" + id, Room: code}))
			clients = append(clients, c)
		}
	}
	deadline := time.After(30 * time.Second)
	for i, c := range clients {
		select {
		case <-c.welcome:
		case <-deadline:
			t.Fatalf("client %d of %d got no welcome within 30 s", i, len(clients))
		}
	}
	fmt.Println("seated")
	stop := make(chan struct{})
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		close(stop)
	}()
	tick := time.NewTicker(time.Second / 15)
	defer tick.Stop()
	for seq := uint32(1); ; seq++ {
		select {
		case <-stop:
			return
		case <-tick.C:
		}
		for _, c := range clients {
			c.write(wire.AppendInput(nil, wire.Input{Seq: seq, Ack: c.tick.Load(), N: 1,
				Steps: [wire.MaxInputSteps]wire.InputStep{{Buttons: game.Buttons(uint8(seq>>4) & 3), Aim: game.Angle(uint16(seq * 500))}}}))
		}
	}
}

// memClient is a lean gws client for TestConnMemoryClients: it keeps only
// the tick of the latest delta, for its inputs' acknowledgement.
type memClient struct {
	conn    *gws.Conn
	welcome chan struct{}
	once    sync.Once
	tick    atomic.Uint32
	mu      sync.Mutex
}

func (c *memClient) write(b []byte) {
	c.mu.Lock()
	_ = c.conn.WriteMessage(gws.OpcodeBinary, b)
	c.mu.Unlock()
}

func (c *memClient) OnOpen(*gws.Conn)             {}
func (c *memClient) OnClose(*gws.Conn, error)     {}
func (c *memClient) OnPing(s *gws.Conn, p []byte) { _ = s.WritePong(p) }
func (c *memClient) OnPong(*gws.Conn, []byte)     {}
func (c *memClient) OnMessage(_ *gws.Conn, msg *gws.Message) {
	defer msg.Close()
	frame := msg.Bytes()
	var m wire.ServerMsg
	for len(frame) > 0 {
		rest, err := wire.DecodeServerNext(frame, &m)
		if err != nil {
			return
		}
		switch wire.PeekType(frame) {
		case wire.TypeWelcome:
			c.once.Do(func() { close(c.welcome) })
		case wire.TypeDelta:
			c.tick.Store(m.Delta.Tick)
		}
		frame = rest
	}
}
