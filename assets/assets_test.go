package assets_test

import (
	"io/fs"
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
		{"wasm_exec.js", "Copyright 2018 The Go Authors"},
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

func TestClientBuilt(t *testing.T) {
	tests := []struct {
		name string
		fsys fs.FS
		want bool
	}{
		{"absent", fstest.MapFS{"index.html": {Data: []byte("x")}}, false},
		{"empty", fstest.MapFS{assets.ClientFile: {Data: nil}}, false},
		{"directory", fstest.MapFS{assets.ClientFile + "/x": {Data: []byte("x")}}, false},
		{"present", fstest.MapFS{assets.ClientFile: {Data: []byte("\x00asm")}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := assets.ClientBuilt(tt.fsys); got != tt.want {
				t.Errorf("ClientBuilt = %v, want %v", got, tt.want)
			}
		})
	}
}
