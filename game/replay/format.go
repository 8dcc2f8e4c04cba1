package replay

import (
	"errors"

	"github.com/tickarena/tickarena/game"
)

// FormatVersion is the version of the file layout this package writes and
// reads (docs/replay.md).
const FormatVersion = 1

// Magic opens every recording.
const Magic = "TKRP"

// HeaderSize is the length of the uncompressed header before the zstd frame.
const HeaderSize = 12

// Limits a decoder enforces, so that a hostile file costs little.
const (
	// MaxBody is the largest uncompressed body accepted, in bytes.
	MaxBody = 64 << 20
	// MaxName is the longest ship or room name, in bytes.
	MaxName = 255
	// MaxShips is the most ships a keyframe or segment may hold.
	MaxShips = 4096
	// MaxBullets is the most bullets a keyframe may hold.
	MaxBullets = 1 << 16
	// MaxWorldSize is the largest arena side accepted, in world units.
	MaxWorldSize = 20_000
	// MaxTicks is the longest recording accepted, in ticks (a day at 60 Hz).
	MaxTicks = 60 * 60 * 60 * 24
	// MaxKeyframeTicks is the longest time between keyframes, in ticks (a
	// minute at 60 Hz): a seek simulates at most this many steps.
	MaxKeyframeTicks = 60 * 60
)

var (
	// ErrVersion is returned for a recording of another format or rules version.
	ErrVersion = errors.New("replay: unsupported version")
	// ErrCorrupt is returned for bytes that are not a well-formed recording.
	ErrCorrupt = errors.New("replay: corrupt recording")
	// ErrMismatch is returned when playback does not reproduce the recorded result.
	ErrMismatch = errors.New("replay: playback differs from the recording")
)

// Meta describes a recording: where and under which rules it was made.
type Meta struct {
	// Rules are the world's rules, defaults filled in.
	Rules game.Rules
	// KeyframeTicks is the number of ticks between two keyframes.
	KeyframeTicks uint32
	// StartTick is the world's tick at the first keyframe.
	StartTick uint32
	// Round is the number of the recorded round in its room's world.
	Round uint32
	// StartedAt is when the recording started, in Unix milliseconds.
	StartedAt int64
	// Room is the room the round was played in.
	Room Room
}

// Room is the room a round was played in, as its players saw it.
type Room struct {
	ID, Name string
	Public   bool
	// Capacity is the room's seat count; Bots how many bots it keeps.
	Capacity, Bots uint32
}

// Summary is how a recorded round ended.
type Summary struct {
	// EndTick is the world's tick after the last recorded step.
	EndTick uint32
	// Hash is the world's Hash after the last recorded step.
	Hash uint64
	// Ended is true when the round ran to its end, false when it was cut short
	// (the server shut down); Players then holds the standings at that moment.
	Ended bool
	// Players is the round's result, ranked.
	Players []game.PlayerResult
}

// ticks returns the length in ticks of a recording described by m and s.
func (s *Summary) ticks(m *Meta) uint32 { return s.EndTick - m.StartTick }

// The sections of a body, in file order.
const (
	secKeyframes = iota
	secEvents
	secKinds
	secButtons
	secSeq
	secTarget
	secOffLo
	secOffHi
	secAim
	numSections
)

// sectionNames name the sections in error messages.
var sectionNames = [numSections]string{"keyframes", "events", "kinds", "buttons", "seq", "target", "offset-lo", "offset-hi", "aim"}

// Bits of a kind byte: what one ship's input was at one tick.
const (
	kindInput    = 0x01 // an input was applied
	kindButtons  = 0x02 // its buttons differ from the ship's last: one byte in buttons
	kindSeq      = 0x04 // its sequence number is not the last + 1: a uvarint in seq
	kindAimMask  = 0x38 // how its aim is given, one of aim*
	kindAimShift = 3
)

// Aim modes of a kind byte.
const (
	aimSame      = 0 // the ship's current aim
	aimTracked   = 1 // toward the tracked ship, plus the tracked offset
	aimNewOffset = 2 // toward the tracked ship, plus a new offset (offset-lo, offset-hi)
	aimNewTarget = 3 // toward a new tracked ship (target) plus a new offset
	aimAbsolute  = 4 // an absolute angle (aim, u16)
)

// Event kinds: changes to the world between two steps.
const (
	evJoin     = 1 // a ship joins: id, bot, name
	evLeave    = 2 // a ship leaves: id
	evIdle     = 3 // a ship goes idle or comes back: id, idle
	evSeqReset = 4 // a ship's last input sequence number becomes 0: id
)

// aimAt is the aim of a ship at (x, y) that aims at a ship at (tx, ty) with
// an error of off: the aim model shared by the recorder and the player.
func aimAt(x, y, tx, ty int32, off int16) game.Angle {
	return game.Atan2(ty-y, tx-x) + game.Angle(off)
}

// maxOffset is the largest aim offset for which the recorder calls a ship
// "tracking" another; beyond it, an absolute angle is cheaper to store.
const maxOffset = 4096
