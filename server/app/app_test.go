package app

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/wire"
	"github.com/tickarena/tickarena/internal/servertest"
	"github.com/tickarena/tickarena/internal/testwait"
	"github.com/tickarena/tickarena/server/config"
	"github.com/tickarena/tickarena/server/leaderboard"
	"github.com/tickarena/tickarena/server/realtime"
)

// node is an App serving on a random loopback port.
type node struct {
	servertest.Client
	app  *App
	base string // http://127.0.0.1:port
	done chan error
}

// startNode starts an App with test defaults changed by edit, and drains it at
// the end of the test.
func startNode(t *testing.T, edit func(*config.Config)) *node {
	t.Helper()
	cfg := config.Default()
	cfg.Addr = "127.0.0.1:0"
	cfg.Store.Path = filepath.Join(t.TempDir(), "tickarena.db")
	cfg.Realtime.RoundSeconds = 5
	cfg.DrainTimeout = 10 * time.Second
	cfg.Realtime.Bots = 2
	// A test machine busy with other packages makes goroutines wait for a
	// CPU; that must not make the node refuse the tests' own players.
	cfg.Realtime.SchedLatency = -1
	cfg.Realtime.CPUCeiling = -1 // nor the test binary's own CPU use
	if edit != nil {
		edit(&cfg)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := New(context.Background(), cfg, log)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	n := &node{Client: servertest.Client{URL: base}, app: a, base: base, done: make(chan error, 1)}
	go func() { n.done <- a.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		_ = a.Drain(ctx)
	})
	return n
}

// session signs in as a guest named name and returns the session's token.
func (n *node) session(t *testing.T, name string) string {
	t.Helper()
	code, s := n.Call(t, "/api/session", "", map[string]string{"name": name})
	if code != http.StatusCreated {
		t.Fatalf("session: %d %v", code, s)
	}
	return s["token"].(string)
}

// player signs in and takes a seat with quick play; it returns the token and the room.
func (n *node) player(t *testing.T, name string) (token, room string) {
	t.Helper()
	token = n.session(t, name)
	code, r := n.Call(t, "/api/play", token, nil)
	if code != http.StatusOK {
		t.Fatalf("play: %d %v", code, r)
	}
	return token, r["id"].(string)
}

// dialGame opens a game connection to the node, with an Origin header when origin is set.
func dialGame(t *testing.T, base, origin string) (*servertest.Player, *http.Response, error) {
	t.Helper()
	h := http.Header{}
	if origin != "" {
		h.Set("Origin", origin)
	}
	return servertest.Dial(t, "ws"+strings.TrimPrefix(base, "http")+"/ws", h)
}

// metricValue returns the value of the first exposition line that starts with series.
func (n *node) metricValue(t *testing.T, series string) string {
	t.Helper()
	_, body := n.Text(t, "/metrics")
	for _, line := range strings.Split(body, "\n") {
		if strings.HasPrefix(line, series+" ") {
			return strings.TrimPrefix(line, series+" ")
		}
	}
	return ""
}

func TestMetricsMoveWhenAClientPlays(t *testing.T) {
	n := startNode(t, nil)
	code, body := n.Text(t, "/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics: %d", code)
	}
	for _, name := range []string{
		"tickarena_connections ", "tickarena_connections_opened_total", "tickarena_rooms", "tickarena_tick_duration_seconds_bucket",
		"tickarena_ws_sent_bytes_total", "tickarena_ws_received_bytes_total", "tickarena_deltas_skipped_total",
		"tickarena_leaderboard_queue_depth", "tickarena_build_info", "go_goroutines",
	} {
		if !strings.Contains(body, name) {
			t.Errorf("/metrics lacks %s", name)
		}
	}
	token, room := n.player(t, "Metro")
	c, _, err := dialGame(t, n.base, "")
	if err != nil {
		t.Fatal(err)
	}
	c.Join(t, token, room)
	for seq := uint32(1); seq <= 20; seq++ {
		c.Send(wire.AppendInput(nil, wire.Input{Seq: seq, N: 1, Steps: [wire.MaxInputSteps]wire.InputStep{{Buttons: game.Right}}}))
		time.Sleep(10 * time.Millisecond)
	}
	testwait.Until(t, testwait.Default, "metrics count the connection and its traffic", func() bool {
		return n.metricValue(t, "tickarena_connections") == "1" &&
			n.metricValue(t, "tickarena_connections_opened_total") == "1" &&
			n.metricValue(t, "tickarena_ws_sent_bytes_total") != "0" &&
			n.metricValue(t, "tickarena_ws_received_messages_total") >= "2" &&
			n.metricValue(t, `tickarena_players{kind="human"}`) == "1"
	})
	// The node measures how long what the network wakes waits, by itself.
	testwait.Until(t, testwait.Default, "/metrics to count the node's network waits", func() bool {
		v := n.metricValue(t, "tickarena_network_wait_seconds_count")
		return v != "" && v != "0"
	})
	if v := n.metricValue(t, `tickarena_http_requests_total{code="201",route="POST /api/session"}`); v != "1" {
		t.Errorf("session requests counted %q, want 1", v)
	}
}

// TestLateInputsCounted: a player whose inputs stop for a few ticks and then
// resume (a stalled page, a jittery link) shows on /metrics as ticks run
// without an input.
func TestLateInputsCounted(t *testing.T) {
	n := startNode(t, nil)
	token, room := n.player(t, "Laggy")
	c, _, err := dialGame(t, n.base, "")
	if err != nil {
		t.Fatal(err)
	}
	c.Join(t, token, room)
	if v := n.metricValue(t, "tickarena_inputs_late_ticks_total"); v != "0" {
		t.Fatalf("tickarena_inputs_late_ticks_total before any input: %q, want 0", v)
	}
	send := func(inputs int) {
		for range inputs {
			c.Input(game.Right, 0)
			time.Sleep(time.Second / 30)
		}
	}
	send(10)
	time.Sleep(300 * time.Millisecond) // about nine ticks without an input
	send(10)
	testwait.Until(t, testwait.Default, "/metrics to count the ticks that ran without an input", func() bool {
		v := n.metricValue(t, "tickarena_inputs_late_ticks_total")
		return v != "" && v != "0"
	})
}

func TestReadyzFlipsOnDrain(t *testing.T) {
	n := startNode(t, nil)
	if code, _ := n.Text(t, "/readyz"); code != http.StatusOK {
		t.Fatalf("/readyz before drain: %d", code)
	}
	token, room := n.player(t, "Drainer")
	c, _, err := dialGame(t, n.base, "")
	if err != nil {
		t.Fatal(err)
	}
	c.Join(t, token, room)
	// The drain waits for a round in play and ends at once in an
	// intermission: start it while the player's round has time left.
	testwait.Until(t, testwait.Default, "the player's round in play with 2 s left or more", func() bool {
		for _, st := range n.app.rt.Rooms() {
			if st.ID == room && !st.Intermission && st.RoundSecondsLeft >= 2 {
				return true
			}
		}
		return false
	})

	drained := make(chan error, 1)
	go func() { drained <- n.app.Drain(context.Background()) }()
	testwait.Until(t, testwait.Default, "readyz turns 503", func() bool { code, _ := n.Text(t, "/readyz"); return code == http.StatusServiceUnavailable })
	if code, _ := n.Call(t, "/api/session", "", map[string]string{"name": "Late"}); code != http.StatusServiceUnavailable {
		t.Errorf("new session during drain: %d, want 503", code)
	}
	// The round in play may finish (5 s), then the client is closed with 1001.
	select {
	case <-c.Closed():
		if code := c.CloseCode(); code != 1001 {
			t.Errorf("close code %d, want 1001", code)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("client not closed by the drain")
	}
	if err := testwait.Recv(t, testwait.Default, "Drain to return", drained); err != nil {
		t.Fatalf("Drain: %v", err)
	}
	if err := testwait.Recv(t, testwait.Default, "Serve to return after the drain", n.done); err != nil {
		t.Fatalf("Serve after drain: %v", err)
	}
	if n.app.writer.Written() < 1 {
		t.Errorf("the round that finished during the drain was not recorded")
	}
}

func TestOriginCheck(t *testing.T) {
	n := startNode(t, func(c *config.Config) { c.Origins = []string{"https://friend.example"} })
	tests := []struct {
		origin string
		ok     bool
	}{
		{"", true}, // programs send no Origin
		{n.base, true},
		{"https://friend.example", true},
		{"https://evil.example", false},
		{"http://127.0.0.1:1", false},
	}
	for _, tt := range tests {
		t.Run(tt.origin, func(t *testing.T) {
			_, resp, err := dialGame(t, n.base, tt.origin)
			if tt.ok {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("a foreign origin opened /ws")
			}
			if resp == nil || resp.StatusCode != http.StatusForbidden {
				t.Fatalf("want 403 before the upgrade, got %v (%v)", resp, err)
			}
		})
	}
}

func TestStatusPage(t *testing.T) {
	n := startNode(t, nil)
	code, body := n.Text(t, "/status")
	if code != http.StatusOK {
		t.Fatalf("/status: %d", code)
	}
	for _, want := range []string{"Arena 1", "tick p99", "rooms", "ready"} {
		if !strings.Contains(body, want) {
			t.Errorf("/status lacks %q", want)
		}
	}
}

// TestPrivateRoundNotFoundByRoom: a round of a private room is recorded
// without the room's id, so GET /api/rounds never finds it by that id (nor
// by the empty one), while a public room's round is found by its own.
func TestPrivateRoundNotFoundByRoom(t *testing.T) {
	n := startNode(t, nil)
	line := func(id string) []leaderboard.PlayerResult {
		return []leaderboard.PlayerResult{{PlayerID: id, PlayerResult: game.PlayerResult{Name: "Ada", Score: 10, Placement: 1}}}
	}
	n.app.recordRound(realtime.RoundRecord{RoomID: "friends", RoomName: "Friends", Round: 1, EndedAt: time.Now(), Private: true, Players: line("p-private")})
	n.app.recordRound(realtime.RoundRecord{RoomID: "arena", RoomName: "Arena", Round: 1, EndedAt: time.Now(), Players: line("p-public")})
	testwait.Until(t, testwait.Default, "both rounds to reach the leaderboard", func() bool {
		code, _ := n.Text(t, "/api/players/p-private")
		_, body := n.Text(t, "/api/rounds?room=arena&round=1")
		return code == http.StatusOK && strings.Contains(body, `"room_id":"arena"`)
	})
	for _, path := range []string{"/api/rounds?room=friends&round=1", "/api/rounds?room=&round=1"} {
		if code, body := n.Text(t, path); strings.Contains(body, "Friends") || strings.Contains(body, "p-private") {
			t.Errorf("GET %s = %d %s; want the private round not found", path, code, body)
		}
	}
}
