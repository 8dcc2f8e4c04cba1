package app

import (
	"encoding/json"
	"regexp"
	"testing"

	"github.com/tickarena/tickarena/game/wire"
	"github.com/tickarena/tickarena/internal/testwait"
)

// A spectator shows in /metrics (tickarena_spectators), in /status and in
// the room's line of GET /api/rooms, and holds no seat there.
func TestSpectatorsShownInMetricsStatusAndRooms(t *testing.T) {
	n := startNode(t, nil)
	token := n.session(t, "Watcher")
	c, _, err := dialGame(t, n.base, "")
	if err != nil {
		t.Fatal(err)
	}
	c.Send(wire.AppendHello(nil, wire.Hello{Version: wire.Version, Token: token, Room: "arena-1", Spectate: true}))
	testwait.Until(t, testwait.Default, "the spectator's welcome", c.Welcomed)

	testwait.Until(t, testwait.Default, "tickarena_spectators to count the spectator", func() bool { return n.metricValue(t, "tickarena_spectators") == "1" })
	spectatorsCard := regexp.MustCompile(`<b>1</b><span>spectators</span>`)
	testwait.Until(t, testwait.Default, "/status to show one spectator", func() bool {
		_, body := n.Text(t, "/status")
		return spectatorsCard.MatchString(body)
	})
	testwait.Until(t, testwait.Default, "GET /api/rooms to list the spectator and no human", func() bool {
		_, body := n.Text(t, "/api/rooms")
		var list struct {
			Rooms []struct {
				ID         string `json:"id"`
				Humans     int    `json:"humans"`
				Spectators int    `json:"spectators"`
			} `json:"rooms"`
		}
		if err := json.Unmarshal([]byte(body), &list); err != nil {
			t.Fatalf("GET /api/rooms: %v: %s", err, body)
		}
		for _, r := range list.Rooms {
			if r.ID == "arena-1" {
				return r.Spectators == 1 && r.Humans == 0
			}
		}
		return false
	})
	c.Close()
	testwait.Until(t, testwait.Default, "tickarena_spectators to fall back to 0", func() bool { return n.metricValue(t, "tickarena_spectators") == "0" })
}
