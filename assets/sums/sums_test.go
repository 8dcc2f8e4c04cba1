package sums_test

import (
	"crypto/sha256"
	"errors"
	"strings"
	"testing"

	"github.com/tickarena/tickarena/assets/sums"
)

// valid returns a manifest of a 1000-byte game.wasm and its two encodings.
func valid() sums.Manifest {
	file := sums.Sum(sha256.Sum256([]byte("the client")))
	return sums.Manifest{
		Format: sums.Format,
		File:   sums.Entry{Name: "game.wasm", Size: 1000, SHA256: file},
		Encodings: []sums.Encoding{
			{Coding: "gzip", Entry: sums.Entry{Name: "game.wasm.gz", Size: 300, SHA256: sha256.Sum256([]byte("gz"))}, DecodedSize: 1000, DecodedSHA256: file},
			{Coding: "br", Entry: sums.Entry{Name: "game.wasm.br", Size: 250, SHA256: sha256.Sum256([]byte("br"))}, DecodedSize: 1000, DecodedSHA256: file},
		},
	}
}

func TestRoundTrip(t *testing.T) {
	b, err := valid().Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"sha256": "`) || !strings.HasSuffix(string(b), "}\n") {
		t.Errorf("manifest is not indented JSON with hexadecimal sums:\n%s", b)
	}
	m, err := sums.Parse(b)
	if err != nil {
		t.Fatalf("Parse of a written manifest: %v", err)
	}
	if m.File != valid().File || len(m.Encodings) != 2 || m.Encodings[1] != valid().Encodings[1] {
		t.Errorf("Parse(Marshal(m)) = %+v, want %+v", m, valid())
	}
	if sums.Name("static/game.wasm") != "static/game.wasm.sums" {
		t.Errorf("Name = %q", sums.Name("static/game.wasm"))
	}
}

func TestParseRefuses(t *testing.T) {
	tests := []struct {
		name string
		edit func(m *sums.Manifest)
		raw  string // used instead of the edited manifest when set
		want string
	}{
		{name: "not JSON", raw: "game.wasm 1000", want: "invalid character"},
		{name: "unknown field", raw: `{"format":1,"file":{"name":"game.wasm"},"extra":1}`, want: "unknown field"},
		{name: "short sum", raw: `{"format":1,"file":{"name":"game.wasm","size":1,"sha256":"abcd"}}`, want: "hexadecimal digits"},
		{name: "future format", edit: func(m *sums.Manifest) { m.Format = 2 }, want: "format 2"},
		{name: "directory in name", edit: func(m *sums.Manifest) { m.File.Name = "../game.wasm" }, want: "not a plain name"},
		{name: "no name", edit: func(m *sums.Manifest) { m.File.Name = "" }, want: "not a plain name"},
		{name: "negative size", edit: func(m *sums.Manifest) { m.File.Size = -1 }, want: "negative size"},
		{name: "unknown coding", edit: func(m *sums.Manifest) { m.Encodings[0].Coding = "zstd" }, want: `unknown coding "zstd"`},
		{name: "coding twice", edit: func(m *sums.Manifest) { m.Encodings[1] = m.Encodings[0] }, want: "listed twice"},
		{name: "encoding of another file", edit: func(m *sums.Manifest) { m.Encodings[0].Name = "old.wasm.gz" }, want: `want "game.wasm.gz"`},
		{name: "decodes to another size", edit: func(m *sums.Manifest) { m.Encodings[1].DecodedSize = 999 }, want: "game.wasm.br does not decode to game.wasm"},
		{name: "decodes to another sum", edit: func(m *sums.Manifest) { m.Encodings[0].DecodedSHA256[0] ^= 1 }, want: "game.wasm.gz does not decode to game.wasm"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := []byte(tt.raw)
			if tt.edit != nil {
				m := valid()
				tt.edit(&m)
				var err error
				if b, err = m.Marshal(); err != nil {
					t.Fatal(err)
				}
			}
			_, err := sums.Parse(b)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	good := map[string]int64{"game.wasm": 1000, "game.wasm.gz": 300, "game.wasm.br": 250}
	with := func(edit func(map[string]int64)) map[string]int64 {
		s := map[string]int64{}
		for k, v := range good {
			s[k] = v
		}
		edit(s)
		return s
	}
	gzOnly := valid()
	gzOnly.Encodings = gzOnly.Encodings[:1]
	tests := []struct {
		name     string
		manifest sums.Manifest
		sizes    map[string]int64
		want     string // "" for no error
	}{
		{"matches", valid(), good, ""},
		{"file rebuilt", valid(), with(func(s map[string]int64) { s["game.wasm"] = 1001 }), "game.wasm is 1001 bytes, the manifest says 1000"},
		{"file missing", valid(), with(func(s map[string]int64) { delete(s, "game.wasm") }), "game.wasm is missing"},
		{"gzip rebuilt", valid(), with(func(s map[string]int64) { s["game.wasm.gz"] = 301 }), "game.wasm.gz is 301 bytes"},
		{"brotli missing", valid(), with(func(s map[string]int64) { delete(s, "game.wasm.br") }), "game.wasm.br is missing"},
		{"brotli not listed", gzOnly, good, "game.wasm.br is not listed"},
		{"only what it lists", gzOnly, with(func(s map[string]int64) { delete(s, "game.wasm.br") }), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.manifest.Check(tt.sizes)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Check = %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want) || !errors.Is(err, sums.ErrMismatch)):
				t.Errorf("Check = %v, want ErrMismatch containing %q", err, tt.want)
			}
		})
	}
}
