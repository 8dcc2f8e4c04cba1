package cluster

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/tickarena/tickarena/internal/redistest"
)

// memFleet is a node's ships as plain records.
type memFleet struct {
	mu      sync.Mutex
	ships   []Ship
	evicted []Ship
}

func (f *memFleet) Ships() []Ship {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.ships)
}

func (f *memFleet) Evict(roomID, playerID string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := Ship{RoomID: roomID, PlayerID: playerID}
	if !slices.Contains(f.ships, s) {
		return false
	}
	f.ships = slices.DeleteFunc(f.ships, func(o Ship) bool { return o == s })
	f.evicted = append(f.evicted, s)
	return true
}

func (f *memFleet) evictions() []Ship {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.evicted)
}

func TestHeartbeatTakesOutShipsClaimedElsewhere(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	one, _ := newTestNode(t, srv, "http://127.0.0.1:1")
	two, _ := newTestNode(t, srv, "http://127.0.0.1:2")
	fleet := &memFleet{ships: []Ship{{"one-room", "ann"}, {"one-room", "bob"}}}
	one.fleet = fleet
	ctx := context.Background()

	// The first heartbeat claims both players for the room they are in.
	if err := one.publish(ctx); err != nil {
		t.Fatalf("heartbeat: %v", err)
	}
	// Ann says hello on the other node; its request to take her ship out is
	// lost (the room is not listed, so the node is unknown).
	if err := two.Claim("two-room", "ann"); err != nil {
		t.Fatalf("Claim: %v", err)
	}
	if err := one.publish(ctx); err != nil {
		t.Fatalf("heartbeat: %v", err)
	}
	if got := fleet.evictions(); !slices.Equal(got, []Ship{{"one-room", "ann"}}) {
		t.Errorf("evicted %v; want Ann's ship in one-room only", got)
	}
	for player, want := range map[string]string{"ann": "two-room", "bob": "one-room"} {
		if got, _ := one.rdb.Get(ctx, one.opts.Prefix+"ship:"+player).Result(); got != want {
			t.Errorf("claim of %s = %q; want %q", player, got, want)
		}
	}
}

func TestEvictRequest(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	n, _ := newTestNode(t, srv, "http://127.0.0.1:1")
	fleet := &memFleet{ships: []Ship{{"here", "ann"}, {"here", "bob"}}}
	n.fleet = fleet
	mux := http.NewServeMux()
	n.Register(mux)
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	ctx := context.Background()
	n.rdb.Set(ctx, n.opts.Prefix+"ship:ann", "elsewhere", time.Minute)
	n.rdb.Set(ctx, n.opts.Prefix+"ship:bob", "here", time.Minute)

	tests := []struct {
		name, body string
		signed     bool
		want       int
	}{
		{"unsigned", `{"room":"here","player":"ann"}`, false, http.StatusUnauthorized},
		{"player claimed by this very room", `{"room":"here","player":"bob"}`, true, http.StatusConflict},
		{"room not on this node", `{"room":"nowhere","player":"cat"}`, true, http.StatusNotFound},
		{"no player", `{"room":"here"}`, true, http.StatusBadRequest},
		{"player claimed elsewhere", `{"room":"here","player":"ann"}`, true, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, ts.URL+"/internal/evict", bytes.NewReader([]byte(tt.body)))
			if tt.signed {
				req.Header.Set(signatureHeader, n.sign("POST", "/internal/evict", time.Now(), []byte(tt.body)))
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Errorf("status %d; want %d", resp.StatusCode, tt.want)
			}
		})
	}
	if got := fleet.evictions(); !slices.Equal(got, []Ship{{"here", "ann"}}) {
		t.Errorf("evicted %v; want Ann's ship only", got)
	}
}
