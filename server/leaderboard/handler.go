package leaderboard

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tickarena/tickarena/server/httpjson"
)

// MaxQueryLen is the longest name search, in runes.
const MaxQueryLen = 32

// HandlerOptions configures NewHandler. The zero value works.
type HandlerOptions struct {
	// Logger receives store failures. Default slog.Default().
	Logger *slog.Logger
	// Health learns of permanent store failures found by reads (a corrupt
	// page) and, once failed, has the pages say that results are not being
	// recorded. Share the Writer's. Default: a Health of the handler's own.
	Health *Health
	// ReplayPage serves the replay viewer's page (the game client in replay
	// mode) for GET /replay/{id} once the round and its replay are found.
	// Default nil: /replay/{id} is a 404 page that says replays cannot be
	// watched on this server.
	ReplayPage http.Handler
}

func (o HandlerOptions) withDefaults() HandlerOptions {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Health == nil {
		o.Health = NewHealth(nil)
	}
	return o
}

// Handler serves the leaderboard over HTTP: the JSON API and the HTML pages.
// It only reads; results reach the store through a Writer.
type Handler struct {
	store  Store
	log    *slog.Logger
	health *Health
	pages  *pages
	replay http.Handler
}

// NewHandler returns a handler reading from store.
func NewHandler(store Store, opts HandlerOptions) *Handler {
	opts = opts.withDefaults()
	return &Handler{store: store, log: opts.Logger, health: opts.Health, pages: mustParsePages(), replay: opts.ReplayPage}
}

// Register adds the handler's routes to mux:
//
//	GET /api/leaderboard                 a page of a board (JSON)
//	GET /api/leaderboard/around/{player} a player's neighbourhood (JSON)
//	GET /api/players/{id}                a player's standings and recent rounds (JSON)
//	GET /api/rounds?room={id}&round={n}  the rounds a room numbered n, found or not (JSON)
//	GET /api/rounds/{id}                 a round's result and replay size (JSON)
//	GET /api/rounds/{id}/replay          a round's replay file (docs/replay.md)
//	GET /leaderboard                     the boards and name search (HTML)
//	GET /leaderboard/players/{id}        a player's page (HTML)
//	GET /replay/{id}                     a round's replay in the browser (HTML)
func (h *Handler) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/leaderboard", h.serveTop)
	mux.HandleFunc("GET /api/leaderboard/around/{player}", h.serveAround)
	mux.HandleFunc("GET /api/players/{id}", h.servePlayer)
	mux.HandleFunc("GET /api/rounds", h.serveRounds)
	mux.HandleFunc("GET /api/rounds/{id}", h.serveRound)
	mux.HandleFunc("GET /api/rounds/{id}/replay", h.serveReplay)
	mux.HandleFunc("GET /leaderboard", h.serveBoardPage)
	mux.HandleFunc("GET /leaderboard/players/{id}", h.servePlayerPage)
	mux.HandleFunc("GET /replay/{id}", h.serveReplayPage)
}

// paramError is a query parameter that failed validation.
type paramError struct {
	field, msg string
}

func (e *paramError) Error() string { return e.field + ": " + e.msg }

// boardParams reads board and period, defaulting to score and all.
func boardParams(q url.Values) (Board, Period, error) {
	b, p := BoardScore, PeriodAll
	if v := q.Get("board"); v != "" {
		if b = Board(v); !b.Valid() {
			return "", "", &paramError{"board", "board must be one of score, kills, wins"}
		}
	}
	if v := q.Get("period"); v != "" {
		if p = Period(v); !p.Valid() {
			return "", "", &paramError{"period", "period must be one of all, daily, weekly"}
		}
	}
	return b, p, nil
}

// intParam reads an integer parameter in lo..hi, def when absent.
func intParam(q url.Values, name string, def, lo, hi int) (int, error) {
	v := q.Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, &paramError{name, name + " must be an integer from " + strconv.Itoa(lo) + " to " + strconv.Itoa(hi)}
	}
	return n, nil
}

// searchParam reads the name search q, trimmed.
func searchParam(q url.Values) (string, error) {
	s := strings.TrimSpace(q.Get("q"))
	if utf8.RuneCountInString(s) > MaxQueryLen || !utf8.ValidString(s) {
		return "", &paramError{"q", "search must be at most " + strconv.Itoa(MaxQueryLen) + " characters"}
	}
	return s, nil
}

// writeError answers err as JSON: 400 for bad parameters and cursors, 404
// for unknown players, 503 when the store failed or is unreachable (see
// storeFailure), 500 (logged, details hidden) for everything else.
func (h *Handler) writeError(w http.ResponseWriter, r *http.Request, err error, notFoundField string) {
	var pe *paramError
	switch {
	case errors.As(err, &pe):
		httpjson.WriteError(w, http.StatusBadRequest, pe.msg, pe.field)
	case errors.Is(err, ErrInvalidCursor):
		httpjson.WriteError(w, http.StatusBadRequest, "cursor is invalid or expired; start again without one", "cursor")
	case errors.Is(err, ErrInvalidQuery):
		httpjson.WriteError(w, http.StatusBadRequest, err.Error(), "")
	case errors.Is(err, ErrNotFound):
		httpjson.WriteError(w, http.StatusNotFound, "player not found", notFoundField)
	default:
		f := h.storeFailure(r, err)
		if f.retryAfter != "" {
			w.Header().Set("Retry-After", f.retryAfter)
		}
		httpjson.WriteError(w, f.status, f.message, "")
	}
}

// failure is the answer to a request the store could not serve.
type failure struct {
	status     int
	retryAfter string // seconds; empty for none
	message    string // for the JSON API
	page       string // for the HTML pages
}

// storeFailure tells why the store failed a request. A permanent failure (a
// corrupt page, a read-only or full database) fails h's Health, logged once
// there, and is a 503 without a retry time: the host must repair the
// database. A store that does not answer its ping is down, not broken: 503
// with a retry time. Anything else is a 500, logged.
func (h *Handler) storeFailure(r *http.Request, err error) failure {
	if h.health.Report(err) {
		return failure{status: http.StatusServiceUnavailable,
			message: "the leaderboard is unavailable: its store has failed and the host has been told",
			page:    "This page cannot be shown: the leaderboard's database has failed and the host has been told. Results of rounds played now are not being recorded."}
	}
	h.log.Error("leaderboard request failed", "path", r.URL.Path, "err", err)
	ctx, cancel := context.WithTimeout(r.Context(), time.Second)
	defer cancel()
	if h.store.Ping(ctx) != nil {
		return failure{status: http.StatusServiceUnavailable, retryAfter: "5",
			message: "the leaderboard store is unreachable; try again in a few seconds",
			page:    "The leaderboard cannot be reached right now. Try again in a few seconds."}
	}
	return failure{status: http.StatusInternalServerError, message: "internal error",
		page: "Something went wrong on our side. Try again in a moment."}
}

func (h *Handler) serveTop(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	b, p, err := boardParams(q)
	if err != nil {
		h.writeError(w, r, err, "")
		return
	}
	limit, err := intParam(q, "limit", DefaultLimit, 1, MaxLimit)
	if err != nil {
		h.writeError(w, r, err, "")
		return
	}
	page, err := h.store.Top(r.Context(), b, p, time.Now(), limit, q.Get("cursor"))
	if err != nil {
		h.writeError(w, r, err, "")
		return
	}
	httpjson.Write(w, http.StatusOK, page)
}

// aroundResponse is the body of GET /api/leaderboard/around/{player}.
type aroundResponse struct {
	Board    Board   `json:"board"`
	Period   Period  `json:"period"`
	PlayerID string  `json:"player_id"`
	Rank     int     `json:"rank"`
	Entries  []Entry `json:"entries"`
}

func (h *Handler) serveAround(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	b, p, err := boardParams(q)
	if err != nil {
		h.writeError(w, r, err, "")
		return
	}
	n, err := intParam(q, "n", DefaultAround, 0, MaxAround)
	if err != nil {
		h.writeError(w, r, err, "")
		return
	}
	player := r.PathValue("player")
	a, err := h.store.Around(r.Context(), b, p, time.Now(), player, n)
	if err != nil {
		h.writeError(w, r, err, "player")
		return
	}
	httpjson.Write(w, http.StatusOK, aroundResponse{Board: b, Period: p, PlayerID: player, Rank: a.Rank, Entries: a.Entries})
}

func (h *Handler) servePlayer(w http.ResponseWriter, r *http.Request) {
	ps, err := h.store.Player(r.Context(), r.PathValue("id"), time.Now())
	if err != nil {
		h.writeError(w, r, err, "id")
		return
	}
	httpjson.Write(w, http.StatusOK, ps)
}
