package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tickarena/tickarena/internal/servertest"

	"github.com/tickarena/tickarena/internal/testwait"
)

func TestMain(m *testing.M) { os.Exit(servertest.Main(m)) }

func TestRunFlags(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		code     int
		inStdout string
		inStderr string
	}{
		{"version", []string{"-version"}, 0, "tickarena", ""},
		{"help", []string{"-help"}, 0, "", "TICKARENA_TICK_RATE"},
		{"invalid value names the flag", []string{"-tick-rate", "500"}, 2, "", "-tick-rate"},
		{"unknown flag", []string{"-bogus"}, 2, "", "bogus"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(tt.args, func(string) string { return "" }, &stdout, &stderr)
			if code != tt.code {
				t.Errorf("exit code %d, want %d (stderr %q)", code, tt.code, stderr.String())
			}
			if !strings.Contains(stdout.String(), tt.inStdout) || !strings.Contains(stderr.String(), tt.inStderr) {
				t.Errorf("stdout %q / stderr %q lack %q / %q", stdout.String(), stderr.String(), tt.inStdout, tt.inStderr)
			}
		})
	}
}

// proc is the server binary running as a child process.
type proc struct{ *servertest.Proc }

// startProc runs the server with the database db, short rounds and a few bots.
func startProc(t *testing.T, db string, extra ...string) *proc {
	t.Helper()
	args := append([]string{"-db", db, "-round-length", "5s", "-bots", "3", "-drain-timeout", "20s"}, extra...)
	return &proc{servertest.Start(t, args...)}
}

// recentRounds returns the round ids the server has recorded for a player.
func (p *proc) recentRounds(t *testing.T, player string) []string {
	t.Helper()
	resp, err := http.Get(p.URL + "/api/players/" + player)
	if err != nil {
		t.Fatalf("player stats: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return nil
	}
	var stats struct {
		Recent []struct {
			RoundID string `json:"round_id"`
		} `json:"recent"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&stats); err != nil {
		t.Fatalf("decode player stats: %v", err)
	}
	var ids []string
	for _, r := range stats.Recent {
		ids = append(ids, r.RoundID)
	}
	return ids
}

// play signs a player in, takes a seat and plays in the background; it returns the player id.
func (p *proc) play(t *testing.T, name string) (string, *servertest.Player) {
	t.Helper()
	var s map[string]string
	if code := p.Post(t, "/api/session", "", map[string]string{"name": name}, &s); code != http.StatusCreated {
		t.Fatalf("session: %d", code)
	}
	var room struct {
		ID string `json:"id"`
	}
	if code := p.Post(t, "/api/play", s["token"], nil, &room); code != http.StatusOK {
		t.Fatalf("play: %d", code)
	}
	g := servertest.MustDial(t, p.WSURL())
	g.Hello(s["token"], room.ID)
	g.Fly()
	return s["player_id"], g
}

// A server killed with SIGKILL loses no round it had recorded.
func TestRecordedRoundsSurviveSIGKILL(t *testing.T) {
	db := filepath.Join(t.TempDir(), "arena.db")
	p := startProc(t, db)
	player, _ := p.play(t, "Durable")
	var before []string
	testwait.Until(t, 30*time.Second, "a round is recorded", func() bool {
		before = p.recentRounds(t, player)
		return len(before) >= 1
	})
	p.Kill()

	q := startProc(t, db)
	after := q.recentRounds(t, player)
	for _, id := range before {
		found := false
		for _, a := range after {
			found = found || a == id
		}
		if !found {
			t.Errorf("round %s was recorded before SIGKILL and is gone after the restart (have %v)", id, after)
		}
	}
	resp, err := http.Get(q.URL + "/leaderboard")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(page), "Durable") {
		t.Errorf("the leaderboard page after the restart does not list the player")
	}
}

// SIGTERM lets the round in play finish, writes its result, closes clients
// with 1001 and exits 0.
func TestSIGTERMDrainsResults(t *testing.T) {
	db := filepath.Join(t.TempDir(), "arena.db")
	p := startProc(t, db)
	player, g := p.play(t, "Drained")
	testwait.Until(t, 10*time.Second, "the player is in", g.Welcomed)
	if len(p.recentRounds(t, player)) != 0 {
		t.Fatal("a round was recorded before the first one could end")
	}
	if err := p.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-g.Closed():
		if code := g.CloseCode(); code != 1001 {
			t.Errorf("client closed with %d, want 1001", code)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("client not closed by the drain")
	}
	exited, err := p.Wait(30 * time.Second)
	if !exited {
		t.Fatal("server did not exit after SIGTERM")
	}
	if err != nil {
		t.Fatalf("server exited with %v, want 0\n%s", err, p.Logs())
	}
	q := startProc(t, db)
	if rounds := q.recentRounds(t, player); len(rounds) != 1 {
		t.Errorf("after the drain the store holds %d rounds of the player, want the 1 that finished during the drain", len(rounds))
	}
}
