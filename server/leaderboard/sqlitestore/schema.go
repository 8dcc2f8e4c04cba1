package sqlitestore

import (
	"context"
	"database/sql"
	"fmt"
)

// migration moves the schema from version-1 to version.
type migration struct {
	version int
	name    string
	up      func(ctx context.Context, tx *sql.Tx) error
}

// migrations are applied in order, each in its own transaction; a database
// remembers the last one applied in schema_version. Append, never edit.
var migrations = []migration{
	{version: 1, name: "rounds, players, standings, settings", up: execAll(
		`CREATE TABLE settings (
			key   TEXT PRIMARY KEY,
			value BLOB NOT NULL
		)`,
		// players holds humans only; bots never appear on boards or in search.
		`CREATE TABLE players (
			id        TEXT PRIMARY KEY,
			name      TEXT NOT NULL,
			name_fold TEXT NOT NULL,
			name_at   INTEGER NOT NULL
		)`,
		`CREATE INDEX players_by_name ON players (name_fold, id)`,
		`CREATE TABLE rounds (
			id          TEXT PRIMARY KEY,
			room_id     TEXT NOT NULL,
			room_name   TEXT NOT NULL,
			round       INTEGER NOT NULL,
			ended_at    INTEGER NOT NULL,
			recorded_at INTEGER NOT NULL
		)`,
		`CREATE TABLE round_players (
			round_id  TEXT NOT NULL REFERENCES rounds (id),
			player_id TEXT NOT NULL,
			name      TEXT NOT NULL,
			bot       INTEGER NOT NULL,
			score     INTEGER NOT NULL,
			kills     INTEGER NOT NULL,
			deaths    INTEGER NOT NULL,
			placement INTEGER NOT NULL,
			ended_at  INTEGER NOT NULL,
			PRIMARY KEY (round_id, player_id)
		)`,
		`CREATE INDEX round_players_recent ON round_players (player_id, ended_at DESC)`,
		// standings holds one row per human player per period instance they
		// played in ("all", "d2026-11-25", "w2026-W48"): the value of every board.
		`CREATE TABLE standings (
			period_key TEXT NOT NULL,
			player_id  TEXT NOT NULL REFERENCES players (id),
			score      INTEGER NOT NULL,
			kills      INTEGER NOT NULL,
			wins       INTEGER NOT NULL,
			PRIMARY KEY (period_key, player_id)
		) WITHOUT ROWID`,
	)},
	{version: 2, name: "replays", up: execAll(
		// replays holds the replay file of recent rounds and of rounds behind
		// a current top-100 entry; Options.ReplayKeep says how many recent.
		`CREATE TABLE replays (
			round_id    TEXT PRIMARY KEY REFERENCES rounds (id),
			ended_at    INTEGER NOT NULL,
			duration_ms INTEGER NOT NULL,
			size        INTEGER NOT NULL,
			data        BLOB NOT NULL
		)`,
		`CREATE INDEX replays_by_end ON replays (ended_at DESC, round_id)`,
		`CREATE INDEX round_players_by_score ON round_players (player_id, score)`,
	)},
	{version: 3, name: "rounds behind entries", up: execAll(
		// The round behind each board value: the round of the best score,
		// the last round that added kills, the last round won. Empty for
		// standings made before this version.
		`ALTER TABLE standings ADD COLUMN score_round TEXT NOT NULL DEFAULT ''`,
		`ALTER TABLE standings ADD COLUMN kills_round TEXT NOT NULL DEFAULT ''`,
		`ALTER TABLE standings ADD COLUMN wins_round TEXT NOT NULL DEFAULT ''`,
	)},
	{version: 4, name: "rounds by room and number", up: execAll(
		// For RoundsByNumber: the play page asks for the round that just
		// ended by its room and number.
		`CREATE INDEX rounds_by_number ON rounds (room_id, round, ended_at DESC, id DESC)`,
	)},
}

func execAll(stmts ...string) func(ctx context.Context, tx *sql.Tx) error {
	return func(ctx context.Context, tx *sql.Tx) error {
		for _, s := range stmts {
			if _, err := tx.ExecContext(ctx, s); err != nil {
				return err
			}
		}
		return nil
	}
}

// migrate creates schema_version when missing and applies every migration
// newer than the version it records.
func migrate(ctx context.Context, db *sql.DB) error {
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("create schema_version: %w", err)
	}
	for _, m := range migrations {
		if err := apply(ctx, db, m); err != nil {
			return fmt.Errorf("migration %d (%s): %w", m.version, m.name, err)
		}
	}
	return nil
}

// apply runs m unless the database already has it; the version is read
// inside the write transaction so that two processes opening one file at
// once apply it only once.
func apply(ctx context.Context, db *sql.DB, m migration) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var current int
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_version`).Scan(&current); err != nil {
		return err
	}
	if current >= m.version {
		return nil
	}
	if err := m.up(ctx, tx); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version) VALUES (?)`, m.version); err != nil {
		return err
	}
	return tx.Commit()
}

// SchemaVersion returns the version of the newest migration applied.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	if err := s.db.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_version`).Scan(&v); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return v, nil
}
