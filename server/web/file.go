package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"path"
	"strings"
	"sync"

	"github.com/andybalholm/brotli"
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
}

// newFile builds a file held in memory from its content.
func newFile(name string, body []byte) *file {
	return newFileSum(name, memContent(body), sha256.Sum256(body))
}

// newFileSum builds a file from its content and the content's SHA-256.
func newFileSum(name string, body content, sum [sha256.Size]byte) *file {
	tag := base64.RawURLEncoding.EncodeToString(sum[:15])
	return &file{
		name:        name,
		body:        body,
		sum:         sum,
		contentType: contentType(name),
		etag:        `"` + tag + `"`,
		version:     tag[:12],
	}
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
	f.gzOnce.Do(func() { f.setGzip(gz) })
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
	f.br = br
	f.brETag = strings.TrimSuffix(f.etag, `"`) + `-br"`
	return nil
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
		if !f.mayGzip() {
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

// loadFiles reads the regular files of fsys: small ones (and every page, whose
// asset URLs are rewritten) into memory, large ones only to hash them. A name
// ending in .gz (or .br) whose name without it is also a file becomes that
// file's gzip (or Brotli) variant instead of a file of its own.
func loadFiles(fsys fs.FS) (map[string]*file, []error, error) {
	raw := map[string]content{}
	sums := map[string][sha256.Size]byte{}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		c, sum, err := readContent(fsys, name)
		if err != nil {
			return err
		}
		raw[name], sums[name] = c, sum
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("load static files: %w", err)
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
		files[name] = newFileSum(name, c, sums[name])
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
	var warnings []error
	for name, f := range files {
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
