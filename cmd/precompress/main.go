// Command precompress writes the gzip and Brotli encodings of static files
// beside them, name.gz (gzip's best level) and name.br (Brotli), so that the
// server sends them without compressing anything itself. It checks that each
// encoding decodes to the file, then writes name.sums, a manifest of the
// sizes and SHA-256 sums of the three (see package assets/sums), from which
// the server knows the file's ETag without reading it at start.
// `make wasm` runs it on the game client:
//
//	go run ./cmd/precompress assets/static/game.wasm
//
// The output depends only on the input: no names or times are stored, so a
// rebuild of the same client gives the same bytes.
package main

import (
	"flag"
	"fmt"
	"log/slog"
	"os"
	"time"
)

func main() {
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: precompress FILE...\n\nwrites FILE.gz, FILE.br and FILE.sums beside each FILE")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	for _, name := range flag.Args() {
		start := time.Now()
		sizes, err := compressFile(name)
		if err != nil {
			slog.Error("precompress", "err", err)
			os.Exit(1)
		}
		slog.Info("precompressed", "file", name, "bytes", sizes.plain, "gzip", sizes.gzip, "brotli", sizes.brotli,
			"took", time.Since(start).Round(time.Millisecond))
	}
}
