package app

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/tickarena/tickarena/server/config"
	"github.com/tickarena/tickarena/server/leaderboard/sqlitestore"
)

// TestPeriodicBackupsKeepTheNewest: each periodic backup is a whole
// database, and only the -backup-keep newest stay.
func TestPeriodicBackupsKeepTheNewest(t *testing.T) {
	dir := t.TempDir()
	quiet := slog.New(slog.DiscardHandler)
	store, err := sqlitestore.Open(context.Background(), sqlitestore.Options{Path: filepath.Join(dir, "live.db"), Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	cfg := config.Default()
	cfg.BackupDir, cfg.BackupKeep = filepath.Join(dir, "backups"), 2
	if err := os.Mkdir(cfg.BackupDir, 0o750); err != nil {
		t.Fatal(err)
	}
	// A file that is not a backup is left alone.
	if err := os.WriteFile(filepath.Join(cfg.BackupDir, "notes.txt"), []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	a := &App{cfg: cfg, log: quiet}
	start := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	for i := range 3 {
		if err := a.backupOnce(context.Background(), store, start.Add(time.Duration(i)*time.Hour)); err != nil {
			t.Fatalf("backup %d: %v", i, err)
		}
	}
	entries, err := os.ReadDir(cfg.BackupDir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	want := []string{"notes.txt", "tickarena-20261201T110000Z.db", "tickarena-20261201T120000Z.db"}
	if !slices.Equal(names, want) {
		t.Fatalf("backup directory holds %q, want %q", names, want)
	}
	if err := sqlitestore.Verify(context.Background(), filepath.Join(cfg.BackupDir, want[2])); err != nil {
		t.Errorf("the newest backup is not a whole database: %v", err)
	}
}
