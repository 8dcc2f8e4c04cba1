// Package assets holds the files that tickarena serves to browsers: the lobby
// page, the play page, their styles and scripts, the favicon, Go's
// wasm_exec.js and, once `make wasm` has built it, the game client game.wasm.
//
// The files live in the static directory and are embedded into the server
// binary. The embed pattern names the directory, not game.wasm, so that the
// server builds before the client has been built; callers check ClientBuilt.
package assets

import (
	"embed"
	"io/fs"
)

// ClientFile is the name, inside Static, of the WebAssembly game client.
// `make wasm` writes it to assets/static/game.wasm, its gzip encoding to
// game.wasm.gz and its Brotli encoding to game.wasm.br (see cmd/precompress).
const ClientFile = "game.wasm"

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

// ClientBuilt reports whether fsys holds a non-empty game client.
func ClientBuilt(fsys fs.FS) bool {
	info, err := fs.Stat(fsys, ClientFile)
	return err == nil && !info.IsDir() && info.Size() > 0
}
