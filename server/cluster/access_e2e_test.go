package cluster_test

import (
	"encoding/json"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/tickarena/tickarena/game/wire"
	"github.com/tickarena/tickarena/internal/redistest"
	"github.com/tickarena/tickarena/internal/servertest"
	"github.com/tickarena/tickarena/internal/testwait"
)

// cluster2 runs two nodes on one real Redis and waits until each lists the
// other's always-open room; it returns the nodes and their rooms' ids.
func cluster2(t *testing.T) (a, b *node, roomA, roomB string) {
	t.Helper()
	srv := redistest.Start(t, redistest.Options{})
	nodes := make([]*node, 2)
	var wg sync.WaitGroup
	for i := range nodes {
		wg.Go(func() { nodes[i] = startNode(t, srv.URL()) })
	}
	wg.Wait()
	if nodes[0] == nil || nodes[1] == nil {
		t.FailNow()
	}
	a, b = nodes[0], nodes[1]
	testwait.Until(t, 5*time.Second, "both nodes' rooms are listed", func() bool {
		byPort := roomsByPort(a.rooms(t))
		return len(byPort[a.port()]) == 1 && len(byPort[b.port()]) == 1
	})
	byPort := roomsByPort(a.rooms(t))
	return a, b, byPort[a.port()][0].ID, byPort[b.port()][0].ID
}

// recentRooms returns the rooms of a player's recent rounds on the shared board.
func (n *node) recentRooms(t *testing.T, player string) []string {
	t.Helper()
	_, body := n.Text(t, "/api/players/"+player)
	var stats struct {
		Recent []struct {
			RoomID string `json:"room_id"`
		} `json:"recent"`
	}
	_ = json.Unmarshal([]byte(body), &stats)
	var out []string
	for _, r := range stats.Recent {
		out = append(out, r.RoomID)
	}
	return out
}

func TestOneTokenOneShipAcrossNodes(t *testing.T) {
	a, b, roomA, roomB := cluster2(t)
	tok, id := a.Session(t, "Twin")

	code, r := a.Call(t, "/api/join", tok, map[string]string{"room": roomA})
	if code != http.StatusOK {
		t.Fatalf("join A's room: %d %v", code, r)
	}
	one := servertest.MustDial(t, r["ws_url"].(string))
	one.Join(t, tok, roomA)
	one.Fly()

	// The same token takes a seat on the other node.
	code, r = b.Call(t, "/api/join", tok, map[string]string{"room": roomB})
	if code != http.StatusOK {
		t.Fatalf("join B's room: %d %v", code, r)
	}
	two := servertest.MustDial(t, r["ws_url"].(string))
	two.Join(t, tok, roomB)
	two.Fly()

	select {
	case <-one.Closed():
	case <-time.After(5 * time.Second):
		t.Fatal("A's connection still open 5 s after the token played on B: two live ships")
	}
	if one.CloseCode() != 1008 || one.LastError().Code != wire.ErrCodeReplaced {
		t.Errorf("A's connection closed with %d %+v; want 1008 and error 4009", one.CloseCode(), one.LastError())
	}
	testwait.Until(t, 5*time.Second, "A's room to give up the ship", func() bool {
		for _, room := range a.rooms(t) {
			if room.ID == roomA {
				return room.Humans == 0
			}
		}
		return false
	})

	// Both nodes started together, so their rooms' rounds end within moments
	// of each other: once B's round is on the shared board, A's would follow
	// within a few seconds had A kept the ship.
	testwait.Until(t, 30*time.Second, "the round on B is recorded", func() bool {
		for _, room := range a.recentRooms(t, id) {
			if room == roomB {
				return true
			}
		}
		return false
	})
	for end := time.Now().Add(3 * time.Second); time.Now().Before(end); time.Sleep(200 * time.Millisecond) {
		for _, room := range b.recentRooms(t, id) {
			if room != roomB {
				t.Fatalf("a round in %s was recorded for the player, who had moved to %s", room, roomB)
			}
		}
	}
	if !two.Open() {
		t.Errorf("the connection on B closed with %d %+v; it holds the player's only ship", two.CloseCode(), two.LastError())
	}
}

func TestPrivateRoomIDDoesNotAdmitAcrossNodes(t *testing.T) {
	a, b, _, _ := cluster2(t)
	annTok, _ := a.Session(t, "Ann")
	code, r := a.Call(t, "/api/rooms", annTok, map[string]any{"name": "Hideout", "public": false})
	if code != http.StatusCreated {
		t.Fatalf("create a private room: %d %v", code, r)
	}
	id, ws, joinCode := r["id"].(string), r["ws_url"].(string), r["code"].(string)
	ann := servertest.MustDial(t, ws)
	ann.Join(t, annTok, id)

	bobTok, _ := b.Session(t, "Bob")
	bob := servertest.MustDial(t, ws)
	bob.Hello(bobTok, id)
	select {
	case <-bob.Closed():
	case <-time.After(5 * time.Second):
		t.Fatal("Bob's hello with the private room's id was not refused within 5 s")
	}
	if bob.Welcomed() || bob.CloseCode() != 1008 || bob.LastError().Code != wire.ErrCodeNoRoom {
		t.Errorf("Bob's hello by id: welcomed %v, close %d, error %+v; want 1008 and error 4004",
			bob.Welcomed(), bob.CloseCode(), bob.LastError())
	}

	code, r = b.Call(t, "/api/join", bobTok, map[string]string{"code": joinCode})
	if code != http.StatusOK || r["id"] != id {
		t.Fatalf("join by code through the other node: %d %v", code, r)
	}
	bob2 := servertest.MustDial(t, r["ws_url"].(string))
	bob2.Join(t, bobTok, id)
}

func TestRoomCreationIsCountedAcrossNodes(t *testing.T) {
	a, b, _, _ := cluster2(t)
	tok, _ := a.Session(t, "Hoarder")
	created := 0
	for i := range 12 {
		n := []*node{a, b}[i%2]
		code, r := n.Call(t, "/api/rooms", tok, map[string]any{"name": "Mine"})
		switch code {
		case http.StatusCreated:
			created++
		case http.StatusTooManyRequests:
		default:
			t.Fatalf("create %d on %s: %d %v", i, n.base, code, r)
		}
	}
	// -room-create-rate 6 is 6 in any minute, for the cluster, not per node.
	if created != 6 {
		t.Errorf("one token alternating between two nodes created %d rooms within a minute; want 6", created)
	}
	other, _ := b.Session(t, "Other")
	if code, r := b.Call(t, "/api/rooms", other, map[string]any{"name": "Theirs"}); code != http.StatusCreated {
		t.Errorf("another player's create: %d %v; want 201", code, r)
	}
}
