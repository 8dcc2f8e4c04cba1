package leaderboard_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tickarena/tickarena/game/replay"
	"github.com/tickarena/tickarena/server/leaderboard"
	"github.com/tickarena/tickarena/server/leaderboard/storetest"
)

// fetch GETs path with the given request headers.
func fetch(t *testing.T, url string, hdr map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read %s: %v", url, err)
	}
	return resp, b
}

func TestRoundAPI(t *testing.T) {
	s := startServer(t)
	file, d := storetest.Recording(t, 5)
	storetest.MustRecord(t, s.store,
		storetest.WithReplay(storetest.Round("r/1", storetest.Sunday, storetest.Line("a", "Al", 9, 2, 1), storetest.Bot("bot-1", 3, 0, 2)), file, d),
		storetest.Round("r2", storetest.Sunday, storetest.Line("a", "Al", 4, 0, 1)))

	resp, body := fetch(t, s.url+"/api/rounds/r%2F1", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/rounds/r%%2F1 = %d %s", resp.StatusCode, body)
	}
	var info leaderboard.RoundInfo
	if err := json.Unmarshal(body, &info); err != nil {
		t.Fatalf("decode round: %v in %s", err, body)
	}
	if info.ID != "r/1" || len(info.Players) != 2 || info.Players[0].PlayerID != "a" || !info.Players[1].Bot {
		t.Errorf("round = %s; want r/1 with Al first and the bot second", body)
	}
	if info.Replay == nil || info.Replay.Size != len(file) || info.Replay.DurationMS != d.Milliseconds() || info.Replay.URL != "/api/rounds/r%2F1/replay" {
		t.Fatalf("round's replay = %+v; want %d bytes, %d ms at /api/rounds/r%%2F1/replay", info.Replay, len(file), d.Milliseconds())
	}

	resp, got := fetch(t, s.url+info.Replay.URL, nil)
	if resp.StatusCode != http.StatusOK || !bytes.Equal(got, file) {
		t.Fatalf("GET %s = %d, %d bytes; want 200 and the %d bytes recorded", info.Replay.URL, resp.StatusCode, len(got), len(file))
	}
	etag := resp.Header.Get("ETag")
	if !strings.HasPrefix(etag, `"`) || len(etag) < 10 {
		t.Errorf("ETag = %q; want a strong ETag", etag)
	}
	if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") || !strings.Contains(cc, "max-age=31536000") {
		t.Errorf("Cache-Control = %q; want a year, immutable", cc)
	}
	if ct := resp.Header.Get("Content-Type"); ct != leaderboard.ReplayContentType {
		t.Errorf("Content-Type = %q; want %q", ct, leaderboard.ReplayContentType)
	}
	rp, err := replay.Decode(got)
	if err != nil {
		t.Fatalf("decode served replay: %v", err)
	}
	if err := rp.Verify(); err != nil {
		t.Errorf("served replay does not reproduce its round: %v", err)
	}

	resp, got = fetch(t, s.url+info.Replay.URL, map[string]string{"If-None-Match": etag})
	if resp.StatusCode != http.StatusNotModified || len(got) != 0 {
		t.Errorf("GET with If-None-Match %s = %d, %d bytes; want 304 and no body", etag, resp.StatusCode, len(got))
	}
	resp, _ = fetch(t, s.url+info.Replay.URL, map[string]string{"If-None-Match": `"other"`})
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET with another If-None-Match = %d; want 200", resp.StatusCode)
	}

	for _, c := range []struct{ path, msg string }{
		{"/api/rounds/nope", "round not found"},
		{"/api/rounds/nope/replay", "no replay"},
		{"/api/rounds/r2/replay", "no replay"}, // recorded without one
		{"/api/rounds/" + strings.Repeat("x", leaderboard.MaxIDLen+1), "round not found"},
	} {
		resp, body := fetch(t, s.url+c.path, nil)
		var e struct {
			Error string `json:"error"`
		}
		if resp.StatusCode != http.StatusNotFound || json.Unmarshal(body, &e) != nil || !strings.Contains(e.Error, c.msg) {
			t.Errorf("GET %s = %d %s; want 404 with a JSON error saying %q", c.path, resp.StatusCode, body, c.msg)
		}
		if cc := resp.Header.Get("Cache-Control"); strings.Contains(cc, "immutable") {
			t.Errorf("GET %s: a 404 is cached as immutable (%q)", c.path, cc)
		}
	}
	resp, body = fetch(t, s.url+"/api/rounds/r2", nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"id":"r2"`) || strings.Contains(string(body), `"replay"`) {
		t.Errorf("GET /api/rounds/r2 = %d %s; want the round without a replay field", resp.StatusCode, body)
	}

	// A player's recent rounds link to the replays that are kept.
	resp, body = fetch(t, s.url+"/api/players/a", nil)
	var stats leaderboard.PlayerStats
	if err := json.Unmarshal(body, &stats); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/players/a = %d %s", resp.StatusCode, body)
	}
	links := map[string]string{}
	for _, r := range stats.Recent {
		links[r.RoundID] = r.ReplayURL
	}
	if links["r/1"] != "/api/rounds/r%2F1/replay" || links["r2"] != "" {
		t.Errorf("recent rounds' replay URLs = %v; want r/1's file and none for r2", links)
	}
	resp, body = fetch(t, s.url+"/leaderboard/players/a", nil)
	if page := string(body); resp.StatusCode != http.StatusOK || strings.Count(page, `/replay" download>file</a>`) != 1 || !strings.Contains(page, `href="/api/rounds/r%2F1/replay"`) ||
		strings.Count(page, `href="/replay/`) != 1 || !strings.Contains(page, `href="/replay/r%2F1">`) {
		t.Errorf("player page (%d) does not link round r/1, and only it, to its replay and its file:\n%s", resp.StatusCode, page)
	}
}

// The replay page is served for a round whose replay is kept; an unknown
// round and a round whose replay is gone get a 404 page that says which.
func TestReplayPage(t *testing.T) {
	s, _ := openStore(t, 0)
	file, d := storetest.Recording(t, 3)
	storetest.MustRecord(t, s,
		storetest.WithReplay(storetest.Round("kept", storetest.Sunday, storetest.Line("a", "Al", 9, 2, 1)), file, d),
		storetest.Round("gone", storetest.Sunday, storetest.Line("a", "Al", 4, 0, 1)))
	page := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, "<canvas>viewer of "+r.URL.Path+"</canvas>")
	})
	mux := http.NewServeMux()
	leaderboard.NewHandler(s, leaderboard.HandlerOptions{Logger: quiet, ReplayPage: page}).Register(mux)
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)

	tests := []struct {
		path   string
		status int
		want   string
	}{
		{"/replay/kept?t=3&follow=1", http.StatusOK, "viewer of /replay/kept"},
		{"/replay/nope", http.StatusNotFound, "Round not found"},
		{"/replay/gone", http.StatusNotFound, "replay is no longer kept"},
		{"/replay/" + strings.Repeat("x", leaderboard.MaxIDLen+1), http.StatusNotFound, "Round not found"},
	}
	for _, tt := range tests {
		resp, body := fetch(t, ts.URL+tt.path, nil)
		if resp.StatusCode != tt.status || !strings.Contains(string(body), tt.want) {
			t.Errorf("GET %s = %d %q; want %d with %q", tt.path, resp.StatusCode, body, tt.status, tt.want)
		}
		if tt.status == http.StatusNotFound && strings.Contains(string(body), "<canvas") {
			t.Errorf("GET %s: a 404 serves the viewer", tt.path)
		}
	}
	if got := leaderboard.WatchURL("r/1"); got != "/replay/r%2F1" {
		t.Errorf("WatchURL(r/1) = %q", got)
	}
}

// GET /api/rounds finds a round by its room and number: 200 with the round
// once it is stored and 200 with an empty list before, never a 404 (the play
// page asks while the result is on its way to the store). TestValidationErrors
// has its 400s.
func TestRoundsByNumberAPI(t *testing.T) {
	s := startServer(t)
	file, d := storetest.Recording(t, 5)
	storetest.MustRecord(t, s.store,
		storetest.InRoom(storetest.WithReplay(storetest.Round("r/1", storetest.Sunday, storetest.Line("a", "Al", 9, 2, 1)), file, d), "arena", 3),
		storetest.InRoom(storetest.Round("r2", storetest.Sunday, storetest.Line("a", "Al", 4, 0, 1)), "arena", 4),
		storetest.InRoom(storetest.Round("private", storetest.Sunday, storetest.Line("a", "Al", 7, 1, 1)), "", 3))

	tests := []struct {
		name, query string
		want        string // the rounds' ids and replay addresses
	}{
		{"a stored round with its replay", "room=arena&round=3", "r/1 /api/rounds/r%2F1/replay"},
		{"a stored round without one", "room=arena&round=4", "r2 "},
		{"a round not stored yet", "room=arena&round=5", ""},
		{"an unknown room", "room=nowhere&round=3", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, ct, body := s.get(t, "/api/rounds?"+tt.query)
			var got struct {
				Rounds []leaderboard.RoundInfo `json:"rounds"`
			}
			if status != http.StatusOK || !strings.HasPrefix(ct, "application/json") || json.Unmarshal([]byte(body), &got) != nil {
				t.Fatalf("GET /api/rounds?%s = %d %s %s; want 200 JSON", tt.query, status, ct, body)
			}
			if got.Rounds == nil {
				t.Errorf("GET /api/rounds?%s = %s; want a list, [] when nothing is found", tt.query, body)
			}
			var lines []string
			for _, r := range got.Rounds {
				addr := ""
				if r.Replay != nil {
					addr = r.Replay.URL
				}
				lines = append(lines, r.ID+" "+addr)
			}
			if g := strings.Join(lines, ", "); g != tt.want {
				t.Errorf("GET /api/rounds?%s found %q; want %q", tt.query, g, tt.want)
			}
		})
	}

}

// A store that keeps no rounds finds none: GET /api/rounds answers an empty
// list, not an error.
func TestRoundsByNumberWithoutRoundStore(t *testing.T) {
	st, _ := openStore(t, 0)
	storetest.MustRecord(t, st, storetest.InRoom(storetest.Round("r1", storetest.Sunday, storetest.Line("a", "Al", 9, 2, 1)), "arena", 3))
	mux := http.NewServeMux()
	leaderboard.NewHandler(struct{ leaderboard.Store }{st}, leaderboard.HandlerOptions{Logger: quiet}).Register(mux)
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	resp, body := fetch(t, ts.URL+"/api/rounds?room=arena&round=3", nil)
	if resp.StatusCode != http.StatusOK || strings.TrimSpace(string(body)) != `{"rounds":[]}` {
		t.Errorf("GET /api/rounds on a store without rounds = %d %s; want 200 {\"rounds\":[]}", resp.StatusCode, body)
	}
}
