//go:build linux

package realtime

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"testing"
	"time"

	"github.com/tickarena/tickarena/internal/testwait"
)

// ownedPair returns a sockConn whose socket was taken out of Go's poller,
// its raw connection, and the peer's end of the TCP connection.
func ownedPair(t *testing.T) (*sockConn, *sockRaw, net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	peer, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = peer.Close() })
	c, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	tc := c.(*net.TCPConn)
	rc, err := tc.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	s, raw := &sockConn{Conn: tc}, &sockRaw{rc: rc}
	if err := s.take(tc, raw); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s, raw, peer
}

// TestOwnedSocket: a socket taken out of Go's poller still behaves as a
// net.Conn for what has to wait. A write larger than the socket takes
// arrives whole once the peer reads; a write the peer never reads gives up
// at the write deadline; a read waits for the peer's bytes and gives up at
// the read deadline; Close ends the connection for the peer and closes the
// descriptor, whose raw connection then reports it closed.
func TestOwnedSocket(t *testing.T) {
	t.Run("a write the socket does not take at once", func(t *testing.T) {
		s, _, peer := ownedPair(t)
		big := make([]byte, 8<<20)
		for i := range big {
			big[i] = byte(i * 31)
		}
		_ = s.SetWriteDeadline(time.Now().Add(testwait.Default))
		wrote := make(chan error, 1)
		go func() { _, err := s.Write(big); wrote <- err }()
		got, err := io.ReadAll(io.LimitReader(peer, int64(len(big))))
		if err != nil || !bytes.Equal(got, big) {
			t.Fatalf("the peer read %d bytes (err %v), not the %d written", len(got), err, len(big))
		}
		if err := testwait.Recv(t, testwait.Default, "the write", wrote); err != nil {
			t.Fatalf("write: %v", err)
		}
	})

	t.Run("write deadline", func(t *testing.T) {
		s, _, _ := ownedPair(t)
		_ = s.SetWriteDeadline(time.Now().Add(200 * time.Millisecond))
		wrote := make(chan error, 1)
		go func() { _, err := s.Write(make([]byte, 32<<20)); wrote <- err }()
		if err := testwait.Recv(t, testwait.Default, "the write to give up", wrote); !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatalf("a write the peer never reads ended with %v, want the deadline", err)
		}
	})

	t.Run("read, read deadline and close", func(t *testing.T) {
		s, raw, peer := ownedPair(t)
		if _, err := peer.Write([]byte("hello")); err != nil {
			t.Fatal(err)
		}
		b := make([]byte, 16)
		_ = s.SetReadDeadline(time.Now().Add(testwait.Default))
		if n, err := s.Read(b); err != nil || string(b[:n]) != "hello" {
			t.Fatalf("read %q, %v; want hello", b[:n], err)
		}
		_ = s.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
		if _, err := s.Read(b); !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatalf("a read with nothing to read ended with %v, want the deadline", err)
		}
		if err := s.Close(); err != nil {
			t.Fatalf("close: %v", err)
		}
		_ = peer.SetReadDeadline(time.Now().Add(testwait.Default))
		if n, err := peer.Read(b); err != io.EOF {
			t.Fatalf("the peer read %d bytes, %v after Close; want the end of stream", n, err)
		}
		if err := raw.Control(func(uintptr) {}); !errors.Is(err, net.ErrClosed) {
			t.Fatalf("the raw connection after Close: %v, want closed", err)
		}
	})
}
