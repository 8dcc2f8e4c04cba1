package realtime

import (
	"testing"
	"time"

	"github.com/tickarena/tickarena/game/wire"
	"github.com/tickarena/tickarena/internal/testwait"
)

// TestConnectionEndsAreCountedByReason: a host's metrics say why connections
// ended: a client that closes normally, one that closes with an error code,
// one that sends a frame over the size limit and one whose network drops are
// each counted under their own reason.
func TestConnectionEndsAreCountedByReason(t *testing.T) {
	tests := []struct {
		reason string
		end    func(c *tclient)
	}{
		{"client closed", func(c *tclient) { _ = c.conn.WriteClose(wire.CloseNormal, nil) }},
		{"client closed with error", func(c *tclient) { _ = c.conn.WriteClose(wire.CloseGoingAway, []byte("tab closed")) }},
		{"too large", func(c *tclient) { c.write(make([]byte, wire.MaxClientMessage+1)) }},
		{"network", func(c *tclient) { _ = c.conn.NetConn().Close() }},
	}
	reasons := []string{"client closed", "client closed with error", "too large", "network"}
	for _, tc := range tests {
		t.Run(tc.reason, func(t *testing.T) {
			obs := newCountingObserver()
			m, url := startServer(t, Options{Bots: -1, Observer: obs})
			c := dial(t, url)
			c.join("tok-ann", "arena-1")
			tc.end(c)
			eventually(t, "the server to count the connection as closed", func() bool { return m.Connections() == 0 })
			for _, r := range reasons {
				want := 0
				if r == tc.reason {
					want = 1
				}
				if got := obs.closedCount(r); got != want {
					t.Errorf("connections counted as closed for %q: %d, want %d", r, got, want)
				}
			}
		})
	}
}

// TestSilentConnectionIsCutByTheReadDeadline: a connection that sends nothing
// at all is cut by its read deadline, IdleTimeout and a few seconds of slack
// after its last traffic, even when the hello timeout is longer: a host's idle
// bound holds for connections no room looks after.
func TestSilentConnectionIsCutByTheReadDeadline(t *testing.T) {
	const idle = 200 * time.Millisecond
	obs := newCountingObserver()
	_, url := startServer(t, Options{Bots: -1, Observer: obs, HelloTimeout: time.Minute, IdleTimeout: idle})
	c := dial(t, url)
	opened := time.Now()
	testwait.Recv(t, idle+idleSlack+10*time.Second, "the server to cut a connection silent for IdleTimeout and its slack", c.done)
	if after := time.Since(opened); after < idle+idleSlack-500*time.Millisecond {
		t.Errorf("a silent connection was cut after %v, before IdleTimeout and its slack (%v)", after, idle+idleSlack)
	}
	eventually(t, "the server to count the cut connection under \"network\"", func() bool { return obs.closedCount("network") == 1 })
}
