package lobby

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tickarena/tickarena/internal/servertest"
)

// TestRoomSpecBounds: a host's limits are inclusive. A room of exactly the
// smallest or largest capacity, with no bots or as many bots as seats, with
// the shortest or longest round, is accepted; one step past any bound is
// refused naming the field.
func TestRoomSpecBounds(t *testing.T) {
	l := Limits{MinCapacity: 2, MaxCapacity: 8, MinRoundSeconds: 30, MaxRoundSeconds: 600}
	ok := RoomSpec{Name: "Bounds", Capacity: 4, Bots: 1, RoundSeconds: 60}
	tests := []struct {
		name  string
		edit  func(*RoomSpec)
		field string // "" when accepted
	}{
		{"smallest capacity", func(s *RoomSpec) { s.Capacity, s.Bots = 2, 0 }, ""},
		{"largest capacity", func(s *RoomSpec) { s.Capacity = 8 }, ""},
		{"capacity below", func(s *RoomSpec) { s.Capacity, s.Bots = 1, 0 }, "capacity"},
		{"capacity above", func(s *RoomSpec) { s.Capacity = 9 }, "capacity"},
		{"no bots", func(s *RoomSpec) { s.Bots = 0 }, ""},
		{"as many bots as seats", func(s *RoomSpec) { s.Bots = 4 }, ""},
		{"negative bots mean none", func(s *RoomSpec) { s.Bots = -1 }, ""},
		{"more bots than seats", func(s *RoomSpec) { s.Bots = 5 }, "bots"},
		{"shortest round", func(s *RoomSpec) { s.RoundSeconds = 30 }, ""},
		{"longest round", func(s *RoomSpec) { s.RoundSeconds = 600 }, ""},
		{"round too short", func(s *RoomSpec) { s.RoundSeconds = 29 }, "round_seconds"},
		{"round too long", func(s *RoomSpec) { s.RoundSeconds = 601 }, "round_seconds"},
	}
	for _, tt := range tests {
		spec := ok
		tt.edit(&spec)
		_, err := l.Check(spec)
		var se *SpecError
		switch {
		case tt.field == "" && err != nil:
			t.Errorf("%s (%+v): refused: %v", tt.name, spec, err)
		case tt.field != "" && (!errors.As(err, &se) || se.Field != tt.field):
			t.Errorf("%s (%+v): got %v, want a SpecError on %s", tt.name, spec, err, tt.field)
		}
	}
}

// TestLocalDefaults: a lobby made with zero options creates rooms until its
// host refuses one, and tells the host's logger about each, once.
func TestLocalDefaults(t *testing.T) {
	var logs servertest.LogBuffer
	host := newMemHost()
	host.maxRooms = 100
	l, err := NewLocal(host, LocalOptions{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Create(t.Context(), RoomSpec{Name: "First", Capacity: 4, RoundSeconds: 60}); err != nil {
		t.Fatalf("Create with default limits: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], "room created") || !strings.Contains(lines[0], "First") {
		t.Errorf("log %q, want one line saying room First was created", logs.String())
	}
	for i := 1; i < 100; i++ {
		if _, err := l.Create(t.Context(), RoomSpec{Name: "More", Capacity: 4, RoundSeconds: 60}); err != nil {
			t.Fatalf("room %d of the host's 100: %v", i+1, err)
		}
	}
	if _, err := l.Create(t.Context(), RoomSpec{Name: "Extra", Capacity: 4, RoundSeconds: 60}); !errors.Is(err, ErrTooManyRooms) {
		t.Errorf("room 101: %v, want ErrTooManyRooms", err)
	}
}

// bareDirectory answers quick play with a room that has no WebSocket URL,
// as a Directory that only lists rooms run elsewhere might.
type bareDirectory struct{ Directory }

func (bareDirectory) QuickPlay(context.Context, string) (RoomInfo, error) {
	return RoomInfo{ID: "r1", Name: "Bare", Public: true, Capacity: 4}, nil
}

// TestRoomWithoutWebSocketURL: a room the directory gives without a
// WebSocket URL is answered as it is, not turned into a server error.
func TestRoomWithoutWebSocketURL(t *testing.T) {
	tl := startLobby(t, LocalOptions{})
	mux := http.NewServeMux()
	NewHandler(bareDirectory{tl.local}, tl.issuer, HandlerOptions{Logger: slog.New(slog.DiscardHandler)}).Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	tl.url = srv.URL
	_, tok := tl.login(t, "Ann")
	if a := tl.do(t, "POST", "/api/play", tok, ""); a.status != http.StatusOK || a.str("ws_url") != "" {
		t.Errorf("quick play: %d %v; want 200 with an empty ws_url", a.status, a.body)
	}
}

// TestHandlerHonoursMaxBody: a host that lowers MaxBody gets its limit: a
// larger request body is refused with 413.
func TestHandlerHonoursMaxBody(t *testing.T) {
	tl := startLobby(t, LocalOptions{})
	mux := http.NewServeMux()
	NewHandler(tl.local, tl.issuer, HandlerOptions{MaxBody: 64, Logger: slog.New(slog.DiscardHandler)}).Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	tl.url = srv.URL
	_, tok := tl.login(t, "Ann")
	big := `{"name":"` + strings.Repeat("x", 100) + `"}`
	if a := tl.do(t, "POST", "/api/rooms", tok, big); a.status != http.StatusRequestEntityTooLarge {
		t.Fatalf("%d-byte body with MaxBody 64: %d %v, want 413", len(big), a.status, a.body)
	}
}
