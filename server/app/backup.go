package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/tickarena/tickarena/server/leaderboard/sqlitestore"
)

// backupPrefix and backupSuffix frame the names of periodic backups, e.g.
// tickarena-20261201T104500Z.db; the time sorts as text.
const (
	backupPrefix = "tickarena-"
	backupSuffix = ".db"
)

// runBackups copies the SQLite database into cfg.BackupDir every
// cfg.BackupInterval until ctx ends, keeping the cfg.BackupKeep newest.
// Backups read a snapshot and never stop rounds from being recorded.
func (a *App) runBackups(ctx context.Context, store *sqlitestore.Store) {
	if err := os.MkdirAll(a.cfg.BackupDir, 0o750); err != nil {
		a.log.Error("backups off: cannot create the backup directory", "dir", a.cfg.BackupDir, "err", err)
		return
	}
	a.log.Info("periodic backups", "dir", a.cfg.BackupDir, "interval", a.cfg.BackupInterval, "keep", a.cfg.BackupKeep)
	t := time.NewTicker(a.cfg.BackupInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			if err := a.backupOnce(ctx, store, now); err != nil {
				a.log.Error("backup failed", "err", err)
			}
		}
	}
}

// backupOnce writes one backup and deletes those beyond the retention.
func (a *App) backupOnce(ctx context.Context, store *sqlitestore.Store, now time.Time) error {
	start := time.Now()
	name := filepath.Join(a.cfg.BackupDir, backupPrefix+now.UTC().Format("20060102T150405Z")+backupSuffix)
	if err := store.Backup(ctx, name); err != nil {
		return err
	}
	fi, _ := os.Stat(name)
	var size int64
	if fi != nil {
		size = fi.Size()
	}
	a.log.Info("backup written", "file", name, "bytes", size, "took", time.Since(start))
	entries, err := os.ReadDir(a.cfg.BackupDir)
	if err != nil {
		return fmt.Errorf("list backups: %w", err)
	}
	var backups []string
	for _, e := range entries {
		if n := e.Name(); e.Type().IsRegular() && strings.HasPrefix(n, backupPrefix) && strings.HasSuffix(n, backupSuffix) {
			backups = append(backups, n)
		}
	}
	slices.Sort(backups)
	for len(backups) > a.cfg.BackupKeep {
		if err := os.Remove(filepath.Join(a.cfg.BackupDir, backups[0])); err != nil {
			return fmt.Errorf("remove old backup: %w", err)
		}
		a.log.Info("old backup removed", "file", backups[0])
		backups = backups[1:]
	}
	return nil
}
