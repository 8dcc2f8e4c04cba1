package wire

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// The seed corpora live in testdata/fuzz/<FuzzName>/ so that a plain go test
// runs them; go test -run TestWriteFuzzCorpus -update regenerates them from
// the documented examples and a few broken messages.

func FuzzDecodeClient(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		var m ClientMsg
		if err := DecodeClient(b, &m); err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			return
		}
		again := encodeClient(&m)
		var m2 ClientMsg
		if err := DecodeClient(again, &m2); err != nil {
			t.Fatalf("re-encoded %+v as % x, which does not decode: %v", m, again, err)
		}
		if !sameClient(&m, &m2) {
			t.Fatalf("decoded %+v, re-encoded and decoded %+v", m, m2)
		}
		if len(again) > len(b) {
			t.Fatalf("re-encoding % x gave the longer % x: ours is the shortest form", b, again)
		}
	})
}

func FuzzDecodeServer(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		var m ServerMsg
		if err := DecodeServer(b, &m); err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			return
		}
		again := encodeServer(&m)
		var m2 ServerMsg
		if err := DecodeServer(again, &m2); err != nil {
			t.Fatalf("re-encoded as % x, which does not decode: %v", again, err)
		}
		if !sameServer(&m, &m2) {
			t.Fatalf("decoded %+v, re-encoded and decoded %+v", m, m2)
		}
	})
}

// FuzzDecodeServerFrame reads a server frame message by message, as a
// client does: it never panics, every error wraps ErrMalformed, and each
// message read is the same once re-encoded.
func FuzzDecodeServerFrame(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		var m ServerMsg
		for n := 0; len(b) > 0; n++ {
			rest, err := DecodeServerNext(b, &m)
			if err != nil {
				if !errors.Is(err, ErrMalformed) {
					t.Fatalf("message %d: error %v does not wrap ErrMalformed", n, err)
				}
				return
			}
			if len(rest) >= len(b) {
				t.Fatalf("message %d: read nothing", n)
			}
			var m2 ServerMsg
			if err := DecodeServer(encodeServer(&m), &m2); err != nil || !sameServer(&m, &m2) {
				t.Fatalf("message %d: re-encoded, it decodes to %+v (err %v)", n, m2, err)
			}
			b = rest
		}
	})
}

func FuzzApplyDelta(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		var m ServerMsg
		if DecodeServer(b, &m) != nil || m.Type != TypeDelta {
			return
		}
		var v View
		v.CopyFrom(&exampleBase)
		err := v.Apply(&m.Delta)
		if err != nil {
			if !errors.Is(err, ErrBase) {
				t.Fatalf("error %v does not wrap ErrBase", err)
			}
			return
		}
		if v.Tick != m.Delta.Tick {
			t.Fatalf("view at tick %d after a delta to %d", v.Tick, m.Delta.Tick)
		}
		for i := 1; i < len(v.Entities); i++ {
			if v.Entities[i-1].ID >= v.Entities[i].ID {
				t.Fatalf("ids %d then %d: the view is no longer sorted", v.Entities[i-1].ID, v.Entities[i].ID)
			}
		}
		// The view the delta led to is a baseline the encoder can use: a full
		// snapshot of it restores it exactly.
		var enc DeltaEncoder
		var full ServerMsg
		if err := DecodeServer(enc.Append(nil, nil, &v, 0, nil), &full); err != nil {
			t.Fatalf("full snapshot of the result does not decode: %v", err)
		}
		var mirror View
		if err := mirror.Apply(&full.Delta); err != nil || !mirror.Equal(&v) {
			t.Fatalf("full snapshot of the result does not restore it: %v", err)
		}
	})
}

// brokenSeeds are malformed messages worth starting the fuzzers from.
func brokenSeeds() map[string][]byte {
	ex := docExamples()
	seeds := map[string][]byte{
		"empty":          {},
		"huge-array":     {0xdd, 0xff, 0xff, 0xff, 0xff, 0x03},
		"float-type":     {0x95, 0xcb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 1, 0x01, 0x00, 0x00, 0x00},
		"nan-aim":        {0x94, 0x03, 0x01, 0x00, 0x92, 0x00, 0xcb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 1},
		"input-no-steps": {0x94, 0x03, 0x01, 0x00, 0x90},
		"input-odd":      {0x94, 0x03, 0x05, 0x00, 0x93, 0x01, 0x00, 0x01},
		"unknown-type":   {0x91, 0x0b},
		"map":            {0x81, 0xa1, 't', 0x03},
		"str32-too-long": {0x94, 0x01, 0x01, 0xdb, 0xff, 0xff, 0xff, 0xff},
	}
	for _, e := range ex {
		b := e.b
		seeds["truncated-"+e.name] = b[:len(b)/2]
		seeds["trailing-"+e.name] = append(slices.Clone(b), 0xc0)
	}
	return seeds
}

func TestWriteFuzzCorpus(t *testing.T) {
	if !*update {
		t.Skip("run with -update to rewrite testdata/fuzz")
	}
	write := func(fuzz, name string, b []byte) {
		dir := filepath.Join("testdata", "fuzz", fuzz)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		data := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", b)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Every example goes to both decoders: a server message is a fine start
	// for a client fuzzer and the other way round.
	for _, ex := range docExamples() {
		write("FuzzDecodeClient", "valid-"+ex.name, ex.b)
		write("FuzzDecodeServer", "valid-"+ex.name, ex.b)
	}
	write("FuzzDecodeServerFrame", "valid-frame", exampleFrame())
	write("FuzzDecodeServerFrame", "cut-frame", exampleFrame()[:len(exampleFrame())-3])
	for _, ex := range docExamples() {
		if !ex.client {
			write("FuzzDecodeServerFrame", "valid-"+ex.name, ex.b)
		}
	}
	var enc DeltaEncoder
	// Deltas that apply to the fixed view of FuzzApplyDelta, and some that do not.
	write("FuzzApplyDelta", "valid-delta", enc.Append(nil, &exampleBase, &exampleCur, exampleLastSeq, exampleEvents))
	write("FuzzApplyDelta", "valid-full", enc.Append(nil, nil, &exampleCur, 0, nil))
	write("FuzzApplyDelta", "wrong-base", enc.Append(nil, &exampleFirst, &exampleCur, 0, nil))
	back := exampleBase
	back.Tick = 103
	write("FuzzApplyDelta", "back-to-base", enc.Append(nil, &exampleCur, &back, 0, nil))
	for name, b := range brokenSeeds() {
		write("FuzzDecodeClient", "broken-"+name, b)
		write("FuzzDecodeServer", "broken-"+name, b)
	}
}
