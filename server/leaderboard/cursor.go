package leaderboard

import (
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"strconv"
	"strings"
)

// maxOffset bounds the offset a cursor may carry.
const maxOffset = 1 << 30

// cursorVersion is the first field of every encoded cursor.
const cursorVersion = "1"

// EncodeCursor returns the opaque cursor for the page of board b in period
// instance periodKey that starts at offset. Stores produce cursors with it so
// that every backend accepts the cursors of every other.
func EncodeCursor(b Board, periodKey string, offset int) string {
	body := strings.Join([]string{cursorVersion, string(b), periodKey, strconv.Itoa(offset)}, "|")
	sum := binary.BigEndian.AppendUint32(nil, crc32.ChecksumIEEE([]byte(body)))
	return base64.RawURLEncoding.EncodeToString(append([]byte(body), sum...))
}

// DecodeCursor returns the offset a cursor made by EncodeCursor carries. It
// returns an error wrapping ErrInvalidCursor when the cursor is damaged or was
// made for another board or period instance (e.g. yesterday's daily board).
func DecodeCursor(cursor string, b Board, periodKey string) (int, error) {
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil || len(raw) < 5 {
		return 0, fmt.Errorf("%w: not a cursor", ErrInvalidCursor)
	}
	body, sum := raw[:len(raw)-4], raw[len(raw)-4:]
	if crc32.ChecksumIEEE(body) != binary.BigEndian.Uint32(sum) {
		return 0, fmt.Errorf("%w: checksum mismatch", ErrInvalidCursor)
	}
	parts := strings.Split(string(body), "|")
	if len(parts) != 4 || parts[0] != cursorVersion {
		return 0, fmt.Errorf("%w: unknown cursor format", ErrInvalidCursor)
	}
	if parts[1] != string(b) || parts[2] != periodKey {
		return 0, fmt.Errorf("%w: cursor belongs to board %s period %s", ErrInvalidCursor, parts[1], parts[2])
	}
	offset, err := strconv.Atoi(parts[3])
	if err != nil || offset < 0 || offset > maxOffset {
		return 0, fmt.Errorf("%w: bad offset", ErrInvalidCursor)
	}
	return offset, nil
}

// PageCursors returns the next and previous cursors of the page of board b
// in period instance periodKey that starts at offset, holds limit entries and
// belongs to a board of total entries.
func PageCursors(b Board, periodKey string, offset, limit, total int) (next, prev string) {
	if offset+limit < total {
		next = EncodeCursor(b, periodKey, offset+limit)
	}
	if offset > limit {
		prev = EncodeCursor(b, periodKey, offset-limit)
	}
	return next, prev
}
