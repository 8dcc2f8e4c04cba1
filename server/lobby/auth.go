package lobby

import (
	"errors"
	"net/http"
	"strings"

	"github.com/tickarena/tickarena/server/httpjson"
	"github.com/tickarena/tickarena/server/session"
)

// Verifier checks a session token; *session.Issuer implements it.
type Verifier interface {
	// Verify returns the session a token carries, or an error.
	Verify(token string) (session.Session, error)
}

// authenticate returns the session of the request's bearer token, or
// answers 401 and returns false.
func (h *Handler) authenticate(w http.ResponseWriter, r *http.Request) (session.Session, bool) {
	scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	token = strings.TrimSpace(token)
	if !strings.EqualFold(scheme, "Bearer") || token == "" {
		unauthorized(w, "missing session token: send Authorization: Bearer <token> from POST /api/session")
		return session.Session{}, false
	}
	s, err := h.auth.Verify(token)
	if err != nil {
		msg := "invalid session token"
		if errors.Is(err, session.ErrExpired) {
			msg = "session expired"
		}
		h.opts.Logger.Debug("lobby auth refused", "err", err, "ip", session.ClientIP(r))
		unauthorized(w, msg)
		return session.Session{}, false
	}
	return s, true
}

func unauthorized(w http.ResponseWriter, msg string) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="tickarena"`)
	httpjson.WriteError(w, http.StatusUnauthorized, msg, "")
}
