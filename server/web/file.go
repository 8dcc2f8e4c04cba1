package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"mime"
	"path"
	"strings"
	"sync"

	"github.com/andybalholm/brotli"
	"github.com/tickarena/tickarena/assets/sums"
)

// contentTypes fixes the types of the files tickarena ships, so that serving
// does not depend on the host's MIME tables.
var contentTypes = map[string]string{
	".html":  "text/html; charset=utf-8",
	".css":   "text/css; charset=utf-8",
	".js":    "text/javascript; charset=utf-8",
	".mjs":   "text/javascript; charset=utf-8",
	".json":  "application/json",
	".svg":   "image/svg+xml",
	".wasm":  "application/wasm",
	".png":   "image/png",
	".webp":  "image/webp",
	".ico":   "image/x-icon",
	".woff2": "font/woff2",
	".txt":   "text/plain; charset=utf-8",
	".map":   "application/json",
}

// contentType returns the Content-Type for a file name.
func contentType(name string) string {
	ext := strings.ToLower(path.Ext(name))
	if ct, ok := contentTypes[ext]; ok {
		return ct
	}
	if ct := mime.TypeByExtension(ext); ct != "" {
		return ct
	}
	return "application/octet-stream"
}

// compressible reports whether gzip is worth trying for a content type:
// text formats and WebAssembly shrink a lot, images and fonts do not.
func compressible(ct string) bool {
	switch {
	case strings.HasPrefix(ct, "text/"),
		strings.HasPrefix(ct, "application/json"),
		strings.HasPrefix(ct, "application/wasm"),
		strings.HasPrefix(ct, "image/svg+xml"):
		return true
	}
	return false
}

// content is the bytes of a file or of one of its encodings: held in memory,
// or, for a large file whose file system can seek (the embedded one can, and
// its bytes live in the binary), opened again for each request, so that the
// 12 MB client and its encodings are not copied onto the heap.
type content struct {
	mem  []byte // the bytes, when held in memory
	fsys fs.FS  // otherwise the file system and name to open
	name string
	size int64
}

// memContent holds b in memory.
func memContent(b []byte) content { return content{mem: b, size: int64(len(b))} }

// held reports whether there are bytes at all (a missing variant has none).
func (c content) held() bool { return c.mem != nil || c.fsys != nil }

// open returns a reader over the bytes and what to close after serving.
func (c content) open() (io.ReadSeeker, io.Closer, error) {
	if c.fsys == nil {
		return bytes.NewReader(c.mem), io.NopCloser(nil), nil
	}
	f, err := c.fsys.Open(c.name)
	if err != nil {
		return nil, nil, fmt.Errorf("open %s: %w", c.name, err)
	}
	rs, ok := f.(io.ReadSeeker)
	if !ok {
		_ = f.Close()
		return nil, nil, fmt.Errorf("open %s: the file system cannot seek", c.name)
	}
	return rs, f, nil
}

// sha256Of hashes everything r yields.
func sha256Of(r io.Reader) ([sha256.Size]byte, error) {
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return [sha256.Size]byte{}, err
	}
	return [sha256.Size]byte(h.Sum(nil)), nil
}

// file is one servable file with its gzip and Brotli variants.
type file struct {
	name        string
	body        content
	sum         [sha256.Size]byte // of body
	contentType string
	etag        string // strong ETag of body, quoted
	version     string // short content hash used in ?v= URLs

	precompressed bool // a matching .gz was found at load; set before serving starts

	gzOnce sync.Once
	gz     content // gzip of body; not held when gzip does not pay
	gzETag string

	// br is the Brotli encoding of body, from a matching .br file found at
	// load; not held when there is none. Brotli is never made at request
	// time: its best levels are far too slow for that.
	br     content
	brETag string

	// expect, when set, holds the sums a manifest (see package sums) gave
	// for the stored bytes of body, gz and br, which were then taken on its
	// word at load without being read. They are checked once, before the
	// first byte of the file is served (see verify).
	expect     *expected
	verifyOnce sync.Once
	unreadable error // why the file cannot be served, when verify could not read it
}

// expected is what the stored bytes of a file and of its precompressed
// encodings hash to, as its manifest says.
type expected struct {
	body, gz, br [sha256.Size]byte
}

// newFile builds a file held in memory from its content.
func newFile(name string, body []byte) *file {
	return newFileSum(name, memContent(body), sha256.Sum256(body))
}

// newFileSum builds a file from its content and the content's SHA-256.
func newFileSum(name string, body content, sum [sha256.Size]byte) *file {
	f := &file{name: name, body: body, contentType: contentType(name)}
	f.setSum(sum)
	return f
}

// setSum sets the body's SHA-256 and the ETag and version made from it.
func (f *file) setSum(sum [sha256.Size]byte) {
	tag := base64.RawURLEncoding.EncodeToString(sum[:15])
	f.sum, f.etag, f.version = sum, `"`+tag+`"`, tag[:12]
}

// minGzipSize is the size under which gzip costs more than it saves.
const minGzipSize = 512

// setPrecompressed adopts gz as the file's gzip variant when it decodes to
// exactly the file's body, so that a stale game.wasm.gz is never served.
func (f *file) setPrecompressed(gz content) error {
	r, c, err := gz.open()
	if err != nil {
		return err
	}
	defer c.Close()
	zr, err := gzip.NewReader(r)
	if err != nil {
		return fmt.Errorf("open %s.gz: %w", f.name, err)
	}
	sum, err := sha256Of(zr)
	if err != nil {
		return fmt.Errorf("decompress %s.gz: %w", f.name, err)
	}
	if sum != f.sum {
		return fmt.Errorf("%s.gz does not match %s: rebuild both", f.name, f.name)
	}
	f.setGzip(gz)
	f.precompressed = true
	return nil
}

// setBrotli adopts br as the file's Brotli variant when it decodes to
// exactly the file's body, so that a stale game.wasm.br is never served.
func (f *file) setBrotli(br content) error {
	r, c, err := br.open()
	if err != nil {
		return err
	}
	defer c.Close()
	sum, err := sha256Of(brotli.NewReader(r))
	if err != nil {
		return fmt.Errorf("decompress %s.br: %w", f.name, err)
	}
	if sum != f.sum {
		return fmt.Errorf("%s.br does not match %s: rebuild both", f.name, f.name)
	}
	f.setBrotliContent(br)
	return nil
}

func (f *file) setBrotliContent(br content) {
	f.br = br
	f.brETag = strings.TrimSuffix(f.etag, `"`) + `-br"`
}

// verify checks, once, that the stored bytes of a file its manifest
// vouched for, and of its encodings, hash to the manifest's sums, so that
// no byte goes out under an ETag the manifest got wrong. It hashes the
// bytes as stored (no decoding: cmd/precompress checked that each encoding
// decodes to the file). When a sum differs, the file is checked as without
// a manifest: its body hashed for its ETag and version (the ?v= of the
// pages, made at load from the manifest, then no longer matches, and
// browsers keep the file for the short AssetMaxAge instead of a year) and
// each encoding decoded and dropped unless it matches. Every caller that
// reads the file's fields calls verify first.
func (f *file) verify(log *slog.Logger) error {
	if f.expect == nil {
		return nil
	}
	f.verifyOnce.Do(func() {
		sumOf := func(c content) ([sha256.Size]byte, error) {
			r, closer, err := c.open()
			if err != nil {
				return [sha256.Size]byte{}, err
			}
			defer closer.Close()
			sum, err := sha256Of(r)
			if err != nil {
				return sum, fmt.Errorf("read %s: %w", c.name, err)
			}
			return sum, nil
		}
		body, err := sumOf(f.body)
		if err != nil {
			f.unreadable = err
			log.Error("web: cannot check a file against its sums manifest", "file", f.name, "err", err)
			return
		}
		var mismatch []string
		if body != f.expect.body {
			mismatch = append(mismatch, f.name)
		}
		for _, v := range []struct {
			c    content
			want [sha256.Size]byte
		}{{f.gz, f.expect.gz}, {f.br, f.expect.br}} {
			if !v.c.held() {
				continue
			}
			if sum, err := sumOf(v.c); err != nil || sum != v.want {
				mismatch = append(mismatch, v.c.name)
			}
		}
		if len(mismatch) == 0 {
			return
		}
		log.Warn("web: the sums manifest does not match the files, checking them as without one: rebuild them (make wasm)",
			"file", f.name, "mismatch", strings.Join(mismatch, ", "), "manifest", sums.Name(f.name))
		gz, br := f.gz, f.br
		f.setSum(body)
		f.gz, f.gzETag, f.br, f.brETag, f.precompressed = content{}, "", content{}, "", false
		if gz.held() {
			if err := f.setPrecompressed(gz); err != nil {
				log.Warn("web: ignoring precompressed file", "err", err)
			}
		}
		if br.held() {
			if err := f.setBrotli(br); err != nil {
				log.Warn("web: ignoring precompressed file", "err", err)
			}
		}
	})
	return f.unreadable
}

// mayGzip reports whether the file can have a gzip variant, without making it.
func (f *file) mayGzip() bool {
	return f.precompressed || (f.body.size >= minGzipSize && compressible(f.contentType))
}

// gzipped returns the gzip variant and its ETag, compressing the body on the
// first call only; it returns nil when the file is not worth compressing.
// The default level keeps the first request for a large client quick; a
// precompressed file can use the best one.
func (f *file) gzipped() (content, string) {
	f.gzOnce.Do(func() {
		if f.gz.held() || !f.mayGzip() {
			return
		}
		r, c, err := f.body.open()
		if err != nil {
			return // served uncompressed; opening again will say why
		}
		defer c.Close()
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.DefaultCompression) // the level is valid
		if _, err := io.Copy(zw, r); err != nil {
			return
		}
		_ = zw.Close()
		if int64(buf.Len()) < f.body.size {
			f.setGzip(memContent(buf.Bytes()))
		}
	})
	return f.gz, f.gzETag
}

func (f *file) setGzip(gz content) {
	f.gz = gz
	f.gzETag = strings.TrimSuffix(f.etag, `"`) + `-gz"`
}

// largeFile is the size from which a file whose file system can seek is
// opened for each request instead of being copied into memory.
const largeFile = 64 << 10

// errManifest is wrapped by the warnings about a sums manifest that was
// ignored.
var errManifest = errors.New("ignoring the sums manifest, reading the files to hash them")

// loadFiles reads the regular files of fsys: small ones (and every page, whose
// asset URLs are rewritten) into memory, large ones only to hash them. A name
// ending in .gz (or .br) whose name without it is also a file becomes that
// file's gzip (or Brotli) variant instead of a file of its own. A file with a
// sums manifest beside it (name.sums, see package sums) that names it and its
// variants with their sizes is not read at all: its ETag and version come
// from the manifest, whose sums are checked when the file is first served.
// The manifest itself is not served.
func loadFiles(fsys fs.FS) (map[string]*file, []error, error) {
	sizes := map[string]int64{}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return fmt.Errorf("stat %s: %w", name, err)
		}
		sizes[name] = info.Size()
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("load static files: %w", err)
	}
	var warnings []error
	manifests := map[string]sums.Manifest{}
	for name := range sizes {
		if !isManifest(sizes, name) {
			continue
		}
		base := strings.TrimSuffix(name, sums.Ext)
		m, err := loadManifest(fsys, base, sizes)
		if err != nil {
			warnings = append(warnings, fmt.Errorf("%w: %s: %w", errManifest, name, err))
			continue
		}
		manifests[base] = m
	}
	raw := map[string]content{}
	hashed := map[string][sha256.Size]byte{}
	for name, size := range sizes {
		if isManifest(sizes, name) {
			continue
		}
		if vouchedFor(manifests, name) {
			raw[name] = content{fsys: fsys, name: name, size: size}
			continue
		}
		c, sum, err := readContent(fsys, name)
		if err != nil {
			return nil, nil, fmt.Errorf("load static files: %w", err)
		}
		raw[name], hashed[name] = c, sum
	}
	files := make(map[string]*file, len(raw))
	var pages []string
	for name, c := range raw {
		if variantOf(raw, name) {
			continue
		}
		if path.Ext(name) == ".html" {
			pages = append(pages, name)
			continue
		}
		if m, ok := manifests[name]; ok {
			files[name] = vouchedFile(name, c, m, raw)
			continue
		}
		files[name] = newFileSum(name, c, hashed[name])
	}
	// Pages are hashed after their asset URLs carry versions, so that a new
	// stylesheet also gives the page a new ETag.
	versions := versionedURLs(files)
	for _, name := range pages {
		page, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, nil, fmt.Errorf("load static files: read %s: %w", name, err)
		}
		files[name] = newFile(name, []byte(versions.Replace(string(page))))
	}
	for name, f := range files {
		if f.expect != nil {
			continue
		}
		if gz, ok := raw[name+".gz"]; ok {
			if err := f.setPrecompressed(gz); err != nil {
				warnings = append(warnings, err)
			}
		}
		if br, ok := raw[name+".br"]; ok {
			if err := f.setBrotli(br); err != nil {
				warnings = append(warnings, err)
			}
		}
	}
	return files, warnings, nil
}

// loadManifest reads the sums manifest of the file name and checks it
// against the sizes of the files beside it (see sums.Manifest.Check), and
// that fsys can seek in the file, which is then served without a copy.
func loadManifest(fsys fs.FS, name string, sizes map[string]int64) (sums.Manifest, error) {
	b, err := fs.ReadFile(fsys, sums.Name(name))
	if err != nil {
		return sums.Manifest{}, err
	}
	m, err := sums.Parse(b)
	if err != nil {
		return sums.Manifest{}, err
	}
	if m.File.Name != path.Base(name) {
		return sums.Manifest{}, fmt.Errorf("it describes %s", m.File.Name)
	}
	beside := map[string]int64{}
	for _, n := range []string{name, name + ".gz", name + ".br"} {
		if size, ok := sizes[n]; ok {
			beside[path.Base(n)] = size
		}
	}
	if err := m.Check(beside); err != nil {
		return sums.Manifest{}, err
	}
	f, err := fsys.Open(name)
	if err != nil {
		return sums.Manifest{}, err
	}
	defer f.Close()
	if _, ok := f.(io.ReadSeeker); !ok {
		return sums.Manifest{}, fmt.Errorf("the file system cannot seek in %s", name)
	}
	return m, nil
}

// isManifest reports whether name is the sums manifest of another file.
func isManifest(sizes map[string]int64, name string) bool {
	base, ok := strings.CutSuffix(name, sums.Ext)
	_, plain := sizes[base]
	return ok && plain
}

// vouchedFor reports whether name is a file, or a variant of a file, whose
// manifest was accepted.
func vouchedFor(manifests map[string]sums.Manifest, name string) bool {
	if _, ok := manifests[name]; ok {
		return true
	}
	for _, ext := range []string{".gz", ".br"} {
		if base, ok := strings.CutSuffix(name, ext); ok {
			if _, ok := manifests[base]; ok {
				return true
			}
		}
	}
	return false
}

// vouchedFile makes the file name with the sums of its manifest m, and its
// variants from raw, none of them read.
func vouchedFile(name string, body content, m sums.Manifest, raw map[string]content) *file {
	f := newFileSum(name, body, m.File.SHA256)
	f.expect = &expected{body: m.File.SHA256}
	for _, e := range m.Encodings {
		c := raw[path.Join(path.Dir(name), e.Name)]
		switch e.Coding {
		case "gzip":
			f.expect.gz = e.SHA256
			f.setGzip(c)
			f.precompressed = true
		case "br":
			f.expect.br = e.SHA256
			f.setBrotliContent(c)
		}
	}
	return f
}

// readContent hashes the file name of fsys and keeps it in memory, unless it
// is large and fsys can seek in it, in which case it is opened again to serve.
func readContent(fsys fs.FS, name string) (content, [sha256.Size]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return content{}, [sha256.Size]byte{}, fmt.Errorf("read %s: %w", name, err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return content{}, [sha256.Size]byte{}, fmt.Errorf("read %s: %w", name, err)
	}
	if _, seeks := f.(io.ReadSeeker); seeks && info.Size() >= largeFile && path.Ext(name) != ".html" {
		sum, err := sha256Of(f)
		if err != nil {
			return content{}, [sha256.Size]byte{}, fmt.Errorf("read %s: %w", name, err)
		}
		return content{fsys: fsys, name: name, size: info.Size()}, sum, nil
	}
	b, err := io.ReadAll(f)
	if err != nil {
		return content{}, [sha256.Size]byte{}, fmt.Errorf("read %s: %w", name, err)
	}
	return memContent(b), sha256.Sum256(b), nil
}

// variantOf reports whether name is the .gz or .br encoding of another file
// of raw.
func variantOf(raw map[string]content, name string) bool {
	for _, ext := range []string{".gz", ".br"} {
		if base, ok := strings.CutSuffix(name, ext); ok {
			if _, plain := raw[base]; plain {
				return true
			}
		}
	}
	return false
}
