// Package sums is the manifest that cmd/precompress writes beside a file and
// its precompressed encodings (game.wasm, game.wasm.gz, game.wasm.br): the
// size and SHA-256 of each, and for each encoding the SHA-256 and size of
// what it decodes to, which cmd/precompress has checked to be the file.
//
// The manifest lets the server give the file its ETag and ?v= version
// without reading the file at start: the 13 MB client and its encodings
// then cost no memory until a browser asks for them.
//
// It is JSON, named after the file with Ext appended (game.wasm.sums):
//
//	{
//	  "format": 1,
//	  "file": {"name": "game.wasm", "size": 13596958, "sha256": "…"},
//	  "encodings": [
//	    {"coding": "gzip", "name": "game.wasm.gz", "size": 3369287, "sha256": "…",
//	     "decoded_size": 13596958, "decoded_sha256": "…"},
//	    …
//	  ]
//	}
package sums

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"strings"
)

// Ext is appended to a file's name to name its manifest.
const Ext = ".sums"

// Format is the manifest format this package writes and reads.
const Format = 1

// Codings maps the content codings a manifest may list to the extension of
// their file: "gzip" is name.gz, "br" is name.br.
var Codings = map[string]string{"gzip": ".gz", "br": ".br"}

// Sum is a SHA-256, written as 64 lowercase hexadecimal digits.
type Sum [sha256.Size]byte

// MarshalText writes s in hexadecimal.
func (s Sum) MarshalText() ([]byte, error) { return []byte(hex.EncodeToString(s[:])), nil }

// UnmarshalText reads 64 hexadecimal digits.
func (s *Sum) UnmarshalText(b []byte) error {
	if len(b) != 2*sha256.Size {
		return fmt.Errorf("sha256 %q: want %d hexadecimal digits", b, 2*sha256.Size)
	}
	if _, err := hex.Decode(s[:], b); err != nil {
		return fmt.Errorf("sha256 %q: %w", b, err)
	}
	return nil
}

// Entry is one file of the manifest.
type Entry struct {
	// Name is the file's name, without a directory: the manifest names
	// files beside it.
	Name string `json:"name"`
	// Size is the file's length in bytes.
	Size int64 `json:"size"`
	// SHA256 is the SHA-256 of the file's bytes, as stored.
	SHA256 Sum `json:"sha256"`
}

// Encoding is one precompressed encoding of the manifest's file.
type Encoding struct {
	// Coding is the HTTP content coding: "gzip" or "br".
	Coding string `json:"coding"`
	Entry
	// DecodedSize is the length in bytes of what the encoding decodes to.
	DecodedSize int64 `json:"decoded_size"`
	// DecodedSHA256 is the SHA-256 of what the encoding decodes to.
	DecodedSHA256 Sum `json:"decoded_sha256"`
}

// Manifest describes a file and its encodings.
type Manifest struct {
	// Format is the manifest's format, Format.
	Format int `json:"format"`
	// File is the file itself.
	File Entry `json:"file"`
	// Encodings are its precompressed encodings, in the order written.
	Encodings []Encoding `json:"encodings"`
}

// Name returns the name of the manifest of the file name: name + Ext.
func Name(name string) string { return name + Ext }

// Marshal returns the manifest as indented JSON with a final newline.
func (m Manifest) Marshal() ([]byte, error) {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("sums: %w", err)
	}
	return append(b, '\n'), nil
}

// Parse reads a manifest and checks that it is consistent with itself: the
// known format, plain names, the encodings named after the file with their
// coding's extension, each once, and each decoding to the file's size and
// sum. It does not look at the files.
func Parse(b []byte) (Manifest, error) {
	var m Manifest
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return Manifest{}, fmt.Errorf("sums: %w", err)
	}
	if m.Format != Format {
		return Manifest{}, fmt.Errorf("sums: format %d, want %d", m.Format, Format)
	}
	if err := plainName(m.File.Name); err != nil {
		return Manifest{}, err
	}
	if m.File.Size < 0 {
		return Manifest{}, fmt.Errorf("sums: %s has a negative size", m.File.Name)
	}
	seen := map[string]bool{}
	for _, e := range m.Encodings {
		ext, ok := Codings[e.Coding]
		if !ok {
			return Manifest{}, fmt.Errorf("sums: unknown coding %q", e.Coding)
		}
		if seen[e.Coding] {
			return Manifest{}, fmt.Errorf("sums: coding %s listed twice", e.Coding)
		}
		seen[e.Coding] = true
		if e.Name != m.File.Name+ext {
			return Manifest{}, fmt.Errorf("sums: the %s encoding is named %q, want %q", e.Coding, e.Name, m.File.Name+ext)
		}
		if e.Size < 0 {
			return Manifest{}, fmt.Errorf("sums: %s has a negative size", e.Name)
		}
		if e.DecodedSize != m.File.Size || e.DecodedSHA256 != m.File.SHA256 {
			return Manifest{}, fmt.Errorf("sums: %s does not decode to %s (%d bytes and sha256 %x, want %d and %x)",
				e.Name, m.File.Name, e.DecodedSize, e.DecodedSHA256[:6], m.File.Size, m.File.SHA256[:6])
		}
	}
	return m, nil
}

// plainName checks that name is a file name without a directory.
func plainName(name string) error {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, `/\`) || path.Base(name) != name {
		return fmt.Errorf("sums: file name %q is not a plain name", name)
	}
	return nil
}

// ErrMismatch is wrapped by the errors of Manifest.Check.
var ErrMismatch = errors.New("the manifest does not match the files")

// Check compares the manifest with the sizes of the files beside it: sizes
// maps each file name of the directory to its size, and must hold the file
// and exactly the encodings the manifest lists (a name.gz or name.br the
// manifest does not list is a mismatch too), each with its listed size.
func (m Manifest) Check(sizes map[string]int64) error {
	if size, ok := sizes[m.File.Name]; !ok {
		return fmt.Errorf("%w: %s is missing", ErrMismatch, m.File.Name)
	} else if size != m.File.Size {
		return fmt.Errorf("%w: %s is %d bytes, the manifest says %d", ErrMismatch, m.File.Name, size, m.File.Size)
	}
	listed := map[string]bool{}
	for _, e := range m.Encodings {
		listed[e.Coding] = true
		size, ok := sizes[e.Name]
		if !ok {
			return fmt.Errorf("%w: %s is missing", ErrMismatch, e.Name)
		}
		if size != e.Size {
			return fmt.Errorf("%w: %s is %d bytes, the manifest says %d", ErrMismatch, e.Name, size, e.Size)
		}
	}
	for coding, ext := range Codings {
		if _, ok := sizes[m.File.Name+ext]; ok && !listed[coding] {
			return fmt.Errorf("%w: %s is not listed", ErrMismatch, m.File.Name+ext)
		}
	}
	return nil
}
