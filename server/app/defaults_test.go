package app

import (
	"net/http"
	"testing"

	"github.com/tickarena/tickarena/server/config"
)

// TestRoomsTakeTheNodesBots follows a bots count from the configuration and
// the API to the rooms: a quick play room is filled with the node's -bots,
// like the always-open rooms, and a created room has exactly the bots it
// asked for, none when it asked for none or said nothing.
func TestRoomsTakeTheNodesBots(t *testing.T) {
	n := startNode(t, func(c *config.Config) { c.Realtime.PublicRooms, c.Realtime.Bots = -1, 3 })
	token := n.session(t, "Counter")

	code, r := n.Call(t, "/api/play", token, nil)
	if code != http.StatusOK || r["bots"] != 3.0 {
		t.Errorf("quick play with -bots 3 and no public room: %d, a room with %v bots; want 200 and 3", code, r["bots"])
	}
	for _, tt := range []struct {
		body map[string]any
		want float64
	}{
		{map[string]any{"public": false}, 0},
		{map[string]any{"public": false, "bots": 0}, 0},
		{map[string]any{"public": false, "bots": 2}, 2},
	} {
		code, r := n.Call(t, "/api/rooms", token, tt.body)
		if code != http.StatusCreated || r["bots"] != tt.want {
			t.Errorf("POST /api/rooms %v: %d, %v bots; want 201 and %v", tt.body, code, r["bots"], tt.want)
		}
	}
}
