package web_test

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/andybalholm/brotli"
	"github.com/tickarena/tickarena/assets"
	"github.com/tickarena/tickarena/assets/sums"
	"github.com/tickarena/tickarena/internal/servertest"
	"github.com/tickarena/tickarena/server/web"
)

// countingFS counts the bytes read from each file of an fs.FS, so that a
// test can tell which files the handler read.
type countingFS struct {
	fs.FS
	mu   sync.Mutex
	read map[string]int64
}

func newCountingFS(fsys fs.FS) *countingFS { return &countingFS{FS: fsys, read: map[string]int64{}} }

// ReadDir lists the directory without opening its files, as WalkDir does
// on the file systems the server uses.
func (c *countingFS) ReadDir(name string) ([]fs.DirEntry, error) { return fs.ReadDir(c.FS, name) }

func (c *countingFS) Open(name string) (fs.File, error) {
	f, err := c.FS.Open(name)
	if err != nil {
		return nil, err
	}
	return &countingFile{File: f, name: name, fs: c}, nil
}

// bytesRead returns the bytes read so far from the named files.
func (c *countingFS) bytesRead(names ...string) int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	var n int64
	for _, name := range names {
		n += c.read[name]
	}
	return n
}

// clientFiles are the client and its encodings.
var clientFiles = []string{assets.ClientFile, assets.ClientFile + ".gz", assets.ClientFile + ".br"}

func (c *countingFS) count(name string, n int) {
	c.mu.Lock()
	c.read[name] += int64(n)
	c.mu.Unlock()
}

type countingFile struct {
	fs.File
	name string
	fs   *countingFS
}

func (f *countingFile) Read(p []byte) (int, error) {
	n, err := f.File.Read(p)
	f.fs.count(f.name, n)
	return n, err
}

func (f *countingFile) Seek(offset int64, whence int) (int64, error) {
	s, ok := f.File.(io.Seeker)
	if !ok {
		return 0, errors.New("cannot seek")
	}
	return s.Seek(offset, whence)
}

// manifestOf returns the manifest cmd/precompress writes for a client and its
// encodings.
func manifestOf(t testing.TB, body, gzBody, brBody []byte) sums.Manifest {
	t.Helper()
	sum := sums.Sum(sha256.Sum256(body))
	entry := func(coding string, b []byte) sums.Encoding {
		return sums.Encoding{
			Coding:        coding,
			Entry:         sums.Entry{Name: assets.ClientFile + sums.Codings[coding], Size: int64(len(b)), SHA256: sha256.Sum256(b)},
			DecodedSize:   int64(len(body)),
			DecodedSHA256: sum,
		}
	}
	return sums.Manifest{
		Format:    sums.Format,
		File:      sums.Entry{Name: assets.ClientFile, Size: int64(len(body)), SHA256: sum},
		Encodings: []sums.Encoding{entry("gzip", gzBody), entry("br", brBody)},
	}
}

// withManifest adds m to fsys as game.wasm.sums.
func withManifest(t testing.TB, fsys fstest.MapFS, m sums.Manifest) fstest.MapFS {
	t.Helper()
	b, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	fsys[sums.Name(assets.ClientFile)] = &fstest.MapFile{Data: b}
	return fsys
}

// builtSite is siteFS with game.wasm.br too, as `make wasm` leaves it, but
// no manifest.
func builtSite(t testing.TB) fstest.MapFS {
	fsys := siteFS(t, true)
	fsys[assets.ClientFile+".br"] = &fstest.MapFile{Data: br(t, wasmBody)}
	return fsys
}

// clientView is what browsers see of the client: the ETag of each
// representation, the ?v= version play.html names, and whether each body
// is the client.
type clientView struct {
	etags   map[string]string // by Content-Encoding asked for
	version string
}

// expectSame fails t unless v names the same version and serves the same
// representations as want, which browsers saw served as the label says.
func (v clientView) expectSame(t *testing.T, want clientView, label string) {
	t.Helper()
	if v.version != want.version {
		t.Errorf("play.html names game.wasm?v=%q, %s %q", v.version, label, want.version)
	}
	for accept, etag := range want.etags {
		if v.etags[accept] != etag {
			t.Errorf("Accept-Encoding %q: %s, %s %s", accept, v.etags[accept], label, etag)
		}
	}
}

var versionRE = regexp.MustCompile(`/static/game\.wasm\?v=([A-Za-z0-9_-]+)`)

// viewClient asks the handler on fsys for the client in each encoding and
// checks that each body decodes to want. It returns the handler's log.
func viewClient(t *testing.T, fsys fs.FS, want []byte) (clientView, *servertest.LogBuffer) {
	t.Helper()
	logs := &servertest.LogBuffer{}
	h, err := web.New(web.Options{FS: fsys, Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		t.Fatalf("web.New: %v", err)
	}
	mux := http.NewServeMux()
	h.Register(mux)
	srv := newHTTPServer(t, mux)
	v := clientView{etags: map[string]string{}}
	_, page := get(t, http.MethodGet, srv+"/play", nil)
	if m := versionRE.FindSubmatch(page); m != nil {
		v.version = string(m[1])
	}
	for _, accept := range []string{"br", "gzip", ""} {
		res, body := get(t, http.MethodGet, srv+"/static/game.wasm", map[string]string{"Accept-Encoding": accept})
		if res.StatusCode != http.StatusOK {
			t.Fatalf("Accept-Encoding %q: status %d", accept, res.StatusCode)
		}
		plain := decodeBody(t, res.Header.Get("Content-Encoding"), body)
		if !bytes.Equal(plain, want) {
			t.Errorf("Accept-Encoding %q (%q): the body is not the client", accept, res.Header.Get("Content-Encoding"))
		}
		etag := res.Header.Get("ETag")
		v.etags[accept] = res.Header.Get("Content-Encoding") + " " + etag
		again, _ := get(t, http.MethodGet, srv+"/static/game.wasm", map[string]string{"Accept-Encoding": accept, "If-None-Match": etag})
		if again.StatusCode != http.StatusNotModified {
			t.Errorf("Accept-Encoding %q: revalidating %s gave %d, want 304", accept, etag, again.StatusCode)
		}
	}
	return v, logs
}

func decodeBody(t *testing.T, coding string, body []byte) []byte {
	t.Helper()
	var r io.Reader = bytes.NewReader(body)
	switch coding {
	case "br":
		r = brotli.NewReader(r)
	case "gzip":
		zr, err := gzip.NewReader(r)
		if err != nil {
			t.Fatalf("gzip body: %v", err)
		}
		r = zr
	}
	plain, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("decode %q body: %v", coding, err)
	}
	return plain
}

func newHTTPServer(t *testing.T, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestManifestSparesReadingAtStart holds the host's memory rule for the
// client: with a manifest that matches the files' sizes, starting the
// handler reads none of game.wasm, .gz or .br (they stay out of memory
// until a browser asks), and browsers see the same ETags and ?v= version as
// when the handler hashes the files itself.
func TestManifestSparesReadingAtStart(t *testing.T) {
	site := builtSite(t)
	baseline, _ := viewClient(t, site, wasmBody)

	fsys := newCountingFS(withManifest(t, builtSite(t), manifestOf(t, wasmBody, site["game.wasm.gz"].Data, site["game.wasm.br"].Data)))
	if _, err := web.New(web.Options{FS: fsys, Logger: quietLogger}); err != nil {
		t.Fatal(err)
	}
	if n := fsys.bytesRead(clientFiles...); n != 0 {
		t.Errorf("starting with a manifest read %d bytes of the client and its encodings, want 0", n)
	}
	if n := fsys.bytesRead("style.css"); n == 0 {
		t.Error("the counting file system saw no read of style.css: the test measures nothing")
	}

	got, logs := viewClient(t, fsys, wasmBody)
	if baseline.version == "" {
		t.Error("play.html names no game.wasm?v= without a manifest")
	}
	got.expectSame(t, baseline, "without a manifest")
	if strings.Contains(logs.String(), "WARN") {
		t.Errorf("a matching manifest was warned about:\n%s", logs)
	}
	srv := newHTTPServer(t, registered(t, fsys))
	if res, _ := get(t, http.MethodGet, srv+"/static/game.wasm.sums", nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("GET /static/game.wasm.sums: status %d, want 404: the manifest is not an asset", res.StatusCode)
	}
}

// TestManifestIgnoredWhenSizesDiffer: a manifest that does not describe the
// files beside it (a host rebuilt or replaced game.wasm in its -static
// directory and kept the old manifest) is ignored with a warning that says
// why, and the files are read and hashed at start as without one. Ignoring,
// not refusing to start: the files themselves are the truth and the
// server can still serve them right, only at the old memory cost, so a
// stale cache file must not become an outage; the warning tells the host
// to rebuild it.
func TestManifestIgnoredWhenSizesDiffer(t *testing.T) {
	site := builtSite(t)
	gzBody, brBody := site["game.wasm.gz"].Data, site["game.wasm.br"].Data
	baseline, _ := viewClient(t, site, wasmBody)
	good := func() sums.Manifest { return manifestOf(t, wasmBody, gzBody, brBody) }
	tests := []struct {
		name string
		edit func(fsys fstest.MapFS)
		want string // in the warning
	}{
		{"client rebuilt", func(fsys fstest.MapFS) {
			m := good()
			m.File.Size++
			m.Encodings[0].DecodedSize++
			m.Encodings[1].DecodedSize++
			withManifest(t, fsys, m)
		}, "game.wasm is 75008 bytes, the manifest says 75009"},
		{"gzip size", func(fsys fstest.MapFS) {
			m := good()
			m.Encodings[0].Size--
			withManifest(t, fsys, m)
		}, "game.wasm.gz is"},
		{"brotli not listed", func(fsys fstest.MapFS) {
			m := good()
			m.Encodings = m.Encodings[:1]
			withManifest(t, fsys, m)
		}, "game.wasm.br is not listed"},
		{"brotli listed but missing", func(fsys fstest.MapFS) {
			withManifest(t, fsys, good())
			delete(fsys, "game.wasm.br")
		}, "game.wasm.br is missing"},
		{"another file", func(fsys fstest.MapFS) {
			m := good()
			m.File.Name = "old.wasm"
			for i := range m.Encodings {
				m.Encodings[i].Name = "old.wasm" + sums.Codings[m.Encodings[i].Coding]
			}
			withManifest(t, fsys, m)
		}, "it describes old.wasm"},
		{"not a manifest", func(fsys fstest.MapFS) {
			fsys["game.wasm.sums"] = &fstest.MapFile{Data: []byte("game.wasm 0b58b91d\n")}
		}, "invalid character"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mapFS := builtSite(t)
			tt.edit(mapFS)
			fsys := newCountingFS(mapFS)
			logs := &servertest.LogBuffer{}
			if _, err := web.New(web.Options{FS: fsys, Logger: slog.New(slog.NewTextHandler(logs, nil))}); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(logs.String(), "ignoring the sums manifest") || !strings.Contains(logs.String(), tt.want) {
				t.Errorf("log does not say the manifest was ignored because %q:\n%s", tt.want, logs)
			}
			if n := fsys.bytesRead(clientFiles...); n < int64(len(wasmBody)) {
				t.Errorf("read %d bytes of the client at start, want it hashed as without a manifest", n)
			}
			if _, ok := mapFS["game.wasm.br"]; !ok {
				return // a different site: the baseline does not apply
			}
			got, _ := viewClient(t, fsys, wasmBody)
			got.expectSame(t, baseline, "without a manifest")
		})
	}
}

// TestManifestSumsCheckedBeforeServing: sizes are all the handler checks at
// start; a manifest whose sizes match but whose sums are wrong (a client
// rebuilt to the same size, with the old manifest and encodings) is caught
// before the first byte of the client goes out, and the client is then
// served as without a manifest: ETags from its real bytes, and stale
// encodings dropped, never served under the manifest's ETags.
func TestManifestSumsCheckedBeforeServing(t *testing.T) {
	site := builtSite(t)
	gzBody, brBody := site["game.wasm.gz"].Data, site["game.wasm.br"].Data
	// A client of the same size as wasmBody, with different bytes.
	rebuilt := bytes.Clone(wasmBody)
	copy(rebuilt[len(rebuilt)-8:], "rebuilt!")

	tests := []struct {
		name     string
		site     func() fstest.MapFS // the files, with the manifest
		baseline func() fstest.MapFS // the same files as the handler should see them, without a manifest
		body     []byte
		mismatch string
	}{
		{
			name: "client rebuilt to the same size",
			site: func() fstest.MapFS {
				fsys := withManifest(t, builtSite(t), manifestOf(t, wasmBody, gzBody, brBody))
				fsys["game.wasm"] = &fstest.MapFile{Data: rebuilt}
				return fsys
			},
			baseline: func() fstest.MapFS {
				fsys := builtSite(t)
				fsys["game.wasm"] = &fstest.MapFile{Data: rebuilt}
				return fsys // with the stale encodings, which the handler drops
			},
			body:     rebuilt,
			mismatch: "mismatch=game.wasm",
		},
		{
			name: "wrong gzip sum",
			site: func() fstest.MapFS {
				m := manifestOf(t, wasmBody, gzBody, brBody)
				m.Encodings[0].SHA256[0] ^= 1
				return withManifest(t, builtSite(t), m)
			},
			baseline: func() fstest.MapFS { return builtSite(t) },
			body:     wasmBody,
			mismatch: "mismatch=game.wasm.gz",
		},
		{
			name: "brotli rebuilt to the same size",
			site: func() fstest.MapFS {
				fsys := withManifest(t, builtSite(t), manifestOf(t, wasmBody, gzBody, brBody))
				stale := bytes.Clone(brBody)
				stale[len(stale)/2] ^= 0x55
				fsys["game.wasm.br"] = &fstest.MapFile{Data: stale}
				return fsys
			},
			baseline: func() fstest.MapFS {
				fsys := builtSite(t)
				delete(fsys, "game.wasm.br")
				return fsys
			},
			body:     wasmBody,
			mismatch: "mismatch=game.wasm.br",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, _ := viewClient(t, tt.baseline(), tt.body)
			fsys := newCountingFS(tt.site())
			got, logs := viewClient(t, fsys, tt.body)
			for accept, etag := range want.etags {
				if got.etags[accept] != etag {
					t.Errorf("Accept-Encoding %q: served %s, want %s as without a manifest", accept, got.etags[accept], etag)
				}
			}
			if !strings.Contains(logs.String(), "the sums manifest does not match the files") || !strings.Contains(logs.String(), tt.mismatch) {
				t.Errorf("log does not report %s:\n%s", tt.mismatch, logs)
			}
		})
	}

	t.Run("the page's stale version is not kept for a year", func(t *testing.T) {
		fsys := withManifest(t, builtSite(t), manifestOf(t, wasmBody, gzBody, brBody))
		fsys["game.wasm"] = &fstest.MapFile{Data: rebuilt}
		srv := newHTTPServer(t, registered(t, fsys))
		_, page := get(t, http.MethodGet, srv+"/play", nil)
		m := versionRE.FindSubmatch(page)
		if m == nil {
			t.Fatalf("play.html names no versioned client: %s", page)
		}
		res, _ := get(t, http.MethodGet, srv+"/static/game.wasm?v="+string(m[1]), nil)
		if cc := res.Header.Get("Cache-Control"); strings.Contains(cc, "immutable") {
			t.Errorf("the client under the manifest's version %s, which is not its content's: Cache-Control %q", m[1], cc)
		}
	})
}

// registered returns a ServeMux with a quiet handler for fsys on it.
func registered(t *testing.T, fsys fs.FS) *http.ServeMux {
	t.Helper()
	h, err := web.New(web.Options{FS: fsys, Logger: quietLogger})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	h.Register(mux)
	return mux
}

// withoutManifest hides the sums manifest of a file system.
type withoutManifest struct{ fs.FS }

func (w withoutManifest) Open(name string) (fs.File, error) {
	if strings.HasSuffix(name, sums.Ext) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return w.FS.Open(name)
}

func (w withoutManifest) ReadDir(name string) ([]fs.DirEntry, error) {
	entries, err := fs.ReadDir(w.FS, name)
	var kept []fs.DirEntry
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), sums.Ext) {
			kept = append(kept, e)
		}
	}
	return kept, err
}

// TestEmbeddedManifest holds the build to its word: the manifest that `make
// wasm` embeds (written by cmd/precompress) matches the embedded client and
// its encodings, byte for byte and decoded, so that a stale manifest fails
// here and not in a browser; the handler over the embedded files reads none
// of the client at start; and browsers see the same ETags and version as
// without the manifest.
func TestEmbeddedManifest(t *testing.T) {
	static := assets.Static()
	if !assets.ClientBuilt(static) {
		t.Skip("the client is not built (make wasm)")
	}
	b, err := fs.ReadFile(static, sums.Name(assets.ClientFile))
	if err != nil {
		t.Fatalf("the client is built but its manifest is missing: run make wasm (%v)", err)
	}
	m, err := sums.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	read := func(name string) []byte {
		b, err := fs.ReadFile(static, name)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	client := read(assets.ClientFile)
	if m.File.Name != assets.ClientFile || m.File.Size != int64(len(client)) || m.File.SHA256 != sums.Sum(sha256.Sum256(client)) {
		t.Errorf("the manifest says %s is %d bytes with sha256 %x; it is %d bytes with %x: run make wasm",
			m.File.Name, m.File.Size, m.File.SHA256, len(client), sha256.Sum256(client))
	}
	if len(m.Encodings) != 2 {
		t.Errorf("the manifest lists %d encodings, want gzip and br", len(m.Encodings))
	}
	for _, e := range m.Encodings {
		enc := read(e.Name)
		if e.Size != int64(len(enc)) || e.SHA256 != sums.Sum(sha256.Sum256(enc)) {
			t.Errorf("the manifest says %s is %d bytes with sha256 %x; it is %d bytes with %x: run make wasm",
				e.Name, e.Size, e.SHA256, len(enc), sha256.Sum256(enc))
		}
		if plain := decodeBody(t, e.Coding, enc); !bytes.Equal(plain, client) {
			t.Errorf("%s decodes to %d bytes that are not %s: run make wasm", e.Name, len(plain), assets.ClientFile)
		}
	}
	if t.Failed() {
		return
	}

	fsys := newCountingFS(static)
	if _, err := web.New(web.Options{FS: fsys, Logger: quietLogger}); err != nil {
		t.Fatal(err)
	}
	if n := fsys.bytesRead(clientFiles...); n != 0 {
		t.Errorf("starting on the embedded files read %d bytes of the client, want 0", n)
	}
	want, _ := viewClient(t, withoutManifest{static}, client)
	got, logs := viewClient(t, static, client)
	got.expectSame(t, want, "without the manifest")
	if strings.Contains(logs.String(), "WARN") {
		t.Errorf("the embedded manifest was warned about:\n%s", logs)
	}
}
