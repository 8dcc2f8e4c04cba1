package realtime

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tickarena/tickarena/game/wire"
	"github.com/tickarena/tickarena/internal/servertest"
	"github.com/tickarena/tickarena/internal/testwait"
)

func TestShutdown(t *testing.T) {
	records := make(chan RoundRecord, 8)
	m, url := startServer(t, Options{Bots: 2, OnRoundEnd: func(r RoundRecord) {
		select {
		case records <- r:
		default:
		}
	}})
	players := []*servertest.Player{servertest.MustDial(t, url), servertest.MustDial(t, url)}
	players[0].Join(t, "tok-ann", "arena-1")
	players[1].Join(t, "tok-bob", "arena-1")
	waiting := servertest.MustDial(t, url) // connected, no hello yet
	for _, c := range players {
		c.Next(t, wire.TypeDelta)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := m.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}

	for i, c := range append(players, waiting) {
		code, e := c.WaitClosed(t)
		if code != wire.CloseGoingAway || e == nil || e.Code != wire.ErrCodeShutdown {
			t.Errorf("client %d closed with %d %+v, want 1001 and ErrCodeShutdown", i, code, e)
		}
	}
	select {
	case rec := <-records:
		if !rec.EndedEarly || rec.RoomID != "arena-1" || len(rec.Players) != 4 {
			t.Errorf("round record %+v, want arena-1 ended early with 4 players", rec)
		}
		ids := map[string]bool{}
		for _, p := range rec.Players {
			ids[p.PlayerID] = true
			if p.Bot != strings.HasPrefix(p.PlayerID, "bot-arena-1-") {
				t.Errorf("player %q has Bot=%v", p.PlayerID, p.Bot)
			}
		}
		if !ids["p-ann"] || !ids["p-bob"] {
			t.Errorf("record misses a human: %v", ids)
		}
	default:
		t.Errorf("no round record after shutdown")
	}
	if rooms := m.Rooms(); len(rooms) != 0 {
		t.Errorf("%d rooms open after shutdown", len(rooms))
	}
	_, resp, err := servertest.Dial(t, url, nil)
	if err == nil || resp == nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("upgrade after shutdown: err %v, response %v; want 503", err, resp)
	}
}

// TestShutdownRecordsNoRoundOfBotsAlone: a shutdown records the round in play
// only where humans play it: a room left to its bots (a player came and
// left) hands no round to OnRoundEnd, so the leaderboard gets no result of
// bots alone, as when such a round runs to its end.
func TestShutdownRecordsNoRoundOfBotsAlone(t *testing.T) {
	var mu sync.Mutex
	var records []RoundRecord
	m, url := startServer(t, Options{Bots: 3, OnRoundEnd: func(r RoundRecord) {
		mu.Lock()
		records = append(records, r)
		mu.Unlock()
	}})
	ann := servertest.MustDial(t, url)
	ann.Join(t, "tok-ann", "arena-1")
	ann.Send(wire.AppendLeave(nil))
	testwait.Until(t, testwait.Default, "the room to list no human after Ann left", func() bool {
		rooms := m.Rooms()
		return len(rooms) == 1 && rooms[0].Humans == 0
	})
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := m.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(records) != 0 {
		t.Fatalf("the shutdown recorded %d rounds of a room left to its bots: %+v", len(records), records)
	}
}
