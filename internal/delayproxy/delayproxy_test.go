package delayproxy_test

import (
	"bytes"
	"io"
	"net"
	"testing"
	"time"

	"github.com/tickarena/tickarena/internal/delayproxy"
)

// echo starts a TCP echo server and returns its address.
func echo(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				io.Copy(c, c)
			}()
		}
	}()
	return ln.Addr().String()
}

func TestRoundTripIsDelayed(t *testing.T) {
	tests := []struct {
		name          string
		delay, jitter time.Duration
	}{
		{"no delay", 0, 0},
		{"50 ms each way", 50 * time.Millisecond, 0},
		{"50 ms ± 10 each way", 50 * time.Millisecond, 10 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := delayproxy.Start(t, delayproxy.Options{Target: echo(t), Delay: tt.delay, Jitter: tt.jitter})
			c, err := net.Dial("tcp", p.Addr())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(10 * time.Second))
			buf := make([]byte, 4)
			for i := range 5 {
				start := time.Now()
				msg := []byte{'p', 'i', 'n', byte('0' + i)}
				if _, err := c.Write(msg); err != nil {
					t.Fatal(err)
				}
				if _, err := io.ReadFull(c, buf); err != nil {
					t.Fatalf("read the echo: %v", err)
				}
				rtt := time.Since(start)
				if !bytes.Equal(buf, msg) {
					t.Fatalf("echo %q, want %q", buf, msg)
				}
				lo := 2 * (tt.delay - tt.jitter)
				hi := 2*(tt.delay+tt.jitter) + 200*time.Millisecond // scheduling on a busy machine
				if rtt < lo || rtt > hi {
					t.Errorf("round trip %v, want within [%v, %v]", rtt, lo, hi)
				}
			}
		})
	}
}

// TestStreamStaysInOrder sends a megabyte in small writes through a proxy
// with jitter larger than the gaps between writes: what comes back is the
// same bytes in the same order.
func TestStreamStaysInOrder(t *testing.T) {
	p := delayproxy.Start(t, delayproxy.Options{Target: echo(t), Delay: 5 * time.Millisecond, Jitter: 5 * time.Millisecond})
	c, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(20 * time.Second))
	want := make([]byte, 1<<20)
	for i := range want {
		want[i] = byte(i * 7 / 3)
	}
	go func() {
		for off := 0; off < len(want); off += 1000 {
			c.Write(want[off:min(off+1000, len(want))])
		}
	}()
	got := make([]byte, len(want))
	if _, err := io.ReadFull(c, got); err != nil {
		t.Fatalf("read back: %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Error("the bytes came back changed or out of order")
	}
}
