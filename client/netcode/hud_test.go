package netcode

import (
	"math"
	"testing"
	"time"

	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/wire"
)

// feed sends the client the views one tick apart, each as a delta from the
// previous, with the events of that tick, one frame apart.
type feed struct {
	m    *machine
	enc  wire.DeltaEncoder
	base wire.View
}

func (f *feed) send(v wire.View, lastSeq uint32, events ...game.Event) {
	for i := range events {
		events[i] = wire.WireEvent(events[i])
	}
	b := f.enc.Append(nil, &f.base, &v, lastSeq, events)
	f.base.CopyFrom(&v)
	f.m.now = f.m.now.Add(time.Second / 30)
	f.m.recv(b)
}

func ship(id uint32, name string, x, y int32) wire.Entity {
	return wire.Entity{ID: id, Kind: wire.KindShip, X: x * game.Sub, Y: y * game.Sub, HP: 100, Name: name}
}

func TestKillFeedEffectsAndBullets(t *testing.T) {
	m := newMachine(t, Options{})
	m.c.Start(m.now)
	m.welcome()
	me, foe := testWelcome.Ship, testWelcome.Ship+1
	f := &feed{m: m}
	view := func(tick uint32, dead bool) wire.View {
		v := wire.View{Tick: tick, Round: wire.RoundInfo{Round: 1, PhaseEnd: 9000}, Entities: []wire.Entity{ship(me, "me", 1000, 1000), ship(foe, "foe", 1300, 1000)}}
		if dead {
			v.Entities[1].Flags, v.Entities[1].HP = wire.FlagDead, 0
		}
		return v
	}
	f.send(view(100, false), 0)
	f.send(view(101, false), 0, game.Event{Kind: game.Shot, Tick: 101, A: 7, B: me, X: 1024 * game.Sub, Y: 1000 * game.Sub, Angle: 0})
	for tick := uint32(102); tick < 110; tick++ {
		f.send(view(tick, false), 0)
	}
	// The bullet flies right at the tuning's speed from where it was fired.
	fr := m.c.Frame(m.now)
	if len(fr.Bullets) != 1 {
		t.Fatalf("%d bullets drawn, want 1", len(fr.Bullets))
	}
	tu := m.c.Tuning()
	bx, _, _ := tu.BulletAt(1024*game.Sub, 1000*game.Sub, 0, 101, uint32(fr.RenderTick))
	vx, _ := tu.BulletVelocity(0)
	want := (float64(bx) + float64(vx)*(fr.RenderTick-math.Floor(fr.RenderTick))) / game.Sub
	if b := fr.Bullets[0]; b.Owner != me || math.Abs(b.X-want) > 1e-9 || b.Y != 1000 {
		t.Errorf("bullet %+v at render tick %.2f, want x %.2f y 1000", b, fr.RenderTick, want)
	}
	// The bullet hits the foe, who dies.
	f.send(view(110, true), 0,
		game.Event{Kind: game.Hit, A: foe, B: me, C: 7, Value: 20},
		game.Event{Kind: game.Death, A: foe, B: me, X: 1300 * game.Sub, Y: 1000 * game.Sub})
	feedLines := m.c.KillFeed()
	if len(feedLines) != 1 || feedLines[0].KillerName != "me" || feedLines[0].VictimName != "foe" {
		t.Errorf("kill feed %+v, want me killed foe", feedLines)
	}
	// Once the render time passes tick 110, the bullet is gone and every
	// effect is out, in order.
	for tick := uint32(111); tick < 125; tick++ {
		f.send(view(tick, true), 0)
	}
	fr = m.c.Frame(m.now)
	if len(fr.Bullets) != 0 {
		t.Errorf("bullet still drawn at render tick %.2f after its hit at 110", fr.RenderTick)
	}
	fx := m.c.Effects(nil)
	var kinds []game.EventKind
	for _, e := range fx {
		kinds = append(kinds, e.Kind)
		if !e.Self {
			t.Errorf("effect %+v not marked as the player's", e)
		}
	}
	if len(kinds) != 3 || kinds[0] != game.Shot || kinds[1] != game.Hit || kinds[2] != game.Death {
		t.Errorf("effects %v, want shot, hit, death", kinds)
	}
	if hit := fx[1]; hit.X != 1300 || hit.Y != 1000 {
		t.Errorf("hit effect at (%v, %v), want at the foe (1300, 1000)", hit.X, hit.Y)
	}
	if again := m.c.Effects(nil); len(again) != 0 {
		t.Errorf("effects given twice: %v", again)
	}
	// The foe is drawn dead, where it was.
	found := false
	for _, e := range fr.Ships {
		if e.ID == foe {
			found = true
			if !e.Dead() || e.X != 1300 {
				t.Errorf("foe drawn %+v, want dead at x 1300", e)
			}
		}
	}
	if !found {
		t.Errorf("foe not drawn")
	}
}

func TestRosterRoundEndAndRTT(t *testing.T) {
	m := newMachine(t, Options{PingInterval: time.Second})
	m.c.Start(m.now)
	m.welcome()
	m.recv(wire.AppendRoster(nil, wire.Roster{Tick: 50, Lines: []wire.RosterLine{
		{Ship: 1024, Name: "top", Score: 300}, {Ship: 1025, Name: "mid", Score: 120}, {Ship: 1030, Name: "low", Score: 10},
	}}))

	var names []string
	for _, l := range m.c.Roster() {
		names = append(names, l.Name)
	}
	if len(names) != 3 || names[0] != "top" || names[1] != "mid" || names[2] != "low" {
		t.Errorf("roster order %v, want top mid low", names)
	}
	// A second later, a difference: low overtakes mid, and top leaves.
	m.recv(wire.AppendRosterDiff(nil, 80, 50, []wire.RosterLine{
		{Ship: 1024, Name: "top", Score: 300}, {Ship: 1025, Name: "mid", Score: 120}, {Ship: 1030, Name: "low", Score: 10},
	}, []wire.RosterLine{
		{Ship: 1025, Name: "mid", Score: 120}, {Ship: 1030, Name: "low", Score: 200},
	}))
	names = names[:0]
	for _, l := range m.c.Roster() {
		names = append(names, l.Name)
	}
	if len(names) != 2 || names[0] != "low" || names[1] != "mid" {
		t.Errorf("roster order after the difference %v, want low mid", names)
	}
	if _, ok := m.c.RoundEnd(); ok {
		t.Errorf("round end before any")
	}
	m.recv(wire.AppendRoundEnd(nil, wire.RoundEnd{Round: 1, EndTick: 9000, NextRound: 9240, Players: []game.PlayerResult{{Ship: 1024, Name: "top", Score: 300, Placement: 1}}}))
	if r, ok := m.c.RoundEnd(); !ok || r.Round != 1 || len(r.Players) != 1 || r.Players[0].Name != "top" {
		t.Errorf("round end %+v %v", r, ok)
	}

	// The server's ping is answered, and its RTT shown until the client has its own.
	m.recv(wire.AppendPing(nil, wire.Ping{Time: 12345, RTT: 80}))
	if s := m.conn().sent; s[len(s)-1] != wire.TypePong {
		t.Errorf("last sent %v, want a pong", s[len(s)-1])
	}
	if got := m.c.RTT(); got != 80*time.Millisecond {
		t.Errorf("RTT %v, want the server's 80ms", got)
	}
	m.wait(time.Second) // the client pings
	sent := m.conn().sent
	if sent[len(sent)-1] != wire.TypePing {
		t.Fatalf("sent %v, want a ping last", sent)
	}
	pingAt := m.now
	m.now = m.now.Add(42 * time.Millisecond)
	m.recv(wire.AppendPong(nil, wire.Pong{Time: pingAt.UnixNano()}))
	if got := m.c.RTT(); got != 42*time.Millisecond {
		t.Errorf("RTT %v, want the measured 42ms", got)
	}
	// A pong the server held 20 ms for its tick frame, in one frame after
	// another message: the RTT leaves the 20 ms out.
	m.wait(time.Second)
	pingAt = m.now
	m.now = m.now.Add(50 * time.Millisecond)
	frame := wire.AppendRoster(nil, wire.Roster{Tick: 60, Lines: []wire.RosterLine{{Ship: 1024, Name: "top", Score: 400}}})
	frame = wire.AppendPong(frame, wire.Pong{Time: pingAt.UnixNano(), Held: 20000})
	m.recv(frame)
	if got := m.c.RTT(); got != 30*time.Millisecond {
		t.Errorf("RTT %v, want 50ms measured less 20ms held = 30ms", got)
	}
	if r := m.c.Roster(); len(r) != 1 || r[0].Score != 400 {
		t.Errorf("roster %+v, want the one of the frame", r)
	}
}

func TestRoundTimeLeftAndIntermission(t *testing.T) {
	m := newMachine(t, Options{})
	m.c.Start(m.now)
	m.welcome()
	f := &feed{m: m}
	me := testWelcome.Ship
	v := wire.View{Tick: 100, Round: wire.RoundInfo{Round: 1, Phase: game.Intermission, PhaseEnd: 130}, Entities: []wire.Entity{ship(me, "me", 1000, 1000)}}
	f.send(v, 0)
	left, phase := m.c.RoundTimeLeft(m.now)
	if phase != game.Intermission || left < 900*time.Millisecond || left > time.Second {
		t.Errorf("time left %v in phase %v, want about 1s of intermission", left, phase)
	}
	// Between rounds the own ship does not move, whatever is held.
	for range 5 {
		m.c.Tick(game.Right, 0)
	}
	if got, _ := m.c.Predicted(); got.X != 1000*game.Sub || got.VX != 0 {
		t.Errorf("predicted %+v during intermission, want still at x 1000", got)
	}
	fr := m.c.Frame(m.now)
	if !fr.HasSelf || fr.Self.X != 1000 || !fr.Self.Self {
		t.Errorf("self %+v, want drawn at x 1000", fr.Self)
	}
}
