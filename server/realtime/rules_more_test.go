package realtime

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/wire"
	"github.com/tickarena/tickarena/internal/servertest"
	"github.com/tickarena/tickarena/internal/testwait"
)

// TestConnectionEndsAreCountedByReason: a host's metrics say why connections
// ended: a client that closes normally, one that closes with an error code,
// one that sends a frame over the size limit and one whose network drops are
// each counted under their own reason.
func TestConnectionEndsAreCountedByReason(t *testing.T) {
	tests := []struct {
		reason string
		end    func(c *servertest.Player)
	}{
		{"client closed", func(c *servertest.Player) { _ = c.Conn().WriteClose(wire.CloseNormal, nil) }},
		{"client closed with error", func(c *servertest.Player) { _ = c.Conn().WriteClose(wire.CloseGoingAway, []byte("tab closed")) }},
		{"too large", func(c *servertest.Player) { c.Send(make([]byte, wire.MaxClientMessage+1)) }},
		{"network", func(c *servertest.Player) { c.Drop() }},
	}
	reasons := []string{"client closed", "client closed with error", "too large", "network"}
	for _, tc := range tests {
		t.Run(tc.reason, func(t *testing.T) {
			obs := newCountingObserver()
			m, url := startServer(t, Options{Bots: -1, Observer: obs})
			c := servertest.MustDial(t, url)
			c.Join(t, "tok-ann", "arena-1")
			tc.end(c)
			testwait.Until(t, testwait.Default, "the server to count the connection as closed", func() bool { return m.Connections() == 0 })
			for _, r := range reasons {
				want := 0
				if r == tc.reason {
					want = 1
				}
				if got := obs.closedCount(r); got != want {
					t.Errorf("connections counted as closed for %q: %d, want %d", r, got, want)
				}
			}
		})
	}
}

// TestSilentConnectionIsCutByTheReadDeadline: a connection that sends nothing
// at all is cut by its read deadline, IdleTimeout and a few seconds of slack
// after its last traffic, even when the hello timeout is longer: a host's idle
// bound holds for connections no room looks after.
func TestSilentConnectionIsCutByTheReadDeadline(t *testing.T) {
	const idle = 200 * time.Millisecond
	obs := newCountingObserver()
	_, url := startServer(t, Options{Bots: -1, Observer: obs, HelloTimeout: time.Minute, IdleTimeout: idle})
	c := servertest.MustDial(t, url)
	opened := time.Now()
	testwait.Recv(t, idle+idleSlack+10*time.Second, "the server to cut a connection silent for IdleTimeout and its slack", c.Closed())
	if after := time.Since(opened); after < idle+idleSlack-500*time.Millisecond {
		t.Errorf("a silent connection was cut after %v, before IdleTimeout and its slack (%v)", after, idle+idleSlack)
	}
	testwait.Until(t, testwait.Default, "the server to count the cut connection under \"network\"", func() bool { return obs.closedCount("network") == 1 })
}

// TestPingsCarryTheMeasuredRTT: every ping tells the client the round-trip
// time the server measured from its pongs (the client's net graph shows it).
// A pong that answers slowly raises it; a pong echoing a time in the future or
// from minutes ago, which no real answer can, leaves it as it was.
func TestPingsCarryTheMeasuredRTT(t *testing.T) {
	const delay = 80 * time.Millisecond
	_, url := startServer(t, Options{Bots: -1, PingInterval: 50 * time.Millisecond})
	c := servertest.MustDial(t, url)
	c.SetSilent(true) // this test answers the pings itself
	c.Join(t, "tok-ann", "arena-1")
	pong := func(at int64) { c.Send(wire.AppendPong(nil, wire.Pong{Time: at})) }

	// pingAfter returns the first ping sent at least 100 ms after at.
	pingAfter := func(at time.Time, what string) wire.Ping {
		t.Helper()
		expired := testwait.Deadline(t, testwait.Default, what)
		for !expired() {
			if p := c.Next(t, wire.TypePing).Ping; p.Time >= at.Add(100*time.Millisecond).UnixMilli() {
				return p
			}
		}
		return wire.Ping{}
	}

	var rtt uint32
	var lastPong time.Time
	expired := testwait.Deadline(t, testwait.Default, fmt.Sprintf("a ping carrying a round-trip time of at least %v", delay))
	for !expired() {
		p := c.Next(t, wire.TypePing).Ping
		if time.Duration(p.RTT)*time.Millisecond >= delay {
			break
		}
		time.Sleep(delay)
		pong(p.Time)
		lastPong = time.Now()
	}
	// Once the last slow pong has landed, the RTT stays put.
	if rtt = pingAfter(lastPong, "a ping sent after the last slow pong").RTT; time.Duration(rtt)*time.Millisecond < delay {
		t.Fatalf("RTT %d ms after pongs answering %v late", rtt, delay)
	}
	pong(time.Now().Add(time.Hour).UnixMilli())
	pong(time.Now().Add(-2 * time.Minute).UnixMilli())
	if p := pingAfter(time.Now(), "a ping sent after the forged pongs"); p.RTT != rtt {
		t.Fatalf("after pongs echoing a future time and one from two minutes ago, RTT %d ms; want the measured %d ms kept", p.RTT, rtt)
	}
}

// TestFellBehindLogSaysHowFar: when a client is closed because its inputs
// acknowledge a tick more than MaxAckLag old, the host's log line says how
// far behind it was, in time: the ticks between the acknowledged one and the
// room's, at the room's tick rate.
func TestFellBehindLogSaysHowFar(t *testing.T) {
	const tickRate = 10
	var logs servertest.LogBuffer
	_, url := startServer(t, Options{Bots: -1, TickRate: tickRate, MaxAckLag: 300 * time.Millisecond,
		Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	c := servertest.MustDial(t, url)
	joinedAt := c.Join(t, "tok-ann", "arena-1").ServerTick
	expired := testwait.Deadline(t, testwait.Default, "a delta a second after the join")
	for !expired() && c.Next(t, wire.TypeDelta).Delta.Tick < joinedAt+tickRate {
	}
	c.Send(wire.AppendInput(nil, wire.Input{Seq: 1, Ack: joinedAt}))
	if code, e := c.WaitClosed(t); code != wire.ClosePolicy || e == nil || e.Code != wire.ErrCodeTooSlow {
		t.Fatalf("closed with %d %+v, want %d and ErrCodeTooSlow", code, e, wire.ClosePolicy)
	}
	var line struct {
		Msg       string
		Ack, Tick uint32
		Behind    time.Duration
	}
	testwait.Until(t, testwait.Default, "the log line about the client that fell behind", func() bool {
		for _, l := range strings.Split(logs.String(), "\n") {
			if json.Unmarshal([]byte(l), &line) == nil && line.Msg == "realtime: closing a client that fell behind" {
				return true
			}
		}
		return false
	})
	if line.Ack != joinedAt || line.Tick < joinedAt+tickRate {
		t.Fatalf("logged ack %d at tick %d; want ack %d at least %d ticks before", line.Ack, line.Tick, joinedAt, tickRate)
	}
	if want := time.Duration(line.Tick-line.Ack) * time.Second / tickRate; line.Behind != want {
		t.Errorf("logged %v behind for ack %d at tick %d at %d Hz, want %v", line.Behind, line.Ack, line.Tick, tickRate, want)
	}
}

// TestLateGateCountsTheExactShare: a second in which exactly LateTickShare of
// the due ticks ran late is a late second (the share is a bound reached, not
// one to exceed), and a second with no late tick never is.
func TestLateGateCountsTheExactShare(t *testing.T) {
	tests := []struct {
		name      string
		fraction  float64
		late, due int64
		want      bool
	}{
		{"a quarter late, share a quarter", 0.25, 10, 40, true},
		{"just under a quarter late", 0.25, 9, 40, false},
		{"half late, share a half", 0.5, 15, 30, true},
		{"nothing late, nothing due", 0.25, 0, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := newSatGate(Options{LateTickShare: tc.fraction, LateFrameShare: 1, LateTickHold: time.Millisecond}.withDefaults())
			if got := g.sample(gateSample{lateTicks: tc.late, dueTicks: tc.due}) != ""; got != tc.want {
				t.Fatalf("one second with %d late of %d due, share %v: saturated = %v, want %v", tc.late, tc.due, tc.fraction, got, tc.want)
			}
		})
	}
}

// TestSkippedClientKeepsAtMostMissedEvents: while a slow client is skipped,
// the room keeps the events it missed for its next delta, but at most
// MissedEvents of them, the oldest first: a client that stops reading costs
// the server bounded memory however long it stays behind.
func TestSkippedClientKeepsAtMostMissedEvents(t *testing.T) {
	const keep = 8
	m, _ := startServer(t, Options{Bots: -1, MissedEvents: keep})
	r := newRoom(m, "skip-test", "", RoomSpec{Name: "Skip", Bots: -1}, false) // not run: this test is its goroutine
	p := &player{id: "p-ann"}
	now := time.Now()
	for tick := range uint32(4) {
		r.events = r.events[:0]
		for i := range uint32(5) {
			r.events = append(r.events, game.Event{Kind: game.Pickup, Tick: tick, A: 1024, B: i + 1})
		}
		r.skip(p, now.Add(time.Duration(tick)*time.Millisecond))
		if want := min(int(tick+1)*5, keep); len(p.missed) != want {
			t.Fatalf("after %d skipped ticks of 5 events: %d events kept, want %d", tick+1, len(p.missed), want)
		}
	}
	if last := p.missed[keep-1]; last.Tick != 1 || last.B != 3 {
		t.Errorf("the last event kept is %+v; want the oldest ones kept (tick 1, pellet 3)", last)
	}
}

// TestMinimapCoordinates: the roster places every ship on a 256×256 minimap
// of the arena: the left or top edge is 0, the middle 128, anything from the
// last 256th of the arena to the far edge 255, and a position outside the
// arena sticks to the nearest edge.
func TestMinimapCoordinates(t *testing.T) {
	const size = 4000 * game.Sub
	tests := []struct {
		v    int32
		want uint8
	}{
		{0, 0},
		{size/256 - 1, 0},
		{size / 256, 1},
		{size / 2, 128},
		{size - size/256 - 1, 254},
		{size - size/256, 255},
		{size, 255},
		{size + 100, 255},
		{-100, 0},
	}
	for _, tc := range tests {
		if got := mapCoord(tc.v, size); got != tc.want {
			t.Errorf("minimap coordinate of %d in an arena of %d: %d, want %d", tc.v, size, got, tc.want)
		}
	}
}

// TestStalledClientQueueStaysBounded: a client that stops reading never has
// more than MaxInFlight messages queued for it, counting pings and rosters
// as well as deltas: a stalled peer costs the server bounded memory until it
// is closed as too slow.
func TestStalledClientQueueStaysBounded(t *testing.T) {
	const maxInFlight = 4
	obs := newCountingObserver()
	m, url := startServer(t, Options{
		Bots: 8, TickRate: 60, Area: wire.WholeWorld, SendBuffer: 4096, MaxInFlight: maxInFlight,
		PingInterval: 20 * time.Millisecond, SlowTimeout: 1500 * time.Millisecond, Observer: obs,
	})
	raw := servertest.DialRaw(t, url, 4096) // says hello, then never reads a byte
	if err := raw.Send(servertest.OpBinary, wire.AppendHello(nil, wire.Hello{Version: wire.Version, Token: "tok-cat", Room: "arena-1"})); err != nil {
		t.Fatalf("send hello: %v", err)
	}
	var stalled *client
	testwait.Until(t, testwait.Default, "the stalled client to join", func() bool {
		m.mu.Lock()
		defer m.mu.Unlock()
		for c := range m.conns {
			if c.conn.RemoteAddr().String() == raw.LocalAddr().String() && c.state.Load() == stateJoined {
				stalled = c
			}
		}
		return stalled != nil
	})
	var most int32
	testwait.Until(t, testwait.Default, "the stalled client to be closed as too slow", func() bool {
		most = max(most, stalled.inflight.Load())
		return obs.closedCount("too slow") == 1
	})
	if most != maxInFlight {
		t.Errorf("a stalled client had at most %d messages queued, want exactly MaxInFlight (%d): the queue filled and stayed bounded", most, maxInFlight)
	}
}

// TestSaturationChangesAreLoggedOnce: a host's log says when the node becomes
// saturated because its rooms tick late and when it recovers, one line for
// each change, and stays quiet while nothing changes.
func TestSaturationChangesAreLoggedOnce(t *testing.T) {
	obs := &slowTickObserver{}
	var logs servertest.LogBuffer
	m, _ := startServer(t, Options{Observer: obs, gateInterval: 100 * time.Millisecond,
		Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	changes := func() []bool {
		var out []bool
		for _, l := range strings.Split(logs.String(), "\n") {
			var line struct {
				Msg       string
				Saturated bool
			}
			if json.Unmarshal([]byte(l), &line) == nil && line.Msg == "realtime: saturation changed" {
				out = append(out, line.Saturated)
			}
		}
		return out
	}
	time.Sleep(300 * time.Millisecond) // a few samples of a node on time
	obs.sleep.Store(int64(100 * time.Millisecond))
	testwait.Until(t, testwait.Default, "the Manager to be saturated while its room ticks late", func() bool { return m.Saturation().Full })
	obs.sleep.Store(0)
	testwait.Until(t, testwait.Default, "the Manager to admit again once its room is on time", func() bool { return !m.Saturation().Full })
	time.Sleep(300 * time.Millisecond) // a few more samples on time
	if got := changes(); fmt.Sprint(got) != "[true false]" {
		t.Fatalf("logged saturation changes %v, want one line saturated, then one recovered: [true false]", got)
	}
}

// TestRoomSeatsNoMoreHumansThanItsCapacity: the room itself refuses a player
// when its seats are all taken by humans, even when the Admission let them in
// on an older count: a full room answers "room full", never one seat more.
func TestRoomSeatsNoMoreHumansThanItsCapacity(t *testing.T) {
	m, url := startServer(t, Options{Admission: &admitAll{}})
	id, _, err := m.CreateRoom(RoomSpec{Name: "Duel", Capacity: 2, Bots: -1, Public: true})
	if err != nil {
		t.Fatalf("CreateRoom: %v", err)
	}
	servertest.MustDial(t, url).Join(t, "tok-ann", id)
	servertest.MustDial(t, url).Join(t, "tok-bob", id)
	third := servertest.MustDial(t, url)
	third.Hello("tok-cat", id)
	if code, e := third.WaitClosed(t); code != wire.CloseTryAgainLater || e == nil || e.Code != wire.ErrCodeRoomFull {
		t.Fatalf("a third player in a room of 2: closed with %d %+v, want %d and ErrCodeRoomFull", code, e, wire.CloseTryAgainLater)
	}
}

// TestHumanTakingAFreeSeatLeavesTheBots: a player who takes a seat that no
// bot needs to give up (capacity 3, two bots) plays with the same two bots;
// only a room whose seats are all taken makes a bot leave.
func TestHumanTakingAFreeSeatLeavesTheBots(t *testing.T) {
	m, url := startServer(t, Options{})
	id, _, err := m.CreateRoom(RoomSpec{Name: "Three", Capacity: 3, Bots: 2, Public: true})
	if err != nil {
		t.Fatalf("CreateRoom: %v", err)
	}
	bots := func() []string {
		board, err := m.Scoreboard(id)
		if err != nil {
			t.Fatalf("Scoreboard: %v", err)
		}
		var out []string
		for _, l := range board {
			if l.Bot {
				out = append(out, l.PlayerID)
			}
		}
		slices.Sort(out)
		return out
	}
	before := bots()
	if len(before) != 2 {
		t.Fatalf("a new room of 3 with 2 bots lists bots %v", before)
	}
	servertest.MustDial(t, url).Join(t, "tok-ann", id)
	if after := bots(); !slices.Equal(after, before) {
		t.Fatalf("after a human took the free seat the bots are %v, want the same %v", after, before)
	}
}
