package leaderboard_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tickarena/tickarena/internal/servertest"
	"github.com/tickarena/tickarena/server/leaderboard"
	"github.com/tickarena/tickarena/server/leaderboard/sqlitestore"
	"github.com/tickarena/tickarena/server/leaderboard/storetest"
)

// server is a real HTTP server over a real SQLite store.
type server struct {
	servertest.Client
	url   string
	mux   *http.ServeMux
	store *sqlitestore.Store
}

func startServer(t *testing.T) *server {
	t.Helper()
	s, _ := openStore(t, 0)
	mux := http.NewServeMux()
	leaderboard.NewHandler(s, leaderboard.HandlerOptions{Logger: quiet}).Register(mux)
	api := servertest.Serve(t, mux)
	return &server{Client: api, url: api.URL, mux: mux, store: s}
}

// get fetches path on storetest.Sunday, the day the tests' rounds are
// played, and returns the status, content type and body.
func (s *server) get(t *testing.T, path string) (int, string, string) {
	t.Helper()
	a := s.getAt(t, storetest.Sunday, path)
	return a.Status, a.Header.Get("Content-Type"), string(a.Body)
}

// getAt fetches path at the instant now, which picks the current day and
// week: the handler is called from a synctest bubble whose clock was moved
// to now (a bubble's clock starts in 2000 and only goes forward).
func (s *server) getAt(t *testing.T, now time.Time, path string) servertest.Answer {
	t.Helper()
	var a servertest.Answer
	synctest.Test(t, func(t *testing.T) {
		time.Sleep(time.Until(now))
		a = servertest.Direct(s.mux).Do(t, http.MethodGet, path, "", nil)
	})
	return a
}

// getJSONAt is getJSON at the instant now.
func (s *server) getJSONAt(t *testing.T, now time.Time, path string, status int, v any) {
	t.Helper()
	a := s.getAt(t, now, path)
	if ct := a.Header.Get("Content-Type"); a.Status != status || !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("GET %s at %v = %d %s %s; want %d JSON", path, now, a.Status, ct, a.Body, status)
	}
	a.Decode(t, v)
}

// getJSON fetches path, checks status and content type, and decodes the body into v.
func (s *server) getJSON(t *testing.T, path string, status int, v any) {
	t.Helper()
	code, ct, body := s.get(t, path)
	if code != status || !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("GET %s = %d %s %s; want %d JSON", path, code, ct, body, status)
	}
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("GET %s: decode %s: %v", path, body, err)
	}
}

type topBody struct {
	Board      string              `json:"board"`
	Period     string              `json:"period"`
	Entries    []leaderboard.Entry `json:"entries"`
	NextCursor string              `json:"next_cursor"`
	Total      int                 `json:"total"`
}

type errBody struct {
	Error string `json:"error"`
	Field string `json:"field"`
}

// fill records one round with n players p000.. with descending scores.
func fill(t *testing.T, s leaderboard.Store, id string, at time.Time, n int) {
	lines := make([]leaderboard.PlayerResult, n)
	for i := range lines {
		lines[i] = storetest.Line(fmt.Sprintf("p%03d", i), fmt.Sprintf("Pilot %d", i), int32(1000-i), 1, i+1)
	}
	storetest.MustRecord(t, s, storetest.Round(id, at, lines...))
}

func ids(es []leaderboard.Entry) string {
	var b strings.Builder
	for _, e := range es {
		fmt.Fprintf(&b, "%d:%s=%d ", e.Rank, e.PlayerID, e.Value)
	}
	return strings.TrimSpace(b.String())
}

func TestTopJSON(t *testing.T) {
	srv := startServer(t)
	fill(t, srv.store, "r1", storetest.Sunday, 25)
	storetest.MustRecord(t, srv.store, storetest.Round("r2", storetest.Sunday,
		storetest.Line("tie", "Tie", 1000, 3, 1), storetest.Bot("bot", 5000, 9, 2)))
	tests := []struct {
		name, path string
		board      string
		period     string
		first      string
		count      int
		next       bool
	}{
		{"defaults", "/api/leaderboard", "score", "all", "1:p000=1000", 20, true},
		{"tie shares rank, then id order", "/api/leaderboard?limit=3", "score", "all", "1:p000=1000 1:tie=1000 3:p001=999", 3, true},
		{"kills board weekly", "/api/leaderboard?board=kills&period=weekly&limit=2", "kills", "weekly", "1:tie=3 2:p000=1", 2, true},
		{"wins daily, everything in one page", "/api/leaderboard?board=wins&period=daily&limit=100", "wins", "daily", "1:p000=1 1:tie=1 3:p001=0", 26, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got topBody
			srv.getJSON(t, tt.path, http.StatusOK, &got)
			if got.Board != tt.board || got.Period != tt.period || len(got.Entries) != tt.count || (got.NextCursor != "") != tt.next {
				t.Errorf("got board %s period %s, %d entries, next %q; want %s %s, %d entries, next cursor %v",
					got.Board, got.Period, len(got.Entries), got.NextCursor, tt.board, tt.period, tt.count, tt.next)
			}
			if !strings.HasPrefix(ids(got.Entries), tt.first) {
				t.Errorf("entries %s; want them to start %s", ids(got.Entries), tt.first)
			}
			if strings.Contains(ids(got.Entries), "bot") || got.Total != 26 {
				t.Errorf("total %d, entries %s; want 26 players and no bot", got.Total, ids(got.Entries))
			}
		})
	}
}

func TestValidationErrors(t *testing.T) {
	srv := startServer(t)
	fill(t, srv.store, "r1", storetest.Sunday, 3)
	tests := []struct {
		path, field string
	}{
		{"/api/leaderboard?board=elo", "board"},
		{"/api/leaderboard?board=SCORE", "board"},
		{"/api/leaderboard?period=monthly", "period"},
		{"/api/leaderboard?limit=0", "limit"},
		{"/api/leaderboard?limit=101", "limit"},
		{"/api/leaderboard?limit=-1", "limit"},
		{"/api/leaderboard?limit=ten", "limit"},
		{"/api/leaderboard?limit=1e2", "limit"},
		{"/api/leaderboard?cursor=garbage", "cursor"},
		{"/api/leaderboard/around/p001?board=elo", "board"},
		{"/api/leaderboard/around/p001?period=yearly", "period"},
		{"/api/leaderboard/around/p001?n=26", "n"},
		{"/api/leaderboard/around/p001?n=-1", "n"},
		{"/api/leaderboard/around/p001?n=x", "n"},
		{"/api/rounds?round=3", "room"},
		{"/api/rounds?room=&round=3", "room"}, // a private round's room id, never found
		{"/api/rounds?room=" + strings.Repeat("x", leaderboard.MaxIDLen+1) + "&round=3", "room"},
		{"/api/rounds?room=arena", "round"},
		{"/api/rounds?room=arena&round=0", "round"},
		{"/api/rounds?room=arena&round=-1", "round"},
		{"/api/rounds?room=arena&round=1.5", "round"},
		{"/api/rounds?room=arena&round=three", "round"},
		{"/api/rounds?room=arena&round=4294967296", "round"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			var got errBody
			srv.getJSON(t, tt.path, http.StatusBadRequest, &got)
			if got.Field != tt.field || got.Error == "" {
				t.Errorf("error body = %+v; want a message about field %q", got, tt.field)
			}
		})
	}
}

func TestNoEndpointAcceptsScores(t *testing.T) {
	srv := startServer(t)
	for _, path := range []string{"/api/leaderboard", "/api/players/p1", "/api/leaderboard/around/p1", "/leaderboard"} {
		resp, err := http.Post(srv.url+path, "application/json", strings.NewReader(`{"player_id":"p1","score":999999}`))
		if err != nil {
			t.Fatalf("POST %s: %v", path, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("POST %s = %d; want 405", path, resp.StatusCode)
		}
	}
	if _, err := srv.store.Player(t.Context(), "p1", storetest.Sunday); err == nil {
		t.Error("a POST created a player")
	}
}

func TestPaginationJSON(t *testing.T) {
	srv := startServer(t)
	fill(t, srv.store, "r1", storetest.Sunday, 40)
	walk := func(limit int) (sizes []int, all []leaderboard.Entry, last topBody) {
		path := fmt.Sprintf("/api/leaderboard?limit=%d", limit)
		for range 100 {
			srv.getJSON(t, path, http.StatusOK, &last)
			sizes = append(sizes, len(last.Entries))
			all = append(all, last.Entries...)
			if last.NextCursor == "" {
				return
			}
			path = fmt.Sprintf("/api/leaderboard?limit=%d&cursor=%s", limit, url.QueryEscape(last.NextCursor))
		}
		t.Fatal("pagination does not end")
		return
	}
	tests := []struct {
		limit int
		sizes string
	}{
		{20, "[20 20]"},
		{10, "[10 10 10 10]"},
		{30, "[30 10]"},
		{100, "[40]"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint("limit ", tt.limit), func(t *testing.T) {
			sizes, all, _ := walk(tt.limit)
			if fmt.Sprint(sizes) != tt.sizes {
				t.Errorf("page sizes %v; want %s", sizes, tt.sizes)
			}
			for i, e := range all {
				if e.PlayerID != fmt.Sprintf("p%03d", i) {
					t.Fatalf("entry %d is %s: pages overlap or skip", i, e.PlayerID)
				}
			}
		})
	}
	t.Run("cursor past the end", func(t *testing.T) {
		past := leaderboard.EncodeCursor(leaderboard.BoardScore, "all", 400)
		var got topBody
		srv.getJSON(t, "/api/leaderboard?cursor="+past, http.StatusOK, &got)
		if len(got.Entries) != 0 || got.NextCursor != "" || got.Entries == nil {
			t.Errorf("past the end = %+v; want an empty list and no next cursor", got)
		}
	})
	t.Run("tampered cursor", func(t *testing.T) {
		var first topBody
		srv.getJSON(t, "/api/leaderboard?limit=5", http.StatusOK, &first)
		c := []byte(first.NextCursor)
		c[2] ^= 0x01
		var got errBody
		srv.getJSON(t, "/api/leaderboard?limit=5&cursor="+url.QueryEscape(string(c)), http.StatusBadRequest, &got)
		if got.Field != "cursor" {
			t.Errorf("error = %+v; want field cursor", got)
		}
		srv.getJSON(t, "/api/leaderboard?board=kills&limit=5&cursor="+url.QueryEscape(first.NextCursor), http.StatusBadRequest, &got)
		if got.Field != "cursor" {
			t.Errorf("cursor of another board: error = %+v; want field cursor", got)
		}
	})
}

func TestPeriodsFollowTheClock(t *testing.T) {
	srv := startServer(t)
	monday := storetest.Sunday.Add(time.Hour)
	storetest.MustRecord(t, srv.store,
		storetest.Round("sun", storetest.Sunday, storetest.Line("ann", "Ann", 10, 5, 1)),
		storetest.Round("mon", monday, storetest.Line("bob", "Bob", 7, 2, 1)),
	)
	tests := []struct {
		name   string
		now    time.Time
		period string
		want   string
	}{
		{"sunday 23:50 daily", storetest.Sunday.Add(20 * time.Minute), "daily", "1:ann=5"},
		{"sunday 23:50 weekly", storetest.Sunday.Add(20 * time.Minute), "weekly", "1:ann=5"},
		{"monday 00:30 daily", monday, "daily", "1:bob=2"},
		{"monday 00:30 weekly (new ISO week)", monday, "weekly", "1:bob=2"},
		{"monday all time", monday, "all", "1:ann=5 2:bob=2"},
		{"next monday weekly is empty", monday.Add(7 * 24 * time.Hour), "weekly", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got topBody
			srv.getJSONAt(t, tt.now, "/api/leaderboard?board=kills&period="+tt.period, http.StatusOK, &got)
			if ids(got.Entries) != tt.want {
				t.Errorf("entries %s; want %s", ids(got.Entries), tt.want)
			}
		})
	}
	t.Run("yesterday's cursor", func(t *testing.T) {
		fill(t, srv.store, "many", storetest.Sunday, 3)
		var page topBody
		srv.getJSONAt(t, storetest.Sunday, "/api/leaderboard?period=daily&limit=1", http.StatusOK, &page)
		var got errBody
		srv.getJSONAt(t, monday, "/api/leaderboard?period=daily&limit=1&cursor="+url.QueryEscape(page.NextCursor), http.StatusBadRequest, &got)
		if got.Field != "cursor" {
			t.Errorf("error = %+v; want field cursor", got)
		}
	})
}

func TestAroundJSON(t *testing.T) {
	srv := startServer(t)
	fill(t, srv.store, "r1", storetest.Sunday, 9)
	storetest.MustRecord(t, srv.store, storetest.Round("r2", storetest.Sunday, storetest.Bot("bot", 1, 1, 1), storetest.Line("solo", "Solo", 1, 0, 2)))
	var got struct {
		Rank     int                 `json:"rank"`
		PlayerID string              `json:"player_id"`
		Entries  []leaderboard.Entry `json:"entries"`
	}
	srv.getJSON(t, "/api/leaderboard/around/p004?n=2", http.StatusOK, &got)
	if got.Rank != 5 || got.PlayerID != "p004" || ids(got.Entries) != "3:p002=998 4:p003=997 5:p004=996 6:p005=995 7:p006=994" {
		t.Errorf("around p004 = rank %d %s", got.Rank, ids(got.Entries))
	}
	srv.getJSON(t, "/api/leaderboard/around/p000", http.StatusOK, &got)
	if got.Rank != 1 || len(got.Entries) != 1+leaderboard.DefaultAround {
		t.Errorf("around the leader = rank %d, %d entries; want 1 and %d", got.Rank, len(got.Entries), 1+leaderboard.DefaultAround)
	}
	notFound := []struct {
		name, path string
		now        time.Time
	}{
		{"unknown player", "/api/leaderboard/around/nobody", storetest.Sunday},
		{"bot", "/api/leaderboard/around/bot", storetest.Sunday},
		{"did not play that day", "/api/leaderboard/around/p001?period=daily", storetest.Sunday.Add(24 * time.Hour)},
	}
	for _, tt := range notFound {
		t.Run(tt.name, func(t *testing.T) {
			var e errBody
			srv.getJSONAt(t, tt.now, tt.path, http.StatusNotFound, &e)
			if e.Field != "player" || e.Error == "" {
				t.Errorf("error = %+v; want a message about field player", e)
			}
		})
	}
}

func TestPlayerJSON(t *testing.T) {
	srv := startServer(t)
	storetest.MustRecord(t, srv.store, storetest.Round("r1", storetest.Sunday,
		storetest.Line("ann", "Ann", 40, 3, 1), storetest.Bot("bot", 99, 9, 2)))
	var got leaderboard.PlayerStats
	srv.getJSON(t, "/api/players/ann", http.StatusOK, &got)
	if got.Name != "Ann" || len(got.Standings) != 9 || len(got.Recent) != 1 || got.Recent[0].RoundID != "r1" {
		t.Errorf("player ann = %+v; want name, 9 standings, 1 recent round", got)
	}
	for _, id := range []string{"nobody", "bot"} {
		var e errBody
		srv.getJSON(t, "/api/players/"+id, http.StatusNotFound, &e)
		if e.Field != "id" {
			t.Errorf("player %s error = %+v; want field id", id, e)
		}
	}
}
