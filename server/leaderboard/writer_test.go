package leaderboard_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tickarena/tickarena/game/replay"
	"github.com/tickarena/tickarena/server/leaderboard"
	"github.com/tickarena/tickarena/server/leaderboard/sqlitestore"
	"github.com/tickarena/tickarena/server/leaderboard/storetest"

	"github.com/tickarena/tickarena/internal/testwait"
)

var quiet = slog.New(slog.DiscardHandler)

// openStore opens a real SQLite store in a temporary directory.
func openStore(t *testing.T, busy time.Duration) (*sqlitestore.Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "lb.db")
	s, err := sqlitestore.Open(context.Background(), sqlitestore.Options{Path: path, BusyTimeout: busy, Logger: quiet})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

// lockDB takes the write lock of the database at path from another
// connection, as another process would, and returns the function that
// releases it.
func lockDB(t *testing.T, path string) (release func()) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatalf("open locker: %v", err)
	}
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatalf("locker conn: %v", err)
	}
	if _, err := conn.ExecContext(context.Background(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatalf("take write lock: %v", err)
	}
	var once sync.Once
	release = func() {
		once.Do(func() {
			conn.ExecContext(context.Background(), "ROLLBACK")
			conn.Close()
			db.Close()
		})
	}
	t.Cleanup(release)
	return release
}

func round(i int) leaderboard.RoundResult {
	return storetest.Round(fmt.Sprintf("round-%d", i), storetest.Sunday, storetest.Line("ann", "Ann", int32(i), 1, 1))
}

// kills returns ann's all-time kills: one per round written.
func kills(t *testing.T, s leaderboard.Store) int64 {
	t.Helper()
	page, err := s.Top(context.Background(), leaderboard.BoardKills, leaderboard.PeriodAll, storetest.Sunday, 1, "")
	if err != nil {
		t.Fatalf("Top: %v", err)
	}
	if len(page.Entries) == 0 {
		return 0
	}
	return page.Entries[0].Value
}

func TestWriterDrainsOnClose(t *testing.T) {
	s, _ := openStore(t, 0)
	w := leaderboard.NewWriter(s, leaderboard.WriterOptions{QueueSize: 64, Logger: quiet})
	for i := range 40 {
		if err := w.Enqueue(round(i)); err != nil {
			t.Fatalf("Enqueue(%d): %v", i, err)
		}
	}
	if err := w.Close(context.Background()); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if got := kills(t, s); got != 40 {
		t.Errorf("rounds stored after Close = %d; want 40", got)
	}
	if w.Depth() != 0 || w.Written() != 40 || w.LastLatency() <= 0 {
		t.Errorf("after Close: depth %d, written %d, last latency %v; want 0, 40, > 0", w.Depth(), w.Written(), w.LastLatency())
	}
	if err := w.Enqueue(round(99)); !errors.Is(err, leaderboard.ErrWriterClosed) {
		t.Errorf("Enqueue after Close = %v; want ErrWriterClosed", err)
	}
	if err := w.Close(context.Background()); err != nil {
		t.Errorf("second Close = %v; want nil", err)
	}
}

func TestWriterRefusesWhenFull(t *testing.T) {
	s, path := openStore(t, 20*time.Millisecond)
	release := lockDB(t, path)
	const size = 3
	w := leaderboard.NewWriter(s, leaderboard.WriterOptions{QueueSize: size, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond, Logger: quiet})
	accepted, full := 0, false
	// The queue holds size results and the writer at most one more.
	for i := 0; i < size+2 && !full; i++ {
		switch err := w.Enqueue(round(i)); {
		case err == nil:
			accepted++
		case errors.Is(err, leaderboard.ErrQueueFull):
			full = true
		default:
			t.Fatalf("Enqueue: %v", err)
		}
	}
	if !full {
		t.Fatalf("accepted %d results into a queue of %d with storage locked; want ErrQueueFull", accepted, size)
	}
	if d := w.Depth(); d != accepted {
		t.Errorf("Depth = %d; want %d (every accepted result is waiting)", d, accepted)
	}
	release()
	if err := w.Close(context.Background()); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if got := kills(t, s); got != int64(accepted) {
		t.Errorf("rounds stored = %d; want the %d accepted", got, accepted)
	}
}

func TestWriterRetriesUntilStorageRecovers(t *testing.T) {
	s, path := openStore(t, 10*time.Millisecond)
	release := lockDB(t, path)
	w := leaderboard.NewWriter(s, leaderboard.WriterOptions{MinBackoff: time.Millisecond, MaxBackoff: 4 * time.Millisecond, Logger: quiet})
	if err := w.Enqueue(round(1)); err != nil {
		t.Fatalf("Enqueue: %v", err)
	}
	testwait.Until(t, testwait.Default, "two failed writes while the database is locked", func() bool { return w.Failures() >= 2 })
	release()
	if err := w.Close(context.Background()); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if got := kills(t, s); got != 1 || w.Written() != 1 {
		t.Errorf("after recovery: %d rounds stored, %d written; want 1, 1", got, w.Written())
	}
}

func TestWriterDropsInvalidResults(t *testing.T) {
	s, _ := openStore(t, 0)
	w := leaderboard.NewWriter(s, leaderboard.WriterOptions{Logger: quiet})
	bad := round(1)
	bad.Players[0].Placement = 0
	for _, r := range []leaderboard.RoundResult{bad, round(2)} {
		if err := w.Enqueue(r); err != nil {
			t.Fatalf("Enqueue: %v", err)
		}
	}
	if err := w.Close(context.Background()); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if w.Dropped() != 1 || w.Written() != 1 || kills(t, s) != 1 {
		t.Errorf("dropped %d, written %d, stored %d; want the invalid one dropped and the next written", w.Dropped(), w.Written(), kills(t, s))
	}
}

func TestWriterCloseGivesUpWhenContextEnds(t *testing.T) {
	s, path := openStore(t, 10*time.Millisecond)
	lockDB(t, path)
	w := leaderboard.NewWriter(s, leaderboard.WriterOptions{MinBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond, Logger: quiet})
	if err := w.Enqueue(round(1)); err != nil {
		t.Fatalf("Enqueue: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := w.Close(ctx)
	if !errors.Is(err, context.Canceled) || w.Dropped() != 1 {
		t.Errorf("Close with a cancelled context = %v, dropped %d; want context.Canceled and 1 dropped", err, w.Dropped())
	}
}

func TestWriterEnqueueRacesClose(t *testing.T) {
	s, _ := openStore(t, 0)
	w := leaderboard.NewWriter(s, leaderboard.WriterOptions{QueueSize: 1000, Logger: quiet})
	var accepted atomic.Int64
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 25 {
				if w.Enqueue(round(g*100+i)) == nil {
					accepted.Add(1)
				}
			}
		})
	}
	if err := w.Close(context.Background()); err != nil {
		t.Fatalf("Close: %v", err)
	}
	wg.Wait()
	if got := kills(t, s); got != accepted.Load() {
		t.Errorf("stored %d rounds; want every one of the %d accepted", got, accepted.Load())
	}
}

// TestWriterEncodesReplay: a result queued with its recording is stored with
// the encoded replay, which plays back to the recorded end.
func TestWriterEncodesReplay(t *testing.T) {
	s, _ := openStore(t, time.Second)
	w := leaderboard.NewWriter(s, leaderboard.WriterOptions{Logger: quiet})
	rec := storetest.NewRecording(t, 11)
	r := storetest.Round("r1", storetest.Sunday, storetest.Line("a", "Al", 9, 2, 1))
	r.Recording = rec
	if err := w.Enqueue(r); err != nil {
		t.Fatalf("Enqueue: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := w.Close(ctx); err != nil {
		t.Fatalf("Close: %v", err)
	}
	file, err := s.Replay(context.Background(), "r1")
	if err != nil {
		t.Fatalf("Replay(r1) after the writer recorded the round: %v", err)
	}
	rp, err := replay.Decode(file)
	if err != nil {
		t.Fatalf("decode stored replay: %v", err)
	}
	if err := rp.Verify(); err != nil {
		t.Errorf("stored replay does not reproduce its round: %v", err)
	}
	info, err := s.Round(context.Background(), "r1")
	want := time.Duration(rec.Ticks()) * time.Second / time.Duration(rec.Meta.Rules.TickRate)
	if err != nil || info.Replay == nil || info.Replay.DurationMS != want.Milliseconds() || info.Replay.Size != len(file) {
		t.Errorf("Round(r1) = %+v, %v; want a replay of %d bytes and %v", info.Replay, err, len(file), want)
	}
}

// TestWriterBoundsQueuedRecordings: while the store is slow, results keep
// queueing, but past MaxQueuedRecordings without their recordings (which
// hold a round's uncompressed inputs): they are recorded without a replay.
func TestWriterBoundsQueuedRecordings(t *testing.T) {
	s, path := openStore(t, 20*time.Millisecond)
	release := lockDB(t, path)
	rec := storetest.NewRecording(t, 12)
	w := leaderboard.NewWriter(s, leaderboard.WriterOptions{MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond, MaxQueuedRecordings: 1, Logger: quiet})
	withRec := func(i int) leaderboard.RoundResult {
		r := round(i)
		r.Recording = rec
		return r
	}
	if err := w.Enqueue(withRec(0)); err != nil {
		t.Fatalf("Enqueue(0): %v", err)
	}
	testwait.Until(t, testwait.Default, "the writer to try round 0 against the locked store", func() bool { return w.Failures() > 0 })
	for i := 1; i <= 2; i++ {
		if err := w.Enqueue(withRec(i)); err != nil {
			t.Fatalf("Enqueue(%d): %v", i, err)
		}
	}
	release()
	if err := w.Close(context.Background()); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if got := kills(t, s); got != 3 {
		t.Errorf("rounds stored = %d; want all 3", got)
	}
	for i, want := range []bool{true, true, false} {
		_, err := s.Replay(context.Background(), fmt.Sprintf("round-%d", i))
		if has := err == nil; has != want {
			t.Errorf("round-%d has a replay: %v (%v); want %v", i, has, err, want)
		}
	}
	if n := w.ReplaysLeftOut(); n != 1 {
		t.Errorf("ReplaysLeftOut = %d; want 1", n)
	}
}
