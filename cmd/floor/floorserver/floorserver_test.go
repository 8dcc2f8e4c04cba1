package floorserver

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lxzan/gws"
	"github.com/tickarena/tickarena/game/wire"

	"github.com/tickarena/tickarena/internal/testwait"
)

// recorder is a gws client that keeps what it receives.
type recorder struct {
	gws.BuiltinEventHandler
	mu     sync.Mutex
	msgs   [][]byte
	closed chan error
	got    chan struct{}
}

func (r *recorder) OnMessage(c *gws.Conn, m *gws.Message) {
	r.mu.Lock()
	r.msgs = append(r.msgs, append([]byte(nil), m.Bytes()...))
	r.mu.Unlock()
	_ = m.Close()
	select {
	case r.got <- struct{}{}:
	default:
	}
}

func (r *recorder) OnClose(c *gws.Conn, err error) { r.closed <- err }

// waitFor waits until the recorder holds a message that ok accepts.
func (r *recorder) waitFor(t *testing.T, what string, ok func([]byte) bool) []byte {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		r.mu.Lock()
		for _, m := range r.msgs {
			if ok(m) {
				r.mu.Unlock()
				return m
			}
		}
		r.mu.Unlock()
		select {
		case <-r.got:
		case <-deadline:
			t.Fatalf("no %s received", what)
		}
	}
}

func TestFloorSession(t *testing.T) {
	s := New(Options{TickRate: 60, MessageSize: 120, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	ts := httptest.NewServer(s)
	defer ts.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Run(ctx); close(done) }()

	rec := &recorder{closed: make(chan error, 1), got: make(chan struct{}, 1)}
	conn, _, err := gws.NewClient(rec, &gws.ClientOption{Addr: "ws" + strings.TrimPrefix(ts.URL, "http") + "/"})
	if err != nil {
		t.Fatal(err)
	}
	go conn.ReadLoop()
	if err := conn.WriteMessage(gws.OpcodeBinary, wire.AppendHello(nil, wire.Hello{Version: wire.Version, Token: "any"})); err != nil {
		t.Fatal(err)
	}
	welcome := rec.waitFor(t, "welcome", func(b []byte) bool { return wire.PeekType(b) == wire.TypeWelcome })
	var m wire.ServerMsg
	if err := wire.DecodeServer(welcome, &m); err != nil || m.Welcome.Rules.TickRate != 60 {
		t.Errorf("welcome %+v, err %v; want tick rate 60", m.Welcome, err)
	}
	tick := rec.waitFor(t, "tick message", func(b []byte) bool { return len(b) == 120 })
	if wire.PeekType(tick) != 0 {
		t.Errorf("tick message reads as message type %d, want none", wire.PeekType(tick))
	}
	for seq := uint32(1); seq <= 5; seq++ {
		_ = conn.WriteMessage(gws.OpcodeBinary, wire.AppendInput(nil, wire.Input{Seq: seq}))
	}
	_ = conn.WriteMessage(gws.OpcodeBinary, wire.AppendPing(nil, wire.Ping{Time: 77}))
	pong := rec.waitFor(t, "pong", func(b []byte) bool { return wire.PeekType(b) == wire.TypePong })
	if err := wire.DecodeServer(pong, &m); err != nil || m.Pong.Time != 77 {
		t.Errorf("pong %+v, err %v; want time 77", m.Pong, err)
	}
	st := s.Stats()
	if st.Clients != 1 || st.Sent == 0 || st.Received < 7 {
		t.Errorf("stats %+v: want 1 client, messages sent, hello+5 inputs+ping received", st)
	}

	// Stopping the floor closes the connection with 1001.
	cancel()
	testwait.Recv(t, testwait.Default, "the floor server to stop", done)
	select {
	case err := <-rec.closed:
		var ce *gws.CloseError
		if !errors.As(err, &ce) || ce.Code != 1001 {
			t.Errorf("closed with %v, want code 1001", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("connection not closed after the floor stopped")
	}
}
