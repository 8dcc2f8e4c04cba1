package servertest

import (
	"crypto/tls"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lxzan/gws"

	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/wire"
)

// Player is a minimal game client over a real WebSocket: it answers pings,
// remembers its welcome, counts deltas, and keeps the last error message and
// the close code it received.
type Player struct {
	conn      *gws.Conn
	welcome   chan wire.Welcome
	welcomed  atomic.Bool
	closed    chan struct{}
	closeCode atomic.Uint32
	deltas    atomic.Int64
	tick      atomic.Uint32 // of the last delta, acknowledged by inputs
	mu        sync.Mutex
	lastErr   wire.Error
}

// Dial opens a game connection to wsURL (ws://host:port/ws...) with the given
// request header (nil for none). The connection is closed when the test ends.
// On a refused handshake it returns the server's HTTP answer with the error.
func Dial(t testing.TB, wsURL string, header http.Header) (*Player, *http.Response, error) {
	t.Helper()
	return DialTLS(t, wsURL, header, nil)
}

// DialTLS is Dial with the TLS configuration of a wss:// URL (nil: the defaults).
func DialTLS(t testing.TB, wsURL string, header http.Header, conf *tls.Config) (*Player, *http.Response, error) {
	t.Helper()
	p := &Player{welcome: make(chan wire.Welcome, 1), closed: make(chan struct{})}
	conn, resp, err := gws.NewClient(p, &gws.ClientOption{Addr: wsURL, RequestHeader: header, TlsConfig: conf})
	if err != nil {
		return nil, resp, err
	}
	p.conn = conn
	go conn.ReadLoop()
	t.Cleanup(func() { _ = conn.NetConn().Close() })
	return p, resp, nil
}

// MustDial is Dial that fails the test when the connection is refused.
func MustDial(t testing.TB, wsURL string) *Player {
	t.Helper()
	p, _, err := Dial(t, wsURL, nil)
	if err != nil {
		t.Fatalf("dial %s: %v", wsURL, err)
	}
	return p
}

// Send writes one binary message.
func (p *Player) Send(b []byte) { _ = p.conn.WriteMessage(gws.OpcodeBinary, b) }

// Hello sends a hello without waiting for the answer.
func (p *Player) Hello(token, room string) {
	p.Send(wire.AppendHello(nil, wire.Hello{Version: wire.Version, Token: token, Room: room}))
}

// Join says hello and returns the welcome, failing the test if none comes.
func (p *Player) Join(t testing.TB, token, room string) wire.Welcome {
	t.Helper()
	p.Hello(token, room)
	select {
	case w := <-p.welcome:
		return w
	case <-p.closed:
		t.Fatalf("closed with %d before the welcome", p.CloseCode())
	case <-time.After(10 * time.Second):
		t.Fatal("no welcome")
	}
	return wire.Welcome{}
}

// Fly sends an input every tick in the background, moving in a square and
// firing and acknowledging the last delta received, until the connection ends.
func (p *Player) Fly() {
	go func() {
		tick := time.NewTicker(time.Second / 30)
		defer tick.Stop()
		for seq := uint32(1); p.Open(); seq++ {
			<-tick.C
			buttons := []game.Buttons{game.Right, game.Down, game.Left, game.Up}[seq/45%4] | game.Fire
			if err := p.conn.WriteMessage(gws.OpcodeBinary, wire.AppendInput(nil, wire.Input{Seq: seq, Ack: p.tick.Load(), N: 1,
				Steps: [wire.MaxInputSteps]wire.InputStep{{Buttons: buttons, Aim: game.Angle(seq * 700)}}})); err != nil {
				return
			}
		}
	}()
}

// Close ends the connection with a normal close frame.
func (p *Player) Close() { p.conn.WriteClose(1000, nil) }

// Welcomed reports whether a welcome has arrived.
func (p *Player) Welcomed() bool { return p.welcomed.Load() }

// Deltas returns the number of deltas received.
func (p *Player) Deltas() int64 { return p.deltas.Load() }

// LastError returns the last error message received.
func (p *Player) LastError() wire.Error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.lastErr
}

// Closed is closed when the connection has ended.
func (p *Player) Closed() <-chan struct{} { return p.closed }

// Open reports whether the connection is still open.
func (p *Player) Open() bool {
	select {
	case <-p.closed:
		return false
	default:
		return true
	}
}

// CloseCode returns the close code the server sent, 0 when none (yet).
func (p *Player) CloseCode() uint16 { return uint16(p.closeCode.Load()) }

// OnOpen is part of gws.Event.
func (p *Player) OnOpen(*gws.Conn) {}

// OnPing answers WebSocket pings.
func (p *Player) OnPing(s *gws.Conn, b []byte) { _ = s.WritePong(b) }

// OnPong is part of gws.Event.
func (p *Player) OnPong(*gws.Conn, []byte) {}

// OnClose records the close code.
func (p *Player) OnClose(_ *gws.Conn, err error) {
	var ce *gws.CloseError
	if errors.As(err, &ce) {
		p.closeCode.Store(uint32(ce.Code))
	}
	close(p.closed)
}

// OnMessage handles the server's messages: a frame holds one or more.
func (p *Player) OnMessage(s *gws.Conn, msg *gws.Message) {
	defer msg.Close()
	var m wire.ServerMsg
	for frame := msg.Bytes(); len(frame) > 0; {
		rest, err := wire.DecodeServerNext(frame, &m)
		if err != nil {
			return
		}
		p.handle(s, &m)
		frame = rest
	}
}

func (p *Player) handle(s *gws.Conn, m *wire.ServerMsg) {
	switch m.Type {
	case wire.TypeWelcome:
		p.welcomed.Store(true)
		select {
		case p.welcome <- m.Welcome:
		default:
		}
	case wire.TypeDelta:
		p.deltas.Add(1)
		p.tick.Store(m.Delta.Tick)
	case wire.TypePing:
		_ = s.WriteMessage(gws.OpcodeBinary, wire.AppendPong(nil, wire.Pong{Time: m.Ping.Time}))
	case wire.TypeError:
		p.mu.Lock()
		p.lastErr = m.Error
		p.mu.Unlock()
	}
}
