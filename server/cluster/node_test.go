package cluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/tickarena/tickarena/internal/redistest"
	"github.com/tickarena/tickarena/server/lobby"
)

// memHost runs rooms as plain records: a Host for tests of the directory
// alone, without game loops.
type memHost struct {
	mu    sync.Mutex
	rooms []lobby.RoomStats
}

func (h *memHost) CreateRoom(s lobby.RoomSpec) (string, string, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	id := fmt.Sprintf("room-%d", len(h.rooms)+1)
	code := fmt.Sprintf("CODE%02d", len(h.rooms)+1)
	h.rooms = append(h.rooms, lobby.RoomStats{ID: id, Name: s.Name, Public: s.Public, Code: code, Bots: s.Bots, Capacity: s.Capacity, RoundSecondsLeft: s.RoundSeconds})
	return id, code, nil
}

func (h *memHost) Rooms() []lobby.RoomStats {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]lobby.RoomStats(nil), h.rooms...)
}

func (h *memHost) Scoreboard(id string) ([]lobby.ScoreLine, bool) {
	for _, r := range h.Rooms() {
		if r.ID == id {
			return []lobby.ScoreLine{{Name: "Ann", Score: 3}}, true
		}
	}
	return nil, false
}

func newTestNode(t *testing.T, srv *redistest.Server, publicURL string) (*Node, *memHost) {
	t.Helper()
	opts, err := redis.ParseURL(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	opts.ContextTimeoutEnabled = true
	opts.DialerRetries, opts.MaxRetries = 1, -1 // fail at once when the test stops Redis
	rdb := redis.NewClient(opts)
	t.Cleanup(func() { rdb.Close() })
	host := &memHost{}
	seats, err := NewSeats(Options{Redis: rdb, PublicURL: publicURL, Secret: []byte("test secret"), MaxRooms: 100,
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatalf("NewSeats: %v", err)
	}
	n, err := New(seats, host, nil)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return n, host
}

func TestReservationsNeverOverfill(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	n, _ := newTestNode(t, srv, "http://127.0.0.1:1")
	ctx := context.Background()
	n.Run(ctx)
	t.Cleanup(func() { _ = n.Leave(ctx) })
	room, err := n.Create(ctx, lobby.RoomSpec{Name: "Tight", Capacity: 3, RoundSeconds: 60, Public: true})
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	var ok, full int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			_, err := n.Reserve(ctx, room.ID, fmt.Sprintf("p%d", i), time.Minute)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok++
			case errors.Is(err, lobby.ErrRoomFull):
				full++
			default:
				t.Errorf("Reserve: %v", err)
			}
		})
	}
	wg.Wait()
	if ok != 3 || full != 17 {
		t.Fatalf("reservations: %d ok, %d full; want 3 and 17", ok, full)
	}
	info, err := n.Get(ctx, room.ID)
	if err != nil || info.Reserved != 3 {
		t.Fatalf("Get = %+v, %v; want 3 reserved", info, err)
	}

	holder := ""
	for i := range 20 {
		if _, err := n.Reserve(ctx, room.ID, fmt.Sprintf("p%d", i), time.Minute); err == nil {
			holder = fmt.Sprintf("p%d", i) // renewing a held seat succeeds
			break
		}
	}
	tests := []struct {
		name   string
		player string
		humans int
		open   bool
		want   error
	}{
		{"stranger while every seat is reserved", "stranger", 0, true, lobby.ErrRoomFull},
		{"stranger by a private room's id", "stranger", 0, false, lobby.ErrNotFound},
		{"player holding a reservation, by a private room's id", holder, 0, false, nil},
		{"stranger once a reservation became a seat", "stranger", 1, true, lobby.ErrRoomFull},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := n.Admit(room.ID, tt.player, tt.humans, 3, tt.open); !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
				t.Errorf("Admit(%s, humans %d, open %v) = %v; want %v", tt.player, tt.humans, tt.open, err, tt.want)
			}
		})
	}
	if _, err := n.Reserve(ctx, "no-such-room", "p1", 0); !errors.Is(err, lobby.ErrNotFound) {
		t.Errorf("Reserve in a missing room: %v; want ErrNotFound", err)
	}
}

func TestPrivateRoomByCode(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	n, _ := newTestNode(t, srv, "https://play.example.com/base/")
	ctx := context.Background()
	n.Run(ctx)
	t.Cleanup(func() { _ = n.Leave(ctx) })
	room, err := n.Create(ctx, lobby.RoomSpec{Name: "Secret", Capacity: 4, RoundSeconds: 60})
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if want := "wss://play.example.com/base/ws?room=" + room.ID; room.WSURL != want {
		t.Errorf("ws_url = %q; want %q", room.WSURL, want)
	}
	tests := []struct {
		code    string
		wantErr error
	}{
		{"code01", nil},
		{" CODE01 ", nil},
		{"CODE02", lobby.ErrNotFound},
		{"", lobby.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			got, err := n.ByCode(ctx, tt.code)
			if !errors.Is(err, tt.wantErr) || (err == nil && got.ID != room.ID) {
				t.Errorf("ByCode(%q) = %s, %v; want %s, %v", tt.code, got.ID, err, room.ID, tt.wantErr)
			}
		})
	}
	rooms, err := n.List(ctx)
	if err != nil || len(rooms) != 0 {
		t.Errorf("List = %v, %v; want the private room left out", rooms, err)
	}
}

func TestInternalRequestsAreSigned(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	n, host := newTestNode(t, srv, "http://127.0.0.1:1")
	mux := http.NewServeMux()
	n.Register(mux)
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	ctx := context.Background()
	n.Run(ctx)
	t.Cleanup(func() { _ = n.Leave(ctx) })

	other, _ := newTestNode(t, srv, ts.URL)
	other.key = internalKey([]byte("another secret"))
	body := []byte(`{"name":"Remote","capacity":4,"round_seconds":60,"public":true}`)
	tests := []struct {
		name string
		sign func(*http.Request)
		want int
	}{
		{"signed", func(r *http.Request) {
			r.Header.Set(signatureHeader, n.sign("POST", "/internal/rooms", time.Now(), body))
		}, http.StatusCreated},
		{"unsigned", func(*http.Request) {}, http.StatusUnauthorized},
		{"other key", func(r *http.Request) {
			r.Header.Set(signatureHeader, other.sign("POST", "/internal/rooms", time.Now(), body))
		}, http.StatusUnauthorized},
		{"two minutes old", func(r *http.Request) {
			r.Header.Set(signatureHeader, n.sign("POST", "/internal/rooms", time.Now().Add(-2*time.Minute), body))
		}, http.StatusUnauthorized},
		{"signed for another body", func(r *http.Request) {
			r.Header.Set(signatureHeader, n.sign("POST", "/internal/rooms", time.Now(), []byte("{}")))
		}, http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, ts.URL+"/internal/rooms", bytes.NewReader(body))
			tt.sign(req)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Errorf("status = %d %s; want %d", resp.StatusCode, b, tt.want)
			}
		})
	}
	if got := len(host.Rooms()); got != 1 {
		t.Errorf("rooms created = %d; want 1 (the signed request only)", got)
	}
}

func TestRedisDownIsUnavailable(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	n, _ := newTestNode(t, srv, "http://127.0.0.1:1")
	reg := prometheus.NewRegistry()
	hook := MetricsHook{
		Seconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "redis_seconds"}, []string{"op"}),
		Errors:  prometheus.NewCounterVec(prometheus.CounterOpts{Name: "redis_errors"}, []string{"op"}),
	}
	reg.MustRegister(hook.Seconds, hook.Errors)
	n.rdb.AddHook(hook)
	ctx := context.Background()
	if _, err := n.List(ctx); err != nil {
		t.Fatalf("List with Redis up: %v", err)
	}
	srv.Kill()
	checks := []struct {
		name string
		call func() error
	}{
		{"List", func() error { _, err := n.List(ctx); return err }},
		{"QuickPlay", func() error { _, err := n.QuickPlay(ctx, "p1"); return err }},
		{"Reserve", func() error { _, err := n.Reserve(ctx, "room-1", "p1", 0); return err }},
		{"ByCode", func() error { _, err := n.ByCode(ctx, "ABCDEF"); return err }},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if err := c.call(); !errors.Is(err, lobby.ErrUnavailable) {
				t.Errorf("error = %v; want lobby.ErrUnavailable", err)
			}
		})
	}
	if err := n.Admit("room-1", "p1", 0, 4, true); err != nil {
		t.Errorf("Admit with Redis down refused a player to a public room with free seats: %v", err)
	}
	if err := n.Admit("room-1", "p1", 0, 4, false); !errors.Is(err, lobby.ErrUnavailable) {
		t.Errorf("Admit with Redis down to a private room by its id: %v; want lobby.ErrUnavailable", err)
	}
	families, err := reg.Gather()
	if err != nil {
		t.Fatalf("Gather: %v", err)
	}
	got := map[string]float64{}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			op := m.GetLabel()[0].GetValue()
			if h := m.GetHistogram(); h != nil {
				got[f.GetName()+"/"+op] = float64(h.GetSampleCount())
			} else {
				got[f.GetName()+"/"+op] = m.GetCounter().GetValue()
			}
		}
	}
	if got["redis_seconds/evalsha"] == 0 || got["redis_errors/evalsha"] == 0 {
		t.Errorf("metrics = %v; want timed scripts and counted failures", got)
	}
}
