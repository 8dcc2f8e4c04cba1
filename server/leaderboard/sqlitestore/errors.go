package sqlitestore

import (
	"errors"

	"modernc.org/sqlite"

	"github.com/tickarena/tickarena/server/leaderboard"
)

// Primary SQLite result codes (https://sqlite.org/rescode.html) that retrying
// cannot fix. SQLITE_BUSY and SQLITE_LOCKED (another connection holds a lock)
// and everything else are transient.
const (
	codePerm     = 3  // SQLITE_PERM: access permission denied
	codeReadOnly = 8  // SQLITE_READONLY: the file cannot be written
	codeIOErr    = 10 // SQLITE_IOERR: the operating system failed a read or write
	codeCorrupt  = 11 // SQLITE_CORRUPT: the database disk image is malformed
	codeFull     = 13 // SQLITE_FULL: the disk (or max_page_count) is full
	codeCantOpen = 14 // SQLITE_CANTOPEN: the file cannot be opened
	codeNotADB   = 26 // SQLITE_NOTADB: the file is not a database
)

// classify marks *err as permanent (leaderboard.ErrStoreFailed) when SQLite
// says retrying cannot help. Exported methods defer it on their named error.
func classify(err *error) {
	var se *sqlite.Error
	if *err == nil || !errors.As(*err, &se) {
		return
	}
	switch se.Code() & 0xff { // extended codes keep the primary code in the low byte
	case codePerm, codeReadOnly, codeIOErr, codeCorrupt, codeFull, codeCantOpen, codeNotADB:
		*err = leaderboard.Permanent(*err)
	}
}
