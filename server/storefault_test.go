package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tickarena/tickarena/internal/testwait"
	"github.com/tickarena/tickarena/server/leaderboard"
	"github.com/tickarena/tickarena/server/leaderboard/sqlitestore"
	"github.com/tickarena/tickarena/server/leaderboard/storetest"
)

// checkStoreFailed checks what a host sees once the store failed with a
// reason containing why: /readyz 503 with the reason, /status not ready,
// the failure counted once and logged once; then that SIGTERM ends the
// server at once with status 0 instead of waiting on writes that cannot succeed.
func checkStoreFailed(t *testing.T, p *proc, why string) {
	t.Helper()
	var ready struct{ Status, Reason string }
	testwait.Until(t, 30*time.Second, "/readyz to report the failed store", func() bool {
		a := p.Fetch(t, "/readyz")
		_ = json.Unmarshal(a.Body, &ready)
		return a.Status == http.StatusServiceUnavailable
	})
	if ready.Status != "not ready" || !strings.Contains(ready.Reason, "store failed") || !strings.Contains(ready.Reason, why) {
		t.Errorf("/readyz says %q (%q), want \"not ready\" with a reason saying the store failed with %q", ready.Status, ready.Reason, why)
	}
	if body := string(p.Fetch(t, "/status").Body); !strings.Contains(body, "not ready: store failed") || !strings.Contains(body, why) {
		t.Errorf("/status does not say not ready with the reason %q", why)
	}
	if v, _ := p.Metric(t, "tickarena_leaderboard_store_failures_total"); v != 1 {
		t.Errorf("tickarena_leaderboard_store_failures_total = %v, want 1", v)
	}
	if n := strings.Count(p.Logs(), "leaderboard store failed"); n != 1 {
		t.Errorf("the store failure was logged %d times, want once:\n%s", n, p.Logs())
	}
	if body := string(p.Fetch(t, "/leaderboard").Body); !strings.Contains(body, "Results are not being recorded") {
		t.Errorf("the leaderboard page does not tell players that results are not being recorded")
	}

	start := time.Now()
	if err := p.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	exited, err := p.Wait(15 * time.Second)
	if !exited {
		t.Fatalf("the server did not exit within 15 s of SIGTERM with a failed store")
	}
	if err != nil {
		t.Errorf("the server exited with %v, want 0", err)
	}
	t.Logf("exited %s after SIGTERM", time.Since(start).Round(time.Millisecond))
}

// A database file that cannot be written (immutable, so that even root
// cannot write it) passes the start, which only reads; the first round's
// result then fails it for good.
func TestReadOnlyDatabase(t *testing.T) {
	db := filepath.Join(t.TempDir(), "arena.db")
	first := startProc(t, db, "-drain-timeout", "1s")
	if err := first.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if exited, err := first.Wait(30 * time.Second); !exited || err != nil {
		t.Fatalf("first run: exited %v, %v", exited, err)
	}
	immutable(t, db)

	p := startProc(t, db, "-drain-timeout", "2s")
	_, g := p.play(t, "Unrecorded")
	testwait.Until(t, 10*time.Second, "the player is in", g.Welcomed)
	testwait.Until(t, 40*time.Second, "two rounds to end", func() bool { v, _ := p.Metric(t, "tickarena_rounds_ended_total"); return v >= 2 })
	checkStoreFailed(t, p, "readonly")
	if strings.Contains(p.Logs(), "leaderboard write failed, retrying") {
		t.Errorf("a write to a read-only database was retried")
	}
}

// immutable makes path unwritable even for root (chattr +i) until the test ends.
func immutable(t *testing.T, path string) {
	t.Helper()
	if out, err := exec.Command("chattr", "+i", path).CombinedOutput(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("chattr +i %s (CI is set, so this test must run): %v: %s", path, err, out)
		}
		t.Skipf("chattr +i not available here: %v: %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("chattr", "-i", path).Run() })
	if f, err := os.OpenFile(path, os.O_WRONLY, 0); err == nil {
		f.Close()
		t.Fatalf("%s is still writable after chattr +i", path)
	}
}

// Pages that the start does not read (a player's recent rounds) are
// corrupt: the public pages answer 503 with a clear message, never 500, and
// the store is declared failed.
func TestCorruptPagesFoundWhileRunning(t *testing.T) {
	db := filepath.Join(t.TempDir(), "arena.db")
	s, err := sqlitestore.Open(context.Background(), sqlitestore.Options{Path: db, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Now().Add(-time.Hour)
	for i := range 40 {
		lines := []leaderboard.PlayerResult{storetest.Line("p-old", "Veteran", int32(100+i), 2, 1)}
		for b := range 8 {
			lines = append(lines, storetest.Bot("bot-"+strconv.Itoa(b), int32(b), 0, b+2))
		}
		storetest.MustRecord(t, s, storetest.Round("old-"+strconv.Itoa(i), at.Add(time.Duration(i)*time.Second), lines...))
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	corruptTables(t, db, "round_players", "round_players_recent", "sqlite_autoindex_round_players_1")

	p := startProc(t, db, "-drain-timeout", "2s")
	if code := p.Fetch(t, "/readyz").Status; code != http.StatusOK {
		t.Fatalf("/readyz %d at the start; the corrupt pages are not read at the start", code)
	}
	tests := []struct {
		path, want string
	}{
		{"/api/players/p-old", `"error":"the leaderboard is unavailable: its store has failed`},
		{"/leaderboard/players/p-old", "This page cannot be shown: the leaderboard&#39;s database has failed"},
		{"/api/players/p-old", `"error":"the leaderboard is unavailable`},
	}
	for _, tt := range tests {
		a := p.Fetch(t, tt.path)
		code, body := a.Status, string(a.Body)
		if code != http.StatusServiceUnavailable || !strings.Contains(body, tt.want) {
			t.Errorf("GET %s = %d %q, want 503 with %q", tt.path, code, body, tt.want)
		}
	}
	for _, path := range []string{"/api/leaderboard", "/leaderboard"} {
		if a := p.Fetch(t, path); a.Status != http.StatusOK {
			t.Errorf("GET %s = %d %q; the board itself is intact", path, a.Status, a.Body)
		}
	}
	checkStoreFailed(t, p, "malformed")
}

// corruptTables overwrites the root page of each named table or index of
// the SQLite file at path with garbage.
func corruptTables(t *testing.T, path string, names ...string) {
	t.Helper()
	if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() > 0 {
		t.Fatalf("%s-wal holds %d bytes: the database was not checkpointed", path, fi.Size())
	}
	db, err := sql.Open("sqlite", path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	var pageSize int64
	if err := db.QueryRow(`PRAGMA page_size`).Scan(&pageSize); err != nil {
		t.Fatal(err)
	}
	var roots []int64
	for _, name := range names {
		var root int64
		if err := db.QueryRow(`SELECT rootpage FROM sqlite_master WHERE name = ?`, name).Scan(&root); err != nil {
			t.Fatalf("root page of %s: %v", name, err)
		}
		roots = append(roots, root)
	}
	db.Close()
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	garbage := []byte(strings.Repeat("\xde\xad\xbe\xef", int(pageSize/4)))
	for _, root := range roots {
		if _, err := f.WriteAt(garbage, (root-1)*pageSize); err != nil {
			t.Fatalf("corrupt page %d: %v", root, err)
		}
	}
}
