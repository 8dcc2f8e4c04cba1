package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tickarena/tickarena/game/replay"
	"github.com/tickarena/tickarena/internal/testwait"
	"github.com/tickarena/tickarena/server/leaderboard"
)

// getBody fetches path from the server, with an optional If-None-Match.
func (p *proc) getBody(t *testing.T, path, etag string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, p.URL+path, nil)
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return resp, b
}

// A round played by a human on the real binary is served as a replay that
// decodes and plays back to the result the server recorded.
func TestPlayedRoundReplays(t *testing.T) {
	p := startProc(t, filepath.Join(t.TempDir(), "arena.db"))
	player, g := p.play(t, "Replayed")
	testwait.Until(t, 10*time.Second, "the player is in", g.Welcomed)
	var rounds []string
	testwait.Until(t, 30*time.Second, "a round of the player is recorded", func() bool {
		rounds = p.recentRounds(t, player)
		return len(rounds) >= 1
	})
	id := url.PathEscape(rounds[0])

	resp, body := p.getBody(t, "/api/rounds/"+id, "")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/rounds/%s = %d %s", id, resp.StatusCode, body)
	}
	var round leaderboard.RoundInfo
	if err := json.Unmarshal(body, &round); err != nil {
		t.Fatalf("decode round: %v in %s", err, body)
	}
	if round.Replay == nil {
		t.Fatalf("round %s has no replay: %s", id, body)
	}
	if d := time.Duration(round.Replay.DurationMS) * time.Millisecond; d < 4*time.Second || d > 6*time.Second {
		t.Errorf("replay covers %v; want the 5 s round", d)
	}

	resp, file := p.getBody(t, round.Replay.URL, "")
	if resp.StatusCode != http.StatusOK || len(file) != round.Replay.Size {
		t.Fatalf("GET %s = %d, %d bytes; want 200 and %d bytes", round.Replay.URL, resp.StatusCode, len(file), round.Replay.Size)
	}
	rp, err := replay.Decode(file)
	if err != nil {
		t.Fatalf("decode the served replay: %v", err)
	}
	if err := rp.Verify(); err != nil {
		t.Fatalf("the served replay does not reproduce its round: %v", err)
	}
	if !rp.Summary.Ended {
		t.Errorf("the replay says its round was cut short")
	}
	// The replay's result is the one the leaderboard recorded.
	var want, got []string
	for _, pl := range round.Players {
		want = append(want, fmt.Sprintf("%s/%v/%d/%d/%d/%d", pl.Name, pl.Bot, pl.Score, pl.Kills, pl.Deaths, pl.Placement))
	}
	for _, pl := range rp.Summary.Players {
		got = append(got, fmt.Sprintf("%s/%v/%d/%d/%d/%d", pl.Name, pl.Bot, pl.Score, pl.Kills, pl.Deaths, pl.Placement))
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) || !slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, "Replayed/false/") }) {
		t.Errorf("replay's result %v; the server recorded %v (with the human Replayed)", got, want)
	}

	resp, body = p.getBody(t, round.Replay.URL, resp.Header.Get("ETag"))
	if resp.StatusCode != http.StatusNotModified || len(body) != 0 {
		t.Errorf("GET %s with its ETag = %d, %d bytes; want 304", round.Replay.URL, resp.StatusCode, len(body))
	}
}
