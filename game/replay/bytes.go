package replay

import (
	"encoding/binary"
	"fmt"
)

func appendU16(b []byte, v uint16) []byte { return binary.LittleEndian.AppendUint16(b, v) }
func appendU64(b []byte, v uint64) []byte { return binary.LittleEndian.AppendUint64(b, v) }
func appendUv(b []byte, v uint64) []byte  { return binary.AppendUvarint(b, v) }
func appendIv(b []byte, v int64) []byte   { return binary.AppendVarint(b, v) }

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

func appendStr(b []byte, s string) []byte {
	b = appendUv(b, uint64(len(s)))
	return append(b, s...)
}

// reader reads the body's primitives. The first error sticks: later reads
// return zero values, and err says what was read where.
type reader struct {
	b    []byte
	off  int
	what string // the section being read, for errors
	err  error
}

func (r *reader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: %s at byte %d: %s", ErrCorrupt, r.what, r.off, fmt.Sprintf(format, args...))
	}
}

func (r *reader) left() int { return len(r.b) - r.off }

func (r *reader) u8() byte {
	if r.err != nil || r.off >= len(r.b) {
		r.fail("missing bytes")
		return 0
	}
	r.off++
	return r.b[r.off-1]
}

func (r *reader) u16() uint16 {
	if r.err != nil || r.left() < 2 {
		r.fail("missing bytes")
		return 0
	}
	r.off += 2
	return binary.LittleEndian.Uint16(r.b[r.off-2:])
}

func (r *reader) u64() uint64 {
	if r.err != nil || r.left() < 8 {
		r.fail("missing bytes")
		return 0
	}
	r.off += 8
	return binary.LittleEndian.Uint64(r.b[r.off-8:])
}

func (r *reader) uv() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b[r.off:])
	if n <= 0 {
		r.fail("bad uvarint")
		return 0
	}
	r.off += n
	return v
}

func (r *reader) iv() int64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.b[r.off:])
	if n <= 0 {
		r.fail("bad varint")
		return 0
	}
	r.off += n
	return v
}

// u32 reads a uvarint that must fit in 32 bits.
func (r *reader) u32() uint32 {
	v := r.uv()
	if v > 1<<32-1 {
		r.fail("%d does not fit in 32 bits", v)
		return 0
	}
	return uint32(v)
}

// i32 reads a varint that must fit in 32 bits.
func (r *reader) i32() int32 {
	v := r.iv()
	if v < -1<<31 || v > 1<<31-1 {
		r.fail("%d does not fit in 32 bits", v)
		return 0
	}
	return int32(v)
}

// upTo reads a uvarint that must be at most max.
func (r *reader) upTo(max uint64, what string) uint64 {
	v := r.uv()
	if v > max {
		r.fail("%s %d over %d", what, v, max)
		return 0
	}
	return v
}

func (r *reader) bool() bool {
	switch r.u8() {
	case 0:
		return false
	case 1:
		return true
	}
	r.fail("flag not 0 or 1")
	return false
}

func (r *reader) str() string {
	n := int(r.upTo(MaxName, "string length"))
	if r.err != nil {
		return ""
	}
	if r.left() < n {
		r.fail("string past the end")
		return ""
	}
	r.off += n
	return string(r.b[r.off-n : r.off])
}

// bytes reads n raw bytes.
func (r *reader) bytes(n int) []byte {
	if r.err != nil || n < 0 || r.left() < n {
		r.fail("missing bytes")
		return nil
	}
	r.off += n
	return r.b[r.off-n : r.off]
}

// fit32 returns v, which must lie in 0..2³²-1.
func (r *reader) fit32(v int64) uint32 {
	if v < 0 || v > 1<<32-1 {
		r.fail("%d outside 0..2³²-1", v)
		return 0
	}
	return uint32(v)
}
