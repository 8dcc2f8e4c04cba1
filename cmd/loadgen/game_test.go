package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lxzan/gws"
	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/wire"
	"github.com/tickarena/tickarena/server/httpjson"

	"github.com/tickarena/tickarena/internal/testwait"
)

// gameServer is a test double of the real server: sessions and quick play
// over HTTP, and one room stepping a real game.World at 30 Hz whose deltas go
// to each client over gws, encoded with the real wire package.
type gameServer struct {
	gws.BuiltinEventHandler
	up *gws.Upgrader
	ts *httptest.Server

	mu      sync.Mutex
	world   *game.World
	late    int // ticks in which a connected ship had no input waiting
	snap    wire.Snapshot
	enc     wire.DeltaEncoder
	conns   map[*gws.Conn]*gameConn
	tokens  map[string]bool
	events  []game.Event
	buf     []byte
	nextTok int
	// acks is the last tick each ship's inputs acknowledged, kept after the
	// ship leaves.
	acks map[uint32]uint32
	// corruptTick makes the deltas of that tick name a base nobody has.
	corruptTick uint32
	// every sends the deltas every that many ticks, each with the events
	// of the ticks since the last, as the real server at a -send-rate of
	// 30/every; 0 or 1: every tick.
	every uint32
}

type gameConn struct {
	ship      uint32
	base, cur wire.View
	inputs    []game.Input
	lastSeq   uint32 // the last input taken
	inFlight  int
}

func startGameServer(t *testing.T) *gameServer {
	s := &gameServer{world: game.NewWorld(game.Rules{Seed: 4}), conns: map[*gws.Conn]*gameConn{}, tokens: map[string]bool{}, acks: map[uint32]uint32{}}
	s.up = gws.NewUpgrader(s, &gws.ServerOption{ReadMaxPayloadSize: wire.MaxClientMessage})
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/session", s.session)
	mux.HandleFunc("POST /api/play", s.play)
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		s.mu.Lock()
		late := s.late
		s.mu.Unlock()
		_, _ = fmt.Fprintf(w, "%s%s %d\n", testMetrics, lateInputSeries, late)
	})
	mux.HandleFunc("GET /ws", func(w http.ResponseWriter, r *http.Request) {
		if c, err := s.up.Upgrade(w, r); err == nil {
			go c.ReadLoop()
		}
	})
	s.ts = httptest.NewServer(mux)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.run(ctx); close(done) }()
	t.Cleanup(func() {
		cancel()
		testwait.Recv(t, testwait.Default, "the test game server to stop", done)
		s.ts.Close()
	})
	return s
}

func (s *gameServer) session(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Name string `json:"name"`
	}
	if err := httpjson.Decode(w, r, httpjson.MaxBody, &req); err != nil {
		httpjson.WriteDecodeError(w, err)
		return
	}
	s.mu.Lock()
	s.nextTok++
	tok := "tok-" + req.Name + "-" + string(rune('a'+s.nextTok%26)) + strings.Repeat("x", s.nextTok/26)
	s.tokens[tok] = true
	s.mu.Unlock()
	httpjson.Write(w, http.StatusCreated, map[string]string{"token": tok})
}

func (s *gameServer) play(w http.ResponseWriter, r *http.Request) {
	tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	s.mu.Lock()
	ok := s.tokens[tok]
	s.mu.Unlock()
	if !ok {
		httpjson.WriteError(w, http.StatusUnauthorized, "missing session token", "")
		return
	}
	httpjson.Write(w, http.StatusOK, map[string]string{"id": "r1", "ws_url": "ws" + strings.TrimPrefix(s.ts.URL, "http") + "/ws"})
}

// OnMessage handles hellos, inputs and pings.
func (s *gameServer) OnMessage(c *gws.Conn, m *gws.Message) {
	defer m.Close()
	var msg wire.ClientMsg
	if err := wire.DecodeClient(m.Bytes(), &msg); err != nil {
		_ = c.WriteClose(1007, []byte("bad message"))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch msg.Type {
	case wire.TypeHello:
		if !s.tokens[msg.Hello.Token] {
			_ = c.WriteMessage(gws.OpcodeBinary, wire.AppendError(nil, wire.Error{Code: wire.ErrCodeAuth, Reason: "invalid session token"}))
			_ = c.WriteClose(1008, []byte("invalid session token"))
			return
		}
		id := s.world.AddShip("p", false)
		s.conns[c] = &gameConn{ship: id}
		w := wire.Welcome{Ship: id, ServerTick: s.world.Tick, Rules: s.world.Rules, RoomID: "r1", RoomName: "test"}
		c.WriteAsync(gws.OpcodeBinary, wire.AppendWelcome(nil, w), nil)
	case wire.TypeInput:
		if gc := s.conns[c]; gc != nil {
			for i, st := range msg.Input.Steps[:msg.Input.N] {
				if seq := msg.Input.SeqOf(i); seq > gc.lastSeq { // each input once
					gc.lastSeq = seq
					gc.inputs = append(gc.inputs, game.Input{Ship: gc.ship, Seq: seq, Buttons: st.Buttons, Aim: st.Aim})
				}
			}
			s.acks[gc.ship] = msg.Input.Ack
		}
	case wire.TypePing:
		c.WriteAsync(gws.OpcodeBinary, wire.AppendPong(nil, wire.Pong{Time: msg.Ping.Time}), nil)
	}
}

// OnClose takes the ship out.
func (s *gameServer) OnClose(c *gws.Conn, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if gc := s.conns[c]; gc != nil {
		_ = s.world.RemoveShip(gc.ship)
		delete(s.conns, c)
	}
}

func (s *gameServer) run(ctx context.Context) {
	t := time.NewTicker(time.Second / 30)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.tick()
		}
	}
}

func (s *gameServer) tick() {
	s.mu.Lock()
	defer s.mu.Unlock()
	var inputs []game.Input
	for _, gc := range s.conns {
		if len(gc.inputs) > 0 {
			inputs = append(inputs, gc.inputs[0])
			gc.inputs = gc.inputs[1:]
		} else {
			s.late++
		}
	}
	game.Step(s.world, inputs)
	for _, ev := range s.world.Events {
		s.events = append(s.events, wire.WireEvent(ev))
	}
	if s.every > 1 && s.world.Tick%s.every != 0 {
		return // no frame this tick: its events wait for the next
	}
	defer func() { s.events = s.events[:0] }()
	s.snap.Capture(s.world)
	for c, gc := range s.conns {
		if gc.inFlight > 8 {
			continue // slow: keep the baseline, send a larger delta later
		}
		s.snap.ViewInto(&gc.cur, gc.ship, &gc.base, wire.DefaultArea)
		sh := s.world.Ship(gc.ship)
		base := &gc.base
		if s.world.Tick == s.corruptTick && base.Tick != 0 {
			bad := *base
			bad.Tick--
			base = &bad
		}
		s.buf = s.enc.Append(s.buf[:0], base, &gc.cur, sh.LastSeq, s.events)
		gc.inFlight++
		c.WriteAsync(gws.OpcodeBinary, append([]byte(nil), s.buf...), func(error) {
			s.mu.Lock()
			gc.inFlight--
			s.mu.Unlock()
		})
		gc.base, gc.cur = gc.cur, gc.base
	}
}

// TestMain runs the load generator's main when the test binary is started
// as a -verify-apart child (os.Executable is the test binary here).
func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestGameClientsVerify(t *testing.T) {
	tests := []struct {
		name          string
		corrupt       bool
		fraction      float64
		apart         bool
		wantVerfied   bool
		wantVerifying int
	}{
		{"consistent server", false, 1, false, true, 10},
		{"server sends a wrong base", true, 1, false, false, 10},
		{"light clients, one in five verifies", false, 0.2, false, true, 2},
		{"light clients, wrong base", true, 0.2, false, false, 2},
		{"verifying clients in a process of their own", false, 0.2, true, true, 2},
		{"verifying clients apart, wrong base", true, 0.2, true, false, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := startGameServer(t)
			if tt.corrupt {
				s.mu.Lock()
				s.corruptTick = s.world.Tick + 45 // after everyone joined
				s.mu.Unlock()
			}
			sum, err := run(context.Background(), config{URL: s.ts.URL, N: 10, Duration: 2 * time.Second, Verify: true, VerifyFraction: tt.fraction, VerifyApart: tt.apart, Logger: quietLog()})
			if err != nil {
				t.Fatal(err)
			}
			var out strings.Builder
			sum.print(&out)
			t.Log(out.String())
			if sum.Verified == nil || *sum.Verified != tt.wantVerfied {
				t.Fatalf("verified %v, want %v; failures %v", sum.Verified, tt.wantVerfied, sum.VerifyFailures)
			}
			if sum.Verifying != tt.wantVerifying {
				t.Errorf("%d clients ran the netcode, want %d", sum.Verifying, tt.wantVerifying)
			}
			if sum.Clients != 10 || sum.VerifiersApart != tt.apart {
				t.Errorf("%d clients, verifying clients apart %v; want 10 and %v", sum.Clients, sum.VerifiersApart, tt.apart)
			}
			if tt.apart && (sum.VerifierWaitP99ms <= 0 || sum.VerifierCores <= 0) {
				t.Errorf("the verifying clients' process: %.3f cores, waits p99 %v ms; want both measured", sum.VerifierCores, sum.VerifierWaitP99ms)
			}
			if tt.apart && runtime.GOOS == "linux" && os.Geteuid() == 0 && sum.VerifierNice != verifierNice {
				t.Errorf("the verifying clients' process ran at nice %d, want %d (this test runs as root)", sum.VerifierNice, verifierNice)
			}
			if !tt.corrupt {
				s.mu.Lock()
				for ship, ack := range s.acks {
					if ack == 0 {
						t.Errorf("ship %d: inputs acknowledged no delta", ship)
					}
				}
				if len(s.acks) != 10 {
					t.Errorf("%d ships sent inputs, want 10", len(s.acks))
				}
				s.mu.Unlock()
				if sum.Connected != 10 || sum.UpdatesMin <= 20 {
					t.Errorf("%d connected, slowest %.1f updates/s; want 10 and over 20", sum.Connected, sum.UpdatesMin)
				}
				if sum.StallUnderflowsPerMin < 0 || sum.StallUnderflowsPerMin > sum.UnderflowsPerMin {
					t.Errorf("%.2f underflows per client-minute on frames drawn late, of %.2f in all", sum.StallUnderflowsPerMin, sum.UnderflowsPerMin)
				}
				if sum.LoadgenWaitP99ms <= 0 || sum.LoadgenWaitP50ms > sum.LoadgenWaitP99ms {
					t.Errorf("load generator's own waits p50 %v ms, p99 %v ms: want them measured over the window", sum.LoadgenWaitP50ms, sum.LoadgenWaitP99ms)
				}
				if sum.UpBytesPerClient < 20*8 {
					t.Errorf("clients sent %.0f B/s, want their 30 inputs a second", sum.UpBytesPerClient)
				}
				// The server counts what its tick found missing; the
				// report gives it per client and minute, like the
				// corrections, and no more than a tick a tick.
				s.mu.Lock()
				late := s.late
				s.mu.Unlock()
				if sum.LateInputTicksPerMin < 0 || sum.LateInputTicksPerMin > 30*60 || (late > 50 && sum.LateInputTicksPerMin == 0) {
					t.Errorf("late input ticks %.1f per client-minute (the server counted %d over the run), want the server's count over the window", sum.LateInputTicksPerMin, late)
				}
			} else if sum.Resyncs == 0 || !strings.Contains(strings.Join(sum.VerifyFailures, "\n"), "did not apply") {
				t.Errorf("resyncs %d, failures %v; want the wrong base reported", sum.Resyncs, sum.VerifyFailures)
			}
		})
	}
}
