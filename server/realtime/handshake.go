package realtime

import (
	"encoding/base64"
	"net/http"
	"strings"
)

// Seconds a refused client is told to wait (Retry-After) before it tries
// again: past the per-address limit, its own connections must close first;
// on a full or draining node, another node or a later moment is needed.
const (
	retryAfterPerAddr = "5"
	retryAfterBusy    = "10"
)

// handshakeProblem checks the headers of a WebSocket opening handshake
// (RFC 6455 section 4.2.1) before the connection is taken over, so that a
// request that is not one is refused like every other HTTP error: a status,
// a JSON message and the headers the status calls for. It returns 0 when the
// handshake may proceed.
func handshakeProblem(w http.ResponseWriter, r *http.Request) (status int, msg string) {
	if !headerHasToken(r.Header, "Connection", "upgrade") || !headerHasToken(r.Header, "Upgrade", "websocket") {
		w.Header().Set("Upgrade", "websocket")
		w.Header().Set("Connection", "Upgrade")
		return http.StatusUpgradeRequired, "this endpoint speaks WebSocket only: send Connection: Upgrade and Upgrade: websocket"
	}
	if v := strings.TrimSpace(r.Header.Get("Sec-WebSocket-Version")); v != "13" {
		w.Header().Set("Sec-WebSocket-Version", "13")
		return http.StatusUpgradeRequired, "unsupported WebSocket version " + quoteOrNone(v) + ": want 13"
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(r.Header.Get("Sec-WebSocket-Key")))
	if err != nil || len(key) != 16 {
		return http.StatusBadRequest, "missing or malformed Sec-WebSocket-Key"
	}
	return 0, ""
}

// headerHasToken reports whether one of the comma-separated values of header
// name is token, ignoring case.
func headerHasToken(h http.Header, name, token string) bool {
	for _, line := range h.Values(name) {
		for _, v := range strings.Split(line, ",") {
			if strings.EqualFold(strings.TrimSpace(v), token) {
				return true
			}
		}
	}
	return false
}

func quoteOrNone(v string) string {
	if v == "" {
		return "(none)"
	}
	if len(v) > 16 {
		v = v[:16]
	}
	return `"` + v + `"`
}
