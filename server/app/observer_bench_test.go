package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/tickarena/tickarena/server/metrics"
	"github.com/tickarena/tickarena/server/realtime"
	"github.com/tickarena/tickarena/server/session"
)

// BenchmarkObserverTick measures what one room's tick costs the observer on
// a Manager running 200 rooms (half of them private): "by id" is the path of
// an Observer without room handles, which asks the Manager for the room's
// kind on every tick; "handle" is the room's own handle, made when it
// opened, which every room uses now.
func BenchmarkObserverTick(b *testing.B) {
	const rooms = 200
	iss, err := session.NewIssuer([]byte("0123456789abcdef0123456789abcdef"), session.IssuerOptions{})
	if err != nil {
		b.Fatal(err)
	}
	host := &lobbyHost{}
	obs := newObserver(metrics.New("bench"), host.roomKind)
	m, err := realtime.New(realtime.Options{
		Auth: issuerAuth{iss}, Observer: obs, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Bots: -1, PublicRooms: -1, MaxRooms: rooms, UnjoinedRoomTimeout: time.Hour, EmptyRoomTimeout: time.Hour,
	})
	if err != nil {
		b.Fatal(err)
	}
	host.mgr.Store(m)
	b.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = m.Shutdown(ctx)
	})
	var last string
	for i := range rooms {
		id, _, err := m.CreateRoom(realtime.RoomSpec{Name: fmt.Sprintf("Bench %d", i), Public: i%2 == 0})
		if err != nil {
			b.Fatal(err)
		}
		last = id
	}
	d := 150 * time.Microsecond

	b.Run("by id", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			obs.Tick(last, d)
		}
	})
	b.Run("handle", func(b *testing.B) {
		h := obs.OpenRoom(last, false)
		b.ReportAllocs()
		for b.Loop() {
			h.Tick(d)
		}
		if allocs := testing.AllocsPerRun(100, func() { h.Tick(d) }); allocs != 0 {
			b.Errorf("a tick through the room's handle allocates %.0f times, want 0", allocs)
		}
	})
}
