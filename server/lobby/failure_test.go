package lobby

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tickarena/tickarena/internal/servertest"
)

// brokenDirectory is a Directory whose quick play fails with err, as one
// backed by an unreachable Redis, or by a bug, does.
type brokenDirectory struct {
	Directory
	err error
}

func (d brokenDirectory) QuickPlay(context.Context, string) (RoomInfo, error) {
	return RoomInfo{}, d.err
}

// TestDirectoryFailuresAreLoggedOnce: when the room directory fails, the
// player gets a clear answer (503 with Retry-After while it is unreachable,
// 500 for anything else) and the host's logger gets one line saying what
// failed, at warning or error level.
func TestDirectoryFailuresAreLoggedOnce(t *testing.T) {
	tests := []struct {
		name       string
		err        error
		status     int
		retryAfter string
		level      string
	}{
		{"directory unreachable", fmt.Errorf("redis: dial: %w", ErrUnavailable), http.StatusServiceUnavailable, "5", "WARN"},
		{"unexpected failure", errors.New("disk on fire"), http.StatusInternalServerError, "", "ERROR"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tl := startLobby(t, LocalOptions{})
			var logs servertest.LogBuffer
			mux := http.NewServeMux()
			NewHandler(brokenDirectory{tl.local, tt.err}, tl.issuer, HandlerOptions{
				Logger: slog.New(slog.NewTextHandler(&logs, nil)),
			}).Register(mux)
			srv := httptest.NewServer(mux)
			t.Cleanup(srv.Close)
			tl.url = srv.URL

			_, tok := tl.login(t, "Ann")
			a := tl.do(t, "POST", "/api/play", tok, "")
			if a.status != tt.status || a.header.Get("Retry-After") != tt.retryAfter || a.str("error") == "" {
				t.Errorf("quick play: %d, Retry-After %q, body %v; want %d, Retry-After %q and an error message",
					a.status, a.header.Get("Retry-After"), a.body, tt.status, tt.retryAfter)
			}
			lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
			if len(lines) != 1 || !strings.Contains(lines[0], "level="+tt.level) || !strings.Contains(lines[0], "/api/play") {
				t.Errorf("log %q, want one %s line naming /api/play", logs.String(), tt.level)
			}
		})
	}
}
