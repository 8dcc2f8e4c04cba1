package app

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lxzan/gws"
	"github.com/tickarena/tickarena/game/wire"
	"github.com/tickarena/tickarena/internal/certtest"
	"github.com/tickarena/tickarena/internal/servertest"
	"github.com/tickarena/tickarena/internal/testwait"
	"github.com/tickarena/tickarena/server/config"
	"github.com/tickarena/tickarena/server/cpustat"
)

// holdTheOnlyConnection seats a flying player on a node started with
// -max-conns 1, so that the node is at its connection limit until the
// player's Close.
func holdTheOnlyConnection(t *testing.T, n *node) *servertest.Player {
	t.Helper()
	token := n.session(t, "Holder")
	p, _, err := dialGame(t, n.base, "")
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	p.Join(t, token, "")
	p.Fly()
	testwait.Until(t, testwait.Default, "the node to count its one connection", func() bool { return n.app.rt.Connections() == 1 })
	return p
}

// TestSaturatedNodeAnswersFull fills a node to its -max-conns with a real
// WebSocket: quick play, join and room creation answer 503 with Retry-After
// and a JSON error instead of seating the player, while sessions, the room
// list and /status still answer; /readyz says why, the refusals are counted,
// and once the connection ends the node seats players again.
func TestSaturatedNodeAnswersFull(t *testing.T) {
	n := startNode(t, func(c *config.Config) { c.Realtime.MaxConnections = 1 })
	token := n.session(t, "Ada")

	p := holdTheOnlyConnection(t, n)

	for _, tc := range []struct {
		path string
		body any
	}{
		{"/api/play", nil},
		{"/api/join", map[string]string{"room": "arena-1"}},
		{"/api/rooms", map[string]any{"name": "Mine"}},
	} {
		start := time.Now()
		a := n.Do(t, http.MethodPost, tc.path, token, tc.body)
		status, retry, msg := a.Status, a.Header.Get("Retry-After"), a.Message()
		t.Logf("POST %s: %d in %v, Retry-After %q, %q", tc.path, status, time.Since(start), retry, msg)
		if status != http.StatusServiceUnavailable || retry == "" || !strings.Contains(msg, "full") {
			t.Errorf("POST %s on a full node: %d, Retry-After %q, error %q; want 503 with Retry-After and a \"full\" error", tc.path, status, retry, msg)
		}
	}
	if code, _ := n.Call(t, "/api/session", "", map[string]string{"name": "Bob"}); code != http.StatusCreated {
		t.Errorf("POST /api/session on a full node: %d, want 201", code)
	}
	if code, _ := n.Text(t, "/api/rooms"); code != http.StatusOK {
		t.Errorf("GET /api/rooms on a full node: %d, want 200", code)
	}
	if code, body := n.Text(t, "/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "saturated") {
		t.Errorf("/readyz on a full node: %d %s; want 503 saying saturated", code, body)
	}
	if code, body := n.Text(t, "/status"); code != http.StatusOK || !strings.Contains(body, "too many connections") {
		t.Errorf("/status on a full node: %d; want 200 naming the saturation", code)
	}
	if got := n.metricValue(t, `tickarena_lobby_refused_full_total{reason="too many connections"}`); got != "3" {
		t.Errorf("refusals counted: %q, want 3", got)
	}
	// While full, the node ends each connection after its answer, so that
	// a client's retry comes as a new connection, which a full node
	// accepts on time (see closeWhileFull and acceptWhileFull).
	testwait.Until(t, testwait.Default, "a 503 that closes its connection", func() bool {
		a := n.Do(t, http.MethodPost, "/api/play", token, nil)
		return a.Status == http.StatusServiceUnavailable && a.Closed
	})

	p.Close()
	testwait.Until(t, testwait.Default, "the node to release the connection", func() bool { return n.app.rt.Connections() == 0 })
	testwait.Until(t, testwait.Default, "quick play to seat the player again", func() bool {
		status := n.Do(t, http.MethodPost, "/api/play", token, nil).Status
		return status == http.StatusOK
	})
	if code, body := n.Text(t, "/readyz"); code != http.StatusOK {
		t.Errorf("/readyz after recovery: %d %s, want 200", code, body)
	}
	testwait.Until(t, testwait.Default, "a 200 on a connection kept for the next request once the node has room", func() bool {
		a := n.Do(t, http.MethodGet, "/api/rooms", "", nil)
		return a.Status == http.StatusOK && !a.Closed
	})
}

// TestFullNodeOverTLSKeepsConnections fills a node that terminates TLS
// itself: its 503s keep their connections, since a new handshake for each
// retry would cost a full node more than waiting for a kept connection.
func TestFullNodeOverTLSKeepsConnections(t *testing.T) {
	pair := certtest.Write(t, t.TempDir(), "node")
	n := startNode(t, func(c *config.Config) {
		c.Realtime.MaxConnections = 1
		c.TLSCert, c.TLSKey = pair.CertFile, pair.KeyFile
	})
	conf := &tls.Config{RootCAs: pair.Pool()}
	host := strings.TrimPrefix(n.base, "http://")
	c := servertest.Client{URL: "https://" + host, HTTP: &http.Client{
		Timeout:   testwait.Default,
		Transport: &http.Transport{TLSClientConfig: conf},
	}}
	code, s := c.Call(t, "/api/session", "", map[string]string{"name": "Holder"})
	if code != http.StatusCreated {
		t.Fatalf("session: %d %v", code, s)
	}
	token := s["token"].(string)
	p, _, err := servertest.DialTLS(t, "wss://"+host+"/ws", nil, conf)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	p.Join(t, token, "")
	p.Fly()
	testwait.Until(t, testwait.Default, "the node to be full with its one connection", func() bool { return n.app.rt.Saturation().Full })

	for i := range 3 {
		a := c.Do(t, http.MethodPost, "/api/play", token, nil)
		if a.Status != http.StatusServiceUnavailable {
			t.Fatalf("POST /api/play on a full node: %d %s, want 503", a.Status, a.Body)
		}
		if a.Closed {
			t.Fatalf("503 number %d closed its TLS connection; a node serving TLS keeps them while full", i+1)
		}
	}
}

// stalledPlayer is a real WebSocket player that stops reading after its
// hello: its first message blocks its read loop until release is closed,
// behind a tiny receive buffer, so that the frames the node sends it pile
// up unwritten on the server.
type stalledPlayer struct {
	gws.BuiltinEventHandler
	release chan struct{}
}

func (s *stalledPlayer) OnMessage(_ *gws.Conn, m *gws.Message) {
	<-s.release
	_ = m.Close()
}

// stall seats a player with quick play and has it stop reading until
// release is closed.
func stall(t *testing.T, n *node, name string, release chan struct{}) {
	t.Helper()
	token, room := n.player(t, name)
	socket, _, err := gws.NewClient(&stalledPlayer{release: release}, &gws.ClientOption{Addr: "ws" + strings.TrimPrefix(n.base, "http") + "/ws"})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { _ = socket.NetConn().Close() })
	if tc, ok := socket.NetConn().(*net.TCPConn); ok {
		_ = tc.SetReadBuffer(4096)
	}
	go socket.ReadLoop()
	if err := socket.WriteMessage(gws.OpcodeBinary, wire.AppendHello(nil, wire.Hello{Version: wire.Version, Token: token, Room: room})); err != nil {
		t.Fatalf("hello: %v", err)
	}
}

// TestNodeThatCannotDeliverAnswersFull: four players of a node stop
// reading, so that the frames its rooms produce on time pile up unwritten
// (what a node whose writes starve looks like to its players). Quick play
// answers 503 with Retry-After and a JSON error saying why, the refusal is
// counted, and once the players read again the node seats players again.
func TestNodeThatCannotDeliverAnswersFull(t *testing.T) {
	n := startNode(t, func(c *config.Config) {
		c.Realtime.SendBuffer = 4096
		c.Realtime.Area = wire.WholeWorld
		c.Realtime.Bots = 16
		c.Realtime.SlowTimeout, c.Realtime.IdleTimeout, c.Realtime.MaxAckLag = time.Minute, time.Minute, time.Minute
	})
	token, _ := n.player(t, "Ada")
	release := make(chan struct{})
	for _, name := range []string{"Bob", "Cat", "Dan", "Eve"} {
		stall(t, n, name, release)
	}
	var a servertest.Answer
	// On a loaded machine the rooms may also tick late; late frames are
	// what must show.
	testwait.Until(t, testwait.Default, "quick play to answer 503 \"frames late\" while the node's frames go unwritten", func() bool {
		a = n.Do(t, http.MethodPost, "/api/play", token, nil)
		return a.Status == http.StatusServiceUnavailable && strings.Contains(a.Message(), "frames late")
	})
	if retry, msg := a.Header.Get("Retry-After"), a.Message(); retry == "" || !strings.Contains(msg, "full (frames late)") {
		t.Errorf("quick play on a node that cannot deliver: Retry-After %q, error %q; want a Retry-After and \"all arenas are full (frames late) ...\"", retry, msg)
	}
	if got := n.metricValue(t, `tickarena_lobby_refused_full_total{reason="frames late"}`); got == "" || got == "0" {
		t.Errorf("refusals for late frames counted: %q, want at least 1", got)
	}
	close(release)
	testwait.Until(t, testwait.Default, "quick play to seat the player again once the frames are delivered", func() bool {
		return n.Do(t, http.MethodPost, "/api/play", token, nil).Status == http.StatusOK
	})
}

// TestLoadedNodeAnswersFull keeps the node's own process busy with
// goroutines of the test, as the players' reads and writes would on a node
// past what it carries: quick play answers 503 with Retry-After and the
// reason, the refusal is counted, and once the load stops the node seats
// players again. The node's own signals are read — the Go scheduler's
// latencies, the operating system's figure of the process's CPU time —
// nothing is faked.
func TestLoadedNodeAnswersFull(t *testing.T) {
	// Spinners take every core; sleepers wake up every millisecond, as a
	// node's connections do when their messages come, and wait for a core.
	// (Go samples one wake-up in eight: the gate needs 200 in a window.)
	crowd := func(stop <-chan struct{}, busy *sync.WaitGroup) {
		spin(stop, busy, 4*runtime.GOMAXPROCS(0))
		for range 256 {
			busy.Add(1)
			go func() {
				defer busy.Done()
				for {
					select {
					case <-stop:
						return
					case <-time.After(time.Millisecond):
					}
				}
			}()
		}
	}
	tests := []struct {
		reason string
		procs  int // GOMAXPROCS for the run; 0 leaves it
		edit   func(*config.Config)
	}{
		{
			// The default latency, 20 ms. Behind the spinners the rooms' ticks
			// run late too (a late room lets the goroutines waiting for the
			// core go first), which would saturate the node as "ticks late"
			// first: late ticks never do here, so that the scheduler's
			// latencies are what is tested.
			reason: "cpu busy",
			edit: func(c *config.Config) {
				c.Realtime.SchedLatency = 0
				c.Realtime.LateTickShare = 1
			},
		},
		{
			// One CPU for the node, so that the spinners take all of it even
			// on a machine whose other cores are busy, and a ceiling that a
			// test machine busy with other packages still lets it reach; the
			// sleepers' waits show the strain the ceiling needs besides.
			reason: "cpu ceiling",
			procs:  1,
			edit: func(c *config.Config) {
				c.Realtime.SchedLatency = 0
				c.Realtime.CPUCeiling = 60
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.reason, func(t *testing.T) {
			if tt.procs > 0 {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(tt.procs))
			}
			n := startNode(t, func(c *config.Config) {
				tt.edit(c)
				c.Realtime.SaturationClear = time.Second
			})
			token, _ := n.player(t, "Ada")
			// A busy test machine may make the node wait for a CPU already.
			testwait.Until(t, testwait.Default, "quick play to seat the player before the node is loaded", func() bool {
				return n.Do(t, http.MethodPost, "/api/play", token, nil).Status == http.StatusOK
			})
			stop := make(chan struct{})
			var busy sync.WaitGroup
			crowd(stop, &busy)
			var stopOnce sync.Once
			unload := func() { stopOnce.Do(func() { close(stop); busy.Wait() }) }
			t.Cleanup(unload) // a failure below must not leave the spinners to the tests after it
			var a servertest.Answer
			testwait.Until(t, testwait.Default, fmt.Sprintf("quick play to answer 503 %q while the node is loaded", tt.reason), func() bool {
				a = n.Do(t, http.MethodPost, "/api/play", token, nil)
				return a.Status == http.StatusServiceUnavailable && strings.Contains(a.Message(), tt.reason)
			})
			unload()
			if retry, msg := a.Header.Get("Retry-After"), a.Message(); retry == "" || !strings.Contains(msg, "full ("+tt.reason+")") {
				t.Errorf("quick play on a loaded node: Retry-After %q, error %q; want a Retry-After and \"all arenas are full (%s) ...\"", retry, msg, tt.reason)
			}
			if got := n.metricValue(t, `tickarena_lobby_refused_full_total{reason="`+tt.reason+`"}`); got == "" || got == "0" {
				t.Errorf("refusals for %q counted: %q, want at least 1", tt.reason, got)
			}
			testwait.Until(t, testwait.Default, "quick play to seat the player again once the load stops", func() bool {
				return n.Do(t, http.MethodPost, "/api/play", token, nil).Status == http.StatusOK
			})
		})
	}
}

// spin starts n goroutines that keep a CPU busy in the test's (and the
// node's) process until stop is closed; busy counts them.
func spin(stop <-chan struct{}, busy *sync.WaitGroup, n int) {
	for range n {
		busy.Add(1)
		go func() {
			defer busy.Done()
			for x := 0; ; x++ {
				if x%1_000_000 == 0 {
					select {
					case <-stop:
						return
					default:
					}
				}
			}
		}()
	}
}

// TestNodeSeatsAtMostSeatRatePlayersASecond: players asking for seats
// faster than -seat-rate get 503 with Retry-After and a JSON error saying
// so, however idle the node, so that a crowd cannot take more seats than
// the saturation signal can follow.
func TestNodeSeatsAtMostSeatRatePlayersASecond(t *testing.T) {
	n := startNode(t, func(c *config.Config) { c.Realtime.SeatRate = 1 })
	token, _ := n.player(t, "Ada")
	var a servertest.Answer
	testwait.Until(t, testwait.Default, "a quick play right after another to be refused at one seat a second", func() bool {
		a = n.Do(t, http.MethodPost, "/api/play", token, nil)
		return a.Status != http.StatusOK
	})
	if a.Status != http.StatusServiceUnavailable || a.Header.Get("Retry-After") == "" || !strings.Contains(a.Message(), "full (too many arrivals)") {
		t.Errorf("quick play past the seat rate: %d, Retry-After %q, %q; want 503, a Retry-After and \"all arenas are full (too many arrivals) ...\"", a.Status, a.Header.Get("Retry-After"), a.Message())
	}
	testwait.Until(t, testwait.Default, "quick play to seat the player again a second later", func() bool {
		return n.Do(t, http.MethodPost, "/api/play", token, nil).Status == http.StatusOK
	})
}

// TestBadRequestsTakeNoSeat: a request the lobby refuses for its own fault
// (a malformed body, a room that does not exist, a room spec out of
// bounds) takes none of the seats -seat-rate hands out, so that a run of
// bad joins cannot make a node answer "full" to the players after it.
func TestBadRequestsTakeNoSeat(t *testing.T) {
	n := startNode(t, func(c *config.Config) { c.Realtime.SeatRate = 1 })
	token, _ := n.player(t, "Ada")      // takes the second's seat
	time.Sleep(1100 * time.Millisecond) // one seat again, for whoever asks first
	bad := []struct {
		path string
		body any
		want int
	}{
		{"/api/join", map[string]string{"room": "no-such-room"}, http.StatusNotFound},
		{"/api/join", map[string]string{}, http.StatusBadRequest},
		{"/api/play", map[string]string{"surplus": "field"}, http.StatusBadRequest},
		{"/api/rooms", map[string]any{"name": "Mine", "capacity": -3}, http.StatusBadRequest},
	}
	for _, b := range bad {
		if a := n.Do(t, http.MethodPost, b.path, token, b.body); a.Status != b.want {
			t.Fatalf("POST %s %v: %d %q, want %d", b.path, b.body, a.Status, a.Message(), b.want)
		}
	}
	if a := n.Do(t, http.MethodPost, "/api/play", token, nil); a.Status != http.StatusOK {
		t.Errorf("quick play after %d bad requests at one seat a second: %d %q, want 200 (a bad request took the seat)", len(bad), a.Status, a.Message())
	}
}

// TestStolenCPUMetric: /metrics reports the steal time of the CPUs the node
// may run on, as /proc/stat has it between a reading before the scrape and
// one after.
func TestStolenCPUMetric(t *testing.T) {
	if _, err := os.Stat("/proc/stat"); err != nil {
		t.Skip("no /proc/stat: Linux only")
	}
	n := startNode(t, nil)
	read, cpus, err := cpustat.StealOf(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	stolen := func() float64 {
		d, err := read()
		if err != nil {
			t.Fatal(err)
		}
		return d.Seconds()
	}
	before := stolen()
	raw := n.metricValue(t, "tickarena_cpu_stolen_seconds_total")
	after := stolen()
	got, err := strconv.ParseFloat(raw, 64)
	if err != nil {
		t.Fatalf("tickarena_cpu_stolen_seconds_total %q: %v", raw, err)
	}
	if got < before || got > after {
		t.Errorf("tickarena_cpu_stolen_seconds_total %g; /proc/stat had %g before the scrape and %g after, for its %d CPUs", got, before, after, cpus)
	}
}
