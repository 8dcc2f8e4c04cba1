package replay

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// The seed corpora live in testdata/fuzz/<FuzzName>/ so that a plain go test
// runs them; go test -run TestWriteFuzzCorpus ./game/replay/ -update-corpus
// rewrites them from the fixtures and a few broken variants.

var updateCorpus = flag.Bool("update-corpus", false, "rewrite the fuzz seed corpora in testdata/fuzz")

// FuzzDecode feeds whole files to Decode, and plays what it accepts.
func FuzzDecode(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		rp, err := Decode(b)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrVersion) {
				t.Fatalf("error %v wraps neither ErrCorrupt nor ErrVersion", err)
			}
			return
		}
		play(t, rp)
	})
}

// FuzzDecodeBody feeds uncompressed bodies to the parser, past zstd, and
// plays what it accepts: no input may make the player panic.
func FuzzDecodeBody(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) {
		rp, err := decodeBody(body)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error %v does not wrap ErrCorrupt", err)
			}
			return
		}
		play(t, rp)
	})
}

// play plays a decoded replay for a few ticks, then seeks just past its
// second keyframe; every error must say the recording is corrupt.
func play(t *testing.T, rp *Replay) {
	p, err := rp.NewPlayer()
	for i := 0; err == nil && i < 100; i++ {
		err = p.Step()
	}
	if err == nil || err == io.EOF {
		err = p.Seek(rp.Meta.StartTick + min(rp.Ticks(), rp.Meta.KeyframeTicks+3))
	}
	if err != nil && err != io.EOF && !errors.Is(err, ErrCorrupt) {
		t.Fatalf("playing: %v does not wrap ErrCorrupt", err)
	}
}

// TestWriteFuzzCorpus writes the seed corpora when run with -update-corpus.
func TestWriteFuzzCorpus(t *testing.T) {
	if !*updateCorpus {
		t.Skip("run with -update-corpus to rewrite the seed corpora")
	}
	files, err := filepath.Glob(filepath.Join("testdata", "fixtures", "*.tkr"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	whole := map[string][]byte{}
	bodies := map[string][]byte{}
	for _, path := range files {
		file, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(path)
		whole[name] = file
		whole[name+"-truncated"] = file[:len(file)/2]
		whole[name+"-header-only"] = file[:HeaderSize]
		body, err := decoder().DecodeAll(file[HeaderSize:], nil)
		if err != nil {
			t.Fatal(err)
		}
		bodies[name] = body
		bodies[name+"-truncated"] = body[:len(body)*2/3]
		flipped := append([]byte(nil), body...)
		flipped[len(flipped)-len(flipped)/5] ^= 0x3f // somewhere in the inputs
		bodies[name+"-flipped"] = flipped
	}
	bodies["empty"] = nil
	write(t, "FuzzDecode", whole)
	write(t, "FuzzDecodeBody", bodies)
}

func write(t *testing.T, fuzzName string, seeds map[string][]byte) {
	dir := filepath.Join("testdata", "fuzz", fuzzName)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, b := range seeds {
		data := fmt.Sprintf("go test fuzz v1\n[]byte(%s)\n", strconv.Quote(string(b)))
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
