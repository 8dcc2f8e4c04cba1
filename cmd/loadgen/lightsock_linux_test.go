//go:build linux

package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/lxzan/gws"
	"github.com/tickarena/tickarena/game/wire"
	"github.com/tickarena/tickarena/internal/testwait"
	"github.com/tickarena/tickarena/internal/wsframe"
)

// ownServer is a gws server that hands each connection to the test (conns)
// and reports what it receives: messages (copied), pongs and its end.
type ownServer struct {
	gws.BuiltinEventHandler
	conns  chan *gws.Conn
	msgs   chan []byte
	pongs  chan string
	closes chan error
}

func (s *ownServer) OnOpen(c *gws.Conn) { s.conns <- c }

func (s *ownServer) OnMessage(_ *gws.Conn, m *gws.Message) {
	s.msgs <- append([]byte(nil), m.Bytes()...)
	_ = m.Close()
}

func (s *ownServer) OnPong(_ *gws.Conn, b []byte) { s.pongs <- string(b) }

func (s *ownServer) OnClose(_ *gws.Conn, err error) { s.closes <- err }

// startOwnServer runs an ownServer on a random loopback port until the test
// ends and returns it and its WebSocket URL.
func startOwnServer(t *testing.T) (*ownServer, string) {
	t.Helper()
	srv := &ownServer{conns: make(chan *gws.Conn, 4), msgs: make(chan []byte, 16), pongs: make(chan string, 4), closes: make(chan error, 4)}
	up := gws.NewUpgrader(srv, &gws.ServerOption{})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c, err := up.Upgrade(w, r); err == nil {
			go c.ReadLoop()
		}
	}))
	t.Cleanup(ts.Close)
	return srv, "ws" + strings.TrimPrefix(ts.URL, "http")
}

// openFds counts the process's open descriptors.
func openFds(t *testing.T) int {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(fds)
}

// ownedClient connects a light client to url and waits until it owns its
// socket and its hello reached srv, which the test checks.
func ownedClient(t *testing.T, srv *ownServer, url string) (*player, *gws.Conn) {
	t.Helper()
	p := &player{id: 1, url: url, token: "tok", room: "r1", mode: modeLight, sizes: &histogram{}}
	p.lc = &lightConn{p: p}
	go p.lc.connect(url)
	sc := testwait.Recv(t, testwait.Default, "the server's connection", srv.conns)
	hello := testwait.Recv(t, testwait.Default, "the hello", srv.msgs)
	if want := wire.AppendHello(nil, wire.Hello{Version: wire.Version, Token: "tok", Room: "r1"}); !bytes.Equal(hello, want) {
		t.Fatalf("the server got the hello as %x, want %x", hello, want)
	}
	if p.lc.sock.Load() == nil {
		t.Fatal("the light client does not own its socket")
	}
	if err := sc.WriteMessage(gws.OpcodeBinary, wire.AppendWelcome(nil, wire.Welcome{Ship: 1, ServerTick: 1})); err != nil {
		t.Fatal(err)
	}
	testwait.Until(t, testwait.Default, "the welcome", p.welcomed.Load)
	return p, sc
}

// TestOwnedLightClient: a light client that owns its socket writes frames a
// real WebSocket server takes (masked, with each length's header), answers
// the server's ping with its payload, and closes its socket on Close (with
// a close frame first); a server's close frame is reported with its code
// and reason, and the socket closed.
func TestOwnedLightClient(t *testing.T) {
	startLightPollers() // their descriptors are there before the count
	srv, url := startOwnServer(t)
	before := openFds(t)

	t.Run("writes, pong and Close", func(t *testing.T) {
		p, sc := ownedClient(t, srv, url)
		up := p.bytesUp.Load()
		for _, n := range []int{1, 125, 126, 300, 65_535, 65_536, 70_000} {
			msg := make([]byte, n)
			for i := range msg {
				msg[i] = byte(i*7 + n)
			}
			p.lc.write(msg)
			if got := testwait.Recv(t, testwait.Default, fmt.Sprintf("the message of %d bytes", n), srv.msgs); !bytes.Equal(got, msg) {
				t.Fatalf("the server got %d bytes for the message of %d, not its bytes", len(got), n)
			}
			up += uint64(n)
		}
		if got := p.bytesUp.Load(); got != up {
			t.Errorf("%d bytes up counted, want %d", got, up)
		}
		if err := sc.WritePing([]byte("ping-42")); err != nil {
			t.Fatal(err)
		}
		if got := testwait.Recv(t, testwait.Default, "the client's pong", srv.pongs); got != "ping-42" {
			t.Errorf("pong %q, want %q", got, "ping-42")
		}

		s := p.lc.sock.Load()
		p.lc.Close()
		err := testwait.Recv(t, testwait.Default, "the server's end", srv.closes)
		var ce *gws.CloseError
		if !errors.As(err, &ce) || ce.Code != wire.CloseNormal || string(ce.Reason) != "done" {
			t.Errorf("the server's connection ended with %v, want the client's close frame, %d done", err, wire.CloseNormal)
		}
		if err := s.control(func(int) error { return nil }); !errors.Is(err, errSockClosed) {
			t.Errorf("the socket after Close: %v, want it closed", err)
		}
		testwait.Until(t, testwait.Default, "the descriptors back to their count", func() bool { return openFds(t) <= before })
		if n := p.closes.Load(); n != 0 {
			t.Errorf("%d drops counted for a close the client asked for", n)
		}
	})

	t.Run("the server's close", func(t *testing.T) {
		p, sc := ownedClient(t, srv, url)
		if err := sc.WriteClose(4001, []byte("bye")); err != nil {
			t.Fatal(err)
		}
		testwait.Until(t, testwait.Default, "the server's close reported", func() bool { return p.closes.Load() == 1 })
		if e, _ := p.lastErr.Load().(string); !strings.Contains(e, "code=4001") || !strings.Contains(e, "bye") {
			t.Errorf("last error %q, want the server's close, 4001 bye", e)
		}
		if p.welcomed.Load() {
			t.Error("still welcomed after the server's close")
		}
		testwait.Recv(t, testwait.Default, "the server's end", srv.closes)
		if err := p.lc.sock.Load().control(func(int) error { return nil }); !errors.Is(err, errSockClosed) {
			t.Errorf("the socket after the server's close: %v, want it closed", err)
		}
		testwait.Until(t, testwait.Default, "the descriptors back to their count", func() bool { return openFds(t) <= before })
		p.lc.Close() // after the end: nothing more happens
		if n := p.closes.Load(); n != 1 {
			t.Errorf("%d drops counted, want the one", n)
		}
	})
}

// TestOwnedLightClientStuck: a server that completes the handshake and
// sends a welcome, then reads nothing, makes the client's writes pend;
// once more than lightPendingMax bytes are pending the connection ends as
// a drop, and no write blocks its caller meanwhile.
func TestOwnedLightClientStuck(t *testing.T) {
	startLightPollers()
	lcfg := net.ListenConfig{Control: func(_, _ string, c syscall.RawConn) error {
		var serr error
		if err := c.Control(func(fd uintptr) { serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096) }); err != nil {
			return err
		}
		return serr
	}}
	ln, err := lcfg.Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	held := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		held <- c // closed at the test's end, never read after the handshake
		br := bufio.NewReader(c)
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		sum := sha1.Sum([]byte(req.Header.Get("Sec-WebSocket-Key") + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
		if _, err := fmt.Fprintf(c, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n", base64.StdEncoding.EncodeToString(sum[:])); err != nil {
			return
		}
		// Like a game server, it speaks once the hello came (a tiny frame:
		// one read has it), and then reads no more.
		if _, err := br.ReadByte(); err != nil {
			return
		}
		welcome := wire.AppendWelcome(nil, wire.Welcome{Ship: 1, ServerTick: 1})
		_, _ = c.Write(append([]byte{0x82, byte(len(welcome))}, welcome...))
	}()
	defer func() {
		select {
		case c := <-held:
			_ = c.Close()
		default:
		}
	}()

	url := "ws://" + ln.Addr().String() + "/"
	p := &player{id: 1, url: url, token: "tok", mode: modeLight, sizes: &histogram{}}
	p.lc = &lightConn{p: p}
	go p.lc.connect(url)
	testwait.Until(t, testwait.Default, "the welcome", p.welcomed.Load)
	s := p.lc.sock.Load()
	if s == nil {
		t.Fatal("the light client does not own its socket")
	}
	if err := s.control(func(fd int) error { return syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_SNDBUF, 4096) }); err != nil {
		t.Fatal(err)
	}

	done := make(chan int)
	go func() {
		msg := make([]byte, 16<<10)
		n := 0
		for ; n < 1000 && p.closes.Load() == 0; n++ {
			p.lc.write(msg)
		}
		done <- n
	}()
	n := testwait.Recv(t, testwait.Default, "the writes to return", done)
	if got := p.closes.Load(); got != 1 {
		t.Fatalf("%d drops after %d writes of 16 KiB the server did not read, want 1", got, n)
	}
	if e, _ := p.lastErr.Load().(string); !strings.Contains(e, errStuck.Error()) {
		t.Errorf("last error %q, want the stuck socket's", e)
	}
	if err := s.control(func(int) error { return nil }); !errors.Is(err, errSockClosed) {
		t.Errorf("the stuck socket: %v, want it closed", err)
	}
	t.Logf("ended after %d writes of 16 KiB", n)
}

// fakeSocket is a write(2) for a lightSock: it takes at most take bytes in
// all (then EAGAIN), chunk bytes a call, after one EINTR, or fails with err.
type fakeSocket struct {
	take, chunk int
	err         error
	got         []byte
	calls       int
	intr        bool
}

func (f *fakeSocket) write(_ int, b []byte) (int, error) {
	f.calls++
	switch {
	case f.err != nil:
		return -1, f.err
	case !f.intr:
		f.intr = true
		return -1, syscall.EINTR
	case f.take == 0:
		return -1, syscall.EAGAIN
	}
	n := min(len(b), f.chunk, f.take)
	f.take -= n
	f.got = append(f.got, b[:n]...)
	return n, nil
}

// unframe returns the payloads of the masked client frames in b, failing
// t on anything else.
func unframe(t *testing.T, b []byte) (ops []gws.Opcode, payloads [][]byte) {
	t.Helper()
	for len(b) > 0 {
		head, size, masked, ok := wsframe.Header(b)
		if !ok || b[0]&0x80 == 0 || !masked || len(b) < head+size {
			t.Fatalf("not a whole masked frame: %x", b[:min(len(b), 16)])
		}
		key := b[head-4 : head]
		p := append([]byte(nil), b[head:head+size]...)
		for i := range p {
			p[i] ^= key[i&3]
		}
		ops, payloads = append(ops, gws.Opcode(b[0]&0x0f)), append(payloads, p)
		b = b[head+size:]
	}
	return ops, payloads
}

// TestLightSockKeepsWhatTheSocketDoesNotTake: what the socket does not
// take (EAGAIN, partial writes) is sent before anything else by the next
// send or flush, an interrupted write is tried again, more than
// lightPendingMax bytes pending is errStuck, a write's error is returned,
// and nothing follows a close frame.
func TestLightSockKeepsWhatTheSocketDoesNotTake(t *testing.T) {
	f := &fakeSocket{take: 10, chunk: 4}
	s := &lightSock{fd: 1000, write: f.write} // never closed: no real descriptor
	first, second := bytes.Repeat([]byte{0xab}, 20), []byte("second")
	if err := s.send(gws.OpcodeBinary, first); err != nil {
		t.Fatal(err)
	}
	if len(f.got) != 10 || len(s.out) != 2+4+20-10 || !s.pending.Load() {
		t.Fatalf("the socket took %d bytes, %d pending (flag %v); want 10 and 16", len(f.got), len(s.out), s.pending.Load())
	}
	f.take = 1 << 20
	if err := s.send(gws.OpcodePong, second); err != nil {
		t.Fatal(err)
	}
	if len(s.out) != 0 || s.pending.Load() {
		t.Fatalf("%d bytes still pending", len(s.out))
	}
	ops, payloads := unframe(t, f.got)
	if len(ops) != 2 || ops[0] != gws.OpcodeBinary || ops[1] != gws.OpcodePong || !bytes.Equal(payloads[0], first) || !bytes.Equal(payloads[1], second) {
		t.Fatalf("the socket got frames %v %q, want the binary one then the pong", ops, payloads)
	}
	calls := f.calls
	if err := s.flush(); err != nil || f.calls != calls {
		t.Errorf("flush with nothing pending: %v, %d writes", err, f.calls-calls)
	}

	// The ticker's retry sends what is pending.
	f.take, f.got = 0, nil
	if err := s.send(gws.OpcodeBinary, second); err != nil {
		t.Fatal(err)
	}
	f.take = 1 << 20
	if err := s.flush(); err != nil || len(s.out) != 0 {
		t.Fatalf("flush: %v, %d bytes left", err, len(s.out))
	}
	if _, payloads := unframe(t, f.got); len(payloads) != 1 || !bytes.Equal(payloads[0], second) {
		t.Fatalf("the retry sent %q", payloads)
	}

	// Stuck: nothing taken, until more than the bound is pending.
	f.take = 0
	msg := make([]byte, 1000)
	var err error
	for sent := 0; err == nil && sent <= lightPendingMax+len(msg); sent += len(msg) {
		if err = s.send(gws.OpcodeBinary, msg); err == nil && len(s.out) > lightPendingMax {
			t.Fatalf("%d bytes pending without errStuck", len(s.out))
		}
	}
	if !errors.Is(err, errStuck) || len(s.out) <= lightPendingMax {
		t.Fatalf("with %d bytes pending: %v; want errStuck past %d", len(s.out), err, lightPendingMax)
	}

	// A failing write.
	s.out, f.err = s.out[:0], syscall.EPIPE
	if err := s.send(gws.OpcodeBinary, msg); !errors.Is(err, syscall.EPIPE) {
		t.Errorf("send on a broken socket: %v, want EPIPE", err)
	}

	// Nothing after a close frame.
	s.out, f.err, f.take = s.out[:0], nil, 1<<20
	if err := s.send(gws.OpcodeCloseConnection, closePayload(wire.CloseNormal, "done")); err != nil {
		t.Fatal(err)
	}
	if err := s.send(gws.OpcodeBinary, msg); !errors.Is(err, errSockClosed) {
		t.Errorf("send after a close frame: %v, want errSockClosed", err)
	}
}

// TestOwnedLightClientFramesBehindHandshake: a server that sends its first
// frame in the same write as its 101, and the start of a second, reaches a
// light client that takes its socket from gws: the first is handled, and
// the second is whole once the rest of it comes after the hello.
func TestOwnedLightClientFramesBehindHandshake(t *testing.T) {
	startLightPollers()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	welcome := wire.AppendWelcome(nil, wire.Welcome{Ship: 7, ServerTick: 3})
	pong := wire.AppendPong(nil, wire.Pong{Time: 1})
	first := append([]byte{0x82, byte(len(welcome))}, welcome...)
	second := append([]byte{0x82, byte(len(pong))}, pong...)
	hellos := make(chan error, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			hellos <- err
			return
		}
		defer c.Close()
		br := bufio.NewReader(c)
		req, err := http.ReadRequest(br)
		if err != nil {
			hellos <- err
			return
		}
		sum := sha1.Sum([]byte(req.Header.Get("Sec-WebSocket-Key") + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
		out := fmt.Appendf(nil, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n", base64.StdEncoding.EncodeToString(sum[:]))
		out = append(append(out, first...), second[:3]...) // one write: one read takes it all
		if _, err := c.Write(out); err != nil {
			hellos <- err
			return
		}
		var head [14]byte
		if _, err := io.ReadFull(br, head[:2]); err != nil {
			hellos <- fmt.Errorf("the hello: %w", err)
			return
		}
		if _, err := c.Write(second[3:]); err != nil {
			hellos <- err
			return
		}
		hellos <- nil
		_, _ = io.Copy(io.Discard, br) // until the client goes
	}()

	url := "ws://" + ln.Addr().String() + "/"
	p := &player{id: 1, url: url, token: "tok", mode: modeLight, sizes: &histogram{}}
	p.lc = &lightConn{p: p}
	t.Cleanup(p.lc.Close)
	go p.lc.connect(url)
	testwait.Until(t, testwait.Default, "the welcome sent with the 101", p.welcomed.Load)
	if p.lc.sock.Load() == nil {
		t.Fatal("the light client does not own its socket")
	}
	if err := testwait.Recv(t, testwait.Default, "the hello at the server", hellos); err != nil {
		t.Fatal(err)
	}
	// The pong's RTT is stored after its bytes are counted, on the poller.
	testwait.Until(t, testwait.Default, "the pong cut after the 101, handled", func() bool { return p.rttNanos.Load() != 0 })
	if got, want := p.bytesDown.Load(), uint64(len(welcome)+len(pong)); got != want {
		t.Errorf("%d bytes down counted, want %d (the welcome and the pong)", got, want)
	}
	if n := p.closes.Load(); n != 0 {
		t.Errorf("%d drops, want none", n)
	}
}
