package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"time"
)

// waitReachable waits until the host of rawURL accepts TCP connections, or
// gives up after limit: scripts start a server and the load generator at once.
func waitReachable(ctx context.Context, rawURL string, limit time.Duration) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return fmt.Errorf("wait for %s: %w", rawURL, err)
	}
	host := u.Host
	if u.Port() == "" {
		switch u.Scheme {
		case "https", "wss":
			host = net.JoinHostPort(u.Hostname(), "443")
		default:
			host = net.JoinHostPort(u.Hostname(), "80")
		}
	}
	deadline := time.Now().Add(limit)
	var d net.Dialer
	for {
		c, err := d.DialContext(ctx, "tcp", host)
		if err == nil {
			return c.Close()
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("%s not reachable after %v: %w", host, limit, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// waitReady waits until the server's GET /readyz answers 200, or at most
// limit: a server that has just started on a loaded machine may still be
// saturated (its first ticks late) and would refuse every player. Past the
// limit the run goes on and measures what the server does.
func waitReady(ctx context.Context, base string, limit time.Duration, log *slog.Logger) {
	deadline := time.Now().Add(limit)
	client := &http.Client{Timeout: time.Second}
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/readyz", nil)
		if err != nil {
			return
		}
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusNotFound {
				return // ready, or a server without /readyz
			}
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			log.Warn("server not ready; starting anyway", "limit", limit, "err", err)
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}
