package realtime

import (
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/tickarena/tickarena/game/wire"

	"github.com/tickarena/tickarena/internal/servertest"
	"github.com/tickarena/tickarena/internal/testwait"
)

func TestRoomsForTheLobby(t *testing.T) {
	m, url := startServer(t, Options{PublicRooms: 2, MaxRooms: 3, EmptyRoomTimeout: 100 * time.Millisecond, PingInterval: 100 * time.Millisecond})

	rooms := m.Rooms()
	if len(rooms) != 2 || rooms[0].Name != "Arena 1" || rooms[1].Name != "Arena 2" || !rooms[0].Public {
		t.Fatalf("rooms at start %+v, want public Arena 1 and Arena 2", rooms)
	}
	id, code, err := m.CreateRoom(RoomSpec{Name: "Friends", Capacity: 3, Bots: 3, RoundSeconds: 60})
	if err != nil {
		t.Fatalf("CreateRoom: %v", err)
	}
	if _, _, err := m.CreateRoom(RoomSpec{}); !errors.Is(err, ErrTooManyRooms) {
		t.Errorf("fourth room: err %v, want ErrTooManyRooms", err)
	}
	if _, err := m.Scoreboard("nowhere"); !errors.Is(err, ErrNoRoom) {
		t.Errorf("Scoreboard of an unknown room: err %v, want ErrNoRoom", err)
	}
	stats := func() RoomStats {
		for _, r := range m.Rooms() {
			if r.ID == id {
				return r
			}
		}
		return RoomStats{}
	}
	if st := stats(); st.Public || st.Code != code || st.Bots != 3 || st.Humans != 0 || st.Capacity != 3 || st.RoundSecondsLeft != 60 {
		t.Errorf("new room stats %+v", st)
	}

	c := servertest.MustDial(t, url)
	w := c.Join(t, "tok-ann", code) // by join code
	if w.RoomID != id || w.RoomName != "Friends" {
		t.Errorf("joined by code into %q %q, want %q Friends", w.RoomID, w.RoomName, id)
	}
	if st := stats(); st.Humans != 1 || st.Bots != 2 {
		t.Errorf("after a human joined a full room: %d humans, %d bots; want 1 and 2 (a bot made room)", st.Humans, st.Bots)
	}
	board, err := m.Scoreboard(id)
	if err != nil || len(board) != 3 {
		t.Fatalf("Scoreboard: %v, %d lines, want 3", err, len(board))
	}
	roster := c.Next(t, wire.TypeRoster).Roster
	if len(roster.Lines) != 3 {
		t.Errorf("roster has %d ships, want 3", len(roster.Lines))
	}
	ping := c.Next(t, wire.TypePing).Ping
	if ping.Time == 0 {
		t.Errorf("ping without a time")
	}
	c.Send(wire.AppendPing(nil, wire.Ping{Time: 42}))
	if got := c.Next(t, wire.TypePong).Pong.Time; got != 42 {
		t.Errorf("pong echoes %d, want 42", got)
	}

	c.Send(wire.AppendLeave(nil))
	c.WaitClosed(t)
	testwait.Until(t, testwait.Default, "a bot to take the seat back", func() bool { st := stats(); return st.Humans == 0 && st.Bots == 3 })
	testwait.Until(t, testwait.Default, "the empty room to close", func() bool { return stats().ID == "" })
	if n := len(m.Rooms()); n != 2 {
		t.Errorf("%d rooms left, want the 2 always-open ones", n)
	}
}

func TestRoundEnd(t *testing.T) {
	records := make(chan RoundRecord, 4)
	_, url := startServer(t, Options{Bots: 1, RoundSeconds: 1, OnRoundEnd: func(r RoundRecord) {
		select {
		case records <- r:
		default:
		}
	}})
	c := servertest.MustDial(t, url)
	c.Join(t, "tok-ann", "arena-1")
	end := c.Next(t, wire.TypeRoundEnd).RoundEnd
	if end.Round != 1 || len(end.Players) != 2 || end.NextRound <= end.EndTick {
		t.Errorf("round end %+v, want round 1 with 2 players and a next round after it", end)
	}
	rec := testwait.Recv(t, testwait.Default, "the round's record", records)
	if rec.EndedEarly || rec.Round != 1 || rec.RoomName != "Arena 1" || len(rec.Players) != 2 || rec.Players[0].Placement != 1 {
		t.Errorf("record %+v", rec)
	}
}

// TestConnectionLimits: a connection past a limit is refused before the
// upgrade, and the refusal says when to try again: soon for the limit of one
// address (its own connections close), later when the server is full.
func TestConnectionLimits(t *testing.T) {
	tests := []struct {
		name       string
		opts       Options
		status     int
		retryAfter string
	}{
		{"per address", Options{MaxConnectionsPerAddr: 2}, http.StatusTooManyRequests, retryAfterPerAddr},
		{"in total", Options{MaxConnections: 2}, http.StatusServiceUnavailable, retryAfterBusy},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, url := startServer(t, tc.opts)
			servertest.MustDial(t, url)
			servertest.MustDial(t, url)
			_, resp, err := servertest.Dial(t, url, nil)
			if err == nil || resp == nil || resp.StatusCode != tc.status {
				t.Fatalf("third connection: err %v, response %v; want %d", err, resp, tc.status)
			}
			if got := resp.Header.Get("Retry-After"); got != tc.retryAfter {
				t.Errorf("third connection refused with %d and Retry-After %q, want %q", tc.status, got, tc.retryAfter)
			}
		})
	}
}

// TestPerAddressLimitCountsOpenConnections: the limit of one address counts
// the connections it has open, not those it ever opened: a connection that
// closes frees its place for the next, an address whose connections all
// closed may open the limit again, and the Manager keeps nothing for an
// address with none open.
func TestPerAddressLimitCountsOpenConnections(t *testing.T) {
	m, url := startServer(t, Options{MaxConnectionsPerAddr: 2})
	refused := func(what string) {
		t.Helper()
		_, resp, err := servertest.Dial(t, url, nil)
		if err == nil || resp == nil || resp.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("%s: err %v, response %v; want 429", what, err, resp)
		}
	}
	// counted is what the per-address limit counts, all addresses together: a
	// closed connection leaves Connections a moment before it frees its place.
	counted := func() int {
		m.mu.Lock()
		defer m.mu.Unlock()
		n := 0
		for _, k := range m.byAddr {
			n += k
		}
		return n
	}
	closeAll := func(ps ...*servertest.Player) {
		t.Helper()
		for _, p := range ps {
			p.Close()
		}
		testwait.Until(t, testwait.Default, "the server to free the closed connections' places", func() bool { return counted() == 0 })
	}
	a, b := servertest.MustDial(t, url), servertest.MustDial(t, url)
	refused("a third connection while two are open")
	a.Close()
	testwait.Until(t, testwait.Default, "the server to free one closed connection's place", func() bool { return counted() == 1 })
	c := servertest.MustDial(t, url) // takes the freed place
	refused("a third connection after one closed and another opened")
	closeAll(b, c)
	for round := range 2 {
		d, e := servertest.MustDial(t, url), servertest.MustDial(t, url)
		refused(fmt.Sprintf("a third connection in round %d", round+1))
		closeAll(d, e)
	}
	m.mu.Lock()
	left := len(m.byAddr)
	m.mu.Unlock()
	if left != 0 {
		t.Errorf("the Manager keeps %d addresses with no connection open", left)
	}
}
