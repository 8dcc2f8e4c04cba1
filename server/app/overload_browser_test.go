package app

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tickarena/tickarena/internal/browsertest"
	"github.com/tickarena/tickarena/internal/servertest"
	"github.com/tickarena/tickarena/server/config"
)

// TestLobbyRetriesWhenFull opens the real lobby page of a node that holds
// its most connections: Play says "All arenas are full — retrying in N s"
// and counts down; once a connection ends, the page gets its seat by itself
// and opens the play view.
func TestLobbyRetriesWhenFull(t *testing.T) {
	b := browsertest.New(t, browsertest.Options{})
	n, holder := startFullNode(t, nil)

	p := b.NewPage()
	p.Navigate(n.base + "/")
	p.Type("#name", "Patient")
	p.Click("#play")
	p.WaitFor(`document.getElementById("message").textContent.startsWith("All arenas are full")`)
	const message = `document.getElementById("message").textContent`
	msg := browsertest.Eval[string](p, message)
	p.Screenshot("lobby-all-arenas-full")
	if !strings.Contains(msg, "retrying in") || !strings.HasSuffix(msg, " s") {
		t.Errorf("the lobby says %q, want \"All arenas are full — retrying in N s\"", msg)
	}
	p.WaitFor(message + ` !== ` + browsertest.JS(msg))
	if got := browsertest.Eval[string](p, message); got == msg || !strings.HasPrefix(got, "All arenas are full") {
		t.Errorf("after a second the lobby says %q (at %s, the node holding %d connections); want the countdown to move from %q",
			got, browsertest.Eval[string](p, `location.pathname`), n.app.rt.Connections(), msg)
	}

	holder.Close() // a seat frees up
	p.WaitFor(`location.pathname === "/play"`)
	if room := browsertest.Eval[string](p, `new URLSearchParams(location.search).get("room") || ""`); room == "" {
		t.Errorf("the lobby opened %q without a room", browsertest.Eval[string](p, `location.href`))
	}
}

// TestLobbyTellsACrowdWhyItWaits: when a full node asks for more than 5 s
// before the next try (a crowd is waiting: it spaces their tries), the lobby
// page says so beside its countdown.
func TestLobbyTellsACrowdWhyItWaits(t *testing.T) {
	b := browsertest.New(t, browsertest.Options{})
	n, _ := startFullNode(t, func(c *config.Config) {
		c.Lobby.FullRetryBudget = 1 // a crowd of a few: one refusal a second in all
	})
	token := n.session(t, "Crowd")
	for range 150 { // the crowd before the page: each books the seconds it is told
		if a := n.Do(t, http.MethodPost, "/api/play", token, nil); a.Status != http.StatusServiceUnavailable {
			t.Fatalf("quick play on a full node: %d, want 503", a.Status)
		}
	}

	p := b.NewPage()
	p.Navigate(n.base + "/")
	p.Type("#name", "Patient")
	p.Click("#play")
	const message = `document.getElementById("message").textContent`
	p.WaitFor(message + `.startsWith("All arenas are full")`)
	msg := browsertest.Eval[string](p, message)
	p.Screenshot("lobby-a-crowd-waits")
	var secs int
	if _, err := fmt.Sscanf(msg[strings.LastIndex(msg, "retrying in ")+len("retrying in "):], "%d s", &secs); err != nil ||
		!strings.HasPrefix(msg, "All arenas are full — many pilots are waiting; retrying in ") || secs <= 5 {
		t.Errorf("the lobby says %q; want \"All arenas are full — many pilots are waiting; retrying in N s\" with N over 5", msg)
	}
}

// startFullNode starts a node of one connection, with edit (if not nil)
// applied to its configuration, and fills it (holdTheOnlyConnection). On a
// machine busy with other packages' browsers the holder's reads may lag for
// seconds: its connection must not end for that before the test lets it go
// (it did once, and the lobby page got its seat), so the node gives it a
// minute of idle, slow and unacknowledged time.
func startFullNode(t *testing.T, edit func(*config.Config)) (*node, *servertest.Player) {
	t.Helper()
	n := startNode(t, func(c *config.Config) {
		c.Realtime.MaxConnections = 1
		c.Realtime.IdleTimeout, c.Realtime.SlowTimeout, c.Realtime.MaxAckLag = time.Minute, time.Minute, time.Minute
		if edit != nil {
			edit(c)
		}
	})
	return n, holdTheOnlyConnection(t, n)
}
