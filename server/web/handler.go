// Package web serves tickarena's browser files: the lobby page at "/" (and
// at "/r/CODE", the link to a private room), the play view at "/play" and
// the assets under "/static/". Files are read once
// into memory, carry a strong ETag and a Cache-Control suited to them, and
// are sent gzip-compressed to browsers that accept it, from a precompressed
// .gz file when there is one and otherwise from a copy compressed once. A
// file with a precompressed .br beside it (the game client, see
// cmd/precompress) is sent Brotli-compressed to browsers that accept that.
// Large files are served from their file system without a copy; the game
// client, whose sums cmd/precompress writes to game.wasm.sums (see package
// assets/sums), is not even read at start, only when a browser first asks.
//
// The package serves only files; it never answers the JSON API, except for
// a JSON 404 to an /api path nobody else handles.
package web

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tickarena/tickarena/assets"
	"github.com/tickarena/tickarena/server/httpjson"
)

// StaticPrefix is the URL path under which every asset file is served.
const StaticPrefix = "/static/"

// ClientMissing is the message a player or host sees when game.wasm has not
// been built into the assets.
const ClientMissing = "client not built: run make wasm"

// pages maps the URL paths of the HTML pages to their files.
var pages = map[string]string{
	"/":     "index.html",
	"/play": "play.html",
}

// Options configures a Handler. The zero value serves the embedded assets.
type Options struct {
	// FS holds the files to serve, index.html and play.html at its root.
	// Default: assets.Static().
	FS fs.FS

	// AssetMaxAge is how long a browser may keep an asset fetched without a
	// version in its URL before asking again. Default: 5 minutes. An asset
	// fetched with its current ?v= version is kept for a year; HTML pages are
	// always revalidated.
	AssetMaxAge time.Duration

	// Logger receives startup information and warnings. Default: slog.Default().
	Logger *slog.Logger
}

func (o Options) withDefaults() Options {
	if o.FS == nil {
		o.FS = assets.Static()
	}
	if o.AssetMaxAge <= 0 {
		o.AssetMaxAge = 5 * time.Minute
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

// Handler is an http.Handler for the pages and assets. It is safe for
// concurrent use.
type Handler struct {
	files        map[string]*file
	assetControl string
	clientBuilt  bool
	log          *slog.Logger
	// mux is the ServeMux the Handler is registered on, asked which methods
	// a path has when it answers a request no other route took.
	mux *http.ServeMux
}

// New reads every file of opts.FS into memory and returns a Handler for them.
// A missing game.wasm is not an error: /play then tells the player that the
// client is not built. A .gz file that does not match its original is logged
// and ignored. A large file with a sums manifest beside it (game.wasm.sums,
// written by cmd/precompress) is not read: see loadFiles. A manifest that
// does not match the files' sizes is logged and ignored, and the files are
// then read as without one.
func New(opts Options) (*Handler, error) {
	opts = opts.withDefaults()
	files, warnings, err := loadFiles(opts.FS)
	if err != nil {
		return nil, err
	}
	for _, name := range pages {
		if files[name] == nil {
			return nil, fmt.Errorf("web: page %s missing from the static files", name)
		}
	}
	for _, w := range warnings {
		if errors.Is(w, errManifest) {
			opts.Logger.Warn("web: sums manifest not used", "err", w)
			continue
		}
		opts.Logger.Warn("web: ignoring precompressed file", "err", w)
	}
	h := &Handler{
		files:        files,
		assetControl: "public, max-age=" + strconv.Itoa(int(opts.AssetMaxAge/time.Second)),
		clientBuilt:  assets.ClientBuilt(opts.FS),
		log:          opts.Logger,
	}
	if h.clientBuilt {
		f := files[assets.ClientFile]
		opts.Logger.Info("web: game client ready", "bytes", f.body.size, "precompressed", f.precompressed, "brotli", f.br.size,
			"sums", sumsSource(f))
	} else {
		opts.Logger.Warn("web: " + ClientMissing)
	}
	return h, nil
}

// sumsSource says where the sums of f came from, for the startup log.
func sumsSource(f *file) string {
	if f.expect != nil {
		return "manifest, checked when first served"
	}
	return "read at start"
}

// ClientBuilt reports whether the served files include the game client.
func (h *Handler) ClientBuilt() bool { return h.clientBuilt }

// ReplayPage is the file of the replay viewer's page: the game client in
// replay mode, for /replay/{round} (routed by the leaderboard, which knows
// the rounds).
const ReplayPage = "replay.html"

// Page returns a handler that answers GET and HEAD with the page file name
// (such as ReplayPage), whatever the request's path, as the pages are
// served: revalidated every time, compressed when the browser accepts it.
// A file that is not among the served files is a 404.
func (h *Handler) Page(name string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f := h.files[name]
		if f == nil || !strings.HasSuffix(name, ".html") {
			http.Error(w, "404 page not found", http.StatusNotFound)
			return
		}
		h.serveFile(w, r, f)
	})
}

// Register mounts the handler on mux at "/" (the lobby, /play, and the 404
// answer for paths no other pattern claims) and at StaticPrefix.
func (h *Handler) Register(mux *http.ServeMux) {
	h.mux = mux
	mux.Handle("/", h)
	mux.Handle(StaticPrefix, h)
}

// ServeHTTP answers GET and HEAD for the pages and assets.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name, ok := fileName(r.URL.Path)
	f := h.files[name]
	if !ok || f == nil {
		h.notFound(w, r, name)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	h.serveFile(w, r, f)
}

// SharedRoomPrefix starts the link to a private room, /r/CODE: the lobby
// page, which joins the room whose code its path names.
const SharedRoomPrefix = "/r/"

// maxCodeLen bounds a room code in a shared link.
const maxCodeLen = 12

// fileName maps a URL path to the name of a file, or reports that the path
// is not one this handler serves.
func fileName(urlPath string) (string, bool) {
	if name, ok := pages[urlPath]; ok {
		return name, true
	}
	if code, ok := strings.CutPrefix(urlPath, SharedRoomPrefix); ok {
		return pages["/"], validCode(code)
	}
	name, ok := strings.CutPrefix(urlPath, StaticPrefix)
	if !ok || !fs.ValidPath(name) || name == "." {
		return "", false
	}
	return name, true
}

// validCode reports whether s looks like a room code: 1 to maxCodeLen ASCII
// letters and digits. The lobby asks the server whether the room exists.
func validCode(s string) bool {
	if len(s) == 0 || len(s) > maxCodeLen {
		return false
	}
	for _, c := range []byte(s) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

func (h *Handler) serveFile(w http.ResponseWriter, r *http.Request, f *file) {
	if err := f.verify(h.log); err != nil {
		http.Error(w, "cannot read "+f.name, http.StatusInternalServerError)
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Type", f.contentType)
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Cache-Control", h.cacheControl(f, r))
	hdr.Set("X-Uncompressed-Length", strconv.FormatInt(f.body.size, 10))
	if f.contentType == contentTypes[".html"] {
		hdr.Set("Referrer-Policy", "same-origin")
		hdr.Set("X-Frame-Options", "DENY")
	}
	body, etag := f.body, f.etag
	if f.mayGzip() || f.br.held() {
		hdr.Add("Vary", "Accept-Encoding")
		gzq, brq := acceptedQualities(r)
		switch {
		// Brotli wins a tie: it is the smaller of the two.
		case f.br.held() && brq > 0 && brq >= gzq:
			body, etag = f.br, f.brETag
			hdr.Set("Content-Encoding", "br")
		// Only a request that accepts gzip pays for compressing, once.
		case gzq > 0:
			if gz, gzETag := f.gzipped(); gz.held() {
				body, etag = gz, gzETag
				hdr.Set("Content-Encoding", "gzip")
			}
		}
	}
	hdr.Set("ETag", etag)
	rs, closer, err := body.open()
	if err != nil {
		hdr.Del("Content-Encoding")
		hdr.Del("ETag")
		http.Error(w, "cannot read "+f.name, http.StatusInternalServerError)
		return
	}
	defer closer.Close()
	// ServeContent answers If-None-Match with 304, HEAD without a body, and Range.
	http.ServeContent(w, r, "", time.Time{}, rs)
}

// cacheControl says how long a browser may keep f: pages are revalidated
// every time, an asset asked for by its current version is immutable, and
// any other asset is kept for AssetMaxAge.
func (h *Handler) cacheControl(f *file, r *http.Request) string {
	switch {
	case strings.HasSuffix(f.name, ".html"):
		return "no-cache"
	case r.URL.Query().Get("v") == f.version:
		return "public, max-age=31536000, immutable"
	default:
		return h.assetControl
	}
}

// notFound answers 405 with Allow when the path has routes for other
// methods (JSON under /api), else 404: JSON under /api, a plain explanation for a game
// client that was not built, and plain text otherwise.
func (h *Handler) notFound(w http.ResponseWriter, r *http.Request, name string) {
	w.Header().Set("Cache-Control", "no-store")
	api := r.URL.Path == "/api" || strings.HasPrefix(r.URL.Path, "/api/")
	if allow := allowedMethods(h.mux, r); allow != nil {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		msg := "method " + r.Method + " not allowed on " + r.URL.Path + "; allowed: " + strings.Join(allow, ", ")
		if api {
			httpjson.WriteError(w, http.StatusMethodNotAllowed, msg, "")
		} else {
			http.Error(w, msg, http.StatusMethodNotAllowed)
		}
		return
	}
	switch {
	case api:
		httpjson.WriteError(w, http.StatusNotFound, "no such API endpoint: "+r.Method+" "+r.URL.Path, "")
	case name == assets.ClientFile:
		http.Error(w, ClientMissing, http.StatusNotFound)
	default:
		http.Error(w, "404 page not found", http.StatusNotFound)
	}
}
