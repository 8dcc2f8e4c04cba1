package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// Backup writes a consistent copy of the live database to dest while rounds
// go on being recorded: VACUUM INTO reads one snapshot (a WAL read
// transaction, which never blocks writers) and writes a compact database
// holding every round committed before it began. dest must not exist; the
// copy is written beside it and renamed into place once synced, so dest is
// never a half-written file.
func (s *Store) Backup(ctx context.Context, dest string) error {
	return backup(ctx, s.db, dest)
}

// BackupFile copies the database at src, which a running server may be
// writing, to dest as Backup does. It is the `tickarena backup` command.
func BackupFile(ctx context.Context, src, dest string) error {
	if _, err := os.Stat(src); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	db, err := openPlain(src)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer db.Close()
	return backup(ctx, db, dest)
}

func backup(ctx context.Context, db *sql.DB, dest string) error {
	if _, err := os.Stat(dest); err == nil {
		return fmt.Errorf("backup: %s already exists", dest)
	}
	tmp := dest + ".partial"
	_ = os.Remove(tmp)
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, tmp); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("backup to %s: %w", dest, err)
	}
	if err := syncFile(tmp); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("backup to %s: %w", dest, err)
	}
	if err := os.Rename(tmp, dest); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("backup to %s: %w", dest, err)
	}
	return syncDir(filepath.Dir(dest))
}

// Restore checks that the database file backup is a whole tickarena
// database (integrity check, schema version) and puts a copy of it at dest,
// replacing what is there. No server may have dest open: Restore refuses
// when dest's write-ahead log exists (a running server, or one that did
// not stop cleanly), unless force is set.
func Restore(ctx context.Context, backup, dest string, force bool) error {
	if wal, err := os.Stat(dest + "-wal"); err == nil && !force {
		return fmt.Errorf("restore: %s exists (%d bytes): a server has the database open or did not stop cleanly; stop it first", dest+"-wal", wal.Size())
	}
	if err := Verify(ctx, backup); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	tmp := dest + ".restoring"
	_ = os.Remove(tmp)
	db, err := openPlain(backup)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	_, err = db.ExecContext(ctx, `VACUUM INTO ?`, tmp)
	db.Close()
	if err == nil {
		err = syncFile(tmp)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("restore %s: %w", backup, err)
	}
	for _, stale := range []string{dest + "-wal", dest + "-shm"} {
		if err := os.Remove(stale); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("restore: %w", err)
		}
	}
	if err := os.Rename(tmp, dest); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("restore: %w", err)
	}
	return syncDir(filepath.Dir(dest))
}

// Verify checks that the file at path is an intact tickarena database.
func Verify(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err != nil {
		return err
	}
	db, err := openPlain(path)
	if err != nil {
		return err
	}
	defer db.Close()
	var check string
	if err := db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&check); err != nil {
		return fmt.Errorf("%s is not a readable SQLite database: %w", path, err)
	}
	if check != "ok" {
		return fmt.Errorf("%s fails the integrity check: %s", path, check)
	}
	var version int
	if err := db.QueryRowContext(ctx, `SELECT max(version) FROM schema_version`).Scan(&version); err != nil {
		return fmt.Errorf("%s is not a tickarena database: %w", path, err)
	}
	if version > len(migrations) {
		return fmt.Errorf("%s has schema version %d, newer than this build's %d", path, version, len(migrations))
	}
	return nil
}

// openPlain opens a database file for copying, without migrating it.
func openPlain(path string) (*sql.DB, error) {
	if strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("path %q must not contain '?' or '#'", path)
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	db, err := sql.Open("sqlite", path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	return db, nil
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	defer d.Close()
	_ = d.Sync() // not supported everywhere; the rename is what matters
	return nil
}
