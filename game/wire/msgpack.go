package wire

import (
	"errors"
	"fmt"
	"math"
)

// The subset of MessagePack that the protocol uses: non-negative and negative
// integers in their shortest form, strings, arrays and nil. Decoding is strict:
// a value of the wrong family (a float or a map where an integer belongs) is an
// error, never a guess.

// appendUint appends v in the shortest MessagePack integer form.
func appendUint(b []byte, v uint64) []byte {
	switch {
	case v < 128:
		return append(b, byte(v))
	case v <= math.MaxUint8:
		return append(b, 0xcc, byte(v))
	case v <= math.MaxUint16:
		return append(b, 0xcd, byte(v>>8), byte(v))
	case v <= math.MaxUint32:
		return append(b, 0xce, byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
	}
	return append(b, 0xcf, byte(v>>56), byte(v>>48), byte(v>>40), byte(v>>32), byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
}

// appendInt appends v in the shortest MessagePack integer form.
func appendInt(b []byte, v int64) []byte {
	switch {
	case v >= 0:
		return appendUint(b, uint64(v))
	case v >= -32:
		return append(b, byte(v))
	case v >= math.MinInt8:
		return append(b, 0xd0, byte(v))
	case v >= math.MinInt16:
		return append(b, 0xd1, byte(v>>8), byte(v))
	case v >= math.MinInt32:
		return append(b, 0xd2, byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
	}
	return append(b, 0xd3, byte(v>>56), byte(v>>48), byte(v>>40), byte(v>>32), byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
}

// appendArray appends an array header for n elements.
func appendArray(b []byte, n int) []byte {
	switch {
	case n < 16:
		return append(b, 0x90|byte(n))
	case n <= math.MaxUint16:
		return append(b, 0xdc, byte(n>>8), byte(n))
	}
	return append(b, 0xdd, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
}

// appendString appends s as a MessagePack str.
func appendString(b []byte, s string) []byte {
	n := len(s)
	switch {
	case n < 32:
		b = append(b, 0xa0|byte(n))
	case n <= math.MaxUint8:
		b = append(b, 0xd9, byte(n))
	case n <= math.MaxUint16:
		b = append(b, 0xda, byte(n>>8), byte(n))
	default:
		b = append(b, 0xdb, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
	return append(b, s...)
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 0xc3)
	}
	return append(b, 0xc2)
}

// Errors of the decoder. Every decode error wraps ErrMalformed.
var (
	// ErrMalformed is wrapped by every error about bytes that are not a valid message.
	ErrMalformed = errors.New("malformed message")
	// ErrTruncated means the bytes ended inside a value.
	ErrTruncated = fmt.Errorf("%w: truncated", ErrMalformed)
	// ErrType means a value had the wrong MessagePack type for its field.
	ErrType = fmt.Errorf("%w: wrong type", ErrMalformed)
	// ErrRange means an integer or a length was outside the bounds of its field.
	ErrRange = fmt.Errorf("%w: value out of range", ErrMalformed)
	// ErrTrailing means bytes followed the message.
	ErrTrailing = fmt.Errorf("%w: trailing bytes", ErrMalformed)
)

// reader decodes MessagePack values from a byte slice. Its first error sticks:
// later calls return zero values, and err reports it.
type reader struct {
	b   []byte
	off int
	err error
}

func (r *reader) fail(err error) {
	if r.err == nil {
		r.err = err
	}
}

func (r *reader) next(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || len(r.b)-r.off < n {
		r.fail(ErrTruncated)
		return nil
	}
	p := r.b[r.off : r.off+n]
	r.off += n
	return p
}

func be(p []byte) uint64 {
	var v uint64
	for _, c := range p {
		v = v<<8 | uint64(c)
	}
	return v
}

// int reads any MessagePack integer as an int64 (uint64 above MaxInt64 is out of range).
func (r *reader) int() int64 {
	p := r.next(1)
	if p == nil {
		return 0
	}
	c := p[0]
	switch {
	case c < 0x80:
		return int64(c)
	case c >= 0xe0:
		return int64(int8(c))
	}
	switch c {
	case 0xcc, 0xcd, 0xce, 0xcf:
		p = r.next(1 << (c - 0xcc))
		if p == nil {
			return 0
		}
		v := be(p)
		if v > math.MaxInt64 {
			r.fail(ErrRange)
			return 0
		}
		return int64(v)
	case 0xd0:
		if p = r.next(1); p != nil {
			return int64(int8(p[0]))
		}
	case 0xd1:
		if p = r.next(2); p != nil {
			return int64(int16(be(p)))
		}
	case 0xd2:
		if p = r.next(4); p != nil {
			return int64(int32(be(p)))
		}
	case 0xd3:
		if p = r.next(8); p != nil {
			return int64(be(p))
		}
	default:
		r.fail(ErrType)
	}
	return 0
}

// ranged reads an integer and checks that it lies in [lo, hi].
func (r *reader) ranged(lo, hi int64) int64 {
	v := r.int()
	if r.err == nil && (v < lo || v > hi) {
		r.fail(ErrRange)
		return 0
	}
	return v
}

func (r *reader) u32() uint32 { return uint32(r.ranged(0, math.MaxUint32)) }
func (r *reader) u16() uint16 { return uint16(r.ranged(0, math.MaxUint16)) }
func (r *reader) u8() uint8   { return uint8(r.ranged(0, math.MaxUint8)) }
func (r *reader) i32() int32  { return int32(r.ranged(math.MinInt32, math.MaxInt32)) }

func (r *reader) bool() bool {
	p := r.next(1)
	if p == nil {
		return false
	}
	switch p[0] {
	case 0xc2:
		return false
	case 0xc3:
		return true
	}
	r.fail(ErrType)
	return false
}

// isNil reports whether the next value is nil, consuming it if so.
func (r *reader) isNil() bool {
	if r.err == nil && r.off < len(r.b) && r.b[r.off] == 0xc0 {
		r.off++
		return true
	}
	return false
}

// array reads an array header and checks its length against max. Each element
// takes at least one byte, so a length larger than the bytes left is rejected
// before anything is allocated for it.
func (r *reader) array(max int) int {
	p := r.next(1)
	if p == nil {
		return 0
	}
	var n uint64
	switch c := p[0]; {
	case c&0xf0 == 0x90:
		n = uint64(c & 0x0f)
	case c == 0xdc:
		n = be(r.next(2))
	case c == 0xdd:
		n = be(r.next(4))
	default:
		r.fail(ErrType)
		return 0
	}
	if r.err != nil {
		return 0
	}
	if n > uint64(max) || n > uint64(len(r.b)-r.off) {
		r.fail(ErrRange)
		return 0
	}
	return int(n)
}

// str reads a string of at most max bytes.
func (r *reader) str(max int) string {
	p := r.next(1)
	if p == nil {
		return ""
	}
	var n uint64
	switch c := p[0]; {
	case c&0xe0 == 0xa0:
		n = uint64(c & 0x1f)
	case c == 0xd9:
		n = be(r.next(1))
	case c == 0xda:
		n = be(r.next(2))
	case c == 0xdb:
		n = be(r.next(4))
	default:
		r.fail(ErrType)
		return ""
	}
	if r.err != nil {
		return ""
	}
	if n > uint64(max) {
		r.fail(ErrRange)
		return ""
	}
	return string(r.next(int(n)))
}

// end checks that every byte was consumed.
func (r *reader) end() error {
	if r.err == nil && r.off != len(r.b) {
		r.fail(ErrTrailing)
	}
	return r.err
}
