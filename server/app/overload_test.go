package app

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tickarena/tickarena/internal/servertest"
	"github.com/tickarena/tickarena/internal/testwait"
	"github.com/tickarena/tickarena/server/config"
)

// holdTheOnlyConnection seats a flying player on a node started with
// -max-conns 1, so that the node is at its connection limit until the
// player's Close.
func holdTheOnlyConnection(t *testing.T, n *node) *servertest.Player {
	t.Helper()
	code, s := n.Call(t, "/api/session", "", map[string]string{"name": "Holder"})
	if code != http.StatusCreated {
		t.Fatalf("session: %d %v", code, s)
	}
	p, _, err := dialGame(t, n.base, "")
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	p.Join(t, s["token"].(string), "")
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
	code, s := n.Call(t, "/api/session", "", map[string]string{"name": "Ada"})
	if code != http.StatusCreated {
		t.Fatalf("session: %d %v", code, s)
	}
	token := s["token"].(string)

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

	p.Close()
	testwait.Until(t, testwait.Default, "the node to release the connection", func() bool { return n.app.rt.Connections() == 0 })
	testwait.Until(t, testwait.Default, "quick play to seat the player again", func() bool {
		status := n.Do(t, http.MethodPost, "/api/play", token, nil).Status
		return status == http.StatusOK
	})
	if code, body := n.Text(t, "/readyz"); code != http.StatusOK {
		t.Errorf("/readyz after recovery: %d %s, want 200", code, body)
	}
}
