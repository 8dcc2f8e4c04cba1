package session

import (
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/tickarena/tickarena/server/clientaddr"
	"github.com/tickarena/tickarena/server/httpjson"
)

// HandlerOptions tunes a Handler. The zero value works.
type HandlerOptions struct {
	// Limit is the rate limit per client IP on POST /api/session: at most
	// Limit.Max requests in any Limit.Window; zero fields take
	// WindowOptions' defaults (10 a minute).
	Limit WindowOptions
	// MaxBody is the largest request body in bytes; default httpjson.MaxBody (4 KiB).
	MaxBody int64
	// Logger receives one line per refused request; default slog.Default().
	Logger *slog.Logger
}

// DefaultHandlerOptions returns the settings of a Handler given none, every
// default filled in (the logger left nil): the base a
// configuration writes its own settings into.
func DefaultHandlerOptions() HandlerOptions {
	o := HandlerOptions{Limit: WindowOptions{}.withDefaults()}.withDefaults()
	o.Logger = nil
	return o
}

func (o HandlerOptions) withDefaults() HandlerOptions {
	if o.MaxBody <= 0 {
		o.MaxBody = httpjson.MaxBody
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

// Handler serves POST /api/session, which creates a guest session or renames
// the player of an existing one.
//
// The request is {"name": "..."} or {"name": "...", "token": "..."}; the
// answer is 201 {"player_id", "name", "token"}. A valid token keeps its
// player id under the new name; an invalid or expired one is ignored and a
// new player is made. Errors: 400 for a bad name (field "name") or bad
// JSON, 413 for a body over MaxBody, 415 for a content type other than
// application/json, 429 with Retry-After (whole seconds) past the rate limit.
type Handler struct {
	issuer *Issuer
	limit  *WindowLimiter
	opts   HandlerOptions
}

// NewHandler returns a Handler issuing tokens with issuer.
func NewHandler(issuer *Issuer, opts HandlerOptions) *Handler {
	opts = opts.withDefaults()
	return &Handler{issuer: issuer, limit: NewWindowLimiter(opts.Limit), opts: opts}
}

// Register adds the Handler's routes to mux.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.HandleFunc("POST /api/session", h.create)
}

type createRequest struct {
	Name  string `json:"name"`
	Token string `json:"token,omitempty"`
}

type createResponse struct {
	PlayerID string `json:"player_id"`
	Name     string `json:"name"`
	Token    string `json:"token"`
}

// create answers 201 with a new session. An invalid or expired token is
// ignored rather than refused, since the client only wants to play.
func (h *Handler) create(w http.ResponseWriter, r *http.Request) {
	ip := ClientIP(r)
	if ok, wait := h.limit.Allow(ip); !ok {
		secs := int((wait + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.Itoa(max(1, secs)))
		h.opts.Logger.Info("session rate limited", "ip", ip)
		httpjson.WriteError(w, http.StatusTooManyRequests, "too many requests", "")
		return
	}
	var req createRequest
	if err := httpjson.Decode(w, r, h.opts.MaxBody, &req); err != nil {
		httpjson.WriteDecodeError(w, err)
		return
	}
	name, err := ValidateName(req.Name)
	if err != nil {
		httpjson.WriteError(w, http.StatusBadRequest, err.Error(), "name")
		return
	}
	var (
		s     Session
		token string
		renew bool
	)
	if req.Token != "" {
		prev, verr := h.issuer.Verify(req.Token)
		if verr == nil {
			s, token, err = h.issuer.Renew(prev, name)
			renew = true
		} else {
			h.opts.Logger.Debug("session token ignored", "ip", ip, "err", verr)
		}
	}
	if !renew {
		s, token, err = h.issuer.Issue(name)
	}
	if err != nil {
		h.opts.Logger.Error("issue session", "err", err)
		httpjson.WriteError(w, http.StatusInternalServerError, "could not create session", "")
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	httpjson.Write(w, http.StatusCreated, createResponse{PlayerID: s.PlayerID, Name: s.Name, Token: token})
}

// ClientIP returns the client address of r, the key of per-client rate
// limits: the peer, or what a trusted proxy said (see server/clientaddr).
func ClientIP(r *http.Request) string { return clientaddr.From(r) }
