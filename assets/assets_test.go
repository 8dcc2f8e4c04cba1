package assets_test

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
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

// TestGamePagesShareTheirHead holds replay.html to play.html. The two pages
// run the same client through the same play.js and differ only in their
// words (title, back link, loading texts) and replay.html's data-replay. They
// stay two plain files rather than one template: the web handler serves
// pages as they are, precompressed and revalidated by ETag, and a player
// sees the right words before any script runs. This test is what keeps the
// copy honest: the same head but for the title, and every element play.js
// looks up present in both.
func TestGamePagesShareTheirHead(t *testing.T) {
	fsys := assets.Static()
	read := func(name string) string {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			t.Fatalf("read %s: %v", name, err)
		}
		return string(b)
	}
	head := func(name, page string) []string {
		start, end := strings.Index(page, "<head>"), strings.Index(page, "</head>")
		if start < 0 || end < start {
			t.Fatalf("%s has no <head>", name)
		}
		var lines []string
		for l := range strings.SplitSeq(page[start:end], "\n") {
			if l = strings.TrimSpace(l); !strings.HasPrefix(l, "<title>") {
				lines = append(lines, l)
			}
		}
		return lines
	}
	play, replay := read("play.html"), read("replay.html")
	if p, r := head("play.html", play), head("replay.html", replay); !slices.Equal(p, r) {
		t.Errorf("the heads of play.html and replay.html differ beyond the title:\n%s\n---\n%s",
			strings.Join(p, "\n"), strings.Join(r, "\n"))
	}
	for _, id := range []string{"leave", "sound", "mute", "volume", "play", "loading", "room-label", "progress", "progress-fill", "load-status"} {
		for name, page := range map[string]string{"play.html": play, "replay.html": replay} {
			if !strings.Contains(page, `id="`+id+`"`) {
				t.Errorf("%s has no element id=%q, which play.js uses", name, id)
			}
		}
	}
}
