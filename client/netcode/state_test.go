package netcode

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/wire"
)

// recorder is a transport that records what the client sends.
type recorder struct {
	in     *Inbox
	sent   []wire.Type
	hello  wire.Hello
	closed bool
}

func (r *recorder) Send(msg []byte) error {
	var m wire.ClientMsg
	if err := wire.DecodeClient(msg, &m); err != nil {
		return err
	}
	r.sent = append(r.sent, m.Type)
	if m.Type == wire.TypeHello {
		r.hello = m.Hello
	}
	return nil
}

func (r *recorder) Close(int, string) error { r.closed = true; return nil }

// machine drives a client by hand: each step queues transport events or moves
// the clock, then runs Update.
type machine struct {
	t       *testing.T
	c       *Client
	now     time.Time
	dials   []*recorder
	failing bool // dials fail
}

func newMachine(t *testing.T, o Options) *machine {
	m := &machine{t: t, now: epoch}
	o.Logger = quietLogger()
	o.Token = "tok"
	o.Dial = func(url string, in *Inbox) (Transport, error) {
		if m.failing {
			return nil, errors.New("connection refused")
		}
		r := &recorder{in: in}
		m.dials = append(m.dials, r)
		return r, nil
	}
	m.c = New(o)
	return m
}

func (m *machine) conn() *recorder { return m.dials[len(m.dials)-1] }

func (m *machine) update() { m.c.Update(m.now) }

func (m *machine) wait(d time.Duration) { m.now = m.now.Add(d); m.update() }

func (m *machine) open() { m.conn().in.Opened(); m.update() }

func (m *machine) recv(b []byte) { m.conn().in.Received(b); m.update() }

func (m *machine) closeWith(code int, reason string) { m.conn().in.Closed(code, reason); m.update() }

var testWelcome = wire.Welcome{Ship: 1024, ServerTick: 10, Rules: game.Rules{TickRate: 30, WorldSize: 4000, RoundSeconds: 300, IntermissionSeconds: 8}, RoomID: "r1", RoomName: "one"}

func (m *machine) welcome() { m.open(); m.recv(wire.AppendWelcome(nil, testWelcome)) }

func TestStateMachine(t *testing.T) {
	tests := []struct {
		name   string
		opt    Options
		steps  func(m *machine)
		state  State
		reason string // a substring of Reason
		dials  int
	}{
		{"not started", Options{}, func(m *machine) {}, StateIdle, "", 0},
		{"start dials", Options{}, func(m *machine) { m.c.Start(m.now) }, StateConnecting, "", 1},
		{"open sends hello", Options{}, func(m *machine) {
			m.c.Start(m.now)
			m.open()
			if h := m.conn().hello; h.Token != "tok" || h.Version != wire.Version {
				m.t.Errorf("hello %+v", h)
			}
		}, StateHelloSent, "", 1},
		{"welcome starts play", Options{}, func(m *machine) { m.c.Start(m.now); m.welcome() }, StatePlaying, "", 1},
		{"dial error retries", Options{}, func(m *machine) { m.failing = true; m.c.Start(m.now) }, StateReconnecting, "connection refused", 0},
		{"drop while playing reconnects", Options{}, func(m *machine) {
			m.c.Start(m.now)
			m.welcome()
			m.closeWith(wire.CloseAbnormal, "")
		}, StateReconnecting, "connection lost", 1},
		{"reconnect dials after backoff", Options{}, func(m *machine) {
			m.c.Start(m.now)
			m.welcome()
			m.closeWith(wire.CloseAbnormal, "")
			m.wait(time.Second)
		}, StateConnecting, "connection lost", 2},
		{"reconnect sends the same token", Options{}, func(m *machine) {
			m.c.Start(m.now)
			m.welcome()
			m.closeWith(wire.CloseGoingAway, "")
			m.wait(time.Second)
			m.welcome()
			if h := m.conn().hello; h.Token != "tok" {
				m.t.Errorf("second hello %+v", h)
			}
		}, StatePlaying, "", 2},
		{"bad token closes for good", Options{}, func(m *machine) {
			m.c.Start(m.now)
			m.open()
			m.recv(wire.AppendError(nil, wire.Error{Code: wire.ErrCodeAuth, Reason: "invalid session token"}))
			m.closeWith(wire.ClosePolicy, "auth")
			m.wait(time.Minute)
		}, StateClosed, "invalid session token", 1},
		{"room full closes for good", Options{}, func(m *machine) {
			m.c.Start(m.now)
			m.open()
			m.closeWith(wire.CloseTryAgainLater, "")
		}, StateClosed, "room is full", 1},
		{"too slow resyncs", Options{}, func(m *machine) {
			m.c.Start(m.now)
			m.welcome()
			m.recv(wire.AppendError(nil, wire.Error{Code: wire.ErrCodeTooSlow, Reason: "too slow"}))
			m.closeWith(wire.ClosePolicy, "")
		}, StateReconnecting, "too slow", 1},
		{"handshake timeout", Options{HandshakeTimeout: time.Second}, func(m *machine) {
			m.c.Start(m.now)
			m.open()
			m.wait(2 * time.Second)
		}, StateReconnecting, "timed out", 1},
		{"silent server", Options{SilenceTimeout: time.Second}, func(m *machine) {
			m.c.Start(m.now)
			m.welcome()
			m.wait(2 * time.Second)
		}, StateReconnecting, "stopped answering", 1},
		{"gives up", Options{MaxAttempts: 3}, func(m *machine) {
			m.failing = true
			m.c.Start(m.now)
			for range 10 {
				m.wait(10 * time.Second)
			}
		}, StateClosed, "gave up after 3", 0},
		{"delta out of order resyncs", Options{}, func(m *machine) {
			m.c.Start(m.now)
			m.welcome()
			var enc wire.DeltaEncoder
			v := wire.View{Tick: 20, Entities: []wire.Entity{{ID: 1024, Kind: wire.KindShip, X: 1000, Y: 1000, HP: 100, Name: "a"}}}
			m.recv(enc.Append(nil, nil, &v, 0, nil))
			w := v
			w.Tick = 22
			base := v
			base.Tick = 21 // the client has 20
			m.recv(enc.Append(nil, &base, &w, 0, nil))
		}, StateConnecting, "apply delta", 2}, // a resync redials at once
		{"garbage resyncs", Options{}, func(m *machine) {
			m.c.Start(m.now)
			m.welcome()
			m.recv([]byte{0x93, 0x04, 0xff})
		}, StateConnecting, "bad message", 2},
		{"stalled game loop resyncs", Options{}, func(m *machine) {
			m.c.Start(m.now)
			m.welcome()
			ping := wire.AppendPing(nil, wire.Ping{Time: 1})
			for range maxQueued + 10 {
				m.conn().in.Received(ping)
			}
			m.update()
		}, StateConnecting, "stalled", 2},
		{"leave sends leave and closes", Options{}, func(m *machine) {
			m.c.Start(m.now)
			m.welcome()
			m.c.Leave()
			if s := m.conn().sent; s[len(s)-1] != wire.TypeLeave || !m.conn().closed {
				m.t.Errorf("sent %v closed %v", s, m.conn().closed)
			}
		}, StateClosed, "left", 1},
		{"events of an old connection are ignored", Options{}, func(m *machine) {
			m.c.Start(m.now)
			m.welcome()
			old := m.conn()
			m.closeWith(wire.CloseAbnormal, "")
			m.wait(time.Second)
			m.welcome()
			old.in.Closed(wire.CloseAbnormal, "late")
			m.update()
		}, StatePlaying, "", 2},
		{"start again after closing", Options{}, func(m *machine) {
			m.c.Start(m.now)
			m.open()
			m.closeWith(wire.CloseTryAgainLater, "")
			m.c.Start(m.now)
			m.welcome()
		}, StatePlaying, "", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMachine(t, tt.opt)
			tt.steps(m)
			if got := m.c.State(); got != tt.state {
				t.Errorf("state %v, want %v (reason %q)", got, tt.state, m.c.Reason())
			}
			if !strings.Contains(m.c.Reason(), tt.reason) {
				t.Errorf("reason %q, want it to contain %q", m.c.Reason(), tt.reason)
			}
			if len(m.dials) != tt.dials {
				t.Errorf("%d connections dialled, want %d", len(m.dials), tt.dials)
			}
		})
	}
}

func TestInputsFollowTickRate(t *testing.T) {
	m := newMachine(t, Options{})
	m.c.Start(m.now)
	m.welcome()
	sent := 0
	for range 600 { // ten seconds at 60 FPS
		m.now = m.now.Add(frameInterval)
		m.update()
		for n := m.c.InputsDue(m.now); n > 0; n-- {
			m.c.Tick(game.Right, 0)
			sent++
		}
	}
	if sent < 299 || sent > 301 {
		t.Errorf("%d inputs in 10 s, want 300 (30 Hz)", sent)
	}
	var msgs []wire.Type
	for _, ty := range m.conn().sent {
		if ty == wire.TypeInput {
			msgs = append(msgs, ty)
		}
	}
	// The buttons never change: one message per two inputs.
	if want := (sent + 1) / 2; len(msgs) < want-1 || len(msgs) > want+1 {
		t.Errorf("%d input messages on the wire for %d inputs, want %d", len(msgs), sent, want)
	}
	if m.c.PendingInputs() != min(sent, 128) {
		t.Errorf("pending %d, want %d (nothing acknowledged)", m.c.PendingInputs(), min(sent, 128))
	}
}

func TestStepper(t *testing.T) {
	tests := []struct {
		name   string
		frames []time.Duration // time between calls
		want   []int
	}{
		{"60 fps at 30 Hz", []time.Duration{0, 16667 * time.Microsecond, 16667 * time.Microsecond, 16667 * time.Microsecond, 16667 * time.Microsecond}, []int{1, 0, 1, 0, 1}},
		{"slow frames catch up", []time.Duration{0, 70 * time.Millisecond}, []int{1, 2}},
		{"long pause is capped", []time.Duration{0, 10 * time.Second}, []int{1, 4}},
		{"clock going back", []time.Duration{0, -time.Second, 40 * time.Millisecond}, []int{1, 0, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Stepper{Interval: time.Second / 30}
			now := epoch
			for i, d := range tt.frames {
				now = now.Add(d)
				if got := s.Steps(now); got != tt.want[i] {
					t.Errorf("call %d: %d steps, want %d", i, got, tt.want[i])
				}
			}
		})
	}
}
