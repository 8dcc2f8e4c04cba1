package lobby

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"testing/synctest"
	"time"
)

func TestSeats(t *testing.T) {
	type op struct {
		do      string // reserve, admit, advance, forget
		room    string
		player  string
		humans  int
		cap     int
		advance time.Duration
		wantErr error // for reserve
		wantOK  bool  // for admit
		private bool  // for admit: a private room named by its id
	}
	tests := []struct {
		name         string
		ops          []op
		room         string
		wantReserved int
		wantArriving int
		holder       string
		wantHeldIn   string
	}{
		{
			name: "reservation becomes a seat",
			ops: []op{
				{do: "reserve", room: "a", player: "p1", cap: 2},
				{do: "admit", room: "a", player: "p1", cap: 2, wantOK: true},
			},
			room: "a", wantArriving: 1,
		},
		{
			name: "reserved player gets in when the room looks full",
			ops: []op{
				{do: "reserve", room: "a", player: "p1", cap: 2},
				{do: "admit", room: "a", player: "walkin", humans: 0, cap: 2, wantOK: true},
				{do: "admit", room: "a", player: "walkin2", humans: 1, cap: 2, wantOK: false},
				{do: "admit", room: "a", player: "p1", humans: 1, cap: 2, wantOK: true},
			},
			room: "a", wantArriving: 2,
		},
		{
			name: "full room refuses reservations",
			ops: []op{
				{do: "reserve", room: "a", player: "p1", humans: 1, cap: 3},
				{do: "reserve", room: "a", player: "p2", humans: 1, cap: 3},
				{do: "reserve", room: "a", player: "p3", humans: 1, cap: 3, wantErr: ErrRoomFull},
			},
			room: "a", wantReserved: 2,
		},
		{
			name: "reserve is idempotent",
			ops: []op{
				{do: "reserve", room: "a", player: "p1", cap: 1},
				{do: "reserve", room: "a", player: "p1", cap: 1},
				{do: "reserve", room: "a", player: "p1", cap: 1},
			},
			room: "a", wantReserved: 1, holder: "p1", wantHeldIn: "a",
		},
		{
			name: "a player just admitted reserves again without a second seat",
			ops: []op{
				{do: "admit", room: "a", player: "p1", cap: 1, wantOK: true},
				{do: "reserve", room: "a", player: "p1", humans: 0, cap: 1},
			},
			room: "a", wantArriving: 1,
		},
		{
			name: "reserving elsewhere releases the first reservation",
			ops: []op{
				{do: "reserve", room: "a", player: "p1", cap: 1},
				{do: "reserve", room: "b", player: "p1", cap: 1},
				{do: "reserve", room: "a", player: "p2", cap: 1},
			},
			room: "a", wantReserved: 1, holder: "p1", wantHeldIn: "b",
		},
		{
			name: "admission elsewhere releases the reservation",
			ops: []op{
				{do: "reserve", room: "a", player: "p1", cap: 1},
				{do: "admit", room: "b", player: "p1", cap: 5, wantOK: true},
			},
			room: "a", holder: "p1",
		},
		{
			name: "reservation expires",
			ops: []op{
				{do: "reserve", room: "a", player: "p1", cap: 1},
				{do: "advance", advance: 20 * time.Second},
				{do: "admit", room: "a", player: "p2", cap: 1, wantOK: true},
				{do: "advance", advance: 5 * time.Second},
				{do: "admit", room: "a", player: "p1", humans: 1, cap: 1, wantOK: false},
			},
			room: "a",
		},
		{
			name: "reservation lives until its TTL",
			ops: []op{
				{do: "reserve", room: "a", player: "p1", cap: 1},
				{do: "advance", advance: 20*time.Second - time.Millisecond},
				{do: "admit", room: "a", player: "p2", cap: 1, wantOK: false},
				{do: "admit", room: "a", player: "p1", cap: 1, wantOK: true},
			},
			room: "a", wantArriving: 1,
		},
		{
			name: "renewing a reservation extends it",
			ops: []op{
				{do: "reserve", room: "a", player: "p1", cap: 1},
				{do: "advance", advance: 15 * time.Second},
				{do: "reserve", room: "a", player: "p1", cap: 1},
				{do: "advance", advance: 15 * time.Second},
			},
			room: "a", wantReserved: 1, holder: "p1", wantHeldIn: "a",
		},
		{
			name: "an arrival counts until the host reports it",
			ops: []op{
				{do: "admit", room: "a", player: "p1", humans: 0, cap: 2, wantOK: true},
				// The host still reports 0 humans: one seat is left, not two.
				{do: "reserve", room: "a", player: "p2", humans: 0, cap: 2},
				{do: "reserve", room: "a", player: "p3", humans: 0, cap: 2, wantErr: ErrRoomFull},
				{do: "advance", advance: 3 * time.Second},
				{do: "reserve", room: "a", player: "p3", humans: 1, cap: 2, wantErr: ErrRoomFull},
			},
			room: "a", wantReserved: 1,
		},
		{
			name: "a private room named by its id admits only a reservation",
			ops: []op{
				{do: "admit", room: "a", player: "p1", cap: 5, private: true, wantOK: false},
				{do: "reserve", room: "a", player: "p2", cap: 5},
				{do: "admit", room: "a", player: "p2", cap: 5, private: true, wantOK: true},
				// The reservation became a seat: it does not open the door twice.
				{do: "advance", advance: 5 * time.Second},
				{do: "admit", room: "a", player: "p2", humans: 1, cap: 5, private: true, wantOK: false},
			},
			room: "a",
		},
		{
			name: "forget drops a closed room",
			ops: []op{
				{do: "admit", room: "a", player: "p1", cap: 5, wantOK: true},
				{do: "reserve", room: "a", player: "p2", cap: 5},
				{do: "forget", room: "a"},
			},
			room: "a", holder: "p2",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := NewSeats(SeatsOptions{})
				for i, o := range tt.ops {
					switch o.do {
					case "reserve":
						if err := s.Reserve(o.room, o.player, o.humans, o.cap, 0); !errors.Is(err, o.wantErr) {
							t.Fatalf("op %d: Reserve(%s, %s) = %v, want %v", i, o.room, o.player, err, o.wantErr)
						}
					case "admit":
						if got := s.Admit(o.room, o.player, o.humans, o.cap, !o.private) == nil; got != o.wantOK {
							t.Fatalf("op %d: Admit(%s, %s) = %v, want %v", i, o.room, o.player, got, o.wantOK)
						}
					case "forget":
						s.Forget(o.room)
					case "advance":
						time.Sleep(o.advance)
					}
				}
				if r, a := s.Count(tt.room); r != tt.wantReserved || a != tt.wantArriving {
					t.Errorf("Count(%s) = %d reserved, %d arriving; want %d, %d", tt.room, r, a, tt.wantReserved, tt.wantArriving)
				}
				if tt.holder != "" {
					if got, _ := s.Holding(tt.holder); got != tt.wantHeldIn {
						t.Errorf("Holding(%s) = %q, want %q", tt.holder, got, tt.wantHeldIn)
					}
				}
			})
		})
	}
}

// TestSeatsProperties drives Seats with random reservations, hellos,
// departures and clock steps, the lobby seeing the humans of each room as
// published up to a second late, and checks the promises rooms rely on:
// humans plus live reservations never exceed the capacity, and a player
// holding a live reservation is always admitted.
func TestSeatsProperties(t *testing.T) {
	const (
		rooms    = 3
		players  = 12
		capacity = 4
		ttl      = 20 * time.Second
	)
	for seed := range uint64(50) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				rng := rand.New(rand.NewPCG(seed, 42))
				s := NewSeats(SeatsOptions{TTL: ttl})
				inRoom := make([]map[int]bool, rooms) // the truth, as rooms know it
				published := make([]int, rooms)       // what the host last reported
				publishedAt := time.Now()
				for r := range inRoom {
					inRoom[r] = map[int]bool{}
				}
				where := func(p int) int {
					for r := range rooms {
						if inRoom[r][p] {
							return r
						}
					}
					return -1
				}
				for step := range 600 {
					r, p := rng.IntN(rooms), rng.IntN(players)
					room, player := fmt.Sprint("r", r), fmt.Sprint("p", p)
					switch rng.IntN(6) {
					case 0, 1: // the lobby reserves with the published count
						_ = s.Reserve(room, player, published[r], capacity, 0)
					case 2: // a hello
						if where(p) >= 0 {
							break // already in a room
						}
						held, ok := s.Holding(player)
						mustAdmit := ok && held == room
						humans := len(inRoom[r])
						admitted := humans < capacity && s.Admit(room, player, humans, capacity, true) == nil
						if mustAdmit && !admitted {
							t.Fatalf("step %d: %s holds a reservation in %s but was refused (%d humans)", step, player, room, humans)
						}
						if admitted {
							inRoom[r][p] = true
						}
					case 3: // a departure
						if q := where(p); q >= 0 {
							delete(inRoom[q], p)
						}
					case 4:
						time.Sleep(time.Duration(rng.IntN(1500)) * time.Millisecond)
					case 5: // the host publishes
						for r := range rooms {
							published[r] = len(inRoom[r])
						}
						publishedAt = time.Now()
					}
					// Rooms publish at least once a second.
					if time.Since(publishedAt) >= time.Second {
						for r := range rooms {
							published[r] = len(inRoom[r])
						}
						publishedAt = time.Now()
					}
					for r := range rooms {
						reserved, _ := s.Count(fmt.Sprint("r", r))
						if len(inRoom[r])+reserved > capacity {
							t.Fatalf("step %d: room r%d has %d humans + %d reserved > capacity %d", step, r, len(inRoom[r]), reserved, capacity)
						}
					}
				}
			})
		})
	}
}

func TestSeatsPrune(t *testing.T) {
	s := NewSeats(SeatsOptions{})
	s.Reserve("closed", "p1", 0, 5, time.Minute)
	s.Reserve("open", "p2", 0, 5, time.Minute)
	mark := s.Epoch()
	s.Reserve("new", "p3", 0, 5, time.Minute) // made after the list of live rooms was taken
	s.Prune(map[string]bool{"open": true}, mark)
	for room, want := range map[string]int{"closed": 0, "open": 1, "new": 1} {
		if n, _ := s.Count(room); n != want {
			t.Errorf("after Prune, room %s has %d reservations, want %d", room, n, want)
		}
	}
	if _, ok := s.Holding("p1"); ok {
		t.Error("the reservation in a closed room is still held")
	}
}

// TestSeatsEndInOrderOfTheirTime: whatever order entries of different
// lengths are made in, each ends on time, not when an earlier-made, longer
// one does (Seats skips its expiry scans until the earliest end).
func TestSeatsEndInOrderOfTheirTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := NewSeats(SeatsOptions{ArrivalGrace: 3 * time.Second})
		count := func(want, wantArriving int, when string) {
			t.Helper()
			if got, arriving := s.Count("r"); got != want || arriving != wantArriving {
				t.Fatalf("%s: %d reserved, %d arriving; want %d and %d", when, got, arriving, want, wantArriving)
			}
		}
		if err := s.Reserve("r", "long", 0, 8, 20*time.Second); err != nil {
			t.Fatal(err)
		}
		count(1, 0, "after a 20 s reservation")
		if err := s.Reserve("r", "short", 0, 8, time.Second); err != nil {
			t.Fatal(err)
		}
		if err := s.Reserve("r", "medium", 0, 8, 5*time.Second); err != nil {
			t.Fatal(err)
		}
		count(3, 0, "after a 1 s and a 5 s one")
		time.Sleep(time.Second)
		count(2, 0, "1 s later")
		if _, ok := s.Holding("short"); ok {
			t.Fatal("the 1 s reservation is still held after 1 s")
		}
		if err := s.Admit("r", "guest", 0, 8, true); err != nil {
			t.Fatal(err)
		}
		count(2, 1, "after an admission")
		time.Sleep(3 * time.Second)
		count(2, 0, "3 s after the admission")
		time.Sleep(time.Second)
		count(1, 0, "5 s after the 5 s reservation")
		if err := s.Reserve("r", "medium", 0, 8, time.Second); err != nil {
			t.Fatal(err)
		}
		count(2, 0, "after reserving again for 1 s")
		time.Sleep(time.Second)
		count(1, 0, "1 s after that")
		time.Sleep(15 * time.Second)
		count(0, 0, "20 s after the first")
	})
}
