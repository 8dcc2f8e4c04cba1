// Package floorserver is the transport floor: a WebSocket server with no game
// at all. It accepts the same hello as the real-time server (any token),
// answers with a welcome, then sends every client one fixed-size binary
// message per tick from one ticker for all clients, and reads and discards
// what clients send. What it costs to serve N clients is the least any game
// server on gws can cost; the real server's figures are stated as ratios to it.
//
// It never decodes more than a message's type and never touches game state.
package floorserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lxzan/gws"
	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/wire"
)

// Options configure a Server. Zero fields take the default in their comment.
type Options struct {
	// TickRate is the number of messages per second sent to each client.
	// Default 30.
	TickRate int
	// MessageSize is the size in bytes of each tick's message. Default 120.
	MessageSize int
	// MaxInFlight bounds the writes queued on one connection: past it, the
	// client is skipped for that tick, as the real server skips a slow client.
	// Default 8.
	MaxInFlight int
	// Logger receives connection errors and the shutdown line. Default slog.Default().
	Logger *slog.Logger
}

func (o Options) withDefaults() Options {
	if o.TickRate <= 0 {
		o.TickRate = 30
	}
	if o.MessageSize <= 0 {
		o.MessageSize = 120
	}
	if o.MaxInFlight <= 0 {
		o.MaxInFlight = 8
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

// Stats are the server's counters since it started.
type Stats struct {
	// Clients is the number of welcomed clients connected now.
	Clients int
	// Sent counts tick messages queued; Skipped counts those skipped because
	// the connection had MaxInFlight writes pending.
	Sent, Skipped uint64
	// Received counts client messages read and discarded.
	Received uint64
	// Ticks counts ticks run.
	Ticks uint64
}

// Server is the transport floor. Make it with New; serve Handler over HTTP and
// run Run for the ticks.
type Server struct {
	opt      Options
	upgrader *gws.Upgrader

	mu      sync.Mutex
	clients map[*gws.Conn]*client

	sent, skipped, received, ticks atomic.Uint64
}

// client is the server's state of one connection.
type client struct {
	inFlight atomic.Int32
}

// New returns a floor server for the options.
func New(o Options) *Server {
	s := &Server{opt: o.withDefaults(), clients: map[*gws.Conn]*client{}}
	s.upgrader = gws.NewUpgrader(&handler{s: s}, &gws.ServerOption{ReadMaxPayloadSize: wire.MaxClientMessage})
	return s
}

// ServeHTTP upgrades the request to a WebSocket and serves it until it closes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	conn, err := s.upgrader.Upgrade(w, r)
	if err != nil {
		s.opt.Logger.Debug("floor upgrade failed", "remote", r.RemoteAddr, "err", err)
		return
	}
	go conn.ReadLoop()
}

// Stats returns the server's counters.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	n := len(s.clients)
	s.mu.Unlock()
	return Stats{Clients: n, Sent: s.sent.Load(), Skipped: s.skipped.Load(), Received: s.received.Load(), Ticks: s.ticks.Load()}
}

// Run sends the tick messages until ctx ends, then closes every connection
// with 1001 (going away).
func (s *Server) Run(ctx context.Context) {
	t := time.NewTicker(time.Second / time.Duration(s.opt.TickRate))
	defer t.Stop()
	var conns []*gws.Conn
	var states []*client
	for {
		select {
		case <-ctx.Done():
			s.closeAll()
			return
		case <-t.C:
		}
		tick := s.ticks.Add(1)
		msg := tickMessage(tick, s.opt.MessageSize)
		conns, states = conns[:0], states[:0]
		s.mu.Lock()
		for c, st := range s.clients {
			conns, states = append(conns, c), append(states, st)
		}
		s.mu.Unlock()
		for i, c := range conns {
			st := states[i]
			if st.inFlight.Load() >= int32(s.opt.MaxInFlight) {
				s.skipped.Add(1)
				continue
			}
			st.inFlight.Add(1)
			s.sent.Add(1)
			c.WriteAsync(gws.OpcodeBinary, msg, func(error) { st.inFlight.Add(-1) })
		}
	}
}

// tickMessage returns the message of one tick, shared by every client and
// never changed once queued: a msgpack bin (so that wire.PeekType reports no
// message type) holding the tick number and padding.
func tickMessage(tick uint64, size int) []byte {
	size = max(size, 10)
	msg := make([]byte, size)
	msg[0], msg[1] = 0xc4, byte(min(size-2, 255))
	for i := range 8 {
		msg[2+i] = byte(tick >> (8 * i))
	}
	return msg
}

func (s *Server) closeAll() {
	s.mu.Lock()
	conns := make([]*gws.Conn, 0, len(s.clients))
	for c := range s.clients {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		_ = c.WriteClose(1001, []byte("server shutting down"))
	}
}

// handler is the gws event handler of the floor.
type handler struct {
	gws.BuiltinEventHandler
	s *Server
}

// OnMessage welcomes a hello and discards everything else but pings, which it
// answers like the real server.
func (h *handler) OnMessage(conn *gws.Conn, m *gws.Message) {
	defer m.Close()
	h.s.received.Add(1)
	switch wire.PeekType(m.Bytes()) {
	case wire.TypeHello:
		h.s.mu.Lock()
		_, known := h.s.clients[conn]
		if !known {
			h.s.clients[conn] = &client{}
		}
		h.s.mu.Unlock()
		if !known {
			w := wire.Welcome{Ship: game.FirstShipID, Rules: game.Rules{TickRate: int32(h.s.opt.TickRate), WorldSize: 4000, RoundSeconds: 300, IntermissionSeconds: 8}, RoomID: "floor", RoomName: "transport floor"}
			_ = conn.WriteMessage(gws.OpcodeBinary, wire.AppendWelcome(nil, w))
		}
	case wire.TypePing:
		var msg wire.ClientMsg
		if wire.DecodeClient(m.Bytes(), &msg) == nil {
			conn.WriteAsync(gws.OpcodeBinary, wire.AppendPong(nil, wire.Pong{Time: msg.Ping.Time}), nil)
		}
	}
}

// OnClose forgets the connection.
func (h *handler) OnClose(conn *gws.Conn, err error) {
	h.s.mu.Lock()
	delete(h.s.clients, conn)
	h.s.mu.Unlock()
}

// ListenAndServe serves a floor on addr (e.g. "127.0.0.1:0") until ctx ends.
// ready, when not nil, is called with the listening address once it accepts
// connections. Every path upgrades to the floor's WebSocket.
func ListenAndServe(ctx context.Context, addr string, o Options, ready func(net.Addr)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("floor: listen on %s: %w", addr, err)
	}
	s := New(o)
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 5 * time.Second}
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan struct{})
	go func() { s.Run(runCtx); close(done) }()
	if ready != nil {
		ready(ln.Addr())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case <-ctx.Done():
	case err = <-errc:
	}
	stop()
	<-done
	shutCtx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = srv.Shutdown(shutCtx)
	st := s.Stats()
	s.opt.Logger.Info("floor stopped", "ticks", st.Ticks, "sent", st.Sent, "skipped", st.Skipped, "received", st.Received)
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("floor: serve: %w", err)
	}
	return nil
}
