package hosting

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tickarena/tickarena/internal/servertest"
)

// newSession asks for a guest session with extra request headers and
// returns the status.
func newSession(t *testing.T, client *http.Client, base string, header map[string]string) int {
	t.Helper()
	req, err := http.NewRequest("POST", base+"/api/session", strings.NewReader(`{"name":"Ace"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("POST /api/session %v: %v", header, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// dialStatus opens a game connection with a request header and returns 101
// when it was upgraded, else the server's status.
func dialStatus(t *testing.T, wsURL string, header http.Header) int {
	t.Helper()
	_, resp, err := servertest.Dial(t, wsURL, header)
	if err == nil {
		return http.StatusSwitchingProtocols
	}
	if resp == nil {
		t.Fatalf("dial %s: %v", wsURL, err)
	}
	return resp.StatusCode
}

func wsURL(p *servertest.Proc) string { return "ws://" + p.Addr + "/ws" }

func xff(ip string) map[string]string { return map[string]string{"X-Forwarded-For": ip} }

func xffHeader(ip string) http.Header { return http.Header{"X-Forwarded-For": {ip}} }

// TestTrustedProxyCountsClientsApart: behind a trusted reverse proxy, two
// players are two addresses for the session rate and the connection limit,
// and log lines name the player, not the proxy.
func TestTrustedProxyCountsClientsApart(t *testing.T) {
	p := servertest.Start(t, "-db", t.TempDir()+"/t.db", "-trusted-proxies", "127.0.0.1/32", "-session-rate", "1", "-max-conns-per-ip", "1")

	if got := newSession(t, nil, p.URL, xff("203.0.113.1")); got != http.StatusCreated {
		t.Fatalf("first player's session: %d, want 201", got)
	}
	if got := newSession(t, nil, p.URL, xff("203.0.113.2")); got != http.StatusCreated {
		t.Errorf("second player behind the same proxy: %d, want 201 (counted apart from the first)", got)
	}
	if got := newSession(t, nil, p.URL, map[string]string{"Forwarded": `for="203.0.113.3"`}); got != http.StatusCreated {
		t.Errorf("third player named by Forwarded: %d, want 201", got)
	}
	if got := newSession(t, nil, p.URL, xff("203.0.113.1")); got != http.StatusTooManyRequests {
		t.Errorf("first player again: %d, want 429 (its own rate is spent)", got)
	}
	p.WaitLog(t, 5*time.Second, "ip=203.0.113.1")

	if got := dialStatus(t, wsURL(p), xffHeader("203.0.113.1")); got != http.StatusSwitchingProtocols {
		t.Fatalf("first player's game connection: %d, want 101", got)
	}
	if got := dialStatus(t, wsURL(p), xffHeader("203.0.113.2")); got != http.StatusSwitchingProtocols {
		t.Errorf("second player's game connection: %d, want 101 (not the first player's limit)", got)
	}
	if got := dialStatus(t, wsURL(p), xffHeader("203.0.113.1")); got != http.StatusTooManyRequests {
		t.Errorf("first player's second connection: %d, want 429 (-max-conns-per-ip 1)", got)
	}
	p.WaitLog(t, 5*time.Second, "addr=203.0.113.2")
}

// TestUntrustedPeerForgedHeader: a client that is not a trusted proxy gains
// nothing by sending forwarding headers.
func TestUntrustedPeerForgedHeader(t *testing.T) {
	p := servertest.Start(t, "-db", t.TempDir()+"/t.db", "-trusted-proxies", "10.0.0.0/8", "-session-rate", "1", "-max-conns-per-ip", "1")

	if got := newSession(t, nil, p.URL, xff("203.0.113.1")); got != http.StatusCreated {
		t.Fatalf("first session: %d, want 201", got)
	}
	for _, h := range []map[string]string{xff("203.0.113.2"), {"Forwarded": "for=203.0.113.3"}, {"X-Forwarded-For": "10.0.0.1, 203.0.113.4"}} {
		if got := newSession(t, nil, p.URL, h); got != http.StatusTooManyRequests {
			t.Errorf("session with forged %v: %d, want 429 (the peer's rate is spent)", h, got)
		}
	}
	if strings.Contains(p.Logs(), "203.0.113.2") {
		t.Error("the log names the forged address")
	}
	if got := dialStatus(t, wsURL(p), xffHeader("203.0.113.1")); got != http.StatusSwitchingProtocols {
		t.Fatalf("first game connection: %d, want 101", got)
	}
	if got := dialStatus(t, wsURL(p), xffHeader("203.0.113.2")); got != http.StatusTooManyRequests {
		t.Errorf("second connection with a forged header: %d, want 429", got)
	}
}

// proxyClient is an HTTP client that connects from 127.0.0.2 and begins
// every connection with the PROXY header that header(conn) returns.
func proxyClient(header func() string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)}, Timeout: 5 * time.Second}
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		DisableKeepAlives: true,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := d.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			if _, err := c.Write([]byte(header())); err != nil {
				c.Close()
				return nil, err
			}
			return c, nil
		},
	}}
}

// TestProxyProtocol: with -proxy-protocol, a TCP load balancer at a trusted
// address (127.0.0.2) names each client in a PROXY header; peers that are not
// trusted (127.0.0.1, whose readiness checks start the server) need none.
func TestProxyProtocol(t *testing.T) {
	p := servertest.Start(t, "-db", t.TempDir()+"/t.db", "-trusted-proxies", "127.0.0.2", "-proxy-protocol", "-session-rate", "1")
	_, port, _ := net.SplitHostPort(p.Addr)
	v1 := func(src string) *http.Client {
		return proxyClient(func() string { return fmt.Sprintf("PROXY TCP4 %s 127.0.0.1 40000 %s\r\n", src, port) })
	}
	v2 := func(src [4]byte) *http.Client {
		return proxyClient(func() string {
			h := []byte("\r\n\r\n\x00\r\nQUIT\n\x21\x11\x00\x0c")
			h = append(h, src[:]...)
			h = append(h, 127, 0, 0, 1, 0x9c, 0x40, 0x1f, 0x90)
			return string(h)
		})
	}
	for _, tc := range []struct {
		name   string
		client *http.Client
		want   int
	}{
		{"v1, first client", v1("198.51.100.7"), http.StatusCreated},
		{"v1, second client", v1("198.51.100.8"), http.StatusCreated},
		{"v2, third client", v2([4]byte{198, 51, 100, 9}), http.StatusCreated},
		{"v1, first client again", v1("198.51.100.7"), http.StatusTooManyRequests},
		{"v2, third client again", v2([4]byte{198, 51, 100, 9}), http.StatusTooManyRequests},
	} {
		if got := newSession(t, tc.client, p.URL, nil); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
	p.WaitLog(t, 5*time.Second, "ip=198.51.100.7")

	// A trusted peer that sends no header is cut, with a log line.
	c, err := (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)}}).Dial("tcp", p.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	fmt.Fprintf(c, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
	if line, err := bufio.NewReader(c).ReadString('\n'); err == nil {
		t.Errorf("a trusted peer without a PROXY header got an answer: %q", line)
	}
	p.WaitLog(t, 5*time.Second, "PROXY protocol header expected")
}

// waitLog waits until the server's log holds s.
