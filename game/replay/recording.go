package replay

import (
	"encoding/binary"
	"fmt"
	"sync"

	"github.com/klauspost/compress/zstd"
	"github.com/tickarena/tickarena/game"
)

// Recording is a finished recording, not yet compressed.
type Recording struct {
	Meta    Meta
	Summary Summary
	body    []byte
}

// Ticks returns the recording's length in ticks.
func (rec *Recording) Ticks() uint32 { return rec.Summary.ticks(&rec.Meta) }

// encoder compresses recordings; EncodeAll may be called concurrently. It
// lives as long as the process, so its level is "better", not "best": the
// best-compression encoder kept 35 MiB in use on a server for 7% smaller
// files (190 against 205 KB for a 5-minute round of 60 ships), and its window
// is 1 MiB rather than the level's 8 MiB: the history buffer is twice the
// window (16 MiB at the default), while a round's files came out byte for
// byte the same size at 512 KiB, 1 MiB and 2 MiB. It is made
// inside a function rather than by a package variable's initializer, so
// that a program that only plays replays (the browser client) does not link
// the encoder.
func encoder() *zstd.Encoder {
	encoderOnce.Do(func() {
		e, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedBetterCompression), zstd.WithEncoderConcurrency(1), zstd.WithWindowSize(1<<20))
		if err != nil {
			panic(fmt.Sprintf("replay: zstd encoder: %v", err)) // only for invalid options
		}
		theEncoder = e
	})
	return theEncoder
}

var (
	encoderOnce sync.Once
	theEncoder  *zstd.Encoder
)

// Encode returns the recording as a file (docs/replay.md). It compresses, so
// call it off any goroutine that must not wait.
func (rec *Recording) Encode() []byte {
	out := make([]byte, HeaderSize, HeaderSize+len(rec.body)/4)
	copy(out, Magic)
	binary.LittleEndian.PutUint16(out[4:], FormatVersion)
	binary.LittleEndian.PutUint16(out[6:], game.RulesVersion)
	binary.LittleEndian.PutUint32(out[8:], uint32(len(rec.body)))
	return encoder().EncodeAll(rec.body, out)
}

func appendMeta(b []byte, m *Meta) []byte {
	r := m.Rules
	b = appendUv(b, uint64(r.TickRate))
	b = appendUv(b, uint64(r.WorldSize))
	b = appendUv(b, uint64(r.RoundSeconds))
	b = appendUv(b, uint64(r.IntermissionSeconds))
	b = appendUv(b, uint64(r.Pellets))
	b = appendU64(b, r.Seed)
	b = appendUv(b, uint64(m.KeyframeTicks))
	b = appendUv(b, uint64(m.StartTick))
	b = appendUv(b, uint64(m.Round))
	b = appendIv(b, m.StartedAt)
	b = appendStr(b, m.Room.ID)
	b = appendStr(b, m.Room.Name)
	b = appendBool(b, m.Room.Public)
	b = appendUv(b, uint64(m.Room.Capacity))
	return appendUv(b, uint64(m.Room.Bots))
}

func readMeta(r *reader, m *Meta) {
	r.what = "meta"
	m.Rules.TickRate = int32(r.upTo(60, "tick rate"))
	m.Rules.WorldSize = int32(r.upTo(MaxWorldSize, "world size"))
	m.Rules.RoundSeconds = int32(r.upTo(MaxTicks/10, "round seconds"))
	m.Rules.IntermissionSeconds = int32(r.upTo(MaxTicks/10, "intermission seconds"))
	m.Rules.Pellets = int32(r.upTo(game.MaxPellets, "pellets"))
	m.Rules.Seed = r.u64()
	m.KeyframeTicks = uint32(r.upTo(MaxKeyframeTicks, "keyframe interval"))
	m.StartTick = r.u32()
	m.Round = r.u32()
	m.StartedAt = r.iv()
	m.Room.ID = r.str()
	m.Room.Name = r.str()
	m.Room.Public = r.bool()
	m.Room.Capacity = r.u32()
	m.Room.Bots = r.u32()
	if r.err == nil && (game.Tune(m.Rules).Rules != m.Rules || m.Rules.WorldSize < 100) {
		r.fail("rules %+v are not a world's rules", m.Rules)
	}
	if r.err == nil && m.KeyframeTicks == 0 {
		r.fail("keyframe interval 0")
	}
}

func appendSummary(b []byte, s *Summary) []byte {
	b = appendUv(b, uint64(s.EndTick))
	b = appendU64(b, s.Hash)
	b = appendBool(b, s.Ended)
	b = appendUv(b, uint64(len(s.Players)))
	for _, p := range s.Players {
		b = appendUv(b, uint64(p.Ship))
		b = appendStr(b, p.Name)
		b = appendBool(b, p.Bot)
		b = appendIv(b, int64(p.Score))
		b = appendIv(b, int64(p.Kills))
		b = appendIv(b, int64(p.Deaths))
		b = appendUv(b, uint64(p.Placement))
	}
	return b
}

func readSummary(r *reader, s *Summary) {
	r.what = "summary"
	s.EndTick = r.u32()
	s.Hash = r.u64()
	s.Ended = r.bool()
	n := int(r.upTo(MaxShips, "player count"))
	s.Players = make([]game.PlayerResult, 0, min(n, r.left()))
	for i := 0; i < n && r.err == nil; i++ {
		var p game.PlayerResult
		p.Ship = r.u32()
		p.Name = r.str()
		p.Bot = r.bool()
		p.Score, p.Kills, p.Deaths = r.i32(), r.i32(), r.i32()
		p.Placement = int(r.upTo(MaxShips, "placement"))
		s.Players = append(s.Players, p)
	}
}
