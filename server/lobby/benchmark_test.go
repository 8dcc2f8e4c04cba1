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

// BenchmarkQuickPlayCrowd measures Local.QuickPlay while a crowd arrives:
// 60 rooms of 50, each with 40 players admitted within the arrival grace
// and 5 reservations pending, as at 200 arrivals a second. Quick play
// counts every room's seats each time. A newcomer's reservation is
// released after each iteration; a player who plays again renews theirs.
func BenchmarkQuickPlayCrowd(b *testing.B) {
	for _, again := range []bool{false, true} {
		name := "newcomer"
		if again {
			name = "again"
		}
		b.Run(name, func(b *testing.B) {
			host := newMemHost()
			host.maxRooms = 60
			l, err := NewLocal(host, LocalOptions{Logger: slog.New(slog.DiscardHandler), ArrivalGrace: time.Hour, ReservationTTL: time.Hour})
			if err != nil {
				b.Fatal(err)
			}
			for i := range 60 {
				r, err := l.Create(b.Context(), RoomSpec{Name: fmt.Sprint("r", i), Capacity: 50, RoundSeconds: 300, Public: true})
				if err != nil {
					b.Fatal(err)
				}
				for j := range 45 {
					p := fmt.Sprint("p", i, "-", j)
					if err := l.Seats().Reserve(r.ID, p, 0, 50, 0); err != nil {
						b.Fatal(err)
					}
					if j < 40 && l.Seats().Admit(r.ID, p, 0, 50, true) != nil {
						b.Fatal("admission refused")
					}
				}
			}
			s := l.Seats()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := l.QuickPlay(b.Context(), "newcomer"); err != nil {
					b.Fatal(err)
				}
				if !again {
					s.mu.Lock()
					s.release("newcomer")
					s.mu.Unlock()
				}
			}
		})
	}
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
