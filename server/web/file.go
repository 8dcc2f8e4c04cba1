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

// file is one servable file held in memory, with its gzip variant.
type file struct {
	name        string
	body        []byte
	contentType string
	etag        string // strong ETag of body, quoted
	version     string // short content hash used in ?v= URLs

	precompressed bool // a matching .gz was found at load; set before serving starts

	gzOnce sync.Once
	gz     []byte // gzip of body; nil when gzip does not pay
	gzETag string

	// br is the Brotli encoding of body, from a matching .br file found at
	// load; nil when there is none. Brotli is never made at request time:
	// its best levels are far too slow for that.
	br     []byte
	brETag string
}

// newFile builds a file from its content.
func newFile(name string, body []byte) *file {
	sum := sha256.Sum256(body)
	tag := base64.RawURLEncoding.EncodeToString(sum[:15])
	return &file{
		name:        name,
		body:        body,
		contentType: contentType(name),
		etag:        `"` + tag + `"`,
		version:     tag[:12],
	}
}

// minGzipSize is the size under which gzip costs more than it saves.
const minGzipSize = 512

// setPrecompressed adopts gz as the file's gzip variant when it decodes to
// exactly the file's body, so that a stale game.wasm.gz is never served.
func (f *file) setPrecompressed(gz []byte) error {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return fmt.Errorf("open %s.gz: %w", f.name, err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		return fmt.Errorf("decompress %s.gz: %w", f.name, err)
	}
	if !bytes.Equal(plain, f.body) {
		return fmt.Errorf("%s.gz does not match %s: rebuild both", f.name, f.name)
	}
	f.gzOnce.Do(func() { f.setGzip(gz) })
	f.precompressed = true
	return nil
}

// setBrotli adopts br as the file's Brotli variant when it decodes to
// exactly the file's body, so that a stale game.wasm.br is never served.
func (f *file) setBrotli(br []byte) error {
	plain, err := io.ReadAll(brotli.NewReader(bytes.NewReader(br)))
	if err != nil {
		return fmt.Errorf("decompress %s.br: %w", f.name, err)
	}
	if !bytes.Equal(plain, f.body) {
		return fmt.Errorf("%s.br does not match %s: rebuild both", f.name, f.name)
	}
	f.br = br
	f.brETag = strings.TrimSuffix(f.etag, `"`) + `-br"`
	return nil
}

// mayGzip reports whether the file can have a gzip variant, without making it.
func (f *file) mayGzip() bool {
	return f.precompressed || (len(f.body) >= minGzipSize && compressible(f.contentType))
}

// gzipped returns the gzip variant and its ETag, compressing the body on the
// first call only; it returns nil when the file is not worth compressing.
// The default level keeps the first request for a large client quick; a
// precompressed file can use the best one.
func (f *file) gzipped() ([]byte, string) {
	f.gzOnce.Do(func() {
		if !f.mayGzip() {
			return
		}
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.DefaultCompression) // the level is valid
		_, _ = zw.Write(f.body)                                     // a bytes.Buffer does not fail
		_ = zw.Close()
		if buf.Len() < len(f.body) {
			f.setGzip(buf.Bytes())
		}
	})
	return f.gz, f.gzETag
}

func (f *file) setGzip(gz []byte) {
	f.gz = gz
	f.gzETag = strings.TrimSuffix(f.etag, `"`) + `-gz"`
}

// loadFiles reads every regular file of fsys into memory. A name ending in
// .gz (or .br) whose name without it is also a file becomes that file's gzip
// (or Brotli) variant instead of a file of its own.
func loadFiles(fsys fs.FS) (map[string]*file, []error, error) {
	raw := map[string][]byte{}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return fmt.Errorf("read %s: %w", name, err)
		}
		raw[name] = b
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("load static files: %w", err)
	}
	files := make(map[string]*file, len(raw))
	var pages []string
	for name, b := range raw {
		if variantOf(raw, name) {
			continue
		}
		if path.Ext(name) == ".html" {
			pages = append(pages, name)
			continue
		}
		files[name] = newFile(name, b)
	}
	// Pages are hashed after their asset URLs carry versions, so that a new
	// stylesheet also gives the page a new ETag.
	versions := versionedURLs(files)
	for _, name := range pages {
		files[name] = newFile(name, []byte(versions.Replace(string(raw[name]))))
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

// variantOf reports whether name is the .gz or .br encoding of another file
// of raw.
func variantOf(raw map[string][]byte, name string) bool {
	for _, ext := range []string{".gz", ".br"} {
		if base, ok := strings.CutSuffix(name, ext); ok {
			if _, plain := raw[base]; plain {
				return true
			}
		}
	}
	return false
}
