package realtime

import (
	"testing"
	"time"

	"github.com/tickarena/tickarena/game/wire"
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
	first := dial(t, url)
	ship := first.join("tok-ann", "arena-1").Ship

	tests := []struct {
		name string
		drop func(c *tclient) // how the previous connection ends; nil keeps it open
		code uint16           // close code the previous connection gets
	}{
		{"reload (abrupt TCP close)", func(c *tclient) { _ = c.conn.NetConn().Close() }, 0},
		{"network drop then rejoin", func(c *tclient) { _ = c.conn.NetConn().Close() }, 0},
		// Many WebSocket libraries close with 1000 by default; a reload or a
		// resync must not cost the round: only a leave gives the ship up.
		{"client close 1000 (resync)", func(c *tclient) { _ = c.conn.WriteClose(wire.CloseNormal, []byte("resync")) }, 0},
		{"client close 1001 (page closed)", func(c *tclient) { _ = c.conn.WriteClose(wire.CloseGoingAway, nil) }, 0},
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
			next := dial(outer, url)
			w := next.join("tok-ann", "arena-1")
			if w.Ship != ship {
				t.Fatalf("rejoined in ship %d, want the same ship %d", w.Ship, ship)
			}
			d := next.next(wire.TypeDelta).Delta
			if d.Base != 0 {
				t.Errorf("first delta after rejoining is based on tick %d, want a full snapshot", d.Base)
			}
			seq := next.input(8, 0) // a new connection numbers inputs from 1 again
			next.awaitAck(seq)
			if tc.drop == nil {
				code, e := prev.closed()
				if code != tc.code || e == nil || e.Code != wire.ErrCodeReplaced {
					t.Errorf("replaced connection closed with %d %+v, want %d and ErrCodeReplaced", code, e, tc.code)
				}
			}
			prev = next
		})
	}

	leaves := []struct {
		name string
		quit func(c *tclient)
	}{
		{"leave message", func(c *tclient) { c.write(wire.AppendLeave(nil)) }},
		{"leave message then close 1000", func(c *tclient) {
			c.write(wire.AppendLeave(nil))
			_ = c.conn.WriteClose(wire.CloseNormal, []byte("bye"))
		}},
	}
	for _, tc := range leaves {
		t.Run(tc.name+" removes the ship at once", func(t *testing.T) {
			c := dial(t, url)
			c.join("tok-bob", "arena-1")
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
	c := dial(t, url)
	ship := c.join("tok-ann", "arena-1").Ship
	_ = c.conn.NetConn().Close()
	testwait.Until(t, testwait.Default, "the held ship to be removed after the grace period", func() bool { return !onBoard(t, m, "arena-1", "p-ann") })
	again := dial(t, url)
	if got := again.join("tok-ann", "arena-1").Ship; got == ship {
		t.Errorf("rejoined after the grace period in the old ship %d, want a new one", got)
	}
}
