package netcode

import (
	"testing"
	"time"

	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/wire"
)

// sentLog is a Transport that keeps what the client sends.
type sentLog struct{ msgs []wire.ClientMsg }

func (s *sentLog) Send(b []byte) error {
	var m wire.ClientMsg
	if err := wire.DecodeClient(b, &m); err != nil {
		return err
	}
	s.msgs = append(s.msgs, m)
	return nil
}

func (s *sentLog) Close(int, string) error { return nil }

func (s *sentLog) count(t wire.Type) int {
	n := 0
	for _, m := range s.msgs {
		if m.Type == t {
			n++
		}
	}
	return n
}

// A spectating client says a spectator's hello with the ship it follows,
// sends no inputs however long it runs, asks to follow another ship with a
// follow message, and takes the server's spectating message as the truth.
func TestSpectatingClient(t *testing.T) {
	sent := &sentLog{}
	var inbox *Inbox
	c := New(Options{URL: "ws://test/ws", Room: "arena-1", Token: "tok", Spectate: true, Follow: 1025,
		Dial: func(_ string, in *Inbox) (Transport, error) { inbox = in; return sent, nil }})
	now := time.Unix(1000, 0)
	c.Start(now)
	inbox.Opened()
	c.Update(now)
	if len(sent.msgs) != 1 || sent.msgs[0].Type != wire.TypeHello || !sent.msgs[0].Hello.Spectate || sent.msgs[0].Hello.Follow != 1025 {
		t.Fatalf("first message %+v, want a spectator's hello following 1025", sent.msgs)
	}
	inbox.Received(wire.AppendWelcome(nil, wire.Welcome{ServerTick: 10, Rules: game.Rules{TickRate: 30, WorldSize: 4000, RoundSeconds: 300, IntermissionSeconds: 8}, RoomID: "arena-1"}))
	inbox.Received(wire.AppendSpectating(nil, wire.Spectating{Follow: 1025, DelayMs: 3000}))
	c.Update(now)
	if ship, delay, ok := c.Following(); !ok || ship != 1025 || delay != 3000 || c.Ship() != 0 {
		t.Fatalf("following %d, %d ms, %v, own ship %d; want 1025, 3000 ms and no ship", ship, delay, ok, c.Ship())
	}
	for i := range 60 {
		now = now.Add(time.Second / 30)
		c.Update(now)
		if n := c.InputsDue(now); n != 0 {
			t.Fatalf("frame %d: %d inputs due for a spectator", i, n)
		}
	}
	c.Follow(1030)
	if n := sent.count(wire.TypeFollow); n != 1 || sent.msgs[len(sent.msgs)-1].Follow.Ship != 1030 {
		t.Fatalf("sent %+v, want one follow of ship 1030 last", sent.msgs)
	}
	// The server refuses the ship and keeps 1025: the client follows its word.
	inbox.Received(wire.AppendSpectating(nil, wire.Spectating{Follow: 1025, DelayMs: 3000}))
	c.Update(now)
	if ship, _, _ := c.Following(); ship != 1025 {
		t.Fatalf("following %d after the server kept 1025", ship)
	}
	if n := sent.count(wire.TypeInput); n != 0 {
		t.Fatalf("a spectator sent %d inputs", n)
	}
}

// A player's client never sends a follow message.
func TestPlayerDoesNotFollow(t *testing.T) {
	sent := &sentLog{}
	var inbox *Inbox
	c := New(Options{URL: "ws://test/ws", Token: "tok", Dial: func(_ string, in *Inbox) (Transport, error) { inbox = in; return sent, nil }})
	now := time.Unix(1000, 0)
	c.Start(now)
	inbox.Opened()
	c.Update(now)
	c.Follow(1030)
	if sent.msgs[0].Hello.Spectate || sent.count(wire.TypeFollow) != 0 {
		t.Fatalf("a player sent %+v", sent.msgs)
	}
}

// A spectator closed as idle (its page was starved or in the background)
// comes back, following the same ship; a player closed so stays closed.
func TestIdleSpectatorReconnects(t *testing.T) {
	for _, spectate := range []bool{true, false} {
		sent := &sentLog{}
		var inbox *Inbox
		dials := 0
		c := New(Options{URL: "ws://test/ws", Token: "tok", Spectate: spectate, Follow: 1025,
			Dial: func(_ string, in *Inbox) (Transport, error) { inbox = in; dials++; return sent, nil }})
		now := time.Unix(1000, 0)
		c.Start(now)
		inbox.Opened()
		inbox.Received(wire.AppendWelcome(nil, wire.Welcome{Rules: game.Rules{TickRate: 30, WorldSize: 4000, RoundSeconds: 300, IntermissionSeconds: 8}}))
		c.Update(now)
		inbox.Received(wire.AppendError(nil, wire.Error{Code: wire.ErrCodeIdle, Reason: "no traffic for too long"}))
		inbox.Closed(wire.ClosePolicy, "no traffic for too long")
		c.Update(now)
		for range 100 {
			now = now.Add(100 * time.Millisecond)
			c.Update(now)
		}
		if got := dials > 1; got != spectate {
			t.Fatalf("spectate=%v: dialled %d times, state %v (%s)", spectate, dials, c.State(), c.Reason())
		}
		if spectate {
			inbox.Opened()
			c.Update(now)
			if h := sent.msgs[len(sent.msgs)-1]; h.Type != wire.TypeHello || !h.Hello.Spectate || h.Hello.Follow != 1025 {
				t.Fatalf("hello of the reconnect %+v, want a spectator's following 1025", h)
			}
		}
	}
}

// TestLateHelloReconnects: a page starved of CPU while it opened its socket
// sends its hello after the server gave up ("no hello in time", 4010). The
// player was never welcomed and has nothing to lose, so the client tries
// again rather than stopping at "Disconnected"; a player closed as idle
// after its welcome still stops, as TestIdleSpectatorReconnects shows.
func TestLateHelloReconnects(t *testing.T) {
	sent := &sentLog{}
	var inbox *Inbox
	dials := 0
	c := New(Options{URL: "ws://test/ws", Token: "tok",
		Dial: func(_ string, in *Inbox) (Transport, error) { inbox = in; dials++; return sent, nil }})
	now := time.Unix(1000, 0)
	c.Start(now)
	inbox.Opened()
	c.Update(now)
	if c.State() != StateHelloSent {
		t.Fatalf("state %v after the socket opened, want hello sent", c.State())
	}
	inbox.Received(wire.AppendError(nil, wire.Error{Code: wire.ErrCodeIdle, Reason: "no hello in time"}))
	inbox.Closed(wire.ClosePolicy, "no hello in time")
	c.Update(now)
	for range 100 {
		now = now.Add(100 * time.Millisecond)
		c.Update(now)
	}
	if dials < 2 || c.State() == StateClosed {
		t.Fatalf("after \"no hello in time\": dialled %d times, state %v (%s); want a new attempt", dials, c.State(), c.Reason())
	}
	inbox.Opened()
	c.Update(now)
	if h := sent.msgs[len(sent.msgs)-1]; h.Type != wire.TypeHello || h.Hello.Token != "tok" {
		t.Fatalf("last message %+v, want the hello of the new attempt", h)
	}
}
