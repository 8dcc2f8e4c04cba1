package assets_test

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/tickarena/tickarena/assets"
)

func TestStaticHoldsThePages(t *testing.T) {
	fsys := assets.Static()
	tests := []struct {
		name string
		want string
	}{
		{"index.html", `id="lobby"`},
		{"play.html", `/static/wasm_exec.js`},
		{"style.css", "--bg"},
		{"lobby.js", `"tickarena.token"`},
		{"play.js", "client not built: run make wasm"},
		{"favicon.svg", "<svg"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := fs.ReadFile(fsys, tt.name)
			if err != nil {
				t.Fatalf("read %s: %v", tt.name, err)
			}
			if !strings.Contains(string(b), tt.want) {
				t.Errorf("%s does not contain %q", tt.name, tt.want)
			}
		})
	}
	if _, err := fs.Stat(fsys, ".gitignore"); err == nil {
		t.Error("dot files must not be embedded")
	}
}

// TestLoaderFromToolchain checks that a built client is served with the
// wasm_exec.js of the Go toolchain that builds it, not a stale copy: the
// browser cannot run a client with the loader of another Go release.
func TestLoaderFromToolchain(t *testing.T) {
	fsys := assets.Static()
	if !assets.ClientBuilt(fsys) {
		if _, err := fs.Stat(fsys, assets.ClientFile); err == nil {
			t.Fatalf("%s is built but %s is missing: run make wasm", assets.ClientFile, assets.LoaderFile)
		}
		t.Skip("the client is not built (make wasm)")
	}
	got, err := fs.ReadFile(fsys, assets.LoaderFile)
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Skipf("go env GOROOT: %v", err)
	}
	want, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "lib", "wasm", assets.LoaderFile))
	if err != nil {
		t.Fatalf("the toolchain's loader: %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("static/%s differs from the toolchain's: run make wasm", assets.LoaderFile)
	}
}

func TestClientBuilt(t *testing.T) {
	wasm := &fstest.MapFile{Data: []byte("\x00asm")}
	loader := &fstest.MapFile{Data: []byte("globalThis.Go = class {}")}
	tests := []struct {
		name string
		fsys fs.FS
		want bool
	}{
		{"absent", fstest.MapFS{"index.html": {Data: []byte("x")}}, false},
		{"empty", fstest.MapFS{assets.ClientFile: {Data: nil}, assets.LoaderFile: loader}, false},
		{"directory", fstest.MapFS{assets.ClientFile + "/x": {Data: []byte("x")}, assets.LoaderFile: loader}, false},
		{"no loader", fstest.MapFS{assets.ClientFile: wasm}, false},
		{"empty loader", fstest.MapFS{assets.ClientFile: wasm, assets.LoaderFile: {Data: nil}}, false},
		{"present", fstest.MapFS{assets.ClientFile: wasm, assets.LoaderFile: loader}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := assets.ClientBuilt(tt.fsys); got != tt.want {
				t.Errorf("ClientBuilt = %v, want %v", got, tt.want)
			}
		})
	}
}
