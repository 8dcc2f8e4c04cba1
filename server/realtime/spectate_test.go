package realtime

import (
	"testing"
	"time"

	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/wire"
	"github.com/tickarena/tickarena/internal/servertest"
	"github.com/tickarena/tickarena/internal/testwait"
)

// spectate says a spectator's hello.
func spectate(c *servertest.Player, token, room string, follow uint32) {
	c.Send(wire.AppendHello(nil, wire.Hello{Version: wire.Version, Token: token, Room: room, Spectate: true, Follow: follow}))
}

// watch says a spectator's hello and returns the welcome and the first
// spectating message.
func watch(t testing.TB, c *servertest.Player, token, room string, follow uint32) (wire.Welcome, wire.Spectating) {
	t.Helper()
	spectate(c, token, room, follow)
	w := c.Next(t, wire.TypeWelcome).Welcome
	return w, c.Next(t, wire.TypeSpectating).Spectating
}

// wantClosed waits for c to be closed with close code and an error message
// with ec and reason.
func wantClosed(t *testing.T, c *servertest.Player, code uint16, ec wire.ErrorCode, reason string) {
	t.Helper()
	gotCode, e := c.WaitClosed(t)
	if gotCode != code || e == nil || e.Code != ec || e.Reason != reason {
		t.Fatalf("closed with %d and error %+v, want %d and {%d %q}", gotCode, e, code, ec, reason)
	}
}

// A spectator takes no seat: a full room admits spectators up to the room's
// cap, and the cap of the room and of the server refuse with 1013 and 4012.
func TestSpectatorsTakeNoSeatWithinCaps(t *testing.T) {
	m, url := startServer(t, Options{Capacity: 2, Bots: -1, PublicRooms: 2, MaxSpectatorsPerRoom: 2, MaxSpectators: 3, SpectateDelay: -1})
	ann, bob := servertest.MustDial(t, url), servertest.MustDial(t, url)
	ann.Join(t, "tok-ann", "arena-1")
	bob.Join(t, "tok-bob", "arena-1")
	cat := servertest.MustDial(t, url)
	cat.Hello("tok-cat", "arena-1")
	wantClosed(t, cat, wire.CloseTryAgainLater, wire.ErrCodeRoomFull, "room is full")

	// The room is full, and still two spectators come in; they get no ship.
	for _, tok := range []string{"tok-cat", "tok-dan"} {
		w, sp := watch(t, servertest.MustDial(t, url), tok, "arena-1", 0)
		if w.Ship != 0 || w.RoomID != "arena-1" || sp.Follow != 0 {
			t.Fatalf("%s: welcome %+v, spectating %+v; want no ship in arena-1, the whole arena", tok, w, sp)
		}
	}
	testwait.Until(t, testwait.Default, "arena-1 to publish 2 humans and 2 spectators", func() bool {
		st := m.room("arena-1").pub.Load().stats
		return st.Humans == 2 && st.Spectators == 2
	})
	if got := m.Spectators(); got != 2 {
		t.Fatalf("Manager.Spectators() = %d, want 2", got)
	}

	third := servertest.MustDial(t, url)
	spectate(third, "tok-eve", "arena-1", 0)
	wantClosed(t, third, wire.CloseTryAgainLater, wire.ErrCodeSpectators, "too many spectators in this room")

	// Arena 2 has room for spectators, but the server takes 3 in all.
	watch(t, servertest.MustDial(t, url), "tok-eve", "arena-2", 0)
	fourth := servertest.MustDial(t, url)
	spectate(fourth, "tok-fay", "arena-2", 0)
	wantClosed(t, fourth, wire.CloseTryAgainLater, wire.ErrCodeSpectators, "too many spectators on this server")
	if got := m.Spectators(); got != 3 {
		t.Fatalf("Manager.Spectators() = %d after the refusals, want 3", got)
	}
}

// A spectator leaving frees its place in the caps.
func TestSpectatorLeavingFreesItsPlace(t *testing.T) {
	m, url := startServer(t, Options{Bots: -1, MaxSpectators: 1, SpectateDelay: -1})
	first := servertest.MustDial(t, url)
	watch(t, first, "tok-ann", "arena-1", 0)
	first.Send(wire.AppendLeave(nil))
	first.WaitClosed(t)
	testwait.Until(t, testwait.Default, "the spectator's place to be free", func() bool {
		return m.Spectators() == 0 && m.room("arena-1").pub.Load().stats.Spectators == 0
	})
	watch(t, servertest.MustDial(t, url), "tok-bob", "arena-1", 0)
}

// A private room is watched by its join code like it is joined; its id
// without a reservation names no room.
func TestSpectatePrivateRoomNeedsTheCode(t *testing.T) {
	m, url := startServer(t, Options{Bots: -1, SpectateDelay: -1})
	id, code, err := m.CreateRoom(RoomSpec{Name: "Secret"})
	if err != nil {
		t.Fatal(err)
	}
	byID := servertest.MustDial(t, url)
	spectate(byID, "tok-ann", id, 0)
	wantClosed(t, byID, wire.ClosePolicy, wire.ErrCodeNoRoom, "no such room")
	if w, _ := watch(t, servertest.MustDial(t, url), "tok-ann", code, 0); w.RoomID != id {
		t.Fatalf("watching by code %s gave room %q, want %q", code, w.RoomID, id)
	}
}

// Inputs from a spectator and follow messages from a player are protocol
// errors that close the connection with a reason; the room plays on.
func TestSpectatorMessagesOutOfRole(t *testing.T) {
	_, url := startServer(t, Options{Bots: -1, SpectateDelay: -1})
	ann := servertest.MustDial(t, url)
	ann.Join(t, "tok-ann", "arena-1")

	spec := servertest.MustDial(t, url)
	watch(t, spec, "tok-bob", "arena-1", 0)
	spec.Send(wire.AppendInput(nil, wire.Input{Seq: 1, N: 1, Steps: [wire.MaxInputSteps]wire.InputStep{{Buttons: 1}}}))
	wantClosed(t, spec, wire.ClosePolicy, wire.ErrCodeBadMessage, "spectators send no inputs")

	cat := servertest.MustDial(t, url)
	cat.Join(t, "tok-cat", "arena-1")
	cat.Send(wire.AppendFollow(nil, wire.Follow{Ship: 1024}))
	wantClosed(t, cat, wire.ClosePolicy, wire.ErrCodeBadMessage, "only spectators follow")

	before := ann.Deltas()
	testwait.Until(t, testwait.Default, "ann to go on receiving deltas", func() bool { return ann.Deltas() > before+5 })
}

// A spectator follows the ship it asks for, keeps it when it asks for a ship
// that is not in the room, and watches the whole arena once its ship leaves.
func TestSpectatorFollow(t *testing.T) {
	_, url := startServer(t, Options{Bots: -1, SpectateDelay: -1})
	ann, bob := servertest.MustDial(t, url), servertest.MustDial(t, url)
	annShip := ann.Join(t, "tok-ann", "arena-1").Ship
	bobShip := bob.Join(t, "tok-bob", "arena-1").Ship

	spec := servertest.MustDial(t, url)
	if _, sp := watch(t, spec, "tok-cat", "arena-1", annShip); sp.Follow != annShip || sp.DelayMs != 0 {
		t.Fatalf("spectating %+v, want ann's ship %d without delay", sp, annShip)
	}
	spec.Send(wire.AppendFollow(nil, wire.Follow{Ship: bobShip}))
	if sp := spec.Next(t, wire.TypeSpectating).Spectating; sp.Follow != bobShip {
		t.Fatalf("after follow bob: spectating %+v, want ship %d", sp, bobShip)
	}
	spec.Send(wire.AppendFollow(nil, wire.Follow{Ship: 99999}))
	if sp := spec.Next(t, wire.TypeSpectating).Spectating; sp.Follow != bobShip {
		t.Fatalf("after follow of an unknown ship: spectating %+v, want bob's ship %d still", sp, bobShip)
	}
	bob.Send(wire.AppendLeave(nil))
	if sp := spec.Next(t, wire.TypeSpectating).Spectating; sp.Follow != 0 {
		t.Fatalf("after bob left: spectating %+v, want the whole arena", sp)
	}
}

// track applies the deltas of a client's messages to a view, and records
// the position of ship at every tick it sees.
type track struct {
	view wire.View
	pos  map[uint32][2]int32
}

func (mr *track) apply(t *testing.T, b []byte, ship uint32) (tick uint32, ok bool) {
	t.Helper()
	var m wire.ServerMsg
	if wire.PeekType(b) != wire.TypeDelta {
		return 0, false
	}
	if err := wire.DecodeServer(b, &m); err != nil {
		t.Fatalf("decode delta: %v", err)
	}
	if err := mr.view.Apply(&m.Delta); err != nil {
		t.Fatalf("apply delta to tick %d: %v", m.Delta.Tick, err)
	}
	if e := mr.view.Find(ship); e != nil {
		mr.pos[mr.view.Tick] = [2]int32{e.X, e.Y}
	}
	return mr.view.Tick, true
}

// A spectator following a ship sees it, tick for tick, where its player sees
// it, SpectateDelay later: every delta it gets is at least the delay behind
// the room's tick.
func TestSpectatorSeesTheFollowedShipDelayed(t *testing.T) {
	const delay = 500 * time.Millisecond // 15 ticks at 30 Hz
	m, url := startServer(t, Options{Bots: 4, SpectateDelay: delay})
	ann := servertest.MustDial(t, url)
	annShip := ann.Join(t, "tok-ann", "arena-1").Ship
	r := m.room("arena-1")

	// The spectator notes the room's tick as each delta arrives, to see how
	// far behind the room it is.
	behind := make(chan uint32, 1<<12)
	tc, _, err := servertest.DialWith(t, url, servertest.DialOptions{OnFrame: func(frame []byte) {
		var m wire.ServerMsg
		if wire.PeekType(frame) == wire.TypeDelta && wire.DecodeServer(frame, &m) == nil {
			select {
			case behind <- r.tick.Load() - m.Delta.Tick:
			default:
			}
		}
	}})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	hello := time.Now()
	if _, s := watch(t, tc, "tok-bob", "arena-1", annShip); s.DelayMs != 500 || s.Follow != annShip {
		t.Fatalf("spectating %+v, want ann's ship %d 500 ms behind", s, annShip)
	}

	// Ann moves about for two seconds.
	stop := make(chan struct{})
	go func() {
		tick := time.NewTicker(time.Second / 30)
		defer tick.Stop()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-tick.C:
				ann.Input([]game.Buttons{1, 8, 2, 4}[i/20%4], game.Angle(i*500))
			}
		}
	}()
	time.Sleep(2 * time.Second)
	close(stop)

	annSees := track{pos: map[uint32][2]int32{}}
	specSees := track{pos: map[uint32][2]int32{}}
	drain := func(c *servertest.Player, mr *track) {
		for {
			select {
			case b := <-c.Messages():
				mr.apply(t, b, annShip)
			default:
				return
			}
		}
	}
	drain(ann, &annSees)
	drain(tc, &specSees)
	if len(specSees.pos) < 20 {
		t.Fatalf("the spectator saw ann's ship at %d ticks, want a second's worth", len(specSees.pos))
	}
	first := ^uint32(0)
	same := 0
	for tick, p := range specSees.pos {
		first = min(first, tick)
		if q, ok := annSees.pos[tick]; ok {
			if p != q {
				t.Errorf("tick %d: the spectator sees ann at %v, ann sees herself at %v", tick, p, q)
			}
			same++
		}
	}
	if same < 20 {
		t.Fatalf("only %d ticks seen by both", same)
	}
	// The first frame could not come before the delay passed.
	if waited := time.Since(hello); waited < delay {
		t.Fatalf("test ran %v, shorter than the delay", waited)
	}
	n := 0
	for stamped := true; stamped; {
		select {
		case b := <-behind:
			n++
			if b < 15 {
				t.Fatalf("a delta arrived %d ticks behind the room, want at least 15 (%v)", b, delay)
			}
		default:
			stamped = false
		}
	}
	if n == 0 {
		t.Fatal("no delta was stamped")
	}
}

// A spectator that stops reading is skipped and then closed as too slow,
// while the players in its room go on receiving every tick.
func TestSlowSpectator(t *testing.T) {
	obs := newCountingObserver()
	m, url := startServer(t, Options{
		SendRate: 60, // a frame every tick: the deltas a bystander gets are the ticks run
		Bots:     16, TickRate: 60, Area: wire.WholeWorld, SendBuffer: 4096, SpectateDelay: -1,
		MaxInFlight: 8, SlowTimeout: time.Second, Observer: obs,
	})
	players := []*servertest.Player{servertest.MustDial(t, url), servertest.MustDial(t, url)}
	players[0].Join(t, "tok-ann", "arena-1")
	players[1].Join(t, "tok-bob", "arena-1")
	arena := m.room("arena-1")

	raw := servertest.DialRaw(t, url, 4096)
	hello := wire.AppendHello(nil, wire.Hello{Version: wire.Version, Token: "tok-cat", Room: "arena-1", Spectate: true})
	if err := raw.Send(servertest.OpBinary, hello); err != nil {
		t.Fatalf("send hello: %v", err)
	}
	testwait.Until(t, testwait.Default, "the slow spectator to be counted", func() bool { return m.Spectators() == 1 })
	startTick, startLate := arena.tick.Load(), obs.lateCount()
	start := []int64{players[0].Deltas(), players[1].Deltas()}
	testwait.Until(t, testwait.Default, "the slow spectator to be closed as too slow", func() bool { return obs.closedCount("too slow") == 1 })
	ticks := int64(arena.tick.Load()-startTick) - int64(obs.lateCount()-startLate)
	if obs.skippedCount() == 0 {
		t.Errorf("no delta was skipped for the slow spectator")
	}
	for i, c := range players {
		if got := c.Deltas() - start[i]; got < ticks-3 {
			t.Errorf("player %d got %d deltas while the room sent %d", i, got, ticks)
		}
		select {
		case <-c.Closed():
			t.Errorf("player %d was disconnected", i)
		default:
		}
	}
	testwait.Until(t, testwait.Default, "the slow spectator's place to be free", func() bool { return m.Spectators() == 0 })
}

// A spectator gets the round's end with the frame of the tick the round
// ended at, SpectateDelay after the players: not earlier, which would spoil
// the round it is still watching.
func TestSpectatorRoundEndIsDelayed(t *testing.T) {
	_, url := startServer(t, Options{Bots: 2, RoundSeconds: 2, SpectateDelay: 500 * time.Millisecond})
	ann := servertest.MustDial(t, url)
	annShip := ann.Join(t, "tok-ann", "arena-1").Ship
	spec := servertest.MustDial(t, url)
	watch(t, spec, "tok-bob", "arena-1", annShip) // a follower gets every tick
	var lastDelta uint32
	deadline := time.After(10 * time.Second)
	for {
		select {
		case b := <-spec.Messages():
			var m wire.ServerMsg
			if err := wire.DecodeServer(b, &m); err != nil {
				t.Fatalf("decode: %v", err)
			}
			switch m.Type {
			case wire.TypeDelta:
				lastDelta = m.Delta.Tick
			case wire.TypeRoundEnd:
				end := m.RoundEnd.EndTick
				if lastDelta == 0 || lastDelta >= end || end-lastDelta > 2 {
					t.Fatalf("round end at tick %d came after the spectator's delta for tick %d; want it with the frame of tick %d", end, lastDelta, end)
				}
				return
			}
		case <-deadline:
			t.Fatalf("no round end reached the spectator (last delta at tick %d)", lastDelta)
		}
	}
}
