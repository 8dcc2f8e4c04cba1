package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/tickarena/tickarena/internal/testwait"
	"github.com/tickarena/tickarena/server/leaderboard"
	"github.com/tickarena/tickarena/server/leaderboard/storetest"
)

// A database locked by another connection is a transient failure: the
// writer retries with backoff and records the result once the lock is gone,
// and the store is not declared failed.
func TestLockedDatabaseIsRetried(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lb.db")
	s, err := Open(context.Background(), Options{Path: path, BusyTimeout: 20 * time.Millisecond, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })

	// Another process's connection takes the write lock and holds it.
	other, err := sql.Open("sqlite", path+"?_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	tx, err := other.Begin()
	if err != nil {
		t.Fatalf("take the write lock: %v", err)
	}
	if _, err := tx.Exec(`INSERT INTO settings (key, value) VALUES ('lock', x'00')`); err != nil {
		t.Fatalf("write under the lock: %v", err)
	}

	err = s.Record(context.Background(), storetest.Round("r1", storetest.Sunday, storetest.Line("ann", "Ann", 10, 1, 1)))
	if err == nil || leaderboard.IsPermanent(err) {
		t.Fatalf("Record under another connection's lock = %v, want a transient error", err)
	}

	health := leaderboard.NewHealth(nil)
	w := leaderboard.NewWriter(s, leaderboard.WriterOptions{MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond,
		Logger: slog.New(slog.DiscardHandler), Health: health})
	if err := w.Enqueue(storetest.Round("r1", storetest.Sunday, storetest.Line("ann", "Ann", 10, 1, 1))); err != nil {
		t.Fatalf("Enqueue: %v", err)
	}
	testwait.Until(t, testwait.Default, "the writer to fail on the lock twice", func() bool { return w.Failures() >= 2 })
	if w.Written() != 0 || w.Dropped() != 0 || health.Err() != nil {
		t.Fatalf("under the lock: written %d, dropped %d, health %v; want 0, 0, nil", w.Written(), w.Dropped(), health.Err())
	}
	if err := tx.Rollback(); err != nil {
		t.Fatalf("release the lock: %v", err)
	}
	testwait.Until(t, testwait.Default, "the result to be written once the lock is released", func() bool { return w.Written() == 1 })
	if err := w.Close(context.Background()); err != nil {
		t.Errorf("Close: %v", err)
	}
	if _, err := s.Player(context.Background(), "ann", storetest.Sunday); err != nil {
		t.Errorf("the round retried through the lock is not stored: %v", err)
	}
	if health.Err() != nil {
		t.Errorf("a lock failed the store: %v", health.Err())
	}
}

// A full disk is permanent: the write is not retried, the writer's Health
// fails once, queued results are dropped and Close does not wait.
func TestFullDatabaseIsPermanent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lb.db")
	s := openAt(t, path)
	// Every connection of the pool may grow the file to no more pages than it
	// has now: SQLite answers SQLITE_FULL, as on a full disk.
	var pages int
	if err := s.db.QueryRow(`PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	s.db.SetMaxOpenConns(1)
	if _, err := s.db.Exec(`PRAGMA max_page_count = ` + strconv.Itoa(pages)); err != nil {
		t.Fatal(err)
	}
	var lines []leaderboard.PlayerResult
	for i := range 200 {
		lines = append(lines, storetest.Line("pilot-"+strconv.Itoa(i), "Pilot with a long name "+strconv.Itoa(i), int32(i), int32(i%7), i+1))
	}
	big := storetest.Round("big", storetest.Sunday, lines...)

	err := s.Record(context.Background(), big)
	if !leaderboard.IsPermanent(err) {
		t.Fatalf("Record on a full database = %v, want a permanent error", err)
	}

	failures := 0
	health := leaderboard.NewHealth(func(error) { failures++ })
	w := leaderboard.NewWriter(s, leaderboard.WriterOptions{MinBackoff: time.Millisecond, Logger: slog.New(slog.DiscardHandler), Health: health})
	for i := range 3 {
		r := big
		r.ID = "big-" + strconv.Itoa(i)
		if err := w.Enqueue(r); err != nil && !errors.Is(err, leaderboard.ErrStoreFailed) {
			t.Fatalf("Enqueue %d: %v", i, err)
		}
	}
	testwait.Until(t, testwait.Default, "the store to be declared failed", func() bool { return health.Err() != nil })
	testwait.Until(t, testwait.Default, "the queue to empty", func() bool { return w.Depth() == 0 })
	if w.Failures() != 1 {
		t.Errorf("%d failed writes, want 1: a permanent failure is not retried", w.Failures())
	}
	if err := w.Enqueue(big); !errors.Is(err, leaderboard.ErrStoreFailed) {
		t.Errorf("Enqueue after the failure = %v, want ErrStoreFailed", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := w.Close(ctx); err != nil {
		t.Errorf("Close after a permanent failure = %v, want nil at once", err)
	}
	if failures != 1 || w.Dropped() != 4 {
		t.Errorf("onFail called %d times, %d results dropped; want 1 and 4", failures, w.Dropped())
	}
}
