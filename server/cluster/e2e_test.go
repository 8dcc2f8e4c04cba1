package cluster_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tickarena/tickarena/game/wire"
	"github.com/tickarena/tickarena/internal/redistest"
	"github.com/tickarena/tickarena/internal/servertest"
	"github.com/tickarena/tickarena/internal/testwait"
)

// These tests run real server processes sharing one real Redis, as a host
// runs a cluster.

const secret = "e2e-shared-secret-0123456789abcdef"

func TestMain(m *testing.M) { os.Exit(servertest.Main(m)) }

// node is one server process.
type node struct {
	*servertest.Proc
	base string
}

// startNode runs a server against redisURL with the e2e defaults and extra
// flags, and waits until it is ready.
func startNode(t *testing.T, redisURL string, extra ...string) *node {
	t.Helper()
	redistest.Binary(t)
	p := servertest.StartWith(t, servertest.Options{Within: 10 * time.Second, Flags: func(addr string) []string {
		return append([]string{"-public-url", "http://" + addr, "-redis-url", redisURL, "-round-length", "5s",
			"-bots", "2", "-secret", secret, "-session-rate", "100000", "-drain-timeout", "0s", "-log-level", "debug"}, extra...)
	}})
	return &node{Proc: p, base: p.URL}
}

type roomInfo struct {
	ID       string `json:"id"`
	Node     string `json:"node"`
	Humans   int    `json:"humans"`
	Reserved int    `json:"reserved"`
	Capacity int    `json:"capacity"`
	WSURL    string `json:"ws_url"`
	// Spectators is the room's count of watching connections.
	Spectators int `json:"spectators"`
}

func (n *node) rooms(t *testing.T) []roomInfo {
	t.Helper()
	code, body := n.Text(t, "/api/rooms")
	if code != http.StatusOK {
		t.Fatalf("rooms on %s: %d %s", n.base, code, body)
	}
	var a struct{ Rooms []roomInfo }
	if err := json.Unmarshal([]byte(body), &a); err != nil {
		t.Fatalf("rooms: %v", err)
	}
	return a.Rooms
}

// roomsByPort groups the listed rooms by the node (its WebSocket port) that runs them.
func roomsByPort(rooms []roomInfo) map[string][]roomInfo {
	out := map[string][]roomInfo{}
	for _, r := range rooms {
		i := strings.Index(r.WSURL, "127.0.0.1:")
		if i < 0 {
			continue
		}
		port, _, _ := strings.Cut(r.WSURL[i+len("127.0.0.1:"):], "/")
		out[port] = append(out[port], r)
	}
	return out
}

func (n *node) port() string { return n.base[strings.LastIndex(n.base, ":")+1:] }

func cluster3(t *testing.T, extra ...string) (*redistest.Server, []*node) {
	t.Helper()
	srv := redistest.Start(t, redistest.Options{AppendFsync: "always"})
	nodes := make([]*node, 3)
	var wg sync.WaitGroup
	for i := range nodes {
		wg.Go(func() { nodes[i] = startNode(t, srv.URL(), extra...) })
	}
	wg.Wait()
	for _, n := range nodes {
		if n == nil {
			t.FailNow()
		}
	}
	return srv, nodes
}

func TestRoomsAndQuickPlayAcrossNodes(t *testing.T) {
	_, nodes := cluster3(t, "-room-capacity", "2", "-max-rooms", "1", "-public-rooms", "1")
	a, b, c := nodes[0], nodes[1], nodes[2]
	for _, n := range nodes {
		testwait.Until(t, 5*time.Second, "every node's room is listed by "+n.base, func() bool {
			byPort := roomsByPort(n.rooms(t))
			return len(byPort[a.port()]) == 1 && len(byPort[b.port()]) == 1 && len(byPort[c.port()]) == 1
		})
	}
	// Fill the rooms of A and C with reservations made through A.
	byPort := roomsByPort(a.rooms(t))
	for _, full := range []*node{a, c} {
		for i := range 2 {
			tok, _ := a.Session(t, fmt.Sprintf("Filler%d", i))
			if code, r := a.Call(t, "/api/join", tok, map[string]string{"room": byPort[full.port()][0].ID}); code != http.StatusOK {
				t.Fatalf("join: %d %v", code, r)
			}
		}
	}
	tok, _ := a.Session(t, "Traveller")
	code, r := a.Call(t, "/api/play", tok, nil)
	if code != http.StatusOK {
		t.Fatalf("quick play on A: %d %v", code, r)
	}
	ws, _ := r["ws_url"].(string)
	if want := byPort[b.port()][0].ID; r["id"] != want || !strings.Contains(ws, "127.0.0.1:"+b.port()+"/ws") {
		t.Fatalf("quick play on A gave room %v at %s; want B's room %s at port %s", r["id"], ws, want, b.port())
	}
	p := servertest.MustDial(t, ws)
	if w := p.Join(t, tok, r["id"].(string)); w.RoomID != r["id"] {
		t.Fatalf("welcome to room %q; want %q", w.RoomID, r["id"])
	}
	// B's room has one seat left, which quick play on C finds; then none is left anywhere.
	tok2, _ := c.Session(t, "Second")
	if code, r := c.Call(t, "/api/play", tok2, nil); code != http.StatusOK || r["id"] != byPort[b.port()][0].ID {
		t.Fatalf("quick play on C: %d %v; want B's room", code, r)
	}
	tok3, _ := c.Session(t, "Latecomer")
	if code, r := c.Call(t, "/api/play", tok3, nil); code != http.StatusConflict && code != http.StatusServiceUnavailable {
		t.Fatalf("quick play with every seat taken: %d %v; want 409 or 503", code, r)
	}
}

func TestConcurrentQuickPlayNeverOverfills(t *testing.T) {
	_, nodes := cluster3(t, "-room-capacity", "4", "-max-rooms", "1", "-public-rooms", "1")
	testwait.Until(t, 5*time.Second, "three rooms listed", func() bool { return len(nodes[0].rooms(t)) == 3 })
	// 12 seats; take 2, leaving 10.
	for i := range 2 {
		tok, _ := nodes[0].Session(t, fmt.Sprintf("Early%d", i))
		if code, r := nodes[0].Call(t, "/api/play", tok, nil); code != http.StatusOK {
			t.Fatalf("early quick play: %d %v", code, r)
		}
	}
	const players = 200
	tokens := make([]string, players)
	for i := range tokens {
		tokens[i], _ = nodes[i%3].Session(t, fmt.Sprintf("P%d", i))
	}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		codes = map[int]int{}
		seats = map[string]int{}
	)
	start := make(chan struct{})
	for i, tok := range tokens {
		wg.Go(func() {
			<-start
			code, r := nodes[i%3].Call(t, "/api/play", tok, nil)
			mu.Lock()
			defer mu.Unlock()
			codes[code]++
			if code == http.StatusOK {
				seats[r["id"].(string)]++
			}
		})
	}
	close(start)
	wg.Wait()
	if codes[http.StatusOK] != 10 {
		t.Fatalf("answers = %v; want exactly 10 seats (200 OK)", codes)
	}
	if codes[http.StatusOK]+codes[http.StatusServiceUnavailable]+codes[http.StatusConflict] != players {
		t.Errorf("answers = %v; want only 200, 409 and 503", codes)
	}
	total := 0
	for _, r := range nodes[1].rooms(t) {
		if r.Humans+r.Reserved > r.Capacity {
			t.Errorf("room %s holds %d humans + %d reservations > capacity %d", r.ID, r.Humans, r.Reserved, r.Capacity)
		}
		total += r.Reserved
	}
	if total != 12 {
		t.Errorf("reservations across the rooms = %d; want 12 (2 early + 10)", total)
	}
}

func TestRoundOnOneNodeRankedOnAnother(t *testing.T) {
	_, nodes := cluster3(t)
	a, c := nodes[0], nodes[2]
	tok, id := c.Session(t, "Roundtrip")
	code, r := c.Call(t, "/api/play", tok, nil)
	if code != http.StatusOK {
		t.Fatalf("quick play on C: %d %v", code, r)
	}
	p := servertest.MustDial(t, r["ws_url"].(string))
	p.Join(t, tok, r["id"].(string))
	testwait.Until(t, 15*time.Second, "C's round is on A's leaderboard page", func() bool {
		code, body := a.Text(t, "/leaderboard?board=score&period=all")
		return code == http.StatusOK && strings.Contains(body, "Roundtrip")
	})
	if code, body := a.Text(t, "/api/players/"+id); code != http.StatusOK || !strings.Contains(body, `"recent":[{`) {
		t.Errorf("A's /api/players/%s = %d %s; want the round", id, code, body)
	}
}

func TestKilledNodeLeavesTheDirectory(t *testing.T) {
	_, nodes := cluster3(t)
	a, b, c := nodes[0], nodes[1], nodes[2]
	testwait.Until(t, 5*time.Second, "B's room listed on A", func() bool { return len(roomsByPort(a.rooms(t))[b.port()]) == 1 })
	b.Kill()
	// TTL 5 s, plus the lobby's 1 s list cache, plus slack for a busy machine.
	testwait.Until(t, 9*time.Second, "B's rooms gone from A and C", func() bool {
		return len(roomsByPort(a.rooms(t))[b.port()]) == 0 && len(roomsByPort(c.rooms(t))[b.port()]) == 0
	})
	for _, n := range []*node{a, c} {
		if code, _ := n.Text(t, "/readyz"); code != http.StatusOK {
			t.Errorf("%s /readyz = %d after B died", n.base, code)
		}
		tok, _ := n.Session(t, "After")
		if code, r := n.Call(t, "/api/play", tok, nil); code != http.StatusOK || strings.Contains(r["ws_url"].(string), ":"+b.port()+"/") {
			t.Errorf("quick play on %s after B died: %d %v", n.base, code, r)
		}
	}
}

func TestRedisRestartLosesNoResult(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{AppendFsync: "always"})
	n := startNode(t, srv.URL())
	tok, id := n.Session(t, "Survivor")
	code, r := n.Call(t, "/api/play", tok, nil)
	if code != http.StatusOK {
		t.Fatalf("quick play: %d %v", code, r)
	}
	p := servertest.MustDial(t, r["ws_url"].(string))
	p.Join(t, tok, r["id"].(string))
	recent := func() []string {
		code, body := n.Text(t, "/api/players/"+id)
		if code != http.StatusOK {
			return nil
		}
		var ps struct {
			Recent []struct {
				RoundID string `json:"round_id"`
			} `json:"recent"`
		}
		_ = json.Unmarshal([]byte(body), &ps)
		var ids []string
		for _, r := range ps.Recent {
			ids = append(ids, r.RoundID)
		}
		return ids
	}
	testwait.Until(t, 15*time.Second, "a first round is recorded", func() bool { return len(recent()) >= 1 })
	first := recent()

	srv.Kill()
	testwait.Until(t, 5*time.Second, "readiness reports Redis down", func() bool {
		code, _ := n.Text(t, "/readyz")
		return code == http.StatusServiceUnavailable
	})
	code, body := n.Text(t, "/api/rooms")
	var e struct{ Error string }
	if code != http.StatusServiceUnavailable || json.Unmarshal([]byte(body), &e) != nil || e.Error == "" {
		t.Errorf("lobby with Redis down = %d %s; want 503 with a JSON error", code, body)
	}
	testwait.Until(t, 15*time.Second, "a round ends while Redis is down and waits in the queue", func() bool {
		depth, _ := n.Metric(t, "tickarena_leaderboard_queue_depth")
		return depth >= 1
	})
	if !p.Open() {
		t.Fatal("the player was disconnected while Redis was down")
	}

	srv.Restart()
	testwait.Until(t, 15*time.Second, "the queued round is written after Redis returns", func() bool { return len(recent()) > len(first) })
	got := strings.Join(recent(), " ")
	for _, id := range first {
		if !strings.Contains(got, id) {
			t.Errorf("round %s recorded before the restart is lost; recent = %s", id, got)
		}
	}
	testwait.Until(t, 5*time.Second, "the lobby answers again", func() bool {
		code, _ := n.Text(t, "/api/rooms")
		return code == http.StatusOK
	})
}

// TestSpectatorsListedAcrossNodes: a spectator watching a room of node B is
// counted in that room's line of GET /api/rooms on node A too, from B's
// heartbeat, so that the lobby of every node shows which arenas are watched.
func TestSpectatorsListedAcrossNodes(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	var a, b *node
	var wg sync.WaitGroup
	wg.Go(func() { a = startNode(t, srv.URL(), "-public-rooms", "1") })
	wg.Go(func() { b = startNode(t, srv.URL(), "-public-rooms", "1") })
	wg.Wait()
	testwait.Until(t, 5*time.Second, "B's room listed on A", func() bool { return len(roomsByPort(a.rooms(t))[b.port()]) == 1 })
	room := roomsByPort(b.rooms(t))[b.port()][0]
	tok, _ := b.Session(t, "Watcher")
	s := servertest.MustDial(t, room.WSURL)
	s.Send(wire.AppendHello(nil, wire.Hello{Version: wire.Version, Token: tok, Room: room.ID, Spectate: true}))
	testwait.Until(t, 5*time.Second, "the spectator's welcome", s.Welcomed)
	spectators := func(n *node) int {
		for _, r := range roomsByPort(n.rooms(t))[b.port()] {
			if r.ID == room.ID {
				return r.Spectators
			}
		}
		return -1
	}
	testwait.Until(t, 10*time.Second, "A to list one spectator in B's room", func() bool { return spectators(a) == 1 })
	// B's lobby may answer from its list of a moment ago (the room list is
	// cached briefly), made before the spectator came.
	testwait.Until(t, 10*time.Second, "B to list one spectator in its own room", func() bool { return spectators(b) == 1 })
	if r := roomsByPort(a.rooms(t))[b.port()][0]; r.Humans != 0 {
		t.Errorf("A lists %d humans in B's room; a spectator holds no seat", r.Humans)
	}
}
