package realtime

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/tickarena/tickarena/game/wire"
	"github.com/tickarena/tickarena/internal/servertest"
	"github.com/tickarena/tickarena/internal/testwait"
)

// TestFloodCloseIsReadable floods the server from many connections at once,
// each writing as fast as it can, and checks that every one of them reads
// the documented error message and close frame (4007, then 1008 "too many
// messages") rather than a bare dropped connection (1006). The server still
// has unread messages of each flooder when it closes: it must close
// gracefully, or the kernel resets the connection and the peer may never
// read why.
//
// Eight flooders are enough for the server to hold unread messages of each
// when it closes; twenty starved each other's readers on a loaded machine
// past the close linger, which is the server's promise, not a bug.
func TestFloodCloseIsReadable(t *testing.T) {
	const trials = 8
	auth := mapAuth{}
	for i := range trials {
		auth[fmt.Sprintf("tok-%d", i)] = [2]string{fmt.Sprintf("p-%d", i), fmt.Sprintf("P%d", i)}
	}
	_, url := startServer(t, Options{Auth: auth, Bots: -1, Capacity: trials, FloodRate: 1, FloodSeconds: 1})

	clients := make([]*servertest.Player, trials)
	for i := range clients {
		clients[i] = servertest.MustDial(t, url)
		clients[i].Join(t, fmt.Sprintf("tok-%d", i), "arena-1")
	}
	var wg sync.WaitGroup
	for _, c := range clients {
		// Answers to pings would wait behind the flood on the client's side,
		// and its reading with them: a flooder reads but does not answer.
		c.SetSilent(true)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for seq := uint32(1); ; seq++ {
				select {
				case <-c.Closed():
					return
				default:
				}
				c.Send(wire.AppendInput(nil, wire.Input{Seq: seq}))
			}
		}()
	}
	failed := 0
	for i, c := range clients {
		code, e := c.WaitClosed(t)
		if code != wire.ClosePolicy || c.CloseReason() != "too many messages" || e == nil || e.Code != wire.ErrCodeFlood {
			failed++
			t.Errorf("flooder %d: close %d %q, error message %+v; want close %d %q after error %d",
				i, code, c.CloseReason(), e, wire.ClosePolicy, "too many messages", wire.ErrCodeFlood)
		}
	}
	wg.Wait()
	if failed > 0 {
		t.Errorf("%d of %d flooders did not read the reason of their close", failed, trials)
	}
}

// TestCloseWaitsForThePeer checks that a closed connection does not outlive
// the close linger when the peer never answers the close frame.
func TestCloseWaitsForThePeer(t *testing.T) {
	m, url := startServer(t, Options{Bots: -1})
	raw := servertest.DialRaw(t, url, 0)
	if err := raw.Send(servertest.OpBinary, wire.AppendInput(nil, wire.Input{Seq: 1})); err != nil {
		t.Fatalf("write: %v", err)
	}
	start := time.Now()
	// The server closes (hello must come first) and waits for a close frame
	// that never comes: the socket must still be closed after the linger.
	_ = raw.SetReadDeadline(time.Now().Add(closeLinger + 5*time.Second))
	buf := make([]byte, 512)
	for {
		if _, err := raw.Read(buf); err != nil {
			break
		}
	}
	if took := time.Since(start); took > closeLinger+4*time.Second {
		t.Errorf("the server held a silent peer's closed connection for %v, want about %v", took, closeLinger)
	}
	testwait.Until(t, testwait.Default, "the connection to be forgotten", func() bool { return m.Connections() == 0 })
}
