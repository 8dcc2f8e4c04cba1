package app

import (
	"encoding/json"
	"net/http"
	"regexp"
	"testing"

	"github.com/tickarena/tickarena/game/wire"
)

// A spectator shows in /metrics (tickarena_spectators), in /status and in
// the room's line of GET /api/rooms, and holds no seat there.
func TestSpectatorsShownInMetricsStatusAndRooms(t *testing.T) {
	n := startNode(t, nil)
	code, s := n.post(t, "/api/session", "", map[string]string{"name": "Watcher"})
	if code != http.StatusCreated {
		t.Fatalf("session: %d %v", code, s)
	}
	c, _, err := dialGame(t, n.base, "")
	if err != nil {
		t.Fatal(err)
	}
	c.Send(wire.AppendHello(nil, wire.Hello{Version: wire.Version, Token: s["token"].(string), Room: "arena-1", Spectate: true}))
	eventually(t, "the spectator's welcome", c.Welcomed)

	eventually(t, "tickarena_spectators to count the spectator", func() bool { return n.metricValue(t, "tickarena_spectators") == "1" })
	spectatorsCard := regexp.MustCompile(`<b>1</b><span>spectators</span>`)
	eventually(t, "/status to show one spectator", func() bool {
		_, body := n.get(t, "/status")
		return spectatorsCard.MatchString(body)
	})
	eventually(t, "GET /api/rooms to list the spectator and no human", func() bool {
		_, body := n.get(t, "/api/rooms")
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
	eventually(t, "tickarena_spectators to fall back to 0", func() bool { return n.metricValue(t, "tickarena_spectators") == "0" })
}
