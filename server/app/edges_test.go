package app

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tickarena/tickarena/game/wire"
	"github.com/tickarena/tickarena/internal/testwait"
	"github.com/tickarena/tickarena/server/config"
)

// rawAnswer is a server's answer to a request written byte for byte.
type rawAnswer struct {
	status int
	header http.Header
	body   string
}

// json decodes the answer's body as the API's error shape, failing the test
// when it is not one.
func (a rawAnswer) jsonError(t *testing.T) string {
	t.Helper()
	if ct := a.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type %q, want application/json; body %q", ct, a.body)
	}
	var e struct {
		Error string `json:"error"`
	}
	if err := json.Unmarshal([]byte(a.body), &e); err != nil || e.Error == "" {
		t.Fatalf("body %q is not a JSON error (%v)", a.body, err)
	}
	return e.Error
}

// rawRequest sends method and path to the node with exactly the given header
// lines (Host included), as a browser or an attacker could, and reads the
// answer. It is how the tests set a Host header of their choosing and see
// what a refused WebSocket handshake answers before any upgrade.
func rawRequest(t *testing.T, base, method, path string, lines ...string) rawAnswer {
	t.Helper()
	conn, err := net.DialTimeout("tcp", strings.TrimPrefix(base, "http://"), 5*time.Second)
	if err != nil {
		t.Fatalf("dial %s: %v", base, err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	req := method + " " + path + " HTTP/1.1\r\n" + strings.Join(lines, "\r\n") + "\r\n\r\n"
	if _, err := io.WriteString(conn, req); err != nil {
		t.Fatalf("write request: %v", err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("read the answer to %s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	return rawAnswer{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

// upgradeLines are the header lines of a valid WebSocket handshake to host.
func upgradeLines(host string, extra ...string) []string {
	return append([]string{"Host: " + host, "Connection: Upgrade", "Upgrade: websocket",
		"Sec-WebSocket-Version: 13", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="}, extra...)
}

func hostOf(base string) string { return strings.TrimPrefix(base, "http://") }

func TestRoomsMetricCountsOpenRooms(t *testing.T) {
	n := startNode(t, nil)
	testwait.Until(t, testwait.Default, "tickarena_rooms counts the public room", func() bool { return n.metricValue(t, "tickarena_rooms") == "1" })
	if code, r := n.Call(t, "/api/rooms", n.session(t, "Host"), map[string]any{"name": "Second"}); code != http.StatusCreated && code != http.StatusOK {
		t.Fatalf("create room: %d %v", code, r)
	}
	testwait.Until(t, testwait.Default, "tickarena_rooms counts the new room", func() bool { return n.metricValue(t, "tickarena_rooms") == "2" })
}

func TestWebSocketRefusals(t *testing.T) {
	n := startNode(t, nil)
	host := hostOf(n.base)
	tests := []struct {
		name       string
		lines      []string
		wantStatus int
		wantHeader [2]string
	}{
		{"no upgrade headers", []string{"Host: " + host}, http.StatusUpgradeRequired, [2]string{"Upgrade", "websocket"}},
		{"upgrade to something else", []string{"Host: " + host, "Connection: Upgrade", "Upgrade: h2c"}, http.StatusUpgradeRequired, [2]string{"Upgrade", "websocket"}},
		{"old protocol version", []string{"Host: " + host, "Connection: keep-alive, Upgrade", "Upgrade: websocket", "Sec-WebSocket-Version: 8", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="}, http.StatusUpgradeRequired, [2]string{"Sec-WebSocket-Version", "13"}},
		{"no key", []string{"Host: " + host, "Connection: Upgrade", "Upgrade: websocket", "Sec-WebSocket-Version: 13"}, http.StatusBadRequest, [2]string{}},
		{"key not 16 bytes", []string{"Host: " + host, "Connection: Upgrade", "Upgrade: websocket", "Sec-WebSocket-Version: 13", "Sec-WebSocket-Key: c2hvcnQ="}, http.StatusBadRequest, [2]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := rawRequest(t, n.base, http.MethodGet, "/ws", tt.lines...)
			if a.status != tt.wantStatus {
				t.Fatalf("status %d, want %d; body %q", a.status, tt.wantStatus, a.body)
			}
			a.jsonError(t)
			if k := tt.wantHeader[0]; k != "" && a.header.Get(k) != tt.wantHeader[1] {
				t.Errorf("%s: %q, want %q", k, a.header.Get(k), tt.wantHeader[1])
			}
		})
	}
	// Each refusal is counted with its own status, and none as a switch of protocols.
	for status, want := range map[int]int{http.StatusUpgradeRequired: 3, http.StatusBadRequest: 2} {
		series := fmt.Sprintf(`tickarena_http_requests_total{code="%d",route="GET /ws"}`, status)
		if got := n.metricValue(t, series); got != strconv.Itoa(want) {
			t.Errorf("%s = %q, want %d", series, got, want)
		}
	}
	if got := n.metricValue(t, `tickarena_http_requests_total{code="101",route="GET /ws"}`); got != "" {
		t.Errorf("refused handshakes counted as 101: %s", got)
	}
	// A real handshake is still counted as 101, once it ends.
	c, _, err := dialGame(t, n.base, "")
	if err != nil {
		t.Fatalf("a valid handshake was refused: %v", err)
	}
	c.Send(wire.AppendLeave(nil)) // the server then closes the connection
	testwait.Until(t, testwait.Default, "the finished upgrade is counted as 101", func() bool {
		return n.metricValue(t, `tickarena_http_requests_total{code="101",route="GET /ws"}`) == "1"
	})
}

func TestUpgradeLimitRefusalsCarryRetryAfter(t *testing.T) {
	tests := []struct {
		name       string
		edit       func(*config.Config)
		wantStatus int
	}{
		{"per address", func(c *config.Config) { c.Realtime.MaxConnectionsPerAddr = 1 }, http.StatusTooManyRequests},
		{"node full", func(c *config.Config) { c.Realtime.MaxConnections = 1 }, http.StatusServiceUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := startNode(t, tt.edit)
			if _, _, err := dialGame(t, n.base, ""); err != nil {
				t.Fatalf("first connection refused: %v", err)
			}
			a := rawRequest(t, n.base, http.MethodGet, "/ws", upgradeLines(hostOf(n.base))...)
			if a.status != tt.wantStatus {
				t.Fatalf("second connection: %d, want %d; body %q", a.status, tt.wantStatus, a.body)
			}
			a.jsonError(t)
			if secs, err := strconv.Atoi(a.header.Get("Retry-After")); err != nil || secs < 1 {
				t.Fatalf("Retry-After %q, want a number of seconds", a.header.Get("Retry-After"))
			}
		})
	}
}

func TestWrongMethodOnARoute(t *testing.T) {
	n := startNode(t, nil)
	tests := []struct {
		method, path string
		wantStatus   int
		wantAllow    string
		wantJSON     bool
	}{
		{http.MethodPut, "/api/rooms", 405, "GET, HEAD, POST", true},
		{http.MethodDelete, "/api/rooms/abc", 405, "GET, HEAD", true},
		{http.MethodGet, "/api/session", 405, "POST", true},
		{http.MethodPost, "/api/leaderboard", 405, "GET, HEAD", true},
		{http.MethodGet, "/api/play", 405, "POST", true},
		{http.MethodPost, "/ws", 405, "GET, HEAD", false},
		{http.MethodPost, "/metrics", 405, "GET, HEAD", false},
		{http.MethodGet, "/api/nope", 404, "", true},
		{http.MethodPost, "/nope", 404, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			a := rawRequest(t, n.base, tt.method, tt.path, "Host: "+hostOf(n.base), "Content-Length: 0")
			if a.status != tt.wantStatus {
				t.Fatalf("status %d, want %d; body %q", a.status, tt.wantStatus, a.body)
			}
			if got := a.header.Get("Allow"); got != tt.wantAllow {
				t.Errorf("Allow %q, want %q", got, tt.wantAllow)
			}
			if tt.wantJSON {
				msg := a.jsonError(t)
				if tt.wantStatus == 405 && !strings.Contains(msg, tt.wantAllow) {
					t.Errorf("error %q does not say what is allowed", msg)
				}
			}
		})
	}
}

func TestStatusAgreesWithReadyz(t *testing.T) {
	n := startNode(t, nil)
	if code, body := n.Text(t, "/status"); code != 200 || !strings.Contains(body, `class="ok">ready<`) {
		t.Fatalf("/status of a ready node: %d, lacks ready", code)
	}
	// The store goes away: the node is not ready, and both pages say so.
	if err := n.app.store.Close(); err != nil {
		t.Fatalf("close the store: %v", err)
	}
	code, body := n.Text(t, "/readyz")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "store unreachable") {
		t.Fatalf("/readyz with the store closed: %d %s", code, body)
	}
	_, page := n.Text(t, "/status")
	if strings.Contains(page, `class="ok">ready<`) || !strings.Contains(page, "not ready: store unreachable") {
		t.Fatalf("/status says ready while /readyz says %s", body)
	}
}

func TestStatusNotReadyWhileDraining(t *testing.T) {
	// A round far longer than the drain deadline: the drain waits on it for
	// the whole deadline, whenever in the round it starts, so the node is
	// seen draining before it stops.
	n := startNode(t, func(c *config.Config) { c.Realtime.RoundSeconds, c.DrainTimeout = 60, 5*time.Second })
	token, room := n.player(t, "Stayer")
	c, _, err := dialGame(t, n.base, "")
	if err != nil {
		t.Fatal(err)
	}
	c.Join(t, token, room)
	drained := make(chan error, 1)
	go func() { drained <- n.app.Drain(context.Background()) }()
	t.Cleanup(func() {
		select {
		case <-drained:
		case <-time.After(30 * time.Second):
			t.Error("the drain did not finish within 30 s")
		}
	})
	testwait.Until(t, testwait.Default, "readyz turns 503", func() bool { code, _ := n.Text(t, "/readyz"); return code == http.StatusServiceUnavailable })
	if _, body := n.Text(t, "/readyz"); !strings.Contains(body, "draining") {
		t.Errorf("/readyz during the drain: %s", body)
	}
	if _, page := n.Text(t, "/status"); !strings.Contains(page, "not ready: draining") {
		t.Errorf("/status during the drain does not say not ready: draining")
	}
}

func TestSessionRateIsPerMinute(t *testing.T) {
	n := startNode(t, func(c *config.Config) { c.Session.Limit.Max = 10 })
	for i := range 10 {
		if code, body := n.Call(t, "/api/session", "", map[string]string{"name": "Rapid"}); code != http.StatusCreated {
			t.Fatalf("session %d of 10: %d %v", i+1, code, body)
		}
	}
	a := rawRequest(t, n.base, http.MethodPost, "/api/session", "Host: "+hostOf(n.base), "Content-Type: application/json", "Content-Length: 16", "", `{"name":"Rapid"}`)
	if a.status != http.StatusTooManyRequests {
		t.Fatalf("session 11 within a minute: %d, want 429; body %q", a.status, a.body)
	}
	a.jsonError(t)
	// The first of the ten leaves the window a minute after it was made.
	if secs, err := strconv.Atoi(a.header.Get("Retry-After")); err != nil || secs < 50 || secs > 60 {
		t.Fatalf("Retry-After %q, want about 60 seconds", a.header.Get("Retry-After"))
	}
}

func TestNamesRefusedNotReplaced(t *testing.T) {
	n := startNode(t, nil)
	tests := []struct {
		name, body string
	}{
		{"invalid utf-8", "{\"name\":\"a\xffb\"}"},
		{"lone surrogate", `{"name":"a\ud800b"}`},
		{"letter and 15 combining marks", `{"name":"a` + strings.Repeat(`\u0301`, 15) + `"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := rawRequest(t, n.base, http.MethodPost, "/api/session", "Host: "+hostOf(n.base), "Content-Type: application/json",
				"Content-Length: "+strconv.Itoa(len(tt.body)), "", tt.body)
			if a.status != http.StatusBadRequest {
				t.Fatalf("status %d, want 400; body %q", a.status, a.body)
			}
			a.jsonError(t)
		})
	}
}

func TestOriginCheckSchemeAndHost(t *testing.T) {
	const public = "https://play.example"
	plain := startNode(t, func(c *config.Config) { c.Origins = []string{"https://friend.example"} })
	behind := startNode(t, func(c *config.Config) { c.PublicURL = public })
	port := func(base string) string { _, p, _ := net.SplitHostPort(hostOf(base)); return p }
	tests := []struct {
		name   string
		node   *node
		host   string // the Host header; "" for the node's own address
		origin string
		ok     bool
	}{
		{"own origin", plain, "", plain.base, true},
		{"no origin: a program", plain, "", "", true},
		{"allowed origin", plain, "", "https://friend.example", true},
		{"allowed origin with its default port", plain, "", "https://friend.example:443", true},
		{"allowed host over the other scheme", plain, "", "http://friend.example", false},
		{"own host over https while the server answers http", plain, "", "https://" + hostOf(plain.base), false},
		{"own host on another port", plain, "", "http://127.0.0.1:1", false},
		{"opaque origin", plain, "", "null", false},
		{"public origin", behind, "", public, true},
		{"public origin with its default port", behind, "", public + ":443", true},
		{"public host over http", behind, "", "http://play.example", false},
		{"the listen address instead of the public URL", behind, "", behind.base, false},
		{"a Host header matching a foreign origin", behind, "evil.example:" + port(behind.base), "http://evil.example:" + port(behind.base), false},
		{"a Host header matching the public origin's scheme-less host", behind, "play.example", "http://play.example", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			host := tt.host
			if host == "" {
				host = hostOf(tt.node.base)
			}
			var extra []string
			if tt.origin != "" {
				extra = append(extra, "Origin: "+tt.origin)
			}
			a := rawRequest(t, tt.node.base, http.MethodGet, "/ws", upgradeLines(host, extra...)...)
			if tt.ok {
				if a.status != http.StatusSwitchingProtocols {
					t.Fatalf("refused: %d %q", a.status, a.body)
				}
				return
			}
			if a.status != http.StatusForbidden {
				t.Fatalf("status %d, want 403 before the upgrade; body %q", a.status, a.body)
			}
			a.jsonError(t)
		})
	}
}
