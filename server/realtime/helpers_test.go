package realtime

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lxzan/gws"
	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/wire"

	"github.com/tickarena/tickarena/internal/testwait"
)

// mapAuth is an Authenticator over a fixed map of tokens.
type mapAuth map[string][2]string

func (a mapAuth) Verify(token string) (string, string, error) {
	v, ok := a[token]
	if !ok {
		return "", "", errors.New("unknown token")
	}
	return v[0], v[1], nil
}

// panicAuth panics on the token "panic", like a buggy Authenticator would.
type panicAuth struct{ mapAuth }

func (a panicAuth) Verify(token string) (string, string, error) {
	if token == "panic" {
		panic("authenticator bug")
	}
	return a.mapAuth.Verify(token)
}

// testAuth knows tokens "tok-<name>" for a few players.
var testAuth = mapAuth{
	"tok-ann": {"p-ann", "Ann"}, "tok-bob": {"p-bob", "Bob"}, "tok-cat": {"p-cat", "Cat"},
	"tok-dan": {"p-dan", "Dan"}, "tok-eve": {"p-eve", "Eve"}, "tok-fay": {"p-fay", "Fay"},
}

// countingObserver counts what the server reports.
type countingObserver struct {
	NopObserver
	mu       sync.Mutex
	closed   map[string]int
	rejected map[string]int
	skipped  int
	late     int
}

func (o *countingObserver) LateTicks(_ string, late, dropped int) {
	o.mu.Lock()
	o.late += late + dropped
	o.mu.Unlock()
}

func (o *countingObserver) lateCount() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.late
}

func (o *countingObserver) skippedCount() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.skipped
}

func newCountingObserver() *countingObserver {
	return &countingObserver{closed: map[string]int{}, rejected: map[string]int{}}
}

func (o *countingObserver) ConnClosed(reason string) {
	o.mu.Lock()
	o.closed[reason]++
	o.mu.Unlock()
}

func (o *countingObserver) InputRejected(reason string) {
	o.mu.Lock()
	o.rejected[reason]++
	o.mu.Unlock()
}

func (o *countingObserver) DeltaSkipped(string) {
	o.mu.Lock()
	o.skipped++
	o.mu.Unlock()
}

func (o *countingObserver) closedCount(reason string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.closed[reason]
}

func (o *countingObserver) rejectedCount(reason string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.rejected[reason]
}

// startServer runs a Manager behind a real HTTP server on loopback and returns
// it with the ws:// URL; both stop when the test ends.
func startServer(t testing.TB, opts Options) (*Manager, string) {
	t.Helper()
	if opts.Auth == nil {
		opts.Auth = testAuth
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	m, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	srv := httptest.NewServer(m)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = m.Shutdown(ctx)
		srv.Close()
	})
	return m, "ws" + strings.TrimPrefix(srv.URL, "http")
}

// tclient is a test client on gws: it collects every server message, answers
// pings and records how the connection closed.
type tclient struct {
	t      testing.TB
	conn   *gws.Conn
	msgs   chan []byte
	done   chan struct{}
	deltas atomic.Int64
	bytes  atomic.Int64 // of every frame received
	frames atomic.Int64
	tick   atomic.Uint32 // of the last delta, acknowledged by inputs
	code   atomic.Uint32
	reason string // of the close frame received; read after done is closed
	errs   chan wire.Error
	seq    uint32
	silent atomic.Bool // when set, pings go unanswered
}

func dial(t testing.TB, url string) *tclient {
	t.Helper()
	c := &tclient{t: t, msgs: make(chan []byte, 1<<14), done: make(chan struct{}), errs: make(chan wire.Error, 4)}
	conn, _, err := gws.NewClient(c, &gws.ClientOption{Addr: url})
	if err != nil {
		t.Fatalf("dial %s: %v", url, err)
	}
	c.conn = conn
	go conn.ReadLoop()
	t.Cleanup(func() { _ = conn.NetConn().Close() })
	return c
}

func (c *tclient) OnOpen(*gws.Conn)             {}
func (c *tclient) OnPing(s *gws.Conn, p []byte) { _ = s.WritePong(p) }
func (c *tclient) OnPong(*gws.Conn, []byte)     {}
func (c *tclient) OnClose(s *gws.Conn, err error) {
	var ce *gws.CloseError
	if errors.As(err, &ce) {
		c.code.Store(uint32(ce.Code))
		c.reason = string(ce.Reason)
	}
	close(c.done)
}

// OnMessage splits a server frame into its messages (a tick frame holds the
// delta and what else the tick brings) and handles each.
func (c *tclient) OnMessage(s *gws.Conn, msg *gws.Message) {
	defer msg.Close()
	frame := msg.Bytes()
	c.bytes.Add(int64(len(frame)))
	c.frames.Add(1)
	var m wire.ServerMsg
	for len(frame) > 0 {
		rest, err := wire.DecodeServerNext(frame, &m)
		if err != nil {
			rest = nil // a test will fail decoding it
		}
		c.message(s, append([]byte(nil), frame[:len(frame)-len(rest)]...))
		frame = rest
	}
}

func (c *tclient) message(s *gws.Conn, b []byte) {
	switch wire.PeekType(b) {
	case wire.TypeDelta:
		c.deltas.Add(1)
		var m wire.ServerMsg
		if wire.DecodeServer(b, &m) == nil {
			c.tick.Store(m.Delta.Tick)
		}
	case wire.TypePing:
		if c.silent.Load() {
			break
		}
		var m wire.ServerMsg
		if wire.DecodeServer(b, &m) == nil {
			_ = s.WriteMessage(gws.OpcodeBinary, wire.AppendPong(nil, wire.Pong{Time: m.Ping.Time}))
		}
	case wire.TypeError:
		var m wire.ServerMsg
		if wire.DecodeServer(b, &m) == nil {
			select {
			case c.errs <- m.Error:
			default:
			}
		}
	}
	select {
	case c.msgs <- b:
	default:
	}
}

func (c *tclient) write(b []byte) { _ = c.conn.WriteMessage(gws.OpcodeBinary, b) }

func (c *tclient) hello(token, room string) {
	c.write(wire.AppendHello(nil, wire.Hello{Version: wire.Version, Token: token, Room: room}))
}

func (c *tclient) input(buttons uint8, aim uint16) uint32 {
	c.seq++
	c.write(wire.AppendInput(nil, wire.Input{Seq: c.seq, Ack: c.tick.Load(), N: 1,
		Steps: [wire.MaxInputSteps]wire.InputStep{{Buttons: gameButtons(buttons), Aim: gameAngle(aim)}}}))
	return c.seq
}

// next returns the next message of type typ, skipping others.
func (c *tclient) next(typ wire.Type) *wire.ServerMsg {
	c.t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case b := <-c.msgs:
			if wire.PeekType(b) != typ {
				continue
			}
			m := new(wire.ServerMsg)
			if err := wire.DecodeServer(b, m); err != nil {
				c.t.Fatalf("decode server message: %v", err)
			}
			return m
		case <-timeout:
			c.t.Fatalf("no message of type %d", typ)
			return nil
		}
	}
}

// join says hello and returns the welcome.
func (c *tclient) join(token, room string) wire.Welcome {
	c.t.Helper()
	c.hello(token, room)
	return c.next(wire.TypeWelcome).Welcome
}

// closed waits for the connection to end and returns the close code received
// (0 when none) and the error message received before it, if any.
func (c *tclient) closed() (uint16, *wire.Error) {
	c.t.Helper()
	select {
	case <-c.done:
	case <-time.After(10 * time.Second):
		c.t.Fatalf("connection not closed")
	}
	select {
	case e := <-c.errs:
		return uint16(c.code.Load()), &e
	default:
		return uint16(c.code.Load()), nil
	}
}

// rawConn is a WebSocket client written by hand, for what gws's client will not
// do: half frames, never reading.
type rawConn struct {
	net.Conn
	br *bufio.Reader
}

func rawDial(t testing.TB, url string, rcvBuf int) *rawConn {
	t.Helper()
	host := strings.TrimPrefix(url, "ws://")
	d := net.Dialer{}
	conn, err := d.Dial("tcp", host)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	if rcvBuf > 0 {
		_ = conn.(*net.TCPConn).SetReadBuffer(rcvBuf)
	}
	t.Cleanup(func() { _ = conn.Close() })
	var key [16]byte
	_, _ = rand.Read(key[:])
	req := fmt.Sprintf("GET / HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n", host, base64.StdEncoding.EncodeToString(key[:]))
	_ = conn.SetDeadline(time.Now().Add(testwait.Default)) // the handshake
	if _, err := conn.Write([]byte(req)); err != nil {
		t.Fatalf("write upgrade: %v", err)
	}
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("read upgrade response: %v", err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("upgrade status %d, want 101", resp.StatusCode)
	}
	_ = conn.SetDeadline(time.Time{})
	return &rawConn{Conn: conn, br: br}
}

// frame returns a masked client frame.
func frame(opcode byte, payload []byte) []byte {
	b := []byte{0x80 | opcode}
	switch n := len(payload); {
	case n < 126:
		b = append(b, 0x80|byte(n))
	case n < 1<<16:
		b = append(b, 0x80|126)
		b = binary.BigEndian.AppendUint16(b, uint16(n))
	default:
		b = append(b, 0x80|127)
		b = binary.BigEndian.AppendUint64(b, uint64(n))
	}
	mask := [4]byte{1, 2, 3, 4}
	b = append(b, mask[:]...)
	for i, c := range payload {
		b = append(b, c^mask[i%4])
	}
	return b
}

func gameButtons(b uint8) game.Buttons { return game.Buttons(b) }
func gameAngle(a uint16) game.Angle    { return game.Angle(a) }
