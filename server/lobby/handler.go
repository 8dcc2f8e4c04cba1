package lobby

import (
	"cmp"
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/tickarena/tickarena/server/clientaddr"
	"github.com/tickarena/tickarena/server/httpjson"
	"github.com/tickarena/tickarena/server/session"
)

// HandlerOptions tunes a Handler. The zero value works.
type HandlerOptions struct {
	// Limits bounds POST /api/rooms and gives its defaults; use the same
	// Limits as the Directory. Zero fields take their defaults.
	Limits Limits
	// ReservationTTL is how long a seat reserved by POST /api/rooms or
	// /api/join is held; zero means DefaultReservationTTL (20 s). Quick
	// play uses the Directory's own TTL: give both the same.
	ReservationTTL time.Duration
	// ListCacheTTL is how long GET /api/rooms reuses a list; default 1 s.
	ListCacheTTL time.Duration
	// CreatePerPlayer is how many rooms POST /api/rooms lets one player
	// create in any minute, all at once or spread out;
	// default DefaultCreatePerPlayer.
	CreatePerPlayer int
	// CreatePerAddr is how many rooms POST /api/rooms lets one remote
	// address create in any minute, whatever the players;
	// default DefaultCreatePerAddr.
	CreatePerAddr int
	// CreateLimit counts the room creations of CreatePerPlayer and
	// CreatePerAddr; nil counts them in this process alone. A cluster
	// passes one shared by its nodes, so that spreading requests over the
	// nodes gains nothing.
	CreateLimit CreateLimiter
	// Gate says whether this node may seat more players; while it is full,
	// POST /api/play, /api/join and /api/rooms answer 503 with Retry-After
	// at once. nil means always open.
	Gate Gate
	// OnFull is called with the reason of every request answered 503
	// "full": the Gate's, or ReasonNodesFull when the Directory found every
	// node that could seat the player saturated (ErrSaturated). It must not
	// block; nil means nobody is told.
	OnFull func(reason string)
	// FullRetryBudget is how many "full" answers a second the players
	// waiting for a seat should cause in all: the Retry-After of a 503
	// "full" grows with the crowd refused (see fullRetry), from
	// RetryFullSeconds to MaxRetryFullSeconds, so that thousands of players
	// retrying do not take the core their node's players need. Zero means
	// DefaultFullRetryBudget; negative keeps Retry-After at
	// RetryFullSeconds.
	FullRetryBudget int
	// MaxBody is the largest request body in bytes; default httpjson.MaxBody.
	MaxBody int64
	// Logger receives a line per failed request; default slog.Default().
	Logger *slog.Logger
}

// DefaultHandlerOptions returns the settings of a Handler given none, every
// default filled in (the logger and hooks left nil): the base a
// configuration writes its own settings into.
func DefaultHandlerOptions() HandlerOptions {
	o := HandlerOptions{}.withDefaults()
	o.Logger = nil
	return o
}

func (o HandlerOptions) withDefaults() HandlerOptions {
	o.Limits = o.Limits.withDefaults()
	if o.ReservationTTL <= 0 {
		o.ReservationTTL = DefaultReservationTTL
	}
	if o.ListCacheTTL <= 0 {
		o.ListCacheTTL = time.Second
	}
	if o.CreatePerPlayer <= 0 {
		o.CreatePerPlayer = DefaultCreatePerPlayer
	}
	if o.CreatePerAddr <= 0 {
		o.CreatePerAddr = DefaultCreatePerAddr
	}
	if o.MaxBody <= 0 {
		o.MaxBody = httpjson.MaxBody
	}
	if o.FullRetryBudget == 0 {
		o.FullRetryBudget = DefaultFullRetryBudget
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

// Gate tells the lobby whether its node is saturated. It must answer at
// once, without I/O: it is asked before every seat is handed out.
type Gate interface {
	// Full returns why the node can seat no more players now, or "" when it can.
	Full() string
}

// RetryFullSeconds is the Retry-After, in seconds, of a 503 answered
// because the node is full, while few players are refused (see
// HandlerOptions.FullRetryBudget).
const RetryFullSeconds = 5

// ReasonNodesFull is the reason given to OnFull, and to the player, of a
// refusal because every node that could seat the player is saturated.
const ReasonNodesFull = "nodes saturated"

// full answers 503 with Retry-After and returns true when the Gate says the
// node is saturated. The Gate may count the seat it hands out (a seat
// rate), so a handler asks only once the request is known to be good: a
// malformed body or an unknown room costs nobody a seat.
func (h *Handler) full(w http.ResponseWriter, r *http.Request) bool {
	if h.opts.Gate == nil {
		return false
	}
	reason := h.opts.Gate.Full()
	if reason == "" {
		return false
	}
	h.opts.Logger.Debug("lobby: refused, node full", "method", r.Method, "path", r.URL.Path, "reason", reason)
	h.writeFull(w, reason)
	return true
}

// writeFull answers 503 "all arenas are full" with Retry-After, and tells
// OnFull.
func (h *Handler) writeFull(w http.ResponseWriter, reason string) {
	if h.opts.OnFull != nil {
		h.opts.OnFull(reason)
	}
	w.Header().Set("Retry-After", strconv.Itoa(h.retry.next(time.Now())))
	w.Header().Set("Cache-Control", "no-store")
	httpjson.WriteError(w, http.StatusServiceUnavailable, "all arenas are full ("+reason+"); try again in a few seconds", "")
}

// Defaults of the room creation limits of HandlerOptions.
const (
	// DefaultCreatePerPlayer is how many rooms a player may create per minute.
	DefaultCreatePerPlayer = 6
	// DefaultCreatePerAddr is how many rooms one address may create per minute.
	DefaultCreatePerAddr = 30
)

// CreateLimiter counts room creations against allowances per key: at most
// perMinute in any minute, all at once or spread out. It is safe for
// concurrent use.
type CreateLimiter interface {
	// Allow takes one creation from key's allowance, or reports how long
	// until one is available. An error means the count cannot be kept now.
	Allow(ctx context.Context, key string, perMinute int) (ok bool, retryAfter time.Duration, err error)
}

// localLimiter is a CreateLimiter of one process: a session.WindowLimiter per rate.
type localLimiter struct {
	mu     sync.Mutex
	byRate map[int]*session.WindowLimiter
}

func (l *localLimiter) Allow(_ context.Context, key string, perMinute int) (bool, time.Duration, error) {
	l.mu.Lock()
	rl := l.byRate[perMinute]
	if rl == nil {
		rl = session.NewWindowLimiter(session.WindowOptions{Max: perMinute, Window: time.Minute})
		l.byRate[perMinute] = rl
	}
	l.mu.Unlock()
	ok, wait := rl.Allow(key)
	return ok, wait, nil
}

// Handler serves the lobby's HTTP API over a Directory:
//
//	GET  /api/rooms       public rooms, fullest first
//	POST /api/rooms       create a room and reserve a seat in it (auth)
//	POST /api/play        quick play: reserve a seat in a public room (auth)
//	POST /api/join        reserve a seat in a room by id or join code (auth)
//	GET  /api/rooms/{id}  one room with its live scoreboard
//
// Requests marked auth carry Authorization: Bearer <session token>. A
// private room is reachable only through its join code: POST /api/join
// with "code", or GET /api/rooms/{id}?code=...; by id alone it answers 404
// as if it did not exist. A full room answers 409; a node that can start
// no more rooms, or that its Gate says is saturated, answers 503 with
// Retry-After; a player or an address past its room creation
// rate answers 429 with Retry-After.
type Handler struct {
	dir   Directory
	auth  Verifier
	opts  HandlerOptions
	cache listCache
	// creates bounds POST /api/rooms.
	creates CreateLimiter
	// retry sizes the Retry-After of "full" answers.
	retry *fullRetry
}

// NewHandler returns a Handler over dir that authenticates players with
// auth (a *session.Issuer).
func NewHandler(dir Directory, auth Verifier, opts HandlerOptions) *Handler {
	opts = opts.withDefaults()
	creates := opts.CreateLimit
	if creates == nil {
		creates = &localLimiter{byRate: map[int]*session.WindowLimiter{}}
	}
	return &Handler{dir: dir, auth: auth, opts: opts, cache: listCache{ttl: opts.ListCacheTTL}, creates: creates,
		retry: newFullRetry(opts.FullRetryBudget)}
}

// Register adds the Handler's routes to mux.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/rooms", h.list)
	mux.HandleFunc("POST /api/rooms", h.create)
	mux.HandleFunc("POST /api/play", h.play)
	mux.HandleFunc("POST /api/join", h.join)
	mux.HandleFunc("GET /api/rooms/{id}", h.details)
}

type listAnswer struct {
	Rooms []RoomInfo `json:"rooms"`
}

// seatAnswer is the room a player holds a seat in, and for how long.
type seatAnswer struct {
	RoomInfo
	// ReservationSeconds is how long the seat waits for the player's
	// WebSocket hello.
	ReservationSeconds int `json:"reservation_seconds"`
}

type detailsAnswer struct {
	RoomInfo
	Scoreboard []ScoreLine `json:"scoreboard"`
}

func (h *Handler) list(w http.ResponseWriter, r *http.Request) {
	rooms, err := h.cache.get(r.Context(), h.fetchList)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := make([]RoomInfo, len(rooms))
	for i, room := range rooms {
		out[i] = h.present(r, room, false)
	}
	w.Header().Set("Cache-Control", "max-age=1")
	httpjson.Write(w, http.StatusOK, listAnswer{Rooms: out})
}

// fetchList returns the public rooms sorted by humans, most first, then id.
func (h *Handler) fetchList(ctx context.Context) ([]RoomInfo, error) {
	rooms, err := h.dir.List(ctx)
	if err != nil {
		return nil, err
	}
	rooms = slices.DeleteFunc(rooms, func(r RoomInfo) bool { return !r.Public })
	slices.SortFunc(rooms, func(a, b RoomInfo) int {
		return cmp.Or(cmp.Compare(b.Humans, a.Humans), cmp.Compare(a.ID, b.ID))
	})
	return rooms, nil
}

type createRoomRequest struct {
	Name         *string `json:"name"`
	Capacity     *int    `json:"capacity"`
	Bots         *int    `json:"bots"`
	RoundSeconds *int    `json:"round_seconds"`
	Public       *bool   `json:"public"`
}

// spec fills the fields the request left out: the creator's name, the
// default capacity and round length, no bots, public. The API's bots count
// is exact (0 or absent: none), which a RoomSpec writes as negative; a
// negative count in the request is refused.
func (req createRoomRequest) spec(limits Limits, creator string) (RoomSpec, error) {
	spec := RoomSpec{
		Name:         creator + "'s room",
		Capacity:     limits.DefaultCapacity,
		Bots:         -1,
		RoundSeconds: limits.DefaultRoundSeconds,
		Public:       true,
	}
	if req.Name != nil {
		spec.Name = *req.Name
	}
	if req.Capacity != nil {
		spec.Capacity = *req.Capacity
	}
	if req.Bots != nil && *req.Bots != 0 {
		spec.Bots = *req.Bots
	}
	if req.RoundSeconds != nil {
		spec.RoundSeconds = *req.RoundSeconds
	}
	if req.Public != nil {
		spec.Public = *req.Public
	}
	if req.Bots != nil && *req.Bots < 0 {
		return spec, &SpecError{Field: "bots", Reason: fmt.Sprintf("must be between 0 and the capacity (%d)", spec.Capacity)}
	}
	return spec, nil
}

func (h *Handler) create(w http.ResponseWriter, r *http.Request) {
	player, ok := h.authenticate(w, r)
	if !ok {
		return
	}
	var req createRoomRequest
	if err := httpjson.Decode(w, r, h.opts.MaxBody, &req); err != nil {
		httpjson.WriteDecodeError(w, err)
		return
	}
	spec, err := req.spec(h.opts.Limits, player.Name)
	if err == nil {
		spec, err = h.opts.Limits.Check(spec)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if h.full(w, r) || !h.mayCreate(w, r, player.PlayerID) {
		return
	}
	room, err := h.dir.Create(r.Context(), spec)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.cache.invalidate()
	answer := seatAnswer{RoomInfo: h.present(r, room, true)}
	if held, err := h.dir.Reserve(r.Context(), room.ID, player.PlayerID, h.opts.ReservationTTL); err != nil {
		// The room exists; its creator can still try to join it.
		h.opts.Logger.Warn("no seat for room creator", "room", room.ID, "player", player.PlayerID, "err", err)
	} else {
		answer.RoomInfo = h.present(r, held, true)
		answer.ReservationSeconds = seconds(h.opts.ReservationTTL)
	}
	h.writeSeat(w, http.StatusCreated, answer)
}

// mayCreate takes one room creation from the player's and the address's
// allowances, or answers 429 and returns false. Every room costs a goroutine
// and a share of a core until it closes, and a node runs a bounded number:
// one token or one address must not take them all.
func (h *Handler) mayCreate(w http.ResponseWriter, r *http.Request, playerID string) bool {
	ip := session.ClientIP(r)
	ok, wait, err := h.creates.Allow(r.Context(), "player:"+playerID, h.opts.CreatePerPlayer)
	who := "you create"
	if ok && err == nil {
		ok, wait, err = h.creates.Allow(r.Context(), "addr:"+ip, h.opts.CreatePerAddr)
		who = "your address creates"
	}
	if err != nil {
		h.fail(w, r, err)
		return false
	}
	if ok {
		return true
	}
	h.opts.Logger.Info("room creation refused: over the rate", "player", playerID, "ip", ip, "retry_after", wait)
	w.Header().Set("Retry-After", strconv.Itoa(max(1, seconds(wait))))
	httpjson.WriteError(w, http.StatusTooManyRequests, "too many rooms: "+who+" rooms faster than allowed; try again later", "")
	return false
}

func (h *Handler) play(w http.ResponseWriter, r *http.Request) {
	player, ok := h.authenticate(w, r)
	if !ok {
		return
	}
	var empty struct{}
	if err := httpjson.Decode(w, r, h.opts.MaxBody, &empty); err != nil {
		httpjson.WriteDecodeError(w, err)
		return
	}
	if h.full(w, r) {
		return
	}
	room, err := h.dir.QuickPlay(r.Context(), player.PlayerID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.cache.invalidate()
	// Quick play uses the Directory's TTL, which this handler's option mirrors.
	h.writeSeat(w, http.StatusOK, seatAnswer{RoomInfo: h.present(r, room, false), ReservationSeconds: seconds(h.opts.ReservationTTL)})
}

type joinRequest struct {
	Room string `json:"room"`
	Code string `json:"code"`
}

func (h *Handler) join(w http.ResponseWriter, r *http.Request) {
	player, ok := h.authenticate(w, r)
	if !ok {
		return
	}
	var req joinRequest
	if err := httpjson.Decode(w, r, h.opts.MaxBody, &req); err != nil {
		httpjson.WriteDecodeError(w, err)
		return
	}
	var (
		room RoomInfo
		err  error
	)
	switch {
	case req.Room != "" && req.Code != "":
		httpjson.WriteError(w, http.StatusBadRequest, "give a room id or a join code, not both", "room")
		return
	case req.Room != "":
		room, err = h.dir.Get(r.Context(), req.Room)
		if err == nil && !room.Public {
			err = ErrNotFound // a private room is reachable by its code only
		}
	case req.Code != "":
		room, err = h.dir.ByCode(r.Context(), req.Code)
	default:
		httpjson.WriteError(w, http.StatusBadRequest, "give a room id or a join code", "room")
		return
	}
	if err == nil {
		if h.full(w, r) {
			return
		}
		room, err = h.dir.Reserve(r.Context(), room.ID, player.PlayerID, h.opts.ReservationTTL)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.cache.invalidate()
	h.writeSeat(w, http.StatusOK, seatAnswer{RoomInfo: h.present(r, room, !room.Public), ReservationSeconds: seconds(h.opts.ReservationTTL)})
}

func (h *Handler) details(w http.ResponseWriter, r *http.Request) {
	room, err := h.dir.Get(r.Context(), r.PathValue("id"))
	if err == nil && !room.Public && !codeMatches(room.Code, r.URL.Query().Get("code")) {
		err = ErrNotFound
	}
	var lines []ScoreLine
	if err == nil {
		lines, err = h.dir.Scoreboard(r.Context(), room.ID)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if lines == nil {
		lines = []ScoreLine{}
	}
	httpjson.Write(w, http.StatusOK, detailsAnswer{RoomInfo: h.present(r, room, !room.Public), Scoreboard: lines})
}

func (h *Handler) writeSeat(w http.ResponseWriter, status int, a seatAnswer) {
	w.Header().Set("Cache-Control", "no-store")
	httpjson.Write(w, status, a)
}

// present prepares a room for an answer: its code only when the caller may
// see it, and its WebSocket URL made absolute from the request when the
// Directory gave a path alone.
func (h *Handler) present(r *http.Request, room RoomInfo, showCode bool) RoomInfo {
	if !showCode {
		room.Code = ""
	}
	if len(room.WSURL) > 0 && room.WSURL[0] == '/' {
		scheme := "ws"
		if clientaddr.Secure(r) {
			scheme = "wss"
		}
		room.WSURL = scheme + "://" + r.Host + room.WSURL
	}
	return room
}

// fail answers an error from the Directory or from checking a spec.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	var spec *SpecError
	switch {
	case errors.As(err, &spec):
		httpjson.WriteError(w, http.StatusBadRequest, spec.Reason, spec.Field)
	case errors.Is(err, ErrNotFound):
		httpjson.WriteError(w, http.StatusNotFound, "room not found", "")
	case errors.Is(err, ErrRoomFull):
		httpjson.WriteError(w, http.StatusConflict, "room is full", "")
	case errors.Is(err, ErrSaturated):
		h.opts.Logger.Debug("lobby: refused, every node full", "method", r.Method, "path", r.URL.Path, "err", err)
		h.writeFull(w, ReasonNodesFull)
	case errors.Is(err, ErrTooManyRooms):
		w.Header().Set("Retry-After", "10")
		httpjson.WriteError(w, http.StatusServiceUnavailable, "the server runs as many rooms as it can; try again soon", "")
	case errors.Is(err, ErrUnavailable):
		h.opts.Logger.Warn("lobby unavailable", "method", r.Method, "path", r.URL.Path, "err", err)
		w.Header().Set("Retry-After", "5")
		httpjson.WriteError(w, http.StatusServiceUnavailable, "the room directory is unreachable; try again in a few seconds", "")
	case errors.Is(err, context.Canceled):
		// The client went away; nobody reads the answer.
	default:
		h.opts.Logger.Error("lobby request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		httpjson.WriteError(w, http.StatusInternalServerError, "internal error", "")
	}
}

// codeMatches reports whether a code given by a client opens a private
// room whose code is want; a room without a code opens to no one.
func codeMatches(want, given string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(want), []byte(NormalizeCode(given))) == 1
}

// seconds rounds a duration up to whole seconds.
func seconds(d time.Duration) int { return int((d + time.Second - 1) / time.Second) }
