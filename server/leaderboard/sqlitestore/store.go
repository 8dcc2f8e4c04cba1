// Package sqlitestore is the default leaderboard.Store: one SQLite file
// (modernc.org/sqlite, pure Go) holding every round, the players' latest
// names, per-period standings and a small settings table.
//
// Reads of board order never count rows: the store keeps, for the current
// instance of each period, an in-memory ranking.Table loaded when first
// needed and updated after every committed Record, under the same lock that
// serialises writes, so it always equals what the database holds.
package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/tickarena/tickarena/server/leaderboard"
	"github.com/tickarena/tickarena/server/leaderboard/ranking"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Options configures Open. The zero value works.
type Options struct {
	// Path is the database file, created when missing. Empty means
	// "tickarena.db".
	Path string
	// BusyTimeout is how long a statement waits for a lock held by another
	// connection before failing. Default 5s.
	BusyTimeout time.Duration
	// MaxOpenConns bounds the connection pool. Default 4.
	MaxOpenConns int
	// Logger receives the store's log lines. Default slog.Default().
	Logger *slog.Logger
	// ReplayKeep is how many of the newest rounds keep their replay; older
	// ones keep it only while they hold a current top-100 entry (see
	// Store.Replay). Zero (or less) means DefaultReplayKeep (1000).
	ReplayKeep int
}

// DefaultReplayKeep is Options.ReplayKeep's default.
const DefaultReplayKeep = 1000

// DefaultOptions returns the settings of a Store given none, every default
// filled in (the logger left nil): the base a configuration writes its own
// settings into.
func DefaultOptions() Options {
	o := Options{}.withDefaults()
	o.Logger = nil
	return o
}

func (o Options) withDefaults() Options {
	if o.Path == "" {
		o.Path = "tickarena.db"
	}
	if o.BusyTimeout <= 0 {
		o.BusyTimeout = 5 * time.Second
	}
	if o.MaxOpenConns <= 0 {
		o.MaxOpenConns = 4
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.ReplayKeep <= 0 {
		o.ReplayKeep = DefaultReplayKeep
	}
	return o
}

// Store is a leaderboard.Store backed by one SQLite file.
type Store struct {
	db   *sql.DB
	log  *slog.Logger
	keep int // Options.ReplayKeep

	// writeMu serialises Record, GetOrCreateSetting and table loads, so that
	// a table loaded from the database cannot miss a concurrent Record.
	writeMu sync.Mutex
	// mu guards tables; it is never held across I/O.
	mu     sync.RWMutex
	tables [len(periodIndex)]*periodTable
}

// periodTable is the ranking of one period instance; its columns follow
// leaderboard.Boards.
type periodTable struct {
	key string
	tab *ranking.Table
}

var _ leaderboard.Store = (*Store)(nil)

// periodIndex maps a period to its slot in Store.tables.
var periodIndex = [...]leaderboard.Period{leaderboard.PeriodAll, leaderboard.PeriodDaily, leaderboard.PeriodWeekly}

// Open opens (creating and migrating when needed) the database at
// opts.Path and loads the rankings of the periods containing time.Now().
func Open(ctx context.Context, opts Options) (*Store, error) {
	opts = opts.withDefaults()
	if strings.ContainsAny(opts.Path, "?#") {
		return nil, fmt.Errorf("open leaderboard database: path %q must not contain '?' or '#'", opts.Path)
	}
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", opts.BusyTimeout.Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	// FULL syncs the WAL on every commit: a round recorded survives a power cut.
	q.Add("_pragma", "synchronous(FULL)")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", opts.Path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open leaderboard database %s: %w", opts.Path, err)
	}
	db.SetMaxOpenConns(opts.MaxOpenConns)
	db.SetMaxIdleConns(opts.MaxOpenConns)
	s := &Store{db: db, log: opts.Logger, keep: opts.ReplayKeep}
	if err := migrate(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate leaderboard database %s: %w", opts.Path, err)
	}
	start := time.Now()
	for _, p := range periodIndex {
		_, release, err := s.table(ctx, p, start)
		if err != nil {
			db.Close()
			return nil, err
		}
		release()
	}
	s.log.Info("leaderboard store open", "path", opts.Path, "players", s.tables[0].tab.Len(), "load", time.Since(start))
	return s, nil
}

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) (err error) {
	defer classify(&err)
	var v int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM schema_version`).Scan(&v); err != nil {
		return fmt.Errorf("ping leaderboard database: %w", err)
	}
	return nil
}

// Close closes the database.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close leaderboard database: %w", err)
	}
	return nil
}

// GetOrCreateSetting returns the value stored under key, first storing the
// value create returns when there is none. It is how the server keeps a
// secret (e.g. the session-signing key) across restarts.
func (s *Store) GetOrCreateSetting(ctx context.Context, key string, create func() ([]byte, error)) ([]byte, error) {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("setting %q: begin: %w", key, err)
	}
	defer tx.Rollback()
	var v []byte
	err = tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	switch {
	case err == nil:
		return v, nil
	case !errors.Is(err, sql.ErrNoRows):
		return nil, fmt.Errorf("setting %q: read: %w", key, err)
	}
	if v, err = create(); err != nil {
		return nil, fmt.Errorf("setting %q: create: %w", key, err)
	}
	if v == nil {
		v = []byte{}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)`, key, v); err != nil {
		return nil, fmt.Errorf("setting %q: store: %w", key, err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("setting %q: commit: %w", key, err)
	}
	return v, nil
}
