package app

import (
	"strings"
	"testing"
	"time"

	"github.com/tickarena/tickarena/internal/browsertest"
	"github.com/tickarena/tickarena/server/config"
)

// TestLobbyRetriesWhenFull opens the real lobby page of a node that holds
// its most connections: Play says "All arenas are full — retrying in N s"
// and counts down; once a connection ends, the page gets its seat by itself
// and opens the play view.
func TestLobbyRetriesWhenFull(t *testing.T) {
	b := browsertest.New(t, browsertest.Options{})
	n := startNode(t, func(c *config.Config) {
		c.Realtime.MaxConnections = 1
		// On a machine busy with other packages' browsers the holder's
		// reads may lag for seconds: its connection must not end for that
		// before the test lets it go (it did once, and the page got its seat).
		c.Realtime.IdleTimeout, c.Realtime.SlowTimeout, c.Realtime.MaxAckLag = time.Minute, time.Minute, time.Minute
	})
	holder := holdTheOnlyConnection(t, n)

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
