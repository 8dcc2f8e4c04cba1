package cluster_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tickarena/tickarena/game/replay"
	"github.com/tickarena/tickarena/internal/servertest"
	"github.com/tickarena/tickarena/internal/testwait"
)

// A round played on one node is served as a replay by another node of the
// cluster, from the shared Redis, and plays back to its recorded result.
func TestReplayOnOneNodeServedByAnother(t *testing.T) {
	_, nodes := cluster3(t)
	tok, id := nodes[0].Session(t, "Rewatched")
	code, r := nodes[0].Call(t, "/api/play", tok, nil)
	if code != http.StatusOK {
		t.Fatalf("quick play: %d %v", code, r)
	}
	ws := r["ws_url"].(string)
	p := servertest.MustDial(t, ws)
	p.Join(t, tok, r["id"].(string))
	p.Fly()
	// Ask a node that does not host the room.
	var other *node
	for _, n := range nodes {
		if !strings.Contains(ws, ":"+n.port()+"/") {
			other = n
			break
		}
	}
	if other == nil {
		t.Fatalf("no node other than the room's (%s)", ws)
	}
	var round string
	testwait.Until(t, 20*time.Second, "the round reaches another node's player page", func() bool {
		code, body := other.Text(t, "/api/players/"+id)
		var stats struct {
			Recent []struct {
				RoundID string `json:"round_id"`
			} `json:"recent"`
		}
		if code != http.StatusOK || json.Unmarshal([]byte(body), &stats) != nil || len(stats.Recent) == 0 {
			return false
		}
		round = stats.Recent[0].RoundID
		return true
	})
	file := other.Fetch(t, "/api/rounds/"+url.PathEscape(round)+"/replay")
	if file.Status != http.StatusOK {
		t.Fatalf("GET the replay of %s from another node = %d %s", round, file.Status, file.Body)
	}
	rp, err := replay.Decode(file.Body)
	if err != nil {
		t.Fatalf("decode the replay: %v", err)
	}
	if err := rp.Verify(); err != nil {
		t.Errorf("the replay does not reproduce its round: %v", err)
	}
	found := false
	for _, pl := range rp.Summary.Players {
		found = found || pl.Name == "Rewatched" && !pl.Bot
	}
	if !found {
		t.Errorf("the replay's players %+v lack the human Rewatched", rp.Summary.Players)
	}
}
