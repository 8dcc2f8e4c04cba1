package realtime

import (
	"testing"
	"time"

	"github.com/tickarena/tickarena/game/wire"
	"github.com/tickarena/tickarena/internal/servertest"
	"github.com/tickarena/tickarena/internal/testwait"
)

// onBoard reports whether player is on the scoreboard of room id.
func onBoard(t *testing.T, m *Manager, id, player string) bool {
	t.Helper()
	lines, err := m.Scoreboard(id)
	if err != nil {
		t.Fatalf("Scoreboard: %v", err)
	}
	for _, l := range lines {
		if l.PlayerID == player {
			return true
		}
	}
	return false
}

func TestReconnectWithinGrace(t *testing.T) {
	m, url := startServer(t, Options{Bots: -1, ReconnectGrace: time.Minute})
	first := servertest.MustDial(t, url)
	ship := first.Join(t, "tok-ann", "arena-1").Ship

	tests := []struct {
		name string
		drop func(c *servertest.Player) // how the previous connection ends; nil keeps it open
		code uint16                     // close code the previous connection gets
	}{
		{"reload (abrupt TCP close)", func(c *servertest.Player) { c.Drop() }, 0},
		{"network drop then rejoin", func(c *servertest.Player) { c.Drop() }, 0},
		// Many WebSocket libraries close with 1000 by default; a reload or a
		// resync must not cost the round: only a leave gives the ship up.
		{"client close 1000 (resync)", func(c *servertest.Player) { _ = c.Conn().WriteClose(wire.CloseNormal, []byte("resync")) }, 0},
		{"client close 1001 (page closed)", func(c *servertest.Player) { _ = c.Conn().WriteClose(wire.CloseGoingAway, nil) }, 0},
		{"second connection replaces the first", nil, wire.ClosePolicy},
	}
	prev := first
	outer := t // connections outlive the subtest that opens them
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.drop != nil {
				tc.drop(prev)
				testwait.Until(t, testwait.Default, "the server to notice the drop", func() bool { return m.Connections() == 0 })
				if !onBoard(t, m, "arena-1", "p-ann") {
					t.Fatalf("the dropped player's ship is gone within the grace period")
				}
			}
			next := servertest.MustDial(outer, url)
			w := next.Join(t, "tok-ann", "arena-1")
			if w.Ship != ship {
				t.Fatalf("rejoined in ship %d, want the same ship %d", w.Ship, ship)
			}
			d := next.Next(t, wire.TypeDelta).Delta
			if d.Base != 0 {
				t.Errorf("first delta after rejoining is based on tick %d, want a full snapshot", d.Base)
			}
			seq := next.Input(8, 0) // a new connection numbers inputs from 1 again
			awaitAck(t, next, seq)
			if tc.drop == nil {
				code, e := prev.WaitClosed(t)
				if code != tc.code || e == nil || e.Code != wire.ErrCodeReplaced {
					t.Errorf("replaced connection closed with %d %+v, want %d and ErrCodeReplaced", code, e, tc.code)
				}
			}
			prev = next
		})
	}

	leaves := []struct {
		name string
		quit func(c *servertest.Player)
	}{
		{"leave message", func(c *servertest.Player) { c.Send(wire.AppendLeave(nil)) }},
		{"leave message then close 1000", func(c *servertest.Player) {
			c.Send(wire.AppendLeave(nil))
			_ = c.Conn().WriteClose(wire.CloseNormal, []byte("bye"))
		}},
	}
	for _, tc := range leaves {
		t.Run(tc.name+" removes the ship at once", func(t *testing.T) {
			c := servertest.MustDial(t, url)
			c.Join(t, "tok-bob", "arena-1")
			if !onBoard(t, m, "arena-1", "p-bob") {
				t.Fatalf("player not on the scoreboard after joining")
			}
			tc.quit(c)
			testwait.Until(t, testwait.Default, "the ship to be removed", func() bool { return !onBoard(t, m, "arena-1", "p-bob") })
		})
	}
}

func TestReconnectAfterGrace(t *testing.T) {
	m, url := startServer(t, Options{Bots: -1, ReconnectGrace: 200 * time.Millisecond})
	c := servertest.MustDial(t, url)
	ship := c.Join(t, "tok-ann", "arena-1").Ship
	c.Drop()
	testwait.Until(t, testwait.Default, "the held ship to be removed after the grace period", func() bool { return !onBoard(t, m, "arena-1", "p-ann") })
	again := servertest.MustDial(t, url)
	if got := again.Join(t, "tok-ann", "arena-1").Ship; got == ship {
		t.Errorf("rejoined after the grace period in the old ship %d, want a new one", got)
	}
}
