package realtime

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/tickarena/tickarena/game/wire"
	"github.com/tickarena/tickarena/internal/servertest"
	"github.com/tickarena/tickarena/internal/testwait"
)

// TestReadsHowever: a joined player's inputs are all applied however the
// network cuts its frames — several in one segment, one a byte at a time, a
// frame and a half — and a control frame among them (which the read poller
// leaves to gws) loses none of the inputs around it; the connection plays on.
func TestReadsHowever(t *testing.T) {
	for _, pollers := range []int{0, -1} {
		name := "read pollers"
		if pollers < 0 {
			name = "a goroutine per connection"
		}
		t.Run(name, func(t *testing.T) {
			_, url := startServer(t, Options{Bots: -1, ReadPollers: pollers})
			c := servertest.MustDial(t, url)
			c.Join(t, "tok-ann", "arena-1")
			// The frames below are written straight to the socket: the
			// player must not answer the game's pings meanwhile, or its
			// frames could land inside ours.
			c.SetSilent(true)
			sock := c.Conn().NetConn()
			frame := func(seq uint32) []byte {
				return servertest.ClientFrame(servertest.OpBinary, wire.AppendInput(nil, wire.Input{Seq: seq}))
			}
			write := func(b []byte) {
				t.Helper()
				if _, err := sock.Write(b); err != nil {
					t.Fatalf("write: %v", err)
				}
			}

			// Three frames in one write.
			write(append(append(frame(1), frame(2)...), frame(3)...))
			awaitAck(t, c, 3)

			// One frame a byte at a time.
			for _, b := range frame(4) {
				write([]byte{b})
				time.Sleep(time.Millisecond)
			}
			awaitAck(t, c, 4)

			// A frame and a half, then the rest.
			five, six := frame(5), frame(6)
			write(append(five, six[:len(six)/2]...))
			awaitAck(t, c, 5)
			write(six[len(six)/2:])
			awaitAck(t, c, 6)

			// A ping between two inputs, all in one write, then more inputs.
			write(append(append(frame(7), servertest.ClientFrame(0x9, []byte("hi"))...), frame(8)...))
			awaitAck(t, c, 8)
			c.SetSilent(false)
			c.SetSeq(8)
			awaitAck(t, c, c.Input(0, 0))
			if !c.Open() {
				t.Fatalf("connection closed (%d %q)", c.CloseCode(), c.CloseReason())
			}
		})
	}
}

// TestJoinedPlayerHasNoReadGoroutine: with read pollers (Linux), a player
// in a room costs no goroutine of its own on the server; with
// ReadPollers < 0, or elsewhere, each connection has its read loop.
func TestJoinedPlayerHasNoReadGoroutine(t *testing.T) {
	const players = 20
	for _, tt := range []struct {
		pollers int
		want    int
	}{
		{0, map[bool]int{true: 0, false: players}[canPollReads]},
		{-1, players},
	} {
		_, url := startServer(t, Options{Auth: numberedAuth{}, Bots: -1, ReadPollers: tt.pollers})
		for i := range players {
			c := servertest.MustDial(t, url)
			c.Join(t, fmt.Sprint("tok-", i), "arena-1")
		}
		var got int
		testwait.Until(t, testwait.Default, "the read goroutines counted", func() bool {
			got = countGoroutines("realtime.(*Manager).readLoop")
			return got == tt.want
		})
		t.Logf("ReadPollers %d: %d read goroutines for %d players", tt.pollers, got, players)
	}
}

// countGoroutines returns how many goroutines have fn in their stack.
func countGoroutines(fn string) int {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	count := 0
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, fn) {
			count++
		}
	}
	return count
}

// TestServerCloseEndsPolledSocket: when the server closes the connection
// of a player a read poller reads (an eviction here), the peer sees the
// end of stream at once, even a peer that never answers the close frame,
// and the server keeps no descriptor for the connection afterwards.
func TestServerCloseEndsPolledSocket(t *testing.T) {
	if !canPollReads {
		t.Skip("no read pollers on this platform")
	}
	m, url := startServer(t, Options{Auth: numberedAuth{}, Bots: -1})
	before := openFiles(t) // the process's: the server's, and from now on its players' too
	const players = 6
	raws := make([]*servertest.RawConn, players)
	for i := range raws {
		raws[i] = servertest.DialRaw(t, url, 0)
		hello := wire.AppendHello(nil, wire.Hello{Version: wire.Version, Token: fmt.Sprint("tok-", i), Room: "arena-1"})
		if err := raws[i].Send(servertest.OpBinary, hello); err != nil {
			t.Fatalf("hello: %v", err)
		}
		_ = raws[i].SetReadDeadline(time.Now().Add(testwait.Default))
		for welcomed := false; !welcomed; {
			op, payload, err := raws[i].ReadFrame()
			if err != nil {
				t.Fatalf("player %d: before the welcome: %v", i, err)
			}
			welcomed = op == servertest.OpBinary && wire.PeekType(payload) == wire.TypeWelcome
		}
	}
	testwait.Until(t, testwait.Default, "every player read by a poller", func() bool {
		return countGoroutines("realtime.(*Manager).readLoop") == 0
	})
	for i := range raws {
		if !m.Evict("arena-1", fmt.Sprint("p-", i)) {
			t.Fatal("no room arena-1")
		}
	}
	for i, raw := range raws {
		if code, _ := raw.ReadUntilClose(t, testwait.Default); code != 1008 {
			t.Errorf("player %d: close code %d, want 1008", i, code)
		}
		// The player never answers the close frame; the server's end of
		// the socket must be gone anyway.
		_ = raw.SetReadDeadline(time.Now().Add(testwait.Default))
		for {
			if _, _, err := raw.ReadFrame(); err != nil {
				if !errors.Is(err, io.EOF) {
					t.Errorf("player %d: after the close frame: %v, want the end of stream", i, err)
				}
				break
			}
		}
	}
	// The players' own sockets stay open until the test ends.
	testwait.Until(t, testwait.Default, "the server to close every player's descriptors", func() bool {
		return openFiles(t) <= before+players
	})
}

// openFiles returns how many descriptors this process has open.
func openFiles(t testing.TB) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("no /proc/self/fd: %v", err)
	}
	return len(ents)
}
