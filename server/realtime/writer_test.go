package realtime

import (
	"crypto/tls"
	"net"
	"testing"
	"time"

	"github.com/tickarena/tickarena/internal/testwait"
)

// passThrough and rewriting wrap a connection, the first saying that it
// writes through (as the PROXY protocol's does), the second not (as TLS).
type passThrough struct{ net.Conn }

func (p passThrough) NetConn() net.Conn { return p.Conn }
func (passThrough) WritesThrough()      {}

type rewriting struct{ net.Conn }

func (r rewriting) NetConn() net.Conn { return r.Conn }

// TestPlainTCP: the fast path writes raw bytes to the TCP socket only when
// nothing between the WebSocket and the socket changes them: a TLS
// connection, or a wrapper that does not say it writes through, goes by
// the connection's own writes instead.
func TestPlainTCP(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		accepted <- c
	}()
	tc, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer tc.Close()
	select {
	case c := <-accepted:
		if c != nil {
			defer c.Close()
		}
	case <-time.After(testwait.Default):
		t.Fatal("the listener did not accept the connection")
	}
	for _, tt := range []struct {
		name string
		conn net.Conn
		want bool
	}{
		{"tcp", tc, true},
		{"proxy protocol", passThrough{tc}, true},
		{"proxy protocol twice", passThrough{passThrough{tc}}, true},
		{"tls", tls.Client(tc, &tls.Config{InsecureSkipVerify: true}), false},
		{"tls behind the proxy protocol", passThrough{tls.Client(tc, &tls.Config{InsecureSkipVerify: true})}, false},
		{"unknown wrapper", rewriting{tc}, false},
		{"pipe", func() net.Conn { a, _ := net.Pipe(); return a }(), false},
	} {
		if _, got := plainTCP(tt.conn); got != tt.want {
			t.Errorf("%s: plain TCP %v, want %v", tt.name, got, tt.want)
		}
	}
}
