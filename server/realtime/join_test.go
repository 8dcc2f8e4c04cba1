package realtime

import (
	"sync"
	"testing"

	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/wire"
	"github.com/tickarena/tickarena/internal/servertest"
)

// viewLog records the views the server queued, by player and tick.
type viewLog struct {
	mu    sync.Mutex
	views map[string]map[uint32]wire.View
}

func (l *viewLog) record(_, player string, v *wire.View) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.views[player] == nil {
		l.views[player] = map[uint32]wire.View{}
	}
	var cp wire.View
	cp.CopyFrom(v)
	l.views[player][v.Tick] = cp
}

func (l *viewLog) get(player string, tick uint32) (wire.View, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	v, ok := l.views[player][tick]
	return v, ok
}

// mirror is a client's reconstruction of its view from the deltas it gets.
type mirror struct {
	view    wire.View
	byTick  map[uint32]wire.View
	lastSeq uint32
}

func (m *mirror) apply(t *testing.T, msg *wire.ServerMsg) {
	t.Helper()
	if err := m.view.Apply(&msg.Delta); err != nil {
		t.Fatalf("apply delta %d→%d: %v", msg.Delta.Base, msg.Delta.Tick, err)
	}
	var cp wire.View
	cp.CopyFrom(&m.view)
	m.byTick[m.view.Tick] = cp
	m.lastSeq = msg.Delta.LastSeq
}

func TestJoinMoveAndSee(t *testing.T) {
	log := &viewLog{views: map[string]map[uint32]wire.View{}}
	opts := Options{Bots: -1, Area: wire.WholeWorld, viewHook: log.record}
	_, url := startServer(t, opts)

	type side struct {
		name, token, player string
		buttons             game.Buttons
		c                   *servertest.Player
		ship                uint32
		mir                 mirror
		seq                 uint32
	}
	sides := []*side{
		{name: "ann moves right", token: "tok-ann", player: "p-ann", buttons: game.Right},
		{name: "bob moves down", token: "tok-bob", player: "p-bob", buttons: game.Down},
	}
	for _, s := range sides {
		s.c = servertest.MustDial(t, url)
		w := s.c.Join(t, s.token, "arena-1")
		if w.RoomID != "arena-1" || w.RoomName != "Arena 1" || w.Rules.TickRate != 30 {
			t.Fatalf("%s: welcome %+v", s.name, w)
		}
		s.ship = w.Ship
		s.mir.byTick = map[uint32]wire.View{}
	}
	if sides[0].ship == sides[1].ship {
		t.Fatalf("both players got ship %d", sides[0].ship)
	}
	// Wait until each sees the other, then start moving.
	for _, s := range sides {
		other := sides[0]
		if s == other {
			other = sides[1]
		}
		for s.mir.view.Find(other.ship) == nil {
			s.mir.apply(t, s.c.Next(t, wire.TypeDelta))
		}
	}
	start := map[*side]map[uint32]wire.Entity{}
	for _, s := range sides {
		start[s] = map[uint32]wire.Entity{}
		for _, o := range sides {
			start[s][o.ship] = *s.mir.view.Find(o.ship)
		}
		s.seq = s.c.Input(s.buttons, 0)
	}
	for _, s := range sides {
		for n := 0; n < 30 || s.mir.lastSeq != s.seq; n++ {
			s.mir.apply(t, s.c.Next(t, wire.TypeDelta))
		}
	}

	for _, s := range sides {
		t.Run(s.name, func(t *testing.T) {
			for _, o := range sides {
				before, now := start[s][o.ship], s.mir.view.Find(o.ship)
				switch o.buttons {
				case game.Right:
					if now.X <= before.X || now.Y != before.Y {
						t.Errorf("%s sees ship %d go from (%d,%d) to (%d,%d), want rightwards", s.player, o.ship, before.X, before.Y, now.X, now.Y)
					}
				case game.Down:
					if now.Y <= before.Y || now.X != before.X {
						t.Errorf("%s sees ship %d go from (%d,%d) to (%d,%d), want downwards", s.player, o.ship, before.X, before.Y, now.X, now.Y)
					}
				}
			}
			if s.mir.lastSeq != s.seq {
				t.Errorf("last delta echoes input %d, want %d", s.mir.lastSeq, s.seq)
			}
			compared := 0
			for tick, got := range s.mir.byTick {
				want, ok := log.get(s.player, tick)
				if !ok {
					t.Fatalf("server recorded no view of tick %d for %s", tick, s.player)
				}
				if !got.Equal(&want) {
					t.Fatalf("tick %d: mirror of %s differs from the view the server sent", tick, s.player)
				}
				compared++
			}
			if compared < 30 {
				t.Errorf("compared %d ticks, want at least 30", compared)
			}
		})
	}
}
