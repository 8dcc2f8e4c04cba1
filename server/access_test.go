package main

import (
	"database/sql"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/wire"
	"github.com/tickarena/tickarena/internal/servertest"
	"github.com/tickarena/tickarena/internal/testwait"
)

// These tests play the attacks of issue 10 against the real binary: who may
// enter a room, how many ships a token keeps, how many rooms it makes, and
// what reaches the leaderboard.

// seat is the lobby's answer to a create, quick play or join.
type seat struct {
	ID    string `json:"id"`
	Code  string `json:"code"`
	WSURL string `json:"ws_url"`
	Error string `json:"error"`
}

// recent is a player's recent rounds as GET /api/players/{id} lists them.
type recent struct {
	RoundID string `json:"round_id"`
	RoomID  string `json:"room_id"`
}

func (p *proc) recent(t *testing.T, player string) []recent {
	t.Helper()
	var stats struct {
		Recent []recent `json:"recent"`
	}
	p.Get(t, "/api/players/"+player, &stats)
	return stats.Recent
}

// refused waits until g is closed and checks the close code and error message.
func refused(t *testing.T, what string, g *servertest.Player, code uint16, ec wire.ErrorCode) {
	t.Helper()
	closedWith(t, what, g, code, ec)
	if g.Welcomed() {
		t.Errorf("%s: welcomed, want refused", what)
	}
}

// closedWith waits until g is closed and checks the close code and error message.
func closedWith(t *testing.T, what string, g *servertest.Player, code uint16, ec wire.ErrorCode) {
	t.Helper()
	select {
	case <-g.Closed():
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: the connection is still open after 10 s, want close %d with error %d", what, code, ec)
	}
	if g.CloseCode() != code || g.LastError().Code != ec {
		t.Errorf("%s: close %d, error %+v; want close %d, error %d", what, g.CloseCode(), g.LastError(), code, ec)
	}
}

func TestLeakedPrivateRoomIDDoesNotAdmit(t *testing.T) {
	t.Parallel()
	p := startProc(t, filepath.Join(t.TempDir(), "arena.db"))

	annTok, annID := p.Session(t, "Ann")
	var room seat
	if code := p.Post(t, "/api/rooms", annTok, map[string]any{"name": "Hideout", "public": false}, &room); code != http.StatusCreated || room.Code == "" {
		t.Fatalf("create a private room: %d %+v", code, room)
	}
	ann := servertest.MustDial(t, room.WSURL)
	if w := ann.Join(t, annTok, room.ID); w.RoomID != room.ID {
		t.Fatalf("Ann joined %q, want %q", w.RoomID, room.ID)
	}
	ann.Fly()

	// Ann's round reaches her public player page, without the room's id.
	var rounds []recent
	testwait.Until(t, 30*time.Second, "Ann's round in the private room is recorded", func() bool {
		rounds = p.recent(t, annID)
		return len(rounds) > 0
	})
	for _, r := range rounds {
		if strings.Contains(r.RoomID+r.RoundID, room.ID) {
			t.Errorf("Ann's public player page shows the private room's id: %+v", r)
		}
	}

	// Bob has the id all the same (Ann's ws_url, an old page): the hello is
	// refused exactly like an unknown room's.
	bobTok, _ := p.Session(t, "Bob")
	bob := servertest.MustDial(t, room.WSURL)
	bob.Hello(bobTok, room.ID)
	refused(t, "Bob's hello with the private room's id", bob, 1008, wire.ErrCodeNoRoom)
	if got := bob.LastError().Reason; got != "no such room" {
		t.Errorf("refusal reason %q, want the unknown room's \"no such room\"", got)
	}
	if code := p.Get(t, "/api/rooms/"+room.ID, nil); code != http.StatusNotFound {
		t.Errorf("GET /api/rooms/{id} without the code: %d, want 404", code)
	}

	// With the code, Bob gets a seat and is welcomed.
	var joined seat
	if code := p.Post(t, "/api/join", bobTok, map[string]string{"code": strings.ToLower(room.Code)}, &joined); code != http.StatusOK || joined.ID != room.ID {
		t.Fatalf("join by code: %d %+v", code, joined)
	}
	bob2 := servertest.MustDial(t, joined.WSURL)
	if w := bob2.Join(t, bobTok, joined.ID); w.RoomID != room.ID {
		t.Errorf("Bob with the code joined %q, want %q", w.RoomID, room.ID)
	}
}

func TestOneTokenKeepsOneShip(t *testing.T) {
	t.Parallel()
	p := startProc(t, filepath.Join(t.TempDir(), "arena.db"))
	tok, id := p.Session(t, "Twin")

	var first seat
	if code := p.Post(t, "/api/play", tok, nil, &first); code != http.StatusOK {
		t.Fatalf("quick play: %d %+v", code, first)
	}
	one := servertest.MustDial(t, first.WSURL)
	one.Join(t, tok, first.ID)
	one.Fly()

	var second seat
	if code := p.Post(t, "/api/rooms", tok, map[string]any{"name": "Second", "bots": 1}, &second); code != http.StatusCreated {
		t.Fatalf("create a second room: %d %+v", code, second)
	}
	two := servertest.MustDial(t, second.WSURL)
	two.Join(t, tok, second.ID)
	two.Fly()

	closedWith(t, "the first room's connection once the token played in a second room", one, 1008, wire.ErrCodeReplaced)
	testwait.Until(t, 5*time.Second, "the first room to give up the ship", func() bool {
		var rooms struct {
			Rooms []struct {
				ID     string `json:"id"`
				Humans int    `json:"humans"`
			} `json:"rooms"`
		}
		p.Get(t, "/api/rooms", &rooms)
		for _, r := range rooms.Rooms {
			if r.ID == first.ID {
				return r.Humans == 0
			}
		}
		return true
	})

	// The first room started its round earlier, so it ends first: by the time
	// the second room's round is recorded, the first one's would be too.
	testwait.Until(t, 30*time.Second, "the second room's round is recorded", func() bool {
		for _, r := range p.recent(t, id) {
			if r.RoomID == second.ID {
				return true
			}
		}
		return false
	})
	for _, r := range p.recent(t, id) {
		if r.RoomID != second.ID {
			t.Errorf("a round of room %s was recorded for the player, who had moved to %s: %+v", r.RoomID, second.ID, r)
		}
	}
}

func TestOneTokenCannotTakeEveryRoom(t *testing.T) {
	t.Parallel()
	p := startProc(t, filepath.Join(t.TempDir(), "arena.db"), "-max-rooms", "50")
	tok, _ := p.Session(t, "Hoarder")
	statuses := map[int]int{}
	for range 40 {
		var s seat
		statuses[p.Post(t, "/api/rooms", tok, map[string]any{"name": "Mine"}, &s)]++
	}
	if statuses[http.StatusCreated] != 6 || statuses[http.StatusTooManyRequests] != 34 {
		t.Errorf("one token's 40 creates within a minute: %v; want 6 rooms (-room-create-rate 6) and 429 for the rest", statuses)
	}

	// Another player can still make a room.
	other, _ := p.Session(t, "Other")
	var s seat
	if code := p.Post(t, "/api/rooms", other, map[string]any{"name": "Theirs"}, &s); code != http.StatusCreated {
		t.Errorf("another player's create: %d %+v, want 201", code, s)
	}
}

func TestRoomNobodyJoinsClosesAfterTheReservation(t *testing.T) {
	t.Parallel()
	p := startProc(t, filepath.Join(t.TempDir(), "arena.db"))
	tok, _ := p.Session(t, "Absent")
	var room seat
	if code := p.Post(t, "/api/rooms", tok, map[string]any{"name": "Empty"}, &room); code != http.StatusCreated {
		t.Fatalf("create: %d %+v", code, room)
	}
	opened := time.Now()
	if code := p.Get(t, "/api/rooms/"+room.ID, nil); code != http.StatusOK {
		t.Fatalf("the new room: %d, want 200", code)
	}
	// The creator's seat is held 20 s; a room empty since then closes, not
	// after the 60 s of a room that players left.
	testwait.Until(t, 30*time.Second, "the room nobody joined to close", func() bool {
		return p.Get(t, "/api/rooms/"+room.ID, nil) == http.StatusNotFound
	})
	t.Logf("closed after %s", time.Since(opened))
	if d := time.Since(opened); d < 19*time.Second {
		t.Errorf("the room closed after %s, before its creator's 20 s reservation ended", d)
	}
}

func TestBotsOnlyRoundsAreNotRecorded(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "arena.db")
	p := startProc(t, db)
	// A human's room, opened after the always-open room, times its rounds:
	// when the human's first round is recorded, arena-1 has ended one of bots.
	tok, id := p.Session(t, "Witness")
	var room seat
	if code := p.Post(t, "/api/rooms", tok, map[string]any{"name": "Witness", "bots": 1}, &room); code != http.StatusCreated {
		t.Fatalf("create: %d %+v", code, room)
	}
	g := servertest.MustDial(t, room.WSURL)
	g.Join(t, tok, room.ID)
	g.Fly()
	testwait.Until(t, 30*time.Second, "the human's round is recorded", func() bool { return len(p.recent(t, id)) > 0 })

	// Stop the server so that every result is written, then read its database.
	if err := p.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if exited, err := p.Wait(30 * time.Second); !exited || err != nil {
		t.Fatalf("the server did not stop cleanly within 30 s: exited %v, %v", exited, err)
	}
	conn, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var bots, mine int
	if err := conn.QueryRow(`SELECT count(*) FROM rounds WHERE room_id = 'arena-1'`).Scan(&bots); err != nil {
		t.Fatalf("count arena-1's rounds: %v", err)
	}
	if err := conn.QueryRow(`SELECT count(*) FROM rounds WHERE room_id = ?`, room.ID).Scan(&mine); err != nil {
		t.Fatalf("count the human's rounds: %v", err)
	}
	if bots != 0 || mine == 0 {
		t.Errorf("recorded rounds: %d of arena-1, where only bots played, and %d of the human's room; want 0 and at least 1", bots, mine)
	}
	for ship := range uint32(3) {
		bot := fmt.Sprintf("bot-arena-1-%d", game.FirstShipID+ship)
		var lines int
		if err := conn.QueryRow(`SELECT count(*) FROM round_players WHERE player_id = ?`, bot).Scan(&lines); err != nil || lines != 0 {
			t.Errorf("%s, in a room without humans, has %d recorded lines (%v)", bot, lines, err)
		}
	}
}
