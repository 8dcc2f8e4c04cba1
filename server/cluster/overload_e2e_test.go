package cluster_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tickarena/tickarena/internal/redistest"
	"github.com/tickarena/tickarena/internal/servertest"
	"github.com/tickarena/tickarena/internal/testwait"
)

// holdNode seats a flying player in room on n, started with -max-conns 1,
// so that n is saturated ("too many connections") until the player closes.
func holdNode(t *testing.T, n *node, room string) *servertest.Player {
	t.Helper()
	tok, _ := n.Session(t, "Holder")
	code, r := n.Call(t, "/api/join", tok, map[string]string{"room": room})
	if code != http.StatusOK {
		t.Fatalf("join %s on %s: %d %v", room, n.base, code, r)
	}
	p := servertest.MustDial(t, r["ws_url"].(string))
	p.Join(t, tok, room)
	p.Fly()
	return p
}

// TestQuickPlaySkipsSaturatedNode runs two real nodes on a real Redis, each
// allowed one connection. While A holds its one connection (saturated),
// quick play and room creation asked of either node go to B, although A's
// room is the fullest with free seats; a join to A's room answers 503 "full"
// with Retry-After. With both saturated, quick play answers 503 at once;
// once A's connection ends, A seats players again.
func TestQuickPlaySkipsSaturatedNode(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	var a, b *node
	var wg sync.WaitGroup
	wg.Go(func() { a = startNode(t, srv.URL(), "-max-conns", "1", "-public-rooms", "1", "-bots", "0") })
	wg.Go(func() { b = startNode(t, srv.URL(), "-max-conns", "1", "-public-rooms", "1", "-bots", "0") })
	wg.Wait()
	if a == nil || b == nil {
		t.FailNow()
	}
	var byPort map[string][]roomInfo
	testwait.Until(t, 5*time.Second, "both nodes' rooms listed", func() bool {
		byPort = roomsByPort(a.rooms(t))
		return len(byPort[a.port()]) == 1 && len(byPort[b.port()]) == 1
	})
	roomA, roomB := byPort[a.port()][0].ID, byPort[b.port()][0].ID

	holderA := holdNode(t, a, roomA)
	// A's heartbeat publishes its saturation within a second.
	testwait.Until(t, 5*time.Second, "a join to A's room to be refused as full", func() bool {
		tok, _ := b.Session(t, "Joiner")
		code, _ := b.Call(t, "/api/join", tok, map[string]string{"room": roomA})
		return code == http.StatusServiceUnavailable
	})
	tok, _ := b.Session(t, "Joiner")
	if code, retry, msg := postFull(t, b, "/api/join", tok, map[string]string{"room": roomA}); code != http.StatusServiceUnavailable || retry != "5" || !strings.Contains(msg, "full") {
		t.Errorf("join to saturated A's room: %d, Retry-After %q, %q; want 503, 5 and a JSON error saying full", code, retry, msg)
	}
	for _, asked := range []*node{a, b} {
		tok, _ := asked.Session(t, "Quick")
		code, r := asked.Call(t, "/api/play", tok, nil)
		if code != http.StatusOK || r["id"] != roomB || !strings.Contains(r["ws_url"].(string), ":"+b.port()+"/ws") {
			t.Errorf("quick play on %s with A saturated: %d %v; want B's room %s", asked.base, code, r, roomB)
		}
	}
	tok, _ = a.Session(t, "Creator")
	if code, r := a.Call(t, "/api/rooms", tok, map[string]any{"name": "New", "public": true}); code != http.StatusCreated || !strings.Contains(r["ws_url"].(string), ":"+b.port()+"/ws") {
		t.Errorf("room created through saturated A: %d %v; want it on B", code, r)
	}

	holderB := holdNode(t, b, roomB)
	testwait.Until(t, 5*time.Second, "quick play to answer full with both nodes saturated", func() bool {
		tok, _ := a.Session(t, "Late")
		code, _ := a.Call(t, "/api/play", tok, nil)
		return code == http.StatusServiceUnavailable
	})
	tok, _ = a.Session(t, "Late")
	const refused = `tickarena_lobby_refused_full_total{reason="nodes saturated"}`
	before, _ := a.Metric(t, refused)
	if code, retry, msg := postFull(t, a, "/api/play", tok, nil); code != http.StatusServiceUnavailable || retry != "5" || !strings.Contains(msg, "full") {
		t.Errorf("quick play with every node saturated: %d, Retry-After %q, %q; want 503, 5 and full", code, retry, msg)
	}
	if after, ok := a.Metric(t, refused); !ok || after != before+1 {
		t.Errorf("%s after one more refusal: %v (listed: %v), want %v: a cluster's \"full\" must be counted like a node's", refused, after, ok, before+1)
	}

	holderA.Close()
	testwait.Until(t, 5*time.Second, "quick play to seat players on A again once its connection ended", func() bool {
		tok, _ := b.Session(t, "Back")
		code, r := b.Call(t, "/api/play", tok, nil)
		return code == http.StatusOK && r["id"] == roomA
	})
	holderB.Close()
}

// postFull posts body to n's path with the token and returns the status,
// the Retry-After header and the JSON error.
func postFull(t *testing.T, n *node, path, token string, body any) (int, string, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, n.base+path, strings.NewReader(jsonOf(body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	var out struct {
		Error string `json:"error"`
	}
	_ = jsonDecode(resp, &out)
	return resp.StatusCode, resp.Header.Get("Retry-After"), out.Error
}

func jsonOf(v any) string {
	if v == nil {
		return "{}"
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func jsonDecode(resp *http.Response, out any) error { return json.NewDecoder(resp.Body).Decode(out) }
