package lobby

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tickarena/tickarena/internal/servertest"
	"github.com/tickarena/tickarena/internal/testwait"
	"github.com/tickarena/tickarena/server/session"
)

// testLobby is a real lobby (Local + Handler) with an in-memory host, behind
// a real HTTP server (startLobby) or called without a socket from a
// testing/synctest bubble, whose fake clock the test moves (directLobby).
type testLobby struct {
	url    string
	http   *http.Client // nil: http.DefaultClient
	host   *memHost
	local  *Local
	issuer *session.Issuer
}

// startLobby serves a lobby with opts on loopback.
func startLobby(t *testing.T, opts LocalOptions) *testLobby {
	t.Helper()
	return newLobby(t, opts, func(h http.Handler) servertest.Client { return servertest.Serve(t, h) })
}

// directLobby is startLobby for a test in a synctest bubble: requests call
// the handler without a socket, so that time.Sleep moves the lobby's clock.
func directLobby(t *testing.T, opts LocalOptions) *testLobby {
	t.Helper()
	return newLobby(t, opts, servertest.Direct)
}

func newLobby(t *testing.T, opts LocalOptions, serve func(http.Handler) servertest.Client) *testLobby {
	t.Helper()
	tl := &testLobby{host: newMemHost()}
	opts.Logger = slog.New(slog.DiscardHandler)
	var err error
	if tl.local, err = NewLocal(tl.host, opts); err != nil {
		t.Fatal(err)
	}
	if tl.issuer, err = session.NewIssuer(bytes.Repeat([]byte("k"), 32), session.IssuerOptions{}); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	// The creation rates have their own test; here they stay out of the way.
	NewHandler(tl.local, tl.issuer, HandlerOptions{Logger: opts.Logger, Limits: opts.Limits,
		CreatePerPlayer: 1000, CreatePerAddr: 1000}).Register(mux)
	api := serve(mux)
	tl.url, tl.http = api.URL, api.HTTP
	return tl
}

func (tl *testLobby) login(t *testing.T, name string) (session.Session, string) {
	t.Helper()
	s, tok, err := tl.issuer.Issue(name)
	if err != nil {
		t.Fatal(err)
	}
	return s, tok
}

func (tl *testLobby) room(t *testing.T, spec RoomSpec) RoomInfo {
	t.Helper()
	if spec.RoundSeconds == 0 {
		spec.RoundSeconds = 300
	}
	r, err := tl.local.Create(t.Context(), spec)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

type answer struct {
	status int
	header http.Header
	body   map[string]any
}

func (a answer) str(key string) string { s, _ := a.body[key].(string); return s }
func (a answer) num(key string) int    { f, _ := a.body[key].(float64); return int(f) }

func (tl *testLobby) do(t *testing.T, method, path, token, body string) answer {
	t.Helper()
	a, err := tl.request(method, path, token, body)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// request is do for goroutines, which may not call t.Fatal.
func (tl *testLobby) request(method, path, token, body string) (answer, error) {
	req, err := http.NewRequest(method, tl.url+path, strings.NewReader(body))
	if err != nil {
		return answer{}, err
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	hc := tl.http
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	a := answer{status: resp.StatusCode, header: resp.Header}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		return a, fmt.Errorf("%s %s: Content-Type %q, body %q", method, path, ct, raw)
	}
	if err := json.Unmarshal(raw, &a.body); err != nil {
		return a, fmt.Errorf("%s %s: body %q: %w", method, path, raw, err)
	}
	return a, nil
}

func TestListRooms(t *testing.T) {
	synctest.Test(t, testListRooms)
}

func testListRooms(t *testing.T) {
	tl := directLobby(t, LocalOptions{})
	if a := tl.do(t, "GET", "/api/rooms", "", ""); a.status != 200 || fmt.Sprint(a.body["rooms"]) != "[]" {
		t.Fatalf("empty lobby: %d %v, want 200 with an empty list", a.status, a.body)
	}
	quiet := tl.room(t, RoomSpec{Name: "quiet", Capacity: 10, Bots: 3, Public: true})
	busy := tl.room(t, RoomSpec{Name: "busy", Capacity: 10, Public: true})
	also := tl.room(t, RoomSpec{Name: "also quiet", Capacity: 10, Public: true})
	tl.room(t, RoomSpec{Name: "secret", Capacity: 10})
	tl.host.setHumans(busy.ID, 4)
	time.Sleep(time.Second) // past the list cache

	a := tl.do(t, "GET", "/api/rooms", "", "")
	rooms, _ := a.body["rooms"].([]any)
	var ids []string
	for _, r := range rooms {
		ids = append(ids, r.(map[string]any)["id"].(string))
	}
	if want := []string{busy.ID, quiet.ID, also.ID}; fmt.Sprint(ids) != fmt.Sprint(want) {
		t.Fatalf("rooms %v, want %v (humans desc, then id; private hidden)", ids, want)
	}
	first := rooms[1].(map[string]any)
	host := strings.TrimPrefix(tl.url, "http://")
	want := map[string]any{"name": "quiet", "humans": 0.0, "bots": 3.0, "capacity": 10.0, "round_seconds_left": 300.0,
		"ws_url": "ws://" + host + "/ws?room=" + quiet.ID}
	for k, v := range want {
		if first[k] != v {
			t.Errorf("room field %s = %v, want %v", k, first[k], v)
		}
	}
	if _, ok := first["code"]; ok {
		t.Errorf("listed room shows a code: %v", first)
	}

	// The list is cached for a second.
	tl.host.setHumans(quiet.ID, 9)
	if a := tl.do(t, "GET", "/api/rooms", "", ""); a.body["rooms"].([]any)[0].(map[string]any)["id"] != busy.ID {
		t.Errorf("list changed within the cache period")
	}
	time.Sleep(time.Second)
	if a := tl.do(t, "GET", "/api/rooms", "", ""); a.body["rooms"].([]any)[0].(map[string]any)["id"] != quiet.ID {
		t.Errorf("list did not change after the cache period")
	}
}

func TestCreateRoom(t *testing.T) {
	tl := startLobby(t, LocalOptions{})
	tl.host.maxRooms = 3
	// A synctest bubble's clock starts in 2000: a token issued there has
	// long expired.
	var expiredTok string
	synctest.Test(t, func(t *testing.T) { _, expiredTok = tl.login(t, "old") })
	_, tok := tl.login(t, "alice")
	alice, _ := tl.issuer.Verify(tok)

	tests := []struct {
		name       string
		token      string
		body       string
		wantStatus int
		wantField  string
		check      func(t *testing.T, a answer)
	}{
		{name: "defaults", token: tok, body: `{}`, wantStatus: 201, check: func(t *testing.T, a answer) {
			if a.str("name") != "alice's room" || a.num("capacity") != 50 || a.num("bots") != 0 || a.num("round_seconds_left") != 300 ||
				a.body["public"] != true || a.str("code") != "" || a.num("reserved") != 1 || a.num("reservation_seconds") != 20 {
				t.Errorf("room = %v", a.body)
			}
			if !strings.HasPrefix(a.str("ws_url"), "ws://") || !holds(tl.local, alice.PlayerID, a.str("id")) {
				t.Errorf("creator has no seat or no ws_url: %v", a.body)
			}
		}},
		{name: "private with code", token: tok, body: `{"name":"friends","capacity":4,"bots":2,"round_seconds":60,"public":false}`, wantStatus: 201, check: func(t *testing.T, a answer) {
			code := a.str("code")
			if a.str("name") != "friends" || a.num("capacity") != 4 || a.num("bots") != 2 || a.body["public"] != false ||
				len(code) != 6 || strings.Trim(code, codeAlphabet) != "" {
				t.Errorf("room = %v", a.body)
			}
		}},
		{name: "no token", body: `{}`, wantStatus: 401},
		{name: "garbage token", token: "abc", body: `{}`, wantStatus: 401},
		{name: "expired token", token: expiredTok, body: `{}`, wantStatus: 401},
		{name: "empty name", token: tok, body: `{"name":"   "}`, wantStatus: 400, wantField: "name"},
		{name: "name too long", token: tok, body: `{"name":"` + strings.Repeat("n", 25) + `"}`, wantStatus: 400, wantField: "name"},
		{name: "invisible name", token: tok, body: `{"name":"a\u200bb"}`, wantStatus: 400, wantField: "name"},
		{name: "capacity too small", token: tok, body: `{"capacity":1}`, wantStatus: 400, wantField: "capacity"},
		{name: "capacity too large", token: tok, body: `{"capacity":51}`, wantStatus: 400, wantField: "capacity"},
		{name: "negative bots", token: tok, body: `{"bots":-1}`, wantStatus: 400, wantField: "bots"},
		{name: "more bots than capacity", token: tok, body: `{"capacity":4,"bots":5}`, wantStatus: 400, wantField: "bots"},
		{name: "round too short", token: tok, body: `{"round_seconds":29}`, wantStatus: 400, wantField: "round_seconds"},
		{name: "round too long", token: tok, body: `{"round_seconds":1801}`, wantStatus: 400, wantField: "round_seconds"},
		{name: "wrong type", token: tok, body: `{"capacity":"ten"}`, wantStatus: 400},
		{name: "unknown field", token: tok, body: `{"owner":"me"}`, wantStatus: 400},
		{name: "body too large", token: tok, body: `{"name":"` + strings.Repeat("x", 5000) + `"}`, wantStatus: 413},
		{name: "room limit", token: tok, body: `{"name":"one more"}`, wantStatus: 201},
		{name: "past room limit", token: tok, body: `{"name":"too many"}`, wantStatus: 503},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := tl.do(t, "POST", "/api/rooms", tt.token, tt.body)
			if a.status != tt.wantStatus {
				t.Fatalf("status %d, want %d: %v", a.status, tt.wantStatus, a.body)
			}
			if tt.wantStatus >= 400 {
				if a.str("error") == "" || a.str("field") != tt.wantField {
					t.Errorf("error body %v, want field %q", a.body, tt.wantField)
				}
				if tt.wantStatus == 401 && a.header.Get("WWW-Authenticate") == "" {
					t.Errorf("401 without WWW-Authenticate")
				}
				return
			}
			if tt.check != nil {
				tt.check(t, a)
			}
		})
	}

	t.Run("wrong content type", func(t *testing.T) {
		req, _ := http.NewRequest("POST", tl.url+"/api/rooms", strings.NewReader(`{}`))
		req.Header.Set("Content-Type", "text/plain")
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnsupportedMediaType {
			t.Fatalf("status %d, want 415", resp.StatusCode)
		}
	})
}

func TestQuickPlay(t *testing.T) {
	tl := startLobby(t, LocalOptions{})
	p1, tok1 := tl.login(t, "one")
	_, tok2 := tl.login(t, "two")

	if a := tl.do(t, "POST", "/api/play", "", ""); a.status != 401 {
		t.Fatalf("without token: %d", a.status)
	}
	a := tl.do(t, "POST", "/api/play", tok1, "")
	if a.status != 200 || a.str("id") == "" || a.body["public"] != true || a.num("reserved") != 1 ||
		a.num("reservation_seconds") != 20 || !strings.Contains(a.str("ws_url"), "room="+a.str("id")) {
		t.Fatalf("first quick play: %d %v", a.status, a.body)
	}
	made := a.str("id")
	if again := tl.do(t, "POST", "/api/play", tok1, "{}"); again.str("id") != made || again.num("reserved") != 1 {
		t.Fatalf("repeated quick play moved or doubled the seat: %v", again.body)
	}
	fuller := tl.room(t, RoomSpec{Name: "fuller", Capacity: 10, Public: true})
	tl.host.hello(tl.local, fuller.ID, "x")
	tl.host.hello(tl.local, fuller.ID, "y")
	if b := tl.do(t, "POST", "/api/play", tok2, ""); b.str("id") != fuller.ID {
		t.Fatalf("quick play chose %s, want the fuller room %s", b.str("id"), fuller.ID)
	}
	if !holds(tl.local, p1.PlayerID, made) || !tl.host.hello(tl.local, made, p1.PlayerID) {
		t.Fatal("the reserved player could not claim the seat")
	}
	if bad := tl.do(t, "POST", "/api/play", tok1, `{"room":"x"}`); bad.status != 400 {
		t.Fatalf("unknown field: %d", bad.status)
	}
}

func TestJoin(t *testing.T) {
	tl := startLobby(t, LocalOptions{})
	_, tok := tl.login(t, "joiner")
	_, tok2 := tl.login(t, "other")
	_, tok3 := tl.login(t, "third")
	open := tl.room(t, RoomSpec{Name: "open", Capacity: 5, Public: true})
	secret := tl.room(t, RoomSpec{Name: "secret", Capacity: 5})
	duel := tl.room(t, RoomSpec{Name: "duel", Capacity: 2, Public: true})
	tl.host.hello(tl.local, duel.ID, "a")
	tl.host.hello(tl.local, duel.ID, "b")

	tests := []struct {
		name       string
		token      string
		body       string
		wantStatus int
		wantRoom   string
		wantField  string
	}{
		{name: "by id", token: tok, body: `{"room":"` + open.ID + `"}`, wantStatus: 200, wantRoom: open.ID},
		{name: "by code", token: tok, body: `{"code":"` + secret.Code + `"}`, wantStatus: 200, wantRoom: secret.ID},
		{name: "by code in lower case with spaces", token: tok2, body: `{"code":" ` + strings.ToLower(secret.Code) + ` "}`, wantStatus: 200, wantRoom: secret.ID},
		{name: "private room by id", token: tok, body: `{"room":"` + secret.ID + `"}`, wantStatus: 404},
		{name: "unknown room", token: tok, body: `{"room":"nowhere"}`, wantStatus: 404},
		{name: "unknown code", token: tok, body: `{"code":"ZZZZZZ"}`, wantStatus: 404},
		{name: "full room", token: tok3, body: `{"room":"` + duel.ID + `"}`, wantStatus: 409},
		{name: "neither", token: tok, body: `{}`, wantStatus: 400, wantField: "room"},
		{name: "both", token: tok, body: `{"room":"` + open.ID + `","code":"` + secret.Code + `"}`, wantStatus: 400, wantField: "room"},
		{name: "no token", body: `{"room":"` + open.ID + `"}`, wantStatus: 401},
		{name: "bad json", token: tok, body: `{"room":`, wantStatus: 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := tl.do(t, "POST", "/api/join", tt.token, tt.body)
			if a.status != tt.wantStatus {
				t.Fatalf("status %d, want %d: %v", a.status, tt.wantStatus, a.body)
			}
			if tt.wantStatus != 200 {
				if a.str("error") == "" || a.str("field") != tt.wantField {
					t.Errorf("error body %v, want field %q", a.body, tt.wantField)
				}
				if tt.wantStatus == 409 && a.str("error") != "room is full" {
					t.Errorf("409 body %v", a.body)
				}
				return
			}
			if a.str("id") != tt.wantRoom || a.num("reservation_seconds") != 20 {
				t.Errorf("joined %v, want room %s", a.body, tt.wantRoom)
			}
			if tt.wantRoom == secret.ID && a.str("code") != secret.Code {
				t.Errorf("a player who joined by code does not see it: %v", a.body)
			}
		})
	}
}

// TestReservationExpiry shows a full room opening again once an unused
// reservation runs out, with the clock moved by the test.
func TestReservationExpiry(t *testing.T) {
	synctest.Test(t, testReservationExpiry)
}

func testReservationExpiry(t *testing.T) {
	tl := directLobby(t, LocalOptions{})
	room := tl.room(t, RoomSpec{Name: "pair", Capacity: 2, Public: true})
	join := `{"room":"` + room.ID + `"}`
	for _, name := range []string{"a", "b"} {
		_, tok := tl.login(t, name)
		if a := tl.do(t, "POST", "/api/join", tok, join); a.status != 200 {
			t.Fatalf("%s: %d %v", name, a.status, a.body)
		}
	}
	_, late := tl.login(t, "late")
	if a := tl.do(t, "POST", "/api/join", late, join); a.status != 409 {
		t.Fatalf("third player while two seats are held: %d", a.status)
	}
	time.Sleep(19 * time.Second)
	if a := tl.do(t, "POST", "/api/join", late, join); a.status != 409 {
		t.Fatalf("after 19 s: %d, want 409", a.status)
	}
	time.Sleep(time.Second)
	if a := tl.do(t, "POST", "/api/join", late, join); a.status != 200 || a.num("reserved") != 1 {
		t.Fatalf("after 20 s: %d %v, want 200 with one reservation", a.status, a.body)
	}
}

func TestRoomDetails(t *testing.T) {
	tl := startLobby(t, LocalOptions{})
	open := tl.room(t, RoomSpec{Name: "open", Capacity: 5, Bots: 1, Public: true})
	secret := tl.room(t, RoomSpec{Name: "secret", Capacity: 5})
	tl.host.setScores(open.ID, []ScoreLine{
		{PlayerID: "p1", Name: "alice", Score: 7, Kills: 2, Deaths: 1},
		{Name: "Bot 1", Score: 3, Kills: 1, Deaths: 2, Bot: true},
	})
	tests := []struct {
		name       string
		path       string
		wantStatus int
		wantLines  int
		wantCode   string
	}{
		{name: "public", path: "/api/rooms/" + open.ID, wantStatus: 200, wantLines: 2},
		{name: "unknown", path: "/api/rooms/nope", wantStatus: 404},
		{name: "private without code", path: "/api/rooms/" + secret.ID, wantStatus: 404},
		{name: "private with wrong code", path: "/api/rooms/" + secret.ID + "?code=AAAAAA", wantStatus: 404},
		{name: "private with code", path: "/api/rooms/" + secret.ID + "?code=" + secret.Code, wantStatus: 200, wantCode: secret.Code},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := tl.do(t, "GET", tt.path, "", "")
			if a.status != tt.wantStatus {
				t.Fatalf("status %d, want %d: %v", a.status, tt.wantStatus, a.body)
			}
			if tt.wantStatus != 200 {
				if a.str("error") == "" {
					t.Errorf("error body %v", a.body)
				}
				return
			}
			lines, ok := a.body["scoreboard"].([]any)
			if !ok || len(lines) != tt.wantLines || a.str("code") != tt.wantCode {
				t.Fatalf("details %v, want %d score lines and code %q", a.body, tt.wantLines, tt.wantCode)
			}
			if tt.wantLines > 0 {
				human, bot := lines[0].(map[string]any), lines[1].(map[string]any)
				if human["player_id"] != "p1" || human["score"] != 7.0 || human["kills"] != 2.0 || human["deaths"] != 1.0 || human["bot"] != false {
					t.Errorf("human line %v", human)
				}
				if _, has := bot["player_id"]; has || bot["bot"] != true {
					t.Errorf("bot line %v", bot)
				}
			}
		})
	}
}

// TestQuickPlayConcurrent sends 100 simultaneous quick plays at a lobby
// whose only room has 3 free seats: exactly 3 land there and the rest fill
// new rooms one after another, or get 503 once no room may be created.
func TestQuickPlayConcurrent(t *testing.T) {
	tests := []struct {
		name         string
		maxRooms     int
		wantRooms    int // rooms in the end, the first one included
		wantRefused  int
		wantNewSeats []int
	}{
		{name: "new rooms", maxRooms: 10, wantRooms: 3, wantNewSeats: []int{50, 47}},
		{name: "room cap", maxRooms: 2, wantRooms: 2, wantRefused: 47, wantNewSeats: []int{50}},
	}
	for _, tt := range tests {
		// Not in a synctest bubble: the players queue on the lobby's mutex
		// while a room is created, and a goroutine waiting on a mutex keeps
		// a bubble's clock still. A short arrival grace passes in real time.
		t.Run(tt.name, func(t *testing.T) {
			tl := startLobby(t, LocalOptions{ArrivalGrace: 20 * time.Millisecond})
			tl.host.maxRooms = tt.maxRooms
			tl.host.createDelay = 5 * time.Millisecond
			first := tl.room(t, RoomSpec{Name: "almost full", Capacity: 50, Public: true})
			for i := range 47 {
				if !tl.host.hello(tl.local, first.ID, fmt.Sprint("seated", i)) {
					t.Fatal("could not seat the first room")
				}
			}
			testwait.Until(t, testwait.Default, "the host to count the 47 seated players", func() bool {
				_, arriving := tl.local.Seats().Count(first.ID)
				return arriving == 0
			})
			tokens := make([]string, 100)
			for i := range tokens {
				_, tokens[i] = tl.login(t, fmt.Sprint("p", i))
			}
			var (
				wg      sync.WaitGroup
				mu      sync.Mutex
				perRoom = map[string]int{}
				status  = map[int]int{}
			)
			start := make(chan struct{})
			for _, tok := range tokens {
				wg.Go(func() {
					<-start
					a, err := tl.request("POST", "/api/play", tok, "")
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					defer mu.Unlock()
					status[a.status]++
					if a.status == 200 {
						perRoom[a.str("id")]++
					}
				})
			}
			close(start)
			wg.Wait()

			if perRoom[first.ID] != 3 {
				t.Errorf("%d players got a seat in the room with 3 free seats", perRoom[first.ID])
			}
			if status[200] != 100-tt.wantRefused || status[503] != tt.wantRefused {
				t.Errorf("statuses %v, want %d×200 and %d×503", status, 100-tt.wantRefused, tt.wantRefused)
			}
			if n := tl.host.count(); n != tt.wantRooms {
				t.Errorf("%d rooms in the end, want %d", n, tt.wantRooms)
			}
			var newSeats []int
			for id, n := range perRoom {
				if id != first.ID {
					newSeats = append(newSeats, n)
				}
			}
			slices.Sort(newSeats)
			slices.Reverse(newSeats)
			if fmt.Sprint(newSeats) != fmt.Sprint(tt.wantNewSeats) {
				t.Errorf("seats in new rooms %v, want %v", newSeats, tt.wantNewSeats)
			}
			for _, r := range tl.host.Rooms() {
				if res, _ := tl.local.Seats().Count(r.ID); r.Humans+res > r.Capacity {
					t.Errorf("room %s: %d humans + %d reserved > capacity %d", r.ID, r.Humans, res, r.Capacity)
				}
			}
			// Every reserved player gets in.
			for _, tok := range tokens {
				s, _ := tl.issuer.Verify(tok)
				if room, ok := tl.local.Seats().Holding(s.PlayerID); ok && !tl.host.hello(tl.local, room, s.PlayerID) {
					t.Errorf("player %s holds a seat in %s but was refused", s.PlayerID, room)
				}
			}
		})
	}
}

// holds reports whether the player holds a live reservation in the room.
func holds(l *Local, playerID, roomID string) bool {
	held, ok := l.Seats().Holding(playerID)
	return ok && held == roomID
}
