package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
	"github.com/tickarena/tickarena/assets/sums"
)

func TestCompressFile(t *testing.T) {
	body := bytes.Repeat([]byte("\x00asm\x01\x00\x00\x00 tickarena client "), 5000)
	name := filepath.Join(t.TempDir(), "game.wasm")
	if err := os.WriteFile(name, body, 0o644); err != nil {
		t.Fatal(err)
	}
	first, err := compressFile(name)
	if err != nil {
		t.Fatal(err)
	}
	gz, _ := os.ReadFile(name + ".gz")
	br, _ := os.ReadFile(name + ".br")
	if first.gzip != len(gz) || first.brotli != len(br) || first.plain != len(body) {
		t.Errorf("reported sizes %+v, files have gzip %d and brotli %d", first, len(gz), len(br))
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatalf("the .gz is not gzip: %v", err)
	}
	if plain, err := io.ReadAll(zr); err != nil || !bytes.Equal(plain, body) {
		t.Errorf("the .gz does not decode to the file (err %v)", err)
	}
	if plain, err := io.ReadAll(brotli.NewReader(bytes.NewReader(br))); err != nil || !bytes.Equal(plain, body) {
		t.Errorf("the .br does not decode to the file (err %v)", err)
	}
	if len(br) >= len(body)/10 {
		t.Errorf("Brotli kept %d of %d bytes of a very repetitive file", len(br), len(body))
	}

	// The manifest names the three files with their sizes and sums.
	b, err := os.ReadFile(name + ".sums")
	if err != nil {
		t.Fatalf("no manifest written: %v", err)
	}
	m, err := sums.Parse(b)
	if err != nil {
		t.Fatalf("the manifest written does not parse: %v", err)
	}
	want := map[string][]byte{"game.wasm": body, "game.wasm.gz": gz, "game.wasm.br": br}
	entries := []sums.Entry{m.File}
	for _, e := range m.Encodings {
		entries = append(entries, e.Entry)
	}
	if len(entries) != 3 || m.Encodings[0].Coding != "gzip" || m.Encodings[1].Coding != "br" {
		t.Fatalf("manifest lists %+v, want game.wasm, its gzip and its br", m)
	}
	for _, e := range entries {
		b, ok := want[e.Name]
		if !ok || e.Size != int64(len(b)) || e.SHA256 != sums.Sum(sha256.Sum256(b)) {
			t.Errorf("manifest entry %s: size %d, sum %x; the file has %d bytes, sum %x", e.Name, e.Size, e.SHA256[:6], len(b), sha256.Sum256(b))
		}
	}
	manifest := b

	// A rebuild of the same file gives the same bytes.
	if _, err := compressFile(name); err != nil {
		t.Fatal(err)
	}
	gz2, _ := os.ReadFile(name + ".gz")
	br2, _ := os.ReadFile(name + ".br")
	manifest2, _ := os.ReadFile(name + ".sums")
	if !bytes.Equal(gz, gz2) || !bytes.Equal(br, br2) || !bytes.Equal(manifest, manifest2) {
		t.Error("compressing the same file twice gave different bytes")
	}
	if _, err := os.Stat(name + ".br.tmp"); !os.IsNotExist(err) {
		t.Errorf("a temporary file was left behind: %v", err)
	}
}

func TestCompressFileMissing(t *testing.T) {
	if _, err := compressFile(filepath.Join(t.TempDir(), "nope.wasm")); err == nil {
		t.Error("compressing a missing file did not fail")
	}
}

// TestEncodingChecked holds the build-time check the server relies on: an
// encoding that does not decode to the file gets no manifest entry that
// passes, so no manifest vouches for it.
func TestEncodingChecked(t *testing.T) {
	body := []byte(strings.Repeat("tickarena client ", 100))
	gz, err := gzipBytes(body)
	if err != nil {
		t.Fatal(err)
	}
	br, err := brotliBytes(body)
	if err != nil {
		t.Fatal(err)
	}
	other, err := gzipBytes([]byte("an older client"))
	if err != nil {
		t.Fatal(err)
	}
	file := sums.Entry{Name: "game.wasm", Size: int64(len(body)), SHA256: sha256.Sum256(body)}
	tests := []struct {
		name, coding string
		b            []byte
		ok           bool
	}{
		{"gzip", "gzip", gz, true},
		{"brotli", "br", br, true},
		{"truncated gzip", "gzip", gz[:len(gz)/2], false},
		{"not gzip", "gzip", br, false},
		{"truncated brotli", "br", br[:len(br)/2], false},
		{"gzip of another file", "gzip", other, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := encodingEntry("game.wasm", tt.coding, tt.b)
			if err == nil {
				var b []byte
				if b, err = (sums.Manifest{Format: sums.Format, File: file, Encodings: []sums.Encoding{e}}).Marshal(); err != nil {
					t.Fatal(err)
				}
				_, err = sums.Parse(b)
			}
			if (err == nil) != tt.ok {
				t.Errorf("error %v, want ok=%v", err, tt.ok)
			}
		})
	}
}
