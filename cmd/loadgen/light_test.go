package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/lxzan/gws"
	"github.com/tickarena/tickarena/game/wire"
	"github.com/tickarena/tickarena/internal/testwait"
)

// TestLightClientReadsFoldedFrames holds what a light client must do with a
// version 2 tick frame (docs/protocol.md §7): find each message of the frame
// without decoding it, so that the delta is counted with its tick and the
// ping after it is found and answered.
func TestLightClientReadsFoldedFrames(t *testing.T) {
	var enc wire.DeltaEncoder
	cur := &wire.View{Tick: 4242, Entities: []wire.Entity{{ID: 7, Kind: wire.KindShip, Name: "pilot"}}}
	delta := enc.Append(nil, &wire.View{}, cur, 9, nil)
	roster := wire.AppendRoster(nil, wire.Roster{Tick: 4242, Lines: []wire.RosterLine{{Ship: 7, Name: "Ünïcödé pilot", Score: -3, Kills: 300, MapX: 200}}})
	ping := wire.AppendPing(nil, wire.Ping{Time: 1 << 40, RTT: 70000})
	pong := wire.AppendPong(nil, wire.Pong{Time: 99, Held: 12})
	frame := append(append(append(append([]byte(nil), delta...), roster...), ping...), pong...)

	var got []wire.Type
	for b := frame; len(b) > 0; {
		n, ok := skipValue(b)
		if !ok {
			t.Fatalf("skipValue failed with %d bytes of the frame left (types so far %v)", len(b), got)
		}
		got = append(got, wire.PeekType(b[:n]))
		if len(got) == 1 {
			if tick, ok := deltaTick(b[:n]); !ok || tick != 4242 {
				t.Errorf("deltaTick of the frame's delta = %d, %v; want 4242", tick, ok)
			}
		}
		b = b[n:]
	}
	want := []wire.Type{wire.TypeDelta, wire.TypeRoster, wire.TypePing, wire.TypePong}
	if len(got) != len(want) {
		t.Fatalf("messages found %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("message %d has type %d, want %d", i, got[i], want[i])
		}
	}
	for cut := 1; cut < len(delta); cut++ {
		if _, ok := skipValue(delta[:cut]); ok {
			t.Fatalf("skipValue accepted a delta cut at %d of %d bytes", cut, len(delta))
		}
	}
}

// frameServer is a WebSocket server that, once a client's hello arrives,
// sends it a welcome, the binary messages of the given sizes back to back,
// then a WebSocket ping, and, once the pong comes, a close frame.
type frameServer struct {
	gws.BuiltinEventHandler
	sizes []int
	pongs chan string
}

func (s *frameServer) OnMessage(c *gws.Conn, m *gws.Message) {
	_ = m.Close()
	_ = c.WriteMessage(gws.OpcodeBinary, wire.AppendWelcome(nil, wire.Welcome{Ship: 1024, ServerTick: 1}))
	for _, n := range s.sizes {
		b := make([]byte, n)
		b[0], b[1] = 0x92, 0x7f // a message of a type the client does not know: an update
		_ = c.WriteMessage(gws.OpcodeBinary, b)
	}
	_ = c.WritePing([]byte("hi"))
}

func (s *frameServer) OnPing(c *gws.Conn, b []byte) { _ = c.WritePong(b) }

func (s *frameServer) OnPong(c *gws.Conn, b []byte) {
	s.pongs <- string(b)
	_ = c.WriteClose(1001, []byte("bye"))
}

// TestLightClientReadsEveryFrame: a light client, read by a read poller or
// by gws's read loop, counts every message however large (one larger than
// a poller's buffer among them) and however many arrive at once, answers a
// WebSocket ping, and reports the server's close with its code.
func TestLightClientReadsEveryFrame(t *testing.T) {
	sizes := []int{40, 300, 70_000, 90, 5, 126, 65_535, 65_536, 2}
	want := 0
	for _, n := range sizes {
		want += n
	}
	for _, poll := range []bool{true, false} {
		t.Run(map[bool]string{true: "read poller", false: "read loop"}[poll], func(t *testing.T) {
			defer func(old bool) { lightPollReads = old }(lightPollReads)
			lightPollReads = poll
			srv := &frameServer{sizes: sizes, pongs: make(chan string, 1)}
			up := gws.NewUpgrader(srv, &gws.ServerOption{})
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				c, err := up.Upgrade(w, r)
				if err != nil {
					return
				}
				go c.ReadLoop()
			}))
			defer ts.Close()
			p := &player{id: 1, url: "ws" + strings.TrimPrefix(ts.URL, "http"), token: "t", mode: modeFloor, sizes: &histogram{}}
			p.lc = &lightConn{p: p, floor: true}
			go p.lc.connect(p.url)
			if got := testwait.Recv(t, testwait.Default, "the client's pong", srv.pongs); got != "hi" {
				t.Errorf("pong %q, want %q", got, "hi")
			}
			testwait.Until(t, testwait.Default, "the server's close reported", func() bool { return p.closes.Load() == 1 })
			if got := p.updates.Load(); got != uint64(len(sizes)) {
				t.Errorf("%d updates counted, want %d", got, len(sizes))
			}
			if got, welcome := p.bytesDown.Load(), len(wire.AppendWelcome(nil, wire.Welcome{Ship: 1024, ServerTick: 1})); got != uint64(want+welcome) {
				t.Errorf("%d bytes down, want %d", got, want+welcome)
			}
			if e, _ := p.lastErr.Load().(string); !strings.Contains(e, "code=1001") || !strings.Contains(e, "bye") {
				t.Errorf("last error %q, want the server's close, 1001 bye", e)
			}
		})
	}
}
