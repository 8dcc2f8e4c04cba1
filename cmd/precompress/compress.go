package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"

	"github.com/andybalholm/brotli"
)

// sizes are the lengths in bytes of a file and of its two encodings.
type sizes struct{ plain, gzip, brotli int }

// compressFile writes name.gz and name.br from name.
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
	if err := writeAtomic(name+".gz", gz); err != nil {
		return sizes{}, err
	}
	if err := writeAtomic(name+".br", br); err != nil {
		return sizes{}, err
	}
	return sizes{plain: len(body), gzip: len(gz), brotli: len(br)}, nil
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
