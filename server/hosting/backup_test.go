package hosting

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tickarena/tickarena/internal/servertest"
	"github.com/tickarena/tickarena/internal/testwait"
	"github.com/tickarena/tickarena/server/leaderboard"
	"github.com/tickarena/tickarena/server/leaderboard/sqlitestore"
	"github.com/tickarena/tickarena/server/leaderboard/storetest"
)

// round is the i-th round of the load: one player of its own, so that a
// restored node can be asked about it over HTTP.
func round(i int) leaderboard.RoundResult {
	return leaderboard.RoundResult{
		ID: fmt.Sprintf("round-%d", i), RoomID: "arena-1", RoomName: "Arena 1", Round: uint32(i + 1),
		EndedAt: time.Now(),
		Players: []leaderboard.PlayerResult{
			storetest.Line(fmt.Sprintf("player-%d", i), fmt.Sprintf("Pilot %d", i), int32(10*i), 1, 1),
			storetest.Bot("bot-1", 5, 0, 2),
		},
	}
}

// TestBackupWhileRoundsAreWritten runs `tickarena backup` against a database
// that rounds are being written to, restores the backup with `tickarena
// restore` into a new node, and finds there every round committed before the
// backup began; the live database was never stopped.
func TestBackupWhileRoundsAreWritten(t *testing.T) {
	bin := servertest.Binary(t)
	dir := t.TempDir()
	live := filepath.Join(dir, "live.db")
	store, err := sqlitestore.Open(context.Background(), sqlitestore.Options{Path: live, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()

	var committed atomic.Int64
	stop := make(chan struct{})
	writerDone := make(chan error, 1)
	go func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				writerDone <- nil
				return
			default:
			}
			if err := store.Record(context.Background(), round(i)); err != nil {
				writerDone <- err
				return
			}
			committed.Store(int64(i + 1))
		}
	}()
	testwait.Until(t, 20*time.Second, "200 rounds written", func() bool { return committed.Load() >= 200 })

	backup := filepath.Join(dir, "backup.db")
	before := committed.Load()
	out, err := exec.Command(bin, "backup", "-db", live, backup).CombinedOutput()
	after := committed.Load()
	if err != nil {
		t.Fatalf("tickarena backup: %v\n%s", err, out)
	}
	testwait.Until(t, 20*time.Second, "rounds written after the backup", func() bool { return committed.Load() > after+20 })
	close(stop)
	if err := <-writerDone; err != nil {
		t.Fatalf("a round failed to record during the backup: %v", err)
	}
	t.Logf("rounds committed: %d before the backup began, %d when it ended, %d in all", before, after, committed.Load())
	if after == before {
		t.Error("no round was written while the backup ran: the backup stopped the writer, or the test proves nothing")
	}

	// Restore into a new node's database and count the rounds.
	node := filepath.Join(t.TempDir(), "node.db")
	if out, err := exec.Command(bin, "restore", "-db", node, backup).CombinedOutput(); err != nil {
		t.Fatalf("tickarena restore: %v\n%s", err, out)
	}
	ids := roundIDs(t, node)
	for i := range before {
		if !ids[fmt.Sprintf("round-%d", i)] {
			t.Fatalf("round-%d, committed before the backup began, is missing from the restored database (%d rounds there)", i, len(ids))
		}
	}
	if int64(len(ids)) > committed.Load() {
		t.Errorf("the restored database has %d rounds, more than were ever written (%d)", len(ids), committed.Load())
	}

	// The new node serves them.
	p := servertest.Start(t, "-db", node)
	for _, i := range []int64{0, before - 1} {
		resp, err := http.Get(fmt.Sprintf("%s/api/players/player-%d", p.URL, i))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET /api/players/player-%d on the restored node: %d, want 200", i, resp.StatusCode)
		}
	}
}

// TestRestoreRefusesALiveDatabase: restoring over a database a server has
// open (its write-ahead log exists) is refused, and so is a file that is
// not a tickarena database.
func TestRestoreRefusesALiveDatabase(t *testing.T) {
	bin := servertest.Binary(t)
	dir := t.TempDir()
	live := filepath.Join(dir, "live.db")
	store, err := sqlitestore.Open(context.Background(), sqlitestore.Options{Path: live, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if err := store.Record(context.Background(), round(0)); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(dir, "b.db")
	if err := store.Backup(context.Background(), backup); err != nil {
		t.Fatal(err)
	}
	if err := store.Backup(context.Background(), backup); err == nil {
		t.Error("a backup overwrote an existing file")
	}
	out, err := exec.Command(bin, "restore", "-db", live, backup).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "stop it first") {
		t.Errorf("restore over an open database: %v %s; want a refusal telling to stop the server", err, out)
	}
	junk := filepath.Join(dir, "junk.db")
	if err := os.WriteFile(junk, []byte("not a database at all, just some bytes"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err = exec.Command(bin, "restore", "-db", filepath.Join(dir, "new.db"), junk).CombinedOutput()
	if err == nil {
		t.Errorf("a junk file was restored: %s", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "new.db")); err == nil {
		t.Error("a failed restore left a database behind")
	}
}

func roundIDs(t *testing.T, path string) map[string]bool {
	t.Helper()
	db, err := sql.Open("sqlite", path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT id FROM rounds`)
	if err != nil {
		t.Fatalf("read the restored rounds: %v", err)
	}
	defer rows.Close()
	ids := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids[id] = true
	}
	return ids
}
