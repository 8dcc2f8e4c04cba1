package realtime

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lxzan/gws"
	"github.com/tickarena/tickarena/game/wire"
	"github.com/tickarena/tickarena/server/clientaddr"
	"github.com/tickarena/tickarena/server/httpjson"
)

// Errors of the Manager's room API.
var (
	// ErrTooManyRooms is returned by CreateRoom when MaxRooms rooms are open.
	ErrTooManyRooms = errors.New("realtime: too many rooms")
	// ErrNoRoom is returned for a room id that names no open room.
	ErrNoRoom = errors.New("realtime: no such room")
	// ErrShutdown is returned once Shutdown has begun.
	ErrShutdown = errors.New("realtime: server shutting down")
)

// Manager owns the rooms and the WebSocket connections. It is the /ws
// http.Handler and offers the lobby what it needs: CreateRoom, Rooms and
// Scoreboard. Make it with New.
type Manager struct {
	opts     Options
	log      *slog.Logger
	upgrader *gws.Upgrader
	closed   atomic.Bool
	draining atomic.Bool
	logs     rateLog

	mu     sync.Mutex
	rooms  map[string]*room // by id and by code
	order  []*room
	conns  map[*client]struct{}
	byAddr map[string]int
	count  int            // connections admitted and not yet released
	wg     sync.WaitGroup // room goroutines
	connWG sync.WaitGroup // read loops

	ships map[string]*room // player id -> the room that holds their ship (under mu)

	spectators spectatorSeats // spectators of every room, within MaxSpectators

	gate      *satGate      // whether the node keeps up (see overload.go)
	netProbe  *netProbe     // the waits of what the network wakes (netwait.go); nil: none
	seats     seatPace      // new seats handed out, within SeatRate
	slowSeats seatPace      // new seats handed out past fullAt (slowSeatRate)
	fullAt    atomic.Int64  // see FullAt
	fullUntil atomic.Int64  // Unix nanoseconds until which fullAt holds
	gateStop  chan struct{} // closed by Shutdown to end watchLate
	gateOnce  sync.Once

	// pollers read the plain TCP connections (readpoll_linux.go); next is
	// the one the next connection goes to.
	pollers    []*readPoller
	nextPoller atomic.Uint32
	pollOnce   sync.Once
}

// New makes a Manager and opens its always-open public rooms.
func New(opts Options) (*Manager, error) {
	if opts.Auth == nil {
		return nil, errors.New("realtime: Options.Auth is required")
	}
	opts = opts.withDefaults()
	if err := opts.validate(); err != nil {
		return nil, err
	}
	m := &Manager{
		opts:   opts,
		log:    opts.Logger,
		rooms:  make(map[string]*room),
		conns:  make(map[*client]struct{}),
		byAddr: make(map[string]int),
		ships:  make(map[string]*room),

		gate:      newSatGate(opts),
		seats:     seatPace{rate: float64(max(opts.SeatRate, 0))},
		slowSeats: seatPace{rate: slowSeatRate(opts.SeatRate)},
		gateStop:  make(chan struct{}),
	}
	m.upgrader = gws.NewUpgrader(handler{m: m}, &gws.ServerOption{
		ReadMaxPayloadSize: wire.MaxClientMessage,
		ReadBufferSize:     readBufferSize,
		ParallelEnabled:    false,
		Recovery:           gws.Recovery,
		Logger:             gwsLogger{m.log},
		HandshakeTimeout:   opts.HelloTimeout,
		NewSession:         func() gws.SessionStorage { return new(clientSession) },
	})
	if canPollReads {
		for range max(opts.ReadPollers, 0) {
			p, err := newReadPoller(m)
			if err != nil {
				m.log.Warn("realtime: no read pollers: every connection is read on a goroutine of its own", "err", err)
				m.stopPollers()
				m.pollers = nil
				break
			}
			m.pollers = append(m.pollers, p)
		}
	}
	for i := 1; i <= opts.PublicRooms; i++ {
		spec := RoomSpec{Name: fmt.Sprintf(opts.PublicRoomName, i), Public: true}
		if _, err := m.open(spec, fmt.Sprintf("arena-%d", i), true); err != nil {
			return nil, fmt.Errorf("open public room %d: %w", i, err)
		}
	}
	go m.watchLate(opts.gateInterval)
	if obs, ok := opts.Observer.(NetWaitObserver); ok && opts.NetWaitInterval > 0 {
		m.netProbe = startNetProbe(opts.NetWaitInterval, obs)
	}
	m.log.Info("realtime: ready", "tick_rate", opts.TickRate, "capacity", opts.Capacity, "bots", opts.Bots,
		"max_rooms", opts.MaxRooms, "max_connections", opts.MaxConnections, "max_per_addr", opts.MaxConnectionsPerAddr,
		"max_in_flight", opts.MaxInFlight, "slow_timeout", opts.SlowTimeout, "idle_timeout", opts.IdleTimeout,
		"reconnect_grace", opts.ReconnectGrace)
	return m, nil
}

// gwsLogger sends gws's own errors (recovered panics among them) to slog.
type gwsLogger struct{ l *slog.Logger }

func (g gwsLogger) Error(v ...any) { g.l.Error("realtime: gws", "detail", fmt.Sprint(v...)) }

// ServeHTTP upgrades a request to a WebSocket, starts its read loop on a
// goroutine of its own and returns. Over MaxConnections it answers 503, over
// MaxConnectionsPerAddr 429, and after Shutdown began 503, all before upgrading.
func (m *Manager) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	addr := clientaddr.From(r)
	if status, msg := handshakeProblem(w, r); status != 0 {
		m.limitedLog("handshake", "realtime: not a WebSocket handshake", "addr", addr, "status", status)
		httpjson.WriteError(w, status, msg, "")
		return
	}
	if status, msg := m.admitConn(addr); status != 0 {
		m.opts.Observer.ConnRejected(msg)
		w.Header().Set("Retry-After", retryAfterBusy)
		if status == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", retryAfterPerAddr)
		}
		httpjson.WriteError(w, status, msg, "")
		return
	}
	socket, sock, err := m.upgrade(w, r)
	if err != nil {
		// The headers were checked above, so this is the network failing
		// mid-handshake; the request has been hijacked and counts as 101 in
		// the HTTP metrics, so the failure is counted here.
		m.release(addr)
		m.opts.Observer.ConnRejected("upgrade failed")
		m.log.Debug("realtime: upgrade failed", "addr", addr, "err", err)
		return
	}
	c := newClient(m, socket, addr)
	c.attach(sock)
	socket.Session().Store(clientKey, c)
	if m.opts.SendBuffer > 0 {
		if tc, ok := tcpConn(socket.NetConn()); ok {
			_ = tc.SetWriteBuffer(m.opts.SendBuffer)
		}
	}
	if tc, ok := tcpConn(socket.NetConn()); ok {
		_ = tc.SetNoDelay(true) // gws's SetNoDelay does not look through sockConn
	}
	// Deadlines an http.Server set before the hijack no longer apply; the
	// connection sets its own (see touch and sendDelta).
	_ = socket.NetConn().SetWriteDeadline(time.Time{})
	m.mu.Lock()
	if m.closed.Load() {
		m.mu.Unlock()
		m.release(addr)
		_ = socket.WriteClose(wire.CloseGoingAway, []byte("server shutting down"))
		return
	}
	m.conns[c] = struct{}{}
	m.connWG.Add(1)
	m.mu.Unlock()
	m.opts.Observer.ConnOpened()
	m.log.Info("realtime: connection opened", "addr", addr)
	// The read loop runs on a goroutine of its own and this handler returns,
	// so that net/http lets go of what it keeps for a request while its
	// handler runs: the connection's 4 KiB read and write buffers, the request
	// with its headers and context, and the handler's deep stack. Kept for the
	// connection's life they cost about 12 KB of heap and 8 KB of stack each.
	// A plain TCP connection is read by a read poller instead, with no
	// goroutine of its own until the poller hands it back (readpoll_linux.go).
	if n := len(m.pollers); n > 0 {
		if m.pollers[m.nextPoller.Add(1)%uint32(n)].add(c, handler{m: m}) {
			return
		}
	}
	go m.readLoop(c)
}

// readLoop reads c with gws's ReadLoop until the connection ends.
func (m *Manager) readLoop(c *client) {
	defer m.connWG.Done()
	c.conn.ReadLoop()
}

// stopPollers hands every connection the read pollers still read back to
// gws and ends them.
func (m *Manager) stopPollers() {
	m.pollOnce.Do(func() {
		for _, p := range m.pollers {
			p.stop()
		}
	})
}

// admitConn counts a new connection from addr, or returns the HTTP status and
// message that refuse it.
func (m *Manager) admitConn(addr string) (int, string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	switch {
	case m.closed.Load():
		return http.StatusServiceUnavailable, "server shutting down"
	case m.count >= m.opts.MaxConnections:
		return http.StatusServiceUnavailable, "too many connections"
	case m.byAddr[addr] >= m.opts.MaxConnectionsPerAddr:
		return http.StatusTooManyRequests, "too many connections from this address"
	}
	m.byAddr[addr]++
	m.count++
	return 0, ""
}

func (m *Manager) release(addr string) {
	m.mu.Lock()
	m.count--
	if m.byAddr[addr]--; m.byAddr[addr] <= 0 {
		delete(m.byAddr, addr)
	}
	m.mu.Unlock()
}

// forget drops a closed connection from the counts.
func (m *Manager) forget(c *client) {
	m.mu.Lock()
	delete(m.conns, c)
	m.mu.Unlock()
	m.release(c.addr)
}

// Connections returns the number of open WebSocket connections.
func (m *Manager) Connections() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.conns)
}

// room returns the open room with id or join code key, or nil.
func (m *Manager) room(key string) *room {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.rooms[key]
}

// Expect tells room id that a player holds a seat in it until until, so
// that a room nobody has joined yet does not close (UnjoinedRoomTimeout)
// while that player is on the way. Unknown rooms are ignored.
func (m *Manager) Expect(id string, until time.Time) {
	r := m.room(id)
	if r == nil {
		return
	}
	for {
		old := r.expected.Load()
		if until.UnixNano() <= old || r.expected.CompareAndSwap(old, until.UnixNano()) {
			return
		}
	}
}

// helloRoom returns the room a hello asks for: the open room with that id or
// join code, or for an empty one the server's default room: the fullest
// public room with a free seat (by its published stats, as quick play
// chooses), else the first public room, which will answer "room full". It
// returns nil when no such room is open.
func (m *Manager) helloRoom(key string) *room {
	if key != "" {
		return m.room(key)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var first, best *room
	bestHumans := -1
	for _, r := range m.order {
		if !r.spec.Public {
			continue
		}
		if first == nil {
			first = r
		}
		if st := r.pub.Load().stats; st.Humans < st.Capacity && st.Humans > bestHumans {
			best, bestHumans = r, st.Humans
		}
	}
	if best != nil {
		return best
	}
	return first
}

// CreateRoom opens a room and returns its id and join code.
func (m *Manager) CreateRoom(spec RoomSpec) (id, code string, err error) {
	r, err := m.open(spec, "", false)
	if err != nil {
		return "", "", err
	}
	return r.id, r.code, nil
}

func (m *Manager) open(spec RoomSpec, id string, permanent bool) (*room, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed.Load() || m.draining.Load() {
		return nil, ErrShutdown
	}
	if len(m.order) >= m.opts.MaxRooms {
		return nil, ErrTooManyRooms
	}
	code := m.newCode()
	if id == "" {
		id = "r-" + randomHex(6)
	}
	id = m.opts.RoomIDPrefix + id
	if spec.Name == "" {
		spec.Name = "Room " + code
	}
	r := newRoom(m, id, code, spec, permanent)
	m.rooms[id], m.rooms[code] = r, r
	m.order = append(m.order, r)
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		r.run()
	}()
	return r, nil
}

// newCode returns a join code no open room uses. The caller holds m.mu.
func (m *Manager) newCode() string {
	const letters = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	for {
		var b [6]byte
		_, _ = rand.Read(b[:])
		for i := range b {
			b[i] = letters[int(b[i])%len(letters)]
		}
		if _, taken := m.rooms[string(b[:])]; !taken {
			return string(b[:])
		}
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// closeRoom forgets a room whose goroutine is ending.
func (m *Manager) closeRoom(r *room) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.rooms, r.id)
	delete(m.rooms, r.code)
	m.order = slices.DeleteFunc(m.order, func(o *room) bool { return o == r })
}

// Rooms returns the stats of every open room, in the order they opened. It
// reads what the rooms published and never waits for a room's goroutine.
func (m *Manager) Rooms() []RoomStats {
	m.mu.Lock()
	rooms := slices.Clone(m.order)
	m.mu.Unlock()
	out := make([]RoomStats, 0, len(rooms))
	for _, r := range rooms {
		out = append(out, r.pub.Load().stats)
	}
	return out
}

// Scoreboard returns the current standings of room id, best first, as
// published at most about a second ago.
func (m *Manager) Scoreboard(id string) ([]ScoreLine, error) {
	r := m.room(id)
	if r == nil {
		return nil, fmt.Errorf("scoreboard of %q: %w", id, ErrNoRoom)
	}
	return slices.Clone(r.pub.Load().board), nil
}

// Shutdown stops accepting connections, ends every room's round (recording
// the partial standings through OnRoundEnd), closes every client with 1001
// and waits for the rooms and connections to finish, or for ctx to end.
func (m *Manager) Shutdown(ctx context.Context) error {
	m.gateOnce.Do(func() {
		close(m.gateStop)
		m.netProbe.close()
	})
	m.mu.Lock()
	m.closed.Store(true)
	rooms := slices.Clone(m.order)
	waiting := make([]*client, 0, len(m.conns))
	for c := range m.conns {
		waiting = append(waiting, c)
	}
	m.mu.Unlock()
	m.log.Info("realtime: shutting down", "rooms", len(rooms), "connections", len(waiting))
	for _, r := range rooms {
		r.shutdown()
	}
	// Connections that never joined a room have no room to close them.
	for _, c := range waiting {
		if c.state.Load() != stateJoined {
			c.closeWith(wire.CloseGoingAway, wire.ErrCodeShutdown, "server shutting down", "shutdown")
		}
	}
	done := make(chan struct{})
	go func() {
		m.wg.Wait()
		m.connWG.Wait()
		m.stopPollers()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("realtime shutdown: %w", ctx.Err())
	}
}

// Drain begins a graceful stop: no new rooms open and no new players are
// seated (players already in a room may still reconnect), and it waits until
// every room that had humans playing a round when the drain began has finished
// that round (or lost its humans), or until ctx ends. Call Shutdown afterwards
// to close the connections.
func (m *Manager) Drain(ctx context.Context) error {
	m.draining.Store(true)
	m.mu.Lock()
	rooms := slices.Clone(m.order)
	m.mu.Unlock()
	playing := make(map[*room]int)
	for _, r := range rooms {
		if st := r.pub.Load().stats; st.Humans > 0 && !st.Intermission {
			playing[r] = st.Round
		}
	}
	m.log.Info("realtime: draining", "rounds_in_play", len(playing))
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		for r, round := range playing {
			if st := r.pub.Load().stats; st.Humans == 0 || st.Round != round || st.Intermission {
				delete(playing, r)
			}
		}
		if len(playing) == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("realtime drain: %d rounds still in play: %w", len(playing), ctx.Err())
		case <-tick.C:
		}
	}
}

// Draining reports whether Drain has begun.
func (m *Manager) Draining() bool { return m.draining.Load() }

// rateLog lets through at most one log line per class every few seconds.
type rateLog struct {
	mu   sync.Mutex
	last map[string]time.Time
}

const logEvery = 5 * time.Second

func (m *Manager) limitedLog(class, msg string, args ...any) {
	m.logs.mu.Lock()
	if m.logs.last == nil {
		m.logs.last = make(map[string]time.Time)
	}
	now := time.Now()
	ok := now.Sub(m.logs.last[class]) >= logEvery
	if ok {
		m.logs.last[class] = now
	}
	m.logs.mu.Unlock()
	if ok {
		m.log.Warn(msg, args...)
	}
}

// tcpConn returns the TCP connection under c, looking through wrappers that
// expose it with NetConn (TLS, the PROXY protocol).
func tcpConn(c net.Conn) (*net.TCPConn, bool) {
	for range 4 {
		switch v := c.(type) {
		case *net.TCPConn:
			return v, true
		case interface{ NetConn() net.Conn }:
			c = v.NetConn()
		default:
			return nil, false
		}
	}
	return nil, false
}
