package wire

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/vmihailenco/msgpack/v5"
)

// The reference implementation pinned in go.mod decides what valid MessagePack
// is: our writer must produce what it reads, and our reader must read what it
// writes.

var intCases = []struct {
	name string
	v    int64
}{
	{"zero", 0},
	{"positive fixint max", 127},
	{"uint8 min", 128},
	{"uint8 max", math.MaxUint8},
	{"uint16 min", math.MaxUint8 + 1},
	{"uint16 max", math.MaxUint16},
	{"uint32 min", math.MaxUint16 + 1},
	{"uint32 max", math.MaxUint32},
	{"uint64 min", math.MaxUint32 + 1},
	{"int64 max", math.MaxInt64},
	{"negative fixint -1", -1},
	{"negative fixint min", -32},
	{"int8 first", -33},
	{"int8 min", math.MinInt8},
	{"int16 first", math.MinInt8 - 1},
	{"int16 min", math.MinInt16},
	{"int32 first", math.MinInt16 - 1},
	{"int32 min", math.MinInt32},
	{"int64 first", math.MinInt32 - 1},
	{"int64 min", math.MinInt64},
}

func TestAppendIntMatchesReference(t *testing.T) {
	for _, tc := range intCases {
		t.Run(tc.name, func(t *testing.T) {
			ours := appendInt(nil, tc.v)
			var got int64
			if err := msgpack.Unmarshal(ours, &got); err != nil {
				t.Fatalf("reference cannot read % x: %v", ours, err)
			}
			if got != tc.v {
				t.Fatalf("reference read % x as %d, want %d", ours, got, tc.v)
			}
			// Both sides pick the shortest form, so the bytes agree too.
			var buf bytes.Buffer
			if err := msgpack.NewEncoder(&buf).EncodeInt(tc.v); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(ours, buf.Bytes()) {
				t.Fatalf("appendInt(%d) = % x, reference writes % x", tc.v, ours, buf.Bytes())
			}
		})
	}
}

func TestAppendUintMatchesReference(t *testing.T) {
	for _, v := range []uint64{0, 1, 127, 128, 255, 256, 65535, 65536, math.MaxUint32, math.MaxUint32 + 1, math.MaxUint64} {
		ours := appendUint(nil, v)
		var got uint64
		if err := msgpack.Unmarshal(ours, &got); err != nil || got != v {
			t.Errorf("appendUint(%d) = % x, reference reads %d, %v", v, ours, got, err)
		}
	}
}

func TestReaderReadsEveryReferenceIntegerWidth(t *testing.T) {
	type enc func(e *msgpack.Encoder) error
	tests := []struct {
		name string
		enc  enc
		want int64
	}{
		{"fixint", func(e *msgpack.Encoder) error { return e.EncodeInt(5) }, 5},
		{"negative fixint", func(e *msgpack.Encoder) error { return e.EncodeInt(-7) }, -7},
		{"uint8", func(e *msgpack.Encoder) error { return e.EncodeUint8(5) }, 5},
		{"uint16", func(e *msgpack.Encoder) error { return e.EncodeUint16(5) }, 5},
		{"uint32", func(e *msgpack.Encoder) error { return e.EncodeUint32(70000) }, 70000},
		{"uint64", func(e *msgpack.Encoder) error { return e.EncodeUint64(1 << 40) }, 1 << 40},
		{"int8", func(e *msgpack.Encoder) error { return e.EncodeInt8(-100) }, -100},
		{"int8 positive", func(e *msgpack.Encoder) error { return e.EncodeInt8(100) }, 100},
		{"int16", func(e *msgpack.Encoder) error { return e.EncodeInt16(-30000) }, -30000},
		{"int32", func(e *msgpack.Encoder) error { return e.EncodeInt32(math.MinInt32) }, math.MinInt32},
		{"int64", func(e *msgpack.Encoder) error { return e.EncodeInt64(math.MinInt64) }, math.MinInt64},
		{"int64 small", func(e *msgpack.Encoder) error { return e.EncodeInt64(3) }, 3},
		{"Marshal int", func(e *msgpack.Encoder) error { return e.Encode(int(-123456)) }, -123456},
		{"Marshal uint16", func(e *msgpack.Encoder) error { return e.Encode(uint16(300)) }, 300},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := tc.enc(msgpack.NewEncoder(&buf)); err != nil {
				t.Fatal(err)
			}
			r := reader{b: buf.Bytes()}
			got := r.int()
			if err := r.end(); err != nil || got != tc.want {
				t.Fatalf("read % x = %d, %v; want %d", buf.Bytes(), got, err, tc.want)
			}
		})
	}
}

func TestReaderRejectsUint64AboveInt64(t *testing.T) {
	var buf bytes.Buffer
	if err := msgpack.NewEncoder(&buf).EncodeUint64(math.MaxUint64); err != nil {
		t.Fatal(err)
	}
	r := reader{b: buf.Bytes()}
	r.int()
	if !errors.Is(r.err, ErrRange) {
		t.Fatalf("err = %v, want ErrRange", r.err)
	}
}

func TestStringsOfEveryHeaderSize(t *testing.T) {
	tests := []struct {
		name   string
		n      int
		header byte
	}{
		{"empty fixstr", 0, 0xa0},
		{"fixstr max", 31, 0xbf},
		{"str8 min", 32, 0xd9},
		{"str8 max", 255, 0xd9},
		{"str16 min", 256, 0xda},
		{"str16 max", 65535, 0xda},
		{"str32", 65536, 0xdb},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := strings.Repeat("é", tc.n/2) + strings.Repeat("x", tc.n%2)
			ours := appendString(nil, s)
			if ours[0] != tc.header {
				t.Fatalf("header %#x, want %#x", ours[0], tc.header)
			}
			var got string
			if err := msgpack.Unmarshal(ours, &got); err != nil || got != s {
				t.Fatalf("reference read our string wrongly (len %d): %v", len(got), err)
			}
			ref, err := msgpack.Marshal(s)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(ref, ours) {
				t.Fatalf("reference writes a different header: %#x", ref[0])
			}
			r := reader{b: ref}
			if got := r.str(len(s)); r.end() != nil || got != s {
				t.Fatalf("reader: %v", r.err)
			}
			r = reader{b: ref}
			if r.str(len(s) - 1); len(s) > 0 && !errors.Is(r.err, ErrRange) {
				t.Fatalf("a string over its bound gave %v, want ErrRange", r.err)
			}
		})
	}
}

func TestArraysOfEveryHeaderSize(t *testing.T) {
	tests := []struct {
		name   string
		n      int
		header byte
	}{
		{"empty fixarray", 0, 0x90},
		{"fixarray max", 15, 0x9f},
		{"array16 min", 16, 0xdc},
		{"array16 max", 65535, 0xdc},
		{"array32", 65536, 0xdd},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			vals := make([]int64, tc.n)
			for i := range vals {
				vals[i] = int64(i%300) - 150
			}
			ours := appendArray(nil, tc.n)
			if ours[0] != tc.header {
				t.Fatalf("header %#x, want %#x", ours[0], tc.header)
			}
			for _, v := range vals {
				ours = appendInt(ours, v)
			}
			var got []int64
			if err := msgpack.Unmarshal(ours, &got); err != nil || len(got) != tc.n {
				t.Fatalf("reference read %d elements, %v", len(got), err)
			}
			ref, err := msgpack.Marshal(vals)
			if err != nil {
				t.Fatal(err)
			}
			r := reader{b: ref}
			n := r.array(tc.n)
			for i := 0; i < n; i++ {
				if v := r.int(); v != vals[i] {
					t.Fatalf("element %d = %d, want %d", i, v, vals[i])
				}
			}
			if err := r.end(); err != nil || n != tc.n {
				t.Fatalf("read %d elements, %v", n, err)
			}
		})
	}
}

func TestReaderNilAndBool(t *testing.T) {
	ref, err := msgpack.Marshal([]any{nil, true, false})
	if err != nil {
		t.Fatal(err)
	}
	r := reader{b: ref}
	if n := r.array(3); n != 3 {
		t.Fatalf("array %d", n)
	}
	if !r.isNil() || !r.bool() || r.bool() || r.end() != nil {
		t.Fatalf("nil, true, false read wrongly: %v", r.err)
	}
	ours := appendBool(appendBool(nil, true), false)
	var a, b bool
	dec := msgpack.NewDecoder(bytes.NewReader(ours))
	if dec.Decode(&a) != nil || dec.Decode(&b) != nil || !a || b {
		t.Fatalf("reference read % x as %v %v", ours, a, b)
	}
}

func TestReaderRejectsOtherFamilies(t *testing.T) {
	tests := []struct {
		name string
		v    any
	}{
		{"float32", float32(1)},
		{"float64", 1.5},
		{"NaN", math.NaN()},
		{"map", map[string]int{"a": 1}},
		{"bin", []byte{1}},
		{"string", "7"},
		{"nil", nil},
		{"bool", true},
		{"array", []int{1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := msgpack.Marshal(tc.v)
			if err != nil {
				t.Fatal(err)
			}
			r := reader{b: b}
			if r.int(); !errors.Is(r.err, ErrType) {
				t.Fatalf("int() of % x: %v, want ErrType", b, r.err)
			}
		})
	}
}
