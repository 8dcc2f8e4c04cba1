package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lxzan/gws"
	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/wire"
	"github.com/tickarena/tickarena/server/httpjson"
)

// refusingServer answers sessions and seats the way an overloaded server
// may, by client number (the name the load generator sends): a 503 to the
// session, a session that never answers, a seat whose WebSocket upgrade is
// answered 503, a seat whose hello is answered with close 1013, a seat whose
// upgrade never answers, and else nothing wrong (the client is welcomed).
type refusingServer struct {
	gws.BuiltinEventHandler
	ts      *httptest.Server
	up      *gws.Upgrader
	release chan struct{}
	hellos  atomic.Int64
}

const (
	refuseSession = iota
	hangSession
	refuseUpgrade
	closeTryLater
	hangUpgrade
	welcome
	refusingKinds
)

func startRefusingServer(t *testing.T) *refusingServer {
	s := &refusingServer{release: make(chan struct{})}
	s.up = gws.NewUpgrader(s, &gws.ServerOption{ReadMaxPayloadSize: wire.MaxClientMessage})
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/session", func(w http.ResponseWriter, r *http.Request) {
		var req struct{ Name string }
		if err := httpjson.Decode(w, r, httpjson.MaxBody, &req); err != nil {
			httpjson.WriteDecodeError(w, err)
			return
		}
		var n int
		fmt.Sscanf(strings.TrimPrefix(req.Name, "load"), "%d", &n)
		switch n % refusingKinds {
		case refuseSession:
			w.Header().Set("Retry-After", "5")
			httpjson.WriteError(w, http.StatusServiceUnavailable, "all arenas are full", "")
			return
		case hangSession:
			select {
			case <-r.Context().Done():
			case <-s.release:
			}
			return
		}
		httpjson.Write(w, http.StatusCreated, map[string]string{"token": fmt.Sprint(n % refusingKinds)})
	})
	mux.HandleFunc("POST /api/play", func(w http.ResponseWriter, r *http.Request) {
		kind := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		httpjson.Write(w, http.StatusOK, map[string]string{"id": "r1", "ws_url": "ws" + strings.TrimPrefix(s.ts.URL, "http") + "/ws?kind=" + kind})
	})
	mux.HandleFunc("GET /ws", func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Query().Get("kind") {
		case fmt.Sprint(refuseUpgrade):
			httpjson.WriteError(w, http.StatusServiceUnavailable, "too many connections", "")
			return
		case fmt.Sprint(hangUpgrade):
			select {
			case <-r.Context().Done():
			case <-s.release:
			}
			return
		}
		c, err := s.up.Upgrade(w, r)
		if err != nil {
			return
		}
		c.Session().Store("kind", r.URL.Query().Get("kind"))
		go c.ReadLoop()
	})
	s.ts = httptest.NewServer(mux)
	t.Cleanup(func() { close(s.release); s.ts.Close() })
	return s
}

// OnMessage answers a hello: with close 1013, or with a welcome.
func (s *refusingServer) OnMessage(c *gws.Conn, m *gws.Message) {
	defer m.Close()
	if wire.PeekType(m.Bytes()) != wire.TypeHello {
		return
	}
	s.hellos.Add(1)
	if kind, _ := c.Session().Load("kind"); kind == fmt.Sprint(closeTryLater) {
		_ = c.WriteClose(wire.CloseTryAgainLater, []byte("room full"))
		return
	}
	_ = c.WriteMessage(gws.OpcodeBinary, wire.AppendWelcome(nil, wire.Welcome{Ship: 1, RoomID: "r1", Rules: game.Default()}))
}

// Clients refused by the server are counted apart from those it did not
// answer, on HTTP and on the WebSocket, and such a run is not held; its
// summary is still written.
func TestRefusalsApartFromTimeouts(t *testing.T) {
	s := startRefusingServer(t)
	const n = 2 * refusingKinds
	sum, err := run(context.Background(), config{API: s.ts.URL, N: n, Duration: time.Second, Logger: quietLog(),
		VerifyFraction: 1.0 / n, APITimeout: 2 * time.Second, Ramp: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	sum.print(&out)
	t.Log(out.String())
	// Client 0 is welcomed only if its kind is; the first kind is a refused session.
	want := failures{HTTPRefused: 2, HTTPTimeouts: 2, WSRefused: 4, WSTimeouts: 2}
	if sum.Failed != want {
		t.Errorf("failures %+v, want %+v", sum.Failed, want)
	}
	if sum.Connected != 2 {
		t.Errorf("%d clients playing, want the 2 welcomed", sum.Connected)
	}
	// The two sessions answered 503 are timed apart from the other answers
	// (the 503 upgrades are WebSocket handshakes, not API calls).
	if sum.FullAnswers != 2 || sum.FullMsMax <= 0 || sum.FullMsMax > sum.HTTPMsMax {
		t.Errorf("503 answers %d, max %.1f ms (all answers' max %.1f ms); want the 2 refused sessions",
			sum.FullAnswers, sum.FullMsMax, sum.HTTPMsMax)
	}
	if sum.Held || !strings.Contains(strings.Join(sum.NotHeld, ";"), "4 timed out") || !strings.Contains(strings.Join(sum.NotHeld, ";"), "6 refused") {
		t.Errorf("held %v, why not %q; want not held with 6 refused and 4 timed out", sum.Held, sum.NotHeld)
	}
	for _, line := range []string{"http refused 2  http timed out 2", "ws refused 4  ws timed out 2", "held: no", "of which 503 full: 2,",
		"http refused, e.g.: client 0: POST /api/session: 503", "ws refused, e.g.: "} {
		if !strings.Contains(out.String(), line) {
			t.Errorf("report lacks %q", line)
		}
	}
	if err := sum.writeJSON(filepath.Join(t.TempDir(), "s.json")); err != nil {
		t.Errorf("summary of a refused run not written: %v", err)
	}
}

func TestDeltaTick(t *testing.T) {
	tests := []struct {
		name string
		tick uint32
	}{
		{"fixint", 7}, {"u8", 200}, {"u16", 40_000}, {"u32", 3_000_000_000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var enc wire.DeltaEncoder
			b := enc.Append(nil, &wire.View{}, &wire.View{Tick: tt.tick}, 3, nil)
			got, ok := deltaTick(b)
			if !ok || got != tt.tick {
				t.Errorf("deltaTick = %d, %v; want %d", got, ok, tt.tick)
			}
		})
	}
	for _, b := range [][]byte{nil, {0x93}, wire.AppendPing(nil, wire.Ping{Time: 5}), {0x99, 0x04, 0xcf}} {
		if _, ok := deltaTick(b); ok {
			t.Errorf("deltaTick(% x) read a tick from a message that is no delta", b)
		}
	}
}

// TestSlowAnswerHoldsBackNoOne: one client's session is answered only once
// a later client has its seat. Seated one after the other, the first would
// wait until it timed out (the "sessions timed out" of a run that was only
// short of connecting time); seated concurrently, everyone gets in.
func TestSlowAnswerHoldsBackNoOne(t *testing.T) {
	const n = 6
	later := make(chan struct{})
	var once sync.Once
	var ts *httptest.Server
	up := gws.NewUpgrader(welcomer{}, &gws.ServerOption{ReadMaxPayloadSize: wire.MaxClientMessage})
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/session", func(w http.ResponseWriter, r *http.Request) {
		var req struct{ Name string }
		if err := httpjson.Decode(w, r, httpjson.MaxBody, &req); err != nil {
			httpjson.WriteDecodeError(w, err)
			return
		}
		if req.Name == "load1" {
			select {
			case <-later:
			case <-r.Context().Done():
				return
			}
		}
		httpjson.Write(w, http.StatusCreated, map[string]string{"token": req.Name})
	})
	mux.HandleFunc("POST /api/play", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "Bearer load5" {
			once.Do(func() { close(later) })
		}
		httpjson.Write(w, http.StatusOK, map[string]string{"id": "r1", "ws_url": "ws" + strings.TrimPrefix(ts.URL, "http") + "/ws"})
	})
	mux.HandleFunc("GET /ws", func(w http.ResponseWriter, r *http.Request) {
		if c, err := up.Upgrade(w, r); err == nil {
			go c.ReadLoop()
		}
	})
	ts = httptest.NewServer(mux)
	defer ts.Close()
	sum, err := run(context.Background(), config{API: ts.URL, N: n, Duration: time.Second, Logger: quietLog(), VerifyFraction: 1.0 / n, APITimeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Failed != (failures{}) || sum.Connected != n {
		t.Errorf("%d of %d clients playing, failures %+v (%v); want everyone in", sum.Connected, n, sum.Failed, sum.FailedExample)
	}
}

// welcomer welcomes every hello.
type welcomer struct{ gws.BuiltinEventHandler }

func (welcomer) OnMessage(c *gws.Conn, m *gws.Message) {
	defer m.Close()
	if wire.PeekType(m.Bytes()) == wire.TypeHello {
		_ = c.WriteMessage(gws.OpcodeBinary, wire.AppendWelcome(nil, wire.Welcome{Ship: 1, RoomID: "r1", Rules: game.Default()}))
	}
}
