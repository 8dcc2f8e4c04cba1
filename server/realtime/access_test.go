package realtime

import (
	"sync"
	"testing"
	"time"

	"github.com/tickarena/tickarena/game/wire"
	"github.com/tickarena/tickarena/internal/servertest"
	"github.com/tickarena/tickarena/internal/testwait"
)

// roomStats returns the published stats of room id, and false once it closed.
func roomStats(m *Manager, id string) (RoomStats, bool) {
	for _, r := range m.Rooms() {
		if r.ID == id {
			return r, true
		}
	}
	return RoomStats{}, false
}

func TestPrivateRoomIsEnteredByCodeNotByID(t *testing.T) {
	m, url := startServer(t, Options{Bots: -1})
	id, code, err := m.CreateRoom(RoomSpec{Name: "Secret", Capacity: 4})
	if err != nil {
		t.Fatalf("CreateRoom: %v", err)
	}

	ann := servertest.MustDial(t, url)
	if w := ann.Join(t, "tok-ann", code); w.RoomID != id {
		t.Fatalf("joined by code into %q, want %q", w.RoomID, id)
	}

	// Bob learnt the id (the welcome, a ws_url, a player page), not the code.
	bob := servertest.MustDial(t, url)
	bob.Hello("tok-bob", id)
	if code, e := bob.WaitClosed(t); code != wire.ClosePolicy || e == nil || e.Code != wire.ErrCodeNoRoom || e.Reason != "no such room" {
		t.Errorf("hello by a private room's id: close %d %+v; want %d and error %d \"no such room\"", code, e, wire.ClosePolicy, wire.ErrCodeNoRoom)
	}
	if st, _ := roomStats(m, id); st.Humans != 1 {
		t.Errorf("after the refused hello the room has %d humans, want 1", st.Humans)
	}

	// Ann's connection drops; she is back in her own ship by the id she was welcomed with.
	ann.Drop()
	testwait.Until(t, testwait.Default, "Ann's dropped connection to be noticed", func() bool { return m.Connections() == 0 })
	again := servertest.MustDial(t, url)
	if w := again.Join(t, "tok-ann", id); w.RoomID != id {
		t.Errorf("Ann's reconnect by id went to %q", w.RoomID)
	}

	// Bob with the code is let in.
	bob2 := servertest.MustDial(t, url)
	if w := bob2.Join(t, "tok-bob", code); w.RoomID != id {
		t.Errorf("Bob with the code joined %q, want %q", w.RoomID, id)
	}
}

// recorder keeps the round records a Manager hands out.
type recorder struct {
	mu   sync.Mutex
	recs []RoundRecord
}

func (r *recorder) record(rec RoundRecord) {
	r.mu.Lock()
	r.recs = append(r.recs, rec)
	r.mu.Unlock()
}

func (r *recorder) all() []RoundRecord {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]RoundRecord(nil), r.recs...)
}

// roomsOf returns the rooms whose records list the player.
func (r *recorder) roomsOf(player string) []string {
	var out []string
	for _, rec := range r.all() {
		for _, l := range rec.Players {
			if l.PlayerID == player {
				out = append(out, rec.RoomID)
			}
		}
	}
	return out
}

func TestOnePlayerOneShipAcrossRooms(t *testing.T) {
	rec := &recorder{}
	m, url := startServer(t, Options{Bots: 1, RoundSeconds: 2, OnRoundEnd: rec.record})
	second, _, err := m.CreateRoom(RoomSpec{Name: "Second", Public: true})
	if err != nil {
		t.Fatalf("CreateRoom: %v", err)
	}

	first := servertest.MustDial(t, url)
	first.Join(t, "tok-ann", "arena-1")
	other := servertest.MustDial(t, url)
	other.Join(t, "tok-ann", second)

	code, e := first.WaitClosed(t)
	if code != wire.ClosePolicy || e == nil || e.Code != wire.ErrCodeReplaced {
		t.Fatalf("first room's connection closed with %d %+v; want %d and error %d (connected again elsewhere)", code, e, wire.ClosePolicy, wire.ErrCodeReplaced)
	}
	testwait.Until(t, testwait.Default, "the first room to give up Ann's ship", func() bool {
		st, _ := roomStats(m, "arena-1")
		return st.Humans == 0
	})
	if st, _ := roomStats(m, second); st.Humans != 1 {
		t.Errorf("second room has %d humans, want 1", st.Humans)
	}
	if seats := m.Players(); len(seats) != 1 || seats[0] != (PlayerSeat{RoomID: second, PlayerID: "p-ann"}) {
		t.Errorf("Players() = %+v, want Ann in %s only", seats, second)
	}

	// Both rooms finish a round; only the room with Ann's ship records her.
	testwait.Until(t, testwait.Default, "both rooms to finish a round", func() bool {
		a, _ := roomStats(m, "arena-1")
		b, _ := roomStats(m, second)
		return (a.Intermission || a.Round > 1) && (b.Intermission || b.Round > 1)
	})
	for _, room := range rec.roomsOf("p-ann") {
		if room != second {
			t.Errorf("Ann's result recorded in %s, where she had given up her ship", room)
		}
	}
	if got := rec.roomsOf("p-ann"); len(got) == 0 {
		t.Errorf("Ann's round in %s was not recorded", second)
	}

	// Coming back to the first room gives up the second ship in turn.
	back := servertest.MustDial(t, url)
	back.Join(t, "tok-ann", "arena-1")
	if code, e := other.WaitClosed(t); code != wire.ClosePolicy || e == nil || e.Code != wire.ErrCodeReplaced {
		t.Errorf("second room's connection closed with %d %+v; want error 4009", code, e)
	}
}

func TestRoomNobodyJoinedClosesSoon(t *testing.T) {
	m, url := startServer(t, Options{Bots: 2, UnjoinedRoomTimeout: 300 * time.Millisecond, EmptyRoomTimeout: time.Hour})
	lonely, _, err := m.CreateRoom(RoomSpec{Name: "Lonely", Public: true})
	if err != nil {
		t.Fatalf("CreateRoom: %v", err)
	}
	visited, _, err := m.CreateRoom(RoomSpec{Name: "Visited", Public: true})
	if err != nil {
		t.Fatalf("CreateRoom: %v", err)
	}
	c := servertest.MustDial(t, url)
	c.Join(t, "tok-ann", visited)
	c.Send(wire.AppendLeave(nil))
	c.WaitClosed(t)

	testwait.Until(t, testwait.Default, "the room nobody joined to close", func() bool { _, open := roomStats(m, lonely); return !open })
	if _, open := roomStats(m, visited); !open {
		t.Errorf("a room a player joined and left closed before its empty-room timeout")
	}
	if _, open := roomStats(m, "arena-1"); !open {
		t.Errorf("the always-open room closed")
	}
}

// TestRoomAwaitingAPlayerStaysOpen: a room nobody has joined yet stays open
// while the lobby holds a seat in it for a player on the way (an invited
// friend whose page is still loading), and closes once that seat expires.
func TestRoomAwaitingAPlayerStaysOpen(t *testing.T) {
	m, _ := startServer(t, Options{Bots: 2, UnjoinedRoomTimeout: 300 * time.Millisecond, EmptyRoomTimeout: time.Hour})
	awaited, _, err := m.CreateRoom(RoomSpec{Name: "Awaited", Public: false})
	if err != nil {
		t.Fatalf("CreateRoom: %v", err)
	}
	lonely, _, err := m.CreateRoom(RoomSpec{Name: "Lonely", Public: false})
	if err != nil {
		t.Fatalf("CreateRoom: %v", err)
	}
	seatExpires := time.Now().Add(6 * time.Second)
	m.Expect(awaited, seatExpires)
	testwait.Until(t, testwait.Default, "the room nobody is expected in to close", func() bool { _, open := roomStats(m, lonely); return !open })
	if _, open := roomStats(m, awaited); !open && time.Now().Before(seatExpires) {
		t.Fatalf("the room closed while a seat reserved in it was live")
	}
	testwait.Until(t, testwait.Default, "the awaited room to close once the seat expired", func() bool { _, open := roomStats(m, awaited); return !open })
	if time.Now().Before(seatExpires) {
		t.Errorf("the awaited room closed before its reserved seat expired")
	}
}

func TestBotsOnlyRoundsAreNotRecorded(t *testing.T) {
	rec := &recorder{}
	m, url := startServer(t, Options{Bots: 2, RoundSeconds: 1, OnRoundEnd: rec.record})
	testwait.Until(t, testwait.Default, "a bots-only round to end", func() bool { st, _ := roomStats(m, "arena-1"); return st.Intermission })
	if recs := rec.all(); len(recs) != 0 {
		t.Fatalf("%d bots-only rounds recorded, want none: %+v", len(recs), recs[0])
	}

	c := servertest.MustDial(t, url)
	c.Join(t, "tok-ann", "arena-1")
	testwait.Until(t, testwait.Default, "a round with a human to be recorded", func() bool { return len(rec.roomsOf("p-ann")) > 0 })
}

// blockingAdmission holds every hello until released, like a Redis that
// does not answer.
type blockingAdmission struct {
	asked   chan string
	release chan struct{}
}

func (a *blockingAdmission) Admit(roomID, playerID string, humans, capacity int, open bool) error {
	a.asked <- playerID
	<-a.release
	return nil
}

func TestAdmissionNeverHoldsTheRoom(t *testing.T) {
	adm := &blockingAdmission{asked: make(chan string, 4), release: make(chan struct{})}
	m, url := startServer(t, Options{Bots: 1, Admission: adm})
	ann := servertest.MustDial(t, url)
	ann.Hello("tok-ann", "arena-1")
	<-adm.asked
	adm.release <- struct{}{}
	ann.Next(t, wire.TypeWelcome)

	// Bob's admission hangs; the room ticks on and Ann keeps getting deltas.
	bob := servertest.MustDial(t, url)
	bob.Hello("tok-bob", "arena-1")
	<-adm.asked
	room := m.room("arena-1")
	tick, deltas := room.tick.Load(), ann.Deltas()
	testwait.Until(t, testwait.Default, "the room to tick and Ann to get 15 deltas while Bob's admission waits", func() bool {
		return room.tick.Load() >= tick+15 && ann.Deltas() >= deltas+15
	})
	close(adm.release)
	if w := bob.Next(t, wire.TypeWelcome).Welcome; w.RoomID != "arena-1" {
		t.Errorf("Bob welcomed to %q once admitted", w.RoomID)
	}
}
