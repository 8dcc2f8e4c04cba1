package app

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/tickarena/tickarena/server/httpjson"
)

// originCheck refuses, with 403 before any upgrade, a WebSocket handshake whose
// Origin is neither the server's own (the request's Host, or the public URL's
// host) nor in allowed. A request without Origin comes from a program, not a
// page, and is let through: browsers always send Origin on WebSocket handshakes.
type originCheck struct {
	allowed []string // scheme://host[:port], or "*"
	public  string   // host[:port] of the public URL, if any
}

func newOriginCheck(allowed []string, publicURL string) *originCheck {
	oc := &originCheck{allowed: allowed}
	if u, err := url.Parse(publicURL); err == nil {
		oc.public = strings.ToLower(u.Host)
	}
	return oc
}

func (oc *originCheck) ok(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	for _, a := range oc.allowed {
		if a == "*" || strings.EqualFold(a, origin) {
			return true
		}
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	host := strings.ToLower(u.Host)
	return host == strings.ToLower(r.Host) || (oc.public != "" && host == oc.public)
}

func (oc *originCheck) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !oc.ok(r) {
			httpjson.WriteError(w, http.StatusForbidden, "origin "+r.Header.Get("Origin")+" may not open a game connection", "")
			return
		}
		next.ServeHTTP(w, r)
	})
}
