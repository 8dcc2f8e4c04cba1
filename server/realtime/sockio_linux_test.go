package realtime

import (
	"bytes"
	"errors"
	"net"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/tickarena/tickarena/internal/testwait"
)

// TestSendNowRecvNow: the fast path's send and the read poller's recv on a
// real loopback TCP connection: the bytes sent arrive whole, an empty socket
// says EAGAIN instead of waiting, a full send buffer takes part of a write
// and then EAGAIN, and the end of the stream reads as 0.
func TestSendNowRecvNow(t *testing.T) {
	sock, _, peer := ownedPair(t)
	in := sock.own.Load().fd
	f, err := peer.(*net.TCPConn).File() // a blocking duplicate: the flags say not to wait
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.Close() })
	out := int(f.Fd())

	buf := make([]byte, 64)
	if n, err := recvNow(in, buf); !errors.Is(err, syscall.EAGAIN) {
		t.Fatalf("recv on an empty socket = %d, %v; want EAGAIN at once", n, err)
	}
	msg := []byte("\x82\x05hello")
	if n, err := sendNow(out, msg); err != nil || n != len(msg) {
		t.Fatalf("send = %d, %v; want %d, nil", n, err, len(msg))
	}
	got := waitRecv(t, in, buf)
	if !bytes.Equal(got, msg) {
		t.Fatalf("recv = %q, want %q", got, msg)
	}

	// Fill the send buffer: writes take what fits, then EAGAIN.
	big := make([]byte, 1<<20)
	total := 0
	for range 1000 {
		n, err := sendNow(out, big)
		if errors.Is(err, syscall.EAGAIN) {
			break
		}
		if err != nil {
			t.Fatalf("send into a filling buffer: %v", err)
		}
		total += n
	}
	if n, err := sendNow(out, big); !errors.Is(err, syscall.EAGAIN) {
		t.Fatalf("send into a full buffer = %d, %v after %d bytes; want EAGAIN", n, err, total)
	}
	if total == 0 {
		t.Fatalf("nothing was sent before the buffer was full")
	}

	// The peer hangs up: once its bytes are read, recv says 0.
	if err := syscall.Shutdown(out, syscall.SHUT_WR); err != nil {
		t.Fatal(err)
	}
	read := 0
	for {
		got := waitRecv(t, in, big)
		if len(got) == 0 {
			break
		}
		read += len(got)
	}
	if read != total {
		t.Fatalf("read %d bytes before the end of the stream, want the %d sent", read, total)
	}
}

// waitRecv reads from fd until something arrives, or the end of the
// stream (nothing), failing the test if neither comes in time.
func waitRecv(t *testing.T, fd int, buf []byte) []byte {
	t.Helper()
	deadline := time.Now().Add(testwait.Default)
	for {
		n, err := recvNow(fd, buf)
		switch {
		case errors.Is(err, syscall.EAGAIN) && time.Now().Before(deadline):
			runtime.Gosched()
		case err != nil:
			t.Fatalf("recv: %v", err)
		default:
			return buf[:n]
		}
	}
}
