package lobby

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

func newTestLocal(t *testing.T, opts LocalOptions) (*Local, *memHost) {
	t.Helper()
	host := newMemHost()
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	l, err := NewLocal(host, opts)
	if err != nil {
		t.Fatal(err)
	}
	return l, host
}

func TestNewLocalPublicURL(t *testing.T) {
	tests := []struct {
		name, publicURL, wsPath, want string
		wantErr                       bool
	}{
		{name: "none", want: "/ws?room=room001"},
		{name: "http", publicURL: "http://play.example.com:8080", want: "ws://play.example.com:8080/ws?room=room001"},
		{name: "https with prefix", publicURL: "https://example.com/arena/", want: "wss://example.com/arena/ws?room=room001"},
		{name: "custom path", publicURL: "ws://10.0.0.5", wsPath: "/play", want: "ws://10.0.0.5/play?room=room001"},
		{name: "bad scheme", publicURL: "ftp://example.com", wantErr: true},
		{name: "no host", publicURL: "http://", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := NewLocal(newMemHost(), LocalOptions{PublicURL: tt.publicURL, WSPath: tt.wsPath, Logger: slog.New(slog.DiscardHandler)})
			if tt.wantErr {
				if err == nil {
					t.Fatal("NewLocal accepted", tt.publicURL)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			room, err := l.Create(context.Background(), RoomSpec{Name: "x", Capacity: 4, RoundSeconds: 60, Public: true})
			if err != nil {
				t.Fatal(err)
			}
			if room.WSURL != tt.want {
				t.Fatalf("WSURL = %q, want %q", room.WSURL, tt.want)
			}
		})
	}
}

func TestLocalCreate(t *testing.T) {
	ctx := context.Background()
	l, host := newTestLocal(t, LocalOptions{})
	host.maxRooms = 2
	pub, err := l.Create(ctx, RoomSpec{Name: "  open  ", Capacity: 8, Bots: 2, RoundSeconds: 120, Public: true})
	if err != nil {
		t.Fatal(err)
	}
	if pub.Name != "open" || pub.Code != "" || pub.Capacity != 8 || pub.Bots != 2 || pub.RoundSecondsLeft != 120 || pub.Node != "local" {
		t.Errorf("public room = %+v", pub)
	}
	priv, err := l.Create(ctx, RoomSpec{Name: "friends", Capacity: 4, RoundSeconds: 60})
	if err != nil {
		t.Fatal(err)
	}
	if len(priv.Code) != 6 || strings.Trim(priv.Code, codeAlphabet) != "" {
		t.Errorf("private room code %q is not the host's code", priv.Code)
	}
	if got, err := l.ByCode(ctx, strings.ToLower(priv.Code)); err != nil || got.ID != priv.ID || got.Code != priv.Code {
		t.Errorf("ByCode(lower case) = %+v, %v", got, err)
	}
	list, _ := l.List(ctx)
	if len(list) != 1 || list[0].ID != pub.ID {
		t.Errorf("List = %+v, want only the public room", list)
	}
	if _, err := l.Create(ctx, RoomSpec{Name: "third", Capacity: 4, RoundSeconds: 60, Public: true}); !errors.Is(err, ErrTooManyRooms) {
		t.Errorf("third room: err = %v, want ErrTooManyRooms", err)
	}
	var spec *SpecError
	if _, err := l.Create(ctx, RoomSpec{Name: "x", Capacity: 1, RoundSeconds: 60}); !errors.As(err, &spec) || spec.Field != "capacity" || !errors.Is(err, ErrInvalidSpec) {
		t.Errorf("capacity 1: err = %v, want a SpecError on capacity", err)
	}

	pubCode := host.Rooms()
	for _, st := range pubCode {
		if st.ID == pub.ID {
			if _, err := l.ByCode(ctx, st.Code); !errors.Is(err, ErrNotFound) {
				t.Errorf("the host's code of a public room opened it: %v", err)
			}
		}
	}

	// A closed room's code stops working, and its reservations are forgotten.
	l.Reserve(ctx, priv.ID, "p1", 0)
	host.closeRoom(priv.ID)
	if _, err := l.ByCode(ctx, priv.Code); !errors.Is(err, ErrNotFound) {
		t.Errorf("code of a closed room: err = %v, want ErrNotFound", err)
	}
	if _, ok := l.Seats().Holding("p1"); ok {
		t.Errorf("reservation in a closed room still held")
	}
}

func TestLocalReserveAndCounts(t *testing.T) {
	synctest.Test(t, testLocalReserveAndCounts)
}

func testLocalReserveAndCounts(t *testing.T) {
	ctx := context.Background()
	l, host := newTestLocal(t, LocalOptions{})
	room, _ := l.Create(ctx, RoomSpec{Name: "duel", Capacity: 2, RoundSeconds: 60, Public: true})
	if _, err := l.Reserve(ctx, "nope", "p1", 0); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown room: %v", err)
	}
	got, err := l.Reserve(ctx, room.ID, "p1", 0)
	if err != nil || got.Reserved != 1 {
		t.Fatalf("Reserve = %+v, %v", got, err)
	}
	if !host.hello(l, room.ID, "p1") {
		t.Fatal("p1 could not use its reservation")
	}
	if got, _ := l.Get(ctx, room.ID); got.Humans != 1 || got.Reserved != 0 {
		t.Fatalf("after hello: %+v", got)
	}
	// Until the arrival grace ends, p1 counts twice: the seat is held back.
	if _, err := l.Reserve(ctx, room.ID, "p2", 0); !errors.Is(err, ErrRoomFull) {
		t.Fatalf("within the arrival grace: %v, want ErrRoomFull", err)
	}
	time.Sleep(DefaultArrivalGrace)
	if _, err := l.Reserve(ctx, room.ID, "p2", 0); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Reserve(ctx, room.ID, "p3", 0); !errors.Is(err, ErrRoomFull) {
		t.Fatalf("third player in a room of 2: %v, want ErrRoomFull", err)
	}
	if host.hello(l, room.ID, "walk-in") {
		t.Fatal("a player without a reservation took the reserved seat")
	}
	time.Sleep(DefaultReservationTTL)
	if _, err := l.Reserve(ctx, room.ID, "p3", 0); err != nil {
		t.Fatalf("after p2's reservation expired: %v", err)
	}
}

func TestLocalQuickPlay(t *testing.T) {
	synctest.Test(t, testLocalQuickPlay)
}

func testLocalQuickPlay(t *testing.T) {
	ctx := context.Background()
	l, host := newTestLocal(t, LocalOptions{QuickPlay: RoomSpec{Name: "Quick", Capacity: 3, Bots: 1}})
	host.maxRooms = 3
	a, _ := l.Create(ctx, RoomSpec{Name: "a", Capacity: 4, RoundSeconds: 60, Public: true})
	b, _ := l.Create(ctx, RoomSpec{Name: "b", Capacity: 4, RoundSeconds: 60, Public: true})
	host.hello(l, b.ID, "seated")
	time.Sleep(DefaultArrivalGrace)
	got, err := l.QuickPlay(ctx, "p1")
	if err != nil || got.ID != b.ID {
		t.Fatalf("QuickPlay = %+v, %v; want the fuller room %s", got, err, b.ID)
	}
	again, err := l.QuickPlay(ctx, "p1")
	if err != nil || again.ID != b.ID || again.Reserved != 1 {
		t.Fatalf("second QuickPlay = %+v, %v; want the same seat", again, err)
	}
	l.Reserve(ctx, b.ID, "p2", 0)
	l.Reserve(ctx, b.ID, "p3", 0) // b is full now
	if got, _ := l.QuickPlay(ctx, "p4"); got.ID != a.ID {
		t.Fatalf("QuickPlay with b full = %s, want %s", got.ID, a.ID)
	}
	for _, p := range []string{"p5", "p6", "p7"} {
		l.Reserve(ctx, a.ID, p, 0)
	}
	made, err := l.QuickPlay(ctx, "p8")
	if err != nil || made.ID == a.ID || made.ID == b.ID || !made.Public || made.Capacity != 3 || made.Bots != 1 || made.Name != "Quick 1" || made.RoundSecondsLeft != 300 {
		t.Fatalf("QuickPlay with all full = %+v, %v; want a new public room from the spec", made, err)
	}
	for _, p := range []string{"p9", "p10"} {
		if got, _ := l.QuickPlay(ctx, p); got.ID != made.ID {
			t.Fatalf("%s went to %s, want %s", p, got.ID, made.ID)
		}
	}
	if _, err := l.QuickPlay(ctx, "p11"); !errors.Is(err, ErrTooManyRooms) {
		t.Fatalf("every room full and no room left: %v, want ErrTooManyRooms", err)
	}
}

func TestLocalScoreboard(t *testing.T) {
	ctx := context.Background()
	l, host := newTestLocal(t, LocalOptions{})
	room, _ := l.Create(ctx, RoomSpec{Name: "x", Capacity: 4, RoundSeconds: 60, Public: true})
	host.setScores(room.ID, []ScoreLine{{PlayerID: "p1", Name: "alice", Score: 3}})
	if lines, err := l.Scoreboard(ctx, room.ID); err != nil || len(lines) != 1 || lines[0].Name != "alice" {
		t.Fatalf("Scoreboard = %+v, %v", lines, err)
	}
	if _, err := l.Scoreboard(ctx, "nope"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown room: %v", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := l.List(cancelled); !errors.Is(err, context.Canceled) {
		t.Fatalf("List with a cancelled context: %v", err)
	}
}

func TestLocalDefaultTTL(t *testing.T) {
	synctest.Test(t, testLocalDefaultTTL)
}

func testLocalDefaultTTL(t *testing.T) {
	l, _ := newTestLocal(t, LocalOptions{ReservationTTL: 5 * time.Second})
	room, _ := l.Create(context.Background(), RoomSpec{Name: "x", Capacity: 2, RoundSeconds: 60, Public: true})
	l.Reserve(context.Background(), room.ID, "p1", 0)
	time.Sleep(5 * time.Second)
	if _, ok := l.Seats().Holding("p1"); ok {
		t.Fatal("reservation outlived LocalOptions.ReservationTTL")
	}
}
