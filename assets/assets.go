// Package assets holds the files that tickarena serves to browsers: the lobby
// page, the play page, their styles and scripts, the favicon and, once `make
// wasm` has built them, the game client game.wasm and Go's wasm_exec.js that
// runs it.
//
// The files live in the static directory and are embedded into the server
// binary. The embed pattern names the directory, not game.wasm, so that the
// server builds before the client has been built; callers check ClientBuilt.
// Neither built file is kept in git: wasm_exec.js is copied from the Go
// toolchain that compiles game.wasm, so that a Go upgrade updates both.
package assets

import (
	"embed"
	"io/fs"
)

// ClientFile is the name, inside Static, of the WebAssembly game client.
// `make wasm` writes it to assets/static/game.wasm, its gzip encoding to
// game.wasm.gz, its Brotli encoding to game.wasm.br and the sizes and sums
// of the three to game.wasm.sums (see cmd/precompress and package
// assets/sums).
const ClientFile = "game.wasm"

// LoaderFile is the name, inside Static, of Go's wasm_exec.js, the script that
// runs ClientFile in a browser. `make wasm` copies it from the toolchain that
// builds the client, `$(go env GOROOT)/lib/wasm/wasm_exec.js`, because the
// loader and the client must come from the same Go release.
const LoaderFile = "wasm_exec.js"

//go:embed static
var embedded embed.FS

// Static returns the browser files, rooted at the static directory, so that
// "index.html" and "game.wasm" are names at its top level.
func Static() fs.FS {
	sub, err := fs.Sub(embedded, "static")
	if err != nil {
		// fs.Sub fails only for an invalid directory name, and "static" is valid.
		panic("assets: " + err.Error())
	}
	return sub
}

// ClientBuilt reports whether fsys holds a non-empty game client and the
// loader that runs it.
func ClientBuilt(fsys fs.FS) bool {
	return nonEmpty(fsys, ClientFile) && nonEmpty(fsys, LoaderFile)
}

// nonEmpty reports whether name is a regular file with content in fsys.
func nonEmpty(fsys fs.FS, name string) bool {
	info, err := fs.Stat(fsys, name)
	return err == nil && !info.IsDir() && info.Size() > 0
}
