package lobby

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// BenchmarkSeatsReserveAdmit measures one player's way in: a reservation,
// then the admission at hello.
func BenchmarkSeatsReserveAdmit(b *testing.B) {
	// An arrival grace of a nanosecond has passed by the next iteration, as
	// if the host counted the player at once: the rooms never fill.
	s := NewSeats(SeatsOptions{ArrivalGrace: time.Nanosecond})
	players := make([]string, 1024)
	for i := range players {
		players[i] = fmt.Sprint("player", i)
	}
	rooms := []string{"ra", "rb", "rc", "rd", "re", "rf", "rg", "rh"}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		p, room := players[i%len(players)], rooms[i%len(rooms)]
		if err := s.Reserve(room, p, 0, 64, time.Minute); err != nil {
			b.Fatal(err)
		}
		if s.Admit(room, p, 0, 64, true) != nil {
			b.Fatal("admission refused")
		}
		i++
	}
}

// BenchmarkQuickPlay measures Local.QuickPlay on a node with 100 rooms,
// each reservation released again so that the rooms never fill.
func BenchmarkQuickPlay(b *testing.B) {
	host := newMemHost()
	host.maxRooms = 100
	l, err := NewLocal(host, LocalOptions{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	for i := range 100 {
		if _, err := l.Create(b.Context(), RoomSpec{Name: fmt.Sprint("r", i), Capacity: 50, RoundSeconds: 300, Public: true}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		r, err := l.QuickPlay(b.Context(), "p")
		if err != nil {
			b.Fatal(err)
		}
		l.Seats().Forget(r.ID)
	}
	b.ReportMetric(100, "rooms")
}

// BenchmarkListRoomsCached measures GET /api/rooms served from the cache,
// the common case of browsers polling the lobby.
func BenchmarkListRoomsCached(b *testing.B) {
	host := newMemHost()
	l, _ := NewLocal(host, LocalOptions{Logger: slog.New(slog.DiscardHandler)})
	for i := range 50 {
		l.Create(b.Context(), RoomSpec{Name: fmt.Sprint("r", i), Capacity: 50, RoundSeconds: 300, Public: true})
	}
	mux := http.NewServeMux()
	NewHandler(l, nil, HandlerOptions{ListCacheTTL: time.Hour}).Register(mux)
	req := httptest.NewRequest("GET", "/api/rooms", nil)
	b.ReportAllocs()
	var size int
	for b.Loop() {
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, req)
		size = w.Body.Len()
	}
	b.ReportMetric(float64(size), "B/answer")
}
