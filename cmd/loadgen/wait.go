package main

import (
	"context"
	"fmt"
	"net"
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
