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
	"github.com/tickarena/tickarena/internal/testwait"
)

// messageBuffer is how many received messages a Player keeps for Next and
// Messages: a minute and more of a room's traffic. Past it, new messages are
// dropped from the channel (still counted and handled).
const messageBuffer = 1 << 12

// Player is a minimal game client over a real WebSocket: it answers pings,
// remembers its welcome, counts deltas, frames and bytes, keeps every message
// it receives for the test to read (Next, Messages), and records the last
// error message and how the connection closed.
type Player struct {
	conn        *gws.Conn
	onFrame     func([]byte)
	msgs        chan []byte
	welcomed    atomic.Bool
	closed      chan struct{}
	closeCode   atomic.Uint32
	closeReason string // written before closed is closed
	deltas      atomic.Int64
	frames      atomic.Int64
	bytes       atomic.Int64
	tick        atomic.Uint32 // of the last delta, acknowledged by inputs
	seq         atomic.Uint32 // of the last input sent by Input
	silent      atomic.Bool   // when set, the game's pings go unanswered
	mu          sync.Mutex
	lastErr     wire.Error
	errs        chan wire.Error
}

// DialOptions say how DialWith connects. The zero value works.
type DialOptions struct {
	// Header is added to the handshake request; nil for none.
	Header http.Header
	// TLS configures a wss:// URL; nil takes the defaults.
	TLS *tls.Config
	// OnFrame, when set, is called with every frame received, whole, on
	// the connection's reading goroutine, before the Player handles the
	// messages in it. The bytes are valid only during the call.
	OnFrame func(frame []byte)
}

// Dial opens a game connection to wsURL (ws://host:port/ws...) with the given
// request header (nil for none). The connection is closed when the test ends.
// On a refused handshake it returns the server's HTTP answer with the error.
func Dial(t testing.TB, wsURL string, header http.Header) (*Player, *http.Response, error) {
	t.Helper()
	return DialWith(t, wsURL, DialOptions{Header: header})
}

// DialTLS is Dial with the TLS configuration of a wss:// URL (nil: the defaults).
func DialTLS(t testing.TB, wsURL string, header http.Header, conf *tls.Config) (*Player, *http.Response, error) {
	t.Helper()
	return DialWith(t, wsURL, DialOptions{Header: header, TLS: conf})
}

// DialWith is Dial as opts say.
func DialWith(t testing.TB, wsURL string, opts DialOptions) (*Player, *http.Response, error) {
	t.Helper()
	p := &Player{onFrame: opts.OnFrame, msgs: make(chan []byte, messageBuffer), closed: make(chan struct{}), errs: make(chan wire.Error, 4)}
	conn, resp, err := gws.NewClient(p, &gws.ClientOption{Addr: wsURL, RequestHeader: opts.Header, TlsConfig: opts.TLS})
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

// Conn returns the WebSocket connection, for what the Player does not wrap:
// a text frame, a close frame with a code of the test's choosing, the
// addresses.
func (p *Player) Conn() *gws.Conn { return p.conn }

// Send writes one binary message.
func (p *Player) Send(b []byte) { _ = p.conn.WriteMessage(gws.OpcodeBinary, b) }

// Hello sends a hello without waiting for the answer.
func (p *Player) Hello(token, room string) {
	p.Send(wire.AppendHello(nil, wire.Hello{Version: wire.Version, Token: token, Room: room}))
}

// Join says hello and returns the welcome, failing the test if none comes.
// Messages received before the welcome are skipped (see Next).
func (p *Player) Join(t testing.TB, token, room string) wire.Welcome {
	t.Helper()
	p.Hello(token, room)
	return p.Next(t, wire.TypeWelcome).Welcome
}

// Input sends one input with the given buttons and aim, numbered one past
// the last (see SetSeq) and acknowledging the last delta received, and
// returns its number.
func (p *Player) Input(buttons game.Buttons, aim game.Angle) uint32 {
	seq := p.seq.Add(1)
	p.Send(wire.AppendInput(nil, wire.Input{Seq: seq, Ack: p.tick.Load(), N: 1,
		Steps: [wire.MaxInputSteps]wire.InputStep{{Buttons: buttons, Aim: aim}}}))
	return seq
}

// Seq returns the number of the last input Input sent, 0 before the first.
func (p *Player) Seq() uint32 { return p.seq.Load() }

// SetSeq makes last the number of the last input sent, so that the next
// Input is numbered last+1.
func (p *Player) SetSeq(last uint32) { p.seq.Store(last) }

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

// SetSilent stops (true) or resumes (false) answering the game's pings, as
// a client that has stopped running would. WebSocket pings are still answered.
func (p *Player) SetSilent(silent bool) { p.silent.Store(silent) }

// Close ends the connection with a normal close frame.
func (p *Player) Close() { p.conn.WriteClose(1000, nil) }

// Drop ends the connection abruptly, closing the socket without a close
// frame, as a reloaded page or a lost network does.
func (p *Player) Drop() { _ = p.conn.NetConn().Close() }

// Messages returns the messages received, one a value, in order: a tick
// frame holding several messages gives several values. Next reads the same
// channel.
func (p *Player) Messages() <-chan []byte { return p.msgs }

// Next returns the next message of type typ, skipping others. It fails the
// test when the connection ends before one or none comes within
// testwait.Default.
func (p *Player) Next(t testing.TB, typ wire.Type) *wire.ServerMsg {
	t.Helper()
	timeout := time.NewTimer(testwait.Default)
	defer timeout.Stop()
	for {
		var b []byte
		select {
		case b = <-p.msgs:
		case <-p.closed:
			select { // every message came before the close: read them first
			case b = <-p.msgs:
			default:
				t.Fatalf("the connection closed (code %d) before a message of type %d", p.CloseCode(), typ)
				return nil
			}
		case <-timeout.C:
			t.Fatalf("gave up after %v waiting for a message of type %d", testwait.Default, typ)
			return nil
		}
		if wire.PeekType(b) != typ {
			continue
		}
		m := new(wire.ServerMsg)
		if err := wire.DecodeServer(b, m); err != nil {
			t.Fatalf("decode a server message of type %d: %v", typ, err)
		}
		return m
	}
}

// WaitClosed waits until the connection ends, failing the test after
// testwait.Default, and returns the close code received (0 when none) and
// the error message received before it, if any.
func (p *Player) WaitClosed(t testing.TB) (uint16, *wire.Error) {
	t.Helper()
	testwait.Recv(t, testwait.Default, "the connection to close", p.closed)
	select {
	case e := <-p.errs:
		return p.CloseCode(), &e
	default:
		return p.CloseCode(), nil
	}
}

// Welcomed reports whether a welcome has arrived.
func (p *Player) Welcomed() bool { return p.welcomed.Load() }

// Deltas returns the number of deltas received.
func (p *Player) Deltas() int64 { return p.deltas.Load() }

// Frames returns the number of WebSocket messages received (a tick frame
// holding a delta and more counts once).
func (p *Player) Frames() int64 { return p.frames.Load() }

// Bytes returns the bytes of every message received, WebSocket framing aside.
func (p *Player) Bytes() int64 { return p.bytes.Load() }

// Tick returns the tick of the last delta received.
func (p *Player) Tick() uint32 { return p.tick.Load() }

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

// CloseReason returns the reason of the close frame the server sent, ""
// when none. It is meaningful once Closed is closed.
func (p *Player) CloseReason() string {
	select {
	case <-p.closed:
		return p.closeReason
	default:
		return ""
	}
}

// OnOpen is part of gws.Event.
func (p *Player) OnOpen(*gws.Conn) {}

// OnPing answers WebSocket pings.
func (p *Player) OnPing(s *gws.Conn, b []byte) { _ = s.WritePong(b) }

// OnPong is part of gws.Event.
func (p *Player) OnPong(*gws.Conn, []byte) {}

// OnClose records the close code and reason.
func (p *Player) OnClose(_ *gws.Conn, err error) {
	var ce *gws.CloseError
	if errors.As(err, &ce) {
		p.closeCode.Store(uint32(ce.Code))
		p.closeReason = string(ce.Reason)
	}
	close(p.closed)
}

// OnMessage handles the server's messages: a frame holds one or more.
func (p *Player) OnMessage(s *gws.Conn, msg *gws.Message) {
	defer msg.Close()
	frame := msg.Bytes()
	if p.onFrame != nil {
		p.onFrame(frame)
	}
	p.bytes.Add(int64(len(frame)))
	p.frames.Add(1)
	var m wire.ServerMsg
	for len(frame) > 0 {
		rest, err := wire.DecodeServerNext(frame, &m)
		if err != nil {
			rest = nil // kept whole for the test, which fails decoding it
		} else {
			p.handle(s, &m)
		}
		select {
		case p.msgs <- append([]byte(nil), frame[:len(frame)-len(rest)]...):
		default:
		}
		frame = rest
	}
}

func (p *Player) handle(s *gws.Conn, m *wire.ServerMsg) {
	switch m.Type {
	case wire.TypeWelcome:
		p.welcomed.Store(true)
	case wire.TypeDelta:
		p.deltas.Add(1)
		p.tick.Store(m.Delta.Tick)
	case wire.TypePing:
		if !p.silent.Load() {
			_ = s.WriteMessage(gws.OpcodeBinary, wire.AppendPong(nil, wire.Pong{Time: m.Ping.Time}))
		}
	case wire.TypeError:
		p.mu.Lock()
		p.lastErr = m.Error
		p.mu.Unlock()
		select {
		case p.errs <- m.Error:
		default:
		}
	}
}
