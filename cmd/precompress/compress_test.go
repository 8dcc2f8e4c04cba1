package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/andybalholm/brotli"
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

	// A rebuild of the same file gives the same bytes.
	if _, err := compressFile(name); err != nil {
		t.Fatal(err)
	}
	gz2, _ := os.ReadFile(name + ".gz")
	br2, _ := os.ReadFile(name + ".br")
	if !bytes.Equal(gz, gz2) || !bytes.Equal(br, br2) {
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
