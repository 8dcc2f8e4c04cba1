package app

import (
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/tickarena/tickarena/server/clientaddr"
	"github.com/tickarena/tickarena/server/httpjson"
)

// originCheck refuses, with 403 before any upgrade, a WebSocket handshake whose
// Origin is neither the server's own nor in allowed. The server's own origin
// is the public URL's scheme and host when one is set, and nothing else: the
// Host header is chosen by whoever sends the request (a page on a rebound DNS
// name sends its own), so it is not trusted when the host said where the
// server lives. Without a public URL it is the scheme the server itself
// answered on (https with its own TLS, or when a trusted proxy says the client
// used https; see clientaddr.Secure) and the request's Host. Scheme, host and
// port must all match; default ports are implied. A request without Origin
// comes from a program, not a page, and is let through: browsers always send
// Origin on WebSocket handshakes.
type originCheck struct {
	any     bool
	allowed map[string]bool // normalized scheme://host:port
	public  string          // normalized origin of the public URL, "" without one
}

func newOriginCheck(allowed []string, publicURL string) *originCheck {
	oc := &originCheck{allowed: make(map[string]bool)}
	for _, a := range allowed {
		if a == "*" {
			oc.any = true
			continue
		}
		if o, ok := normalizeOrigin(a); ok {
			oc.allowed[o] = true
		}
	}
	if publicURL != "" {
		if u, err := url.Parse(publicURL); err == nil {
			scheme := map[string]string{"ws": "http", "wss": "https"}[u.Scheme]
			if scheme == "" {
				scheme = u.Scheme
			}
			oc.public, _ = normalizeOrigin(scheme + "://" + u.Host)
		}
	}
	return oc
}

func (oc *originCheck) ok(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" || oc.any {
		return true
	}
	o, ok := normalizeOrigin(origin)
	if !ok {
		return false
	}
	if oc.allowed[o] {
		return true
	}
	if oc.public != "" {
		return o == oc.public
	}
	scheme := "http"
	if clientaddr.Secure(r) {
		scheme = "https"
	}
	own, ok := normalizeOrigin(scheme + "://" + r.Host)
	return ok && o == own
}

// normalizeOrigin returns origin as lower-case scheme://host:port with the
// scheme's default port made explicit, or false when it is not an http or
// https origin (a browser sends "null" for opaque origins, such as files).
func normalizeOrigin(origin string) (string, bool) {
	u, err := url.Parse(strings.TrimSpace(origin))
	if err != nil || u.Host == "" || u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		return "", false
	}
	scheme := strings.ToLower(u.Scheme)
	port := u.Port()
	switch {
	case scheme == "http" && port == "":
		port = "80"
	case scheme == "https" && port == "":
		port = "443"
	case scheme != "http" && scheme != "https":
		return "", false
	}
	return scheme + "://" + net.JoinHostPort(strings.ToLower(u.Hostname()), port), true
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
