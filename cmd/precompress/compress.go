package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/andybalholm/brotli"
	"github.com/tickarena/tickarena/assets/sums"
)

// sizes are the lengths in bytes of a file and of its two encodings.
type sizes struct{ plain, gzip, brotli int }

// compressFile writes name.gz and name.br from name, checks that each decodes
// to name, and then writes the manifest name.sums (see package sums) with the
// sizes and sums of the three, so that the server need not read them to know
// them.
func compressFile(name string) (sizes, error) {
	body, err := os.ReadFile(name)
	if err != nil {
		return sizes{}, fmt.Errorf("read: %w", err)
	}
	gz, err := gzipBytes(body)
	if err != nil {
		return sizes{}, fmt.Errorf("gzip %s: %w", name, err)
	}
	br, err := brotliBytes(body)
	if err != nil {
		return sizes{}, fmt.Errorf("brotli %s: %w", name, err)
	}
	base := filepath.Base(name)
	m := sums.Manifest{
		Format: sums.Format,
		File:   sums.Entry{Name: base, Size: int64(len(body)), SHA256: sha256.Sum256(body)},
	}
	for _, enc := range []struct {
		coding string
		b      []byte
	}{{"gzip", gz}, {"br", br}} {
		e, err := encodingEntry(base, enc.coding, enc.b)
		if err != nil {
			return sizes{}, err
		}
		m.Encodings = append(m.Encodings, e)
	}
	manifest, err := m.Marshal()
	if err != nil {
		return sizes{}, err
	}
	// The manifest must describe the files: it is checked against what
	// decoding the encodings gives, and it is written last, after them.
	if _, err := sums.Parse(manifest); err != nil {
		return sizes{}, fmt.Errorf("%s: %w", name, err)
	}
	if err := writeAtomic(name+".gz", gz); err != nil {
		return sizes{}, err
	}
	if err := writeAtomic(name+".br", br); err != nil {
		return sizes{}, err
	}
	if err := writeAtomic(sums.Name(name), manifest); err != nil {
		return sizes{}, err
	}
	return sizes{plain: len(body), gzip: len(gz), brotli: len(br)}, nil
}

// encodingEntry decodes b, the coding encoding of the file base, and returns
// its manifest entry: its own size and sum, and those of what it decodes to.
func encodingEntry(base, coding string, b []byte) (sums.Encoding, error) {
	name := base + sums.Codings[coding]
	plain, err := decode(coding, b)
	if err != nil {
		return sums.Encoding{}, fmt.Errorf("decode %s: %w", name, err)
	}
	return sums.Encoding{
		Coding:        coding,
		Entry:         sums.Entry{Name: name, Size: int64(len(b)), SHA256: sha256.Sum256(b)},
		DecodedSize:   int64(len(plain)),
		DecodedSHA256: sha256.Sum256(plain),
	}, nil
}

// decode returns what b, in the content coding "gzip" or "br", decodes to.
func decode(coding string, b []byte) ([]byte, error) {
	switch coding {
	case "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, err
		}
		return io.ReadAll(zr)
	case "br":
		return io.ReadAll(brotli.NewReader(bytes.NewReader(b)))
	}
	return nil, fmt.Errorf("unknown coding %q", coding)
}

// gzipBytes compresses b at gzip's best level, with no name or time in the
// header.
func gzipBytes(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// brotliWindowBits is the log2 of Brotli's window: 24 (16 MiB), the largest
// the format allows without the large-window extension browsers lack, so
// that repeats anywhere in a client of a few megabytes are found.
const brotliWindowBits = 24

// brotliQuality is the Brotli level, 0 to 11. On the 12 MB game client, 9
// gives 2.4 MB in under a minute of CPU; 11 saves another 0.3 MB but takes
// several times as long, too slow for every `make wasm`.
const brotliQuality = 9

// brotliBytes compresses b at brotliQuality.
func brotliBytes(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	bw := brotli.NewWriterOptions(&buf, brotli.WriterOptions{Quality: brotliQuality, LGWin: brotliWindowBits})
	if _, err := bw.Write(b); err != nil {
		return nil, err
	}
	if err := bw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writeAtomic writes b to name through a temporary file, so that a server
// reading the directory never sees half a file.
func writeAtomic(name string, b []byte) error {
	tmp := name + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", tmp, err)
	}
	if err := os.Rename(tmp, name); err != nil {
		return fmt.Errorf("replace %s: %w", name, err)
	}
	return nil
}
