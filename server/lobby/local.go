package lobby

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// LocalOptions tunes a Local directory. The zero value works.
type LocalOptions struct {
	// Limits bounds the specs of created rooms; zero fields take their defaults.
	Limits Limits
	// Seats is the ledger the node's rooms admit their players through (see
	// Admit), made before the rooms so that they can consult it from the
	// start. Nil makes one from ReservationTTL and ArrivalGrace; when set,
	// those two fields are ignored in favour of its own.
	Seats *Seats
	// ReservationTTL is how long a seat stays reserved for a player who has
	// not arrived; zero means DefaultReservationTTL (20 s).
	ReservationTTL time.Duration
	// ArrivalGrace is how long an admitted player is counted before the
	// host's Rooms shows them; zero means DefaultArrivalGrace (3 s).
	ArrivalGrace time.Duration
	// PublicURL is the node's base URL as players reach it, such as
	// https://play.example.com; WebSocket URLs are built from it. When
	// empty, RoomInfo.WSURL is a path alone (see WSPath).
	PublicURL string
	// WSPath is the path of the WebSocket endpoint; default "/ws".
	WSPath string
	// Node names this node in RoomInfo; default "local".
	Node string
	// QuickPlay is the spec of rooms made by quick play. Its Name gets a
	// number appended; zero Name, Capacity and RoundSeconds take defaults
	// ("Match", Limits.DefaultCapacity, Limits.DefaultRoundSeconds), and
	// zero Bots the Host's default. Quick play rooms are always public.
	QuickPlay RoomSpec
	// Logger receives a line per room created; default slog.Default().
	Logger *slog.Logger
}

func (o LocalOptions) withDefaults() LocalOptions {
	o.Limits = o.Limits.withDefaults()
	if o.ReservationTTL <= 0 {
		o.ReservationTTL = DefaultReservationTTL
	}
	if o.WSPath == "" {
		o.WSPath = "/ws"
	}
	if o.Node == "" {
		o.Node = "local"
	}
	if o.QuickPlay.Name == "" {
		o.QuickPlay.Name = "Match"
	}
	if o.QuickPlay.Capacity == 0 {
		o.QuickPlay.Capacity = o.Limits.DefaultCapacity
	}
	if o.QuickPlay.RoundSeconds == 0 {
		o.QuickPlay.RoundSeconds = o.Limits.DefaultRoundSeconds
	}
	o.QuickPlay.Public = true
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

// Local is the Directory of a single node: rooms run in process by a Host,
// and seats kept in a Seats ledger that the rooms consult through Admit. It
// is safe for concurrent use.
type Local struct {
	host  Host
	seats *Seats
	opts  LocalOptions
	base  *url.URL // parsed PublicURL, nil when empty

	// createMu serialises room creation, so that the room limit holds and
	// a burst of quick plays fills one new room instead of making many.
	createMu sync.Mutex
	quickSeq int // guarded by createMu
}

// NewLocal returns a Local directory over host. It fails only for a
// PublicURL that does not parse as an absolute http, https, ws or wss URL.
func NewLocal(host Host, opts LocalOptions) (*Local, error) {
	if s := opts.Seats; s != nil {
		opts.ReservationTTL, opts.ArrivalGrace = s.opts.TTL, s.opts.ArrivalGrace
	}
	opts = opts.withDefaults()
	seats := opts.Seats
	if seats == nil {
		seats = NewSeats(SeatsOptions{TTL: opts.ReservationTTL, ArrivalGrace: opts.ArrivalGrace})
	}
	l := &Local{
		host:  host,
		seats: seats,
		opts:  opts,
	}
	if opts.PublicURL != "" {
		u, err := url.Parse(opts.PublicURL)
		if err != nil {
			return nil, fmt.Errorf("new lobby: public URL: %w", err)
		}
		switch u.Scheme {
		case "http", "ws":
			u.Scheme = "ws"
		case "https", "wss":
			u.Scheme = "wss"
		default:
			return nil, fmt.Errorf("new lobby: public URL %q: scheme must be http, https, ws or wss", opts.PublicURL)
		}
		if u.Host == "" {
			return nil, fmt.Errorf("new lobby: public URL %q has no host", opts.PublicURL)
		}
		l.base = u
	}
	return l, nil
}

// Seats returns the ledger that the node's rooms consult at hello.
func (l *Local) Seats() *Seats { return l.seats }

// Admit decides whether a new player may take a seat in a room at hello;
// see Seats.Admit. Pass Local as the real-time server's admission hook.
func (l *Local) Admit(roomID, playerID string, humans, capacity int, open bool) error {
	return l.seats.Admit(roomID, playerID, humans, capacity, open)
}

// List returns the public rooms.
func (l *Local) List(ctx context.Context) ([]RoomInfo, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("list rooms: %w", err)
	}
	return slices.DeleteFunc(l.snapshot(), func(r RoomInfo) bool { return !r.Public }), nil
}

// Get returns the room with the given id, or ErrNotFound.
func (l *Local) Get(ctx context.Context, id string) (RoomInfo, error) {
	if err := ctx.Err(); err != nil {
		return RoomInfo{}, fmt.Errorf("get room: %w", err)
	}
	if r, ok := l.find(func(st RoomStats) bool { return st.ID == id }); ok {
		return r, nil
	}
	return RoomInfo{}, fmt.Errorf("get room %q: %w", id, ErrNotFound)
}

// ByCode returns the private room with the given join code (in any letter
// case), or ErrNotFound.
func (l *Local) ByCode(ctx context.Context, code string) (RoomInfo, error) {
	if err := ctx.Err(); err != nil {
		return RoomInfo{}, fmt.Errorf("room by code: %w", err)
	}
	code = NormalizeCode(code)
	if r, ok := l.find(func(st RoomStats) bool {
		return !st.Public && st.Code != "" && NormalizeCode(st.Code) == code
	}); ok {
		return r, nil
	}
	return RoomInfo{}, fmt.Errorf("room by code: %w", ErrNotFound)
}

// Create starts a room from spec, checked against LocalOptions.Limits. A
// private room gets a join code.
func (l *Local) Create(ctx context.Context, spec RoomSpec) (RoomInfo, error) {
	if err := ctx.Err(); err != nil {
		return RoomInfo{}, fmt.Errorf("create room: %w", err)
	}
	spec, err := l.opts.Limits.Check(spec)
	if err != nil {
		return RoomInfo{}, fmt.Errorf("create room: %w", err)
	}
	l.createMu.Lock()
	defer l.createMu.Unlock()
	return l.create(ctx, spec)
}

// create starts a room; the caller holds createMu.
func (l *Local) create(ctx context.Context, spec RoomSpec) (RoomInfo, error) {
	id, code, err := l.host.CreateRoom(spec)
	if err != nil {
		return RoomInfo{}, fmt.Errorf("create room: %w", err)
	}
	l.opts.Logger.Info("room created", "room", id, "name", spec.Name, "public", spec.Public,
		"capacity", spec.Capacity, "bots", spec.Bots, "round_seconds", spec.RoundSeconds)
	info, err := l.Get(ctx, id)
	if errors.Is(err, ErrNotFound) {
		// The host broke its promise to list the room at once; answer from
		// the spec rather than fail a room that exists.
		info = RoomInfo{ID: id, Name: spec.Name, Public: spec.Public, Bots: max(spec.Bots, 0),
			Capacity: spec.Capacity, RoundSecondsLeft: spec.RoundSeconds, WSURL: l.wsURL(id), Node: l.opts.Node}
		if !spec.Public {
			info.Code = code
		}
		err = nil
	}
	return info, err
}

// Reserve holds a seat for the player in the room for ttl
// (LocalOptions.ReservationTTL when ttl <= 0).
func (l *Local) Reserve(ctx context.Context, roomID, playerID string, ttl time.Duration) (RoomInfo, error) {
	info, err := l.Get(ctx, roomID)
	if err != nil {
		return RoomInfo{}, fmt.Errorf("reserve: %w", err)
	}
	if err := l.seats.Reserve(roomID, playerID, info.Humans, info.Capacity, ttl); err != nil {
		return RoomInfo{}, fmt.Errorf("reserve in room %q: %w", roomID, err)
	}
	if e, ok := l.host.(Expecter); ok {
		if ttl <= 0 {
			ttl = l.opts.ReservationTTL
		}
		e.Expect(roomID, time.Now().Add(ttl))
	}
	info.Reserved, _ = l.seats.Count(roomID)
	return info, nil
}

// QuickPlay reserves a seat for the player in the fullest public room with
// a free seat, or in a new public room when none has one. A player who
// already holds a reservation in a public room keeps it.
func (l *Local) QuickPlay(ctx context.Context, playerID string) (RoomInfo, error) {
	if err := ctx.Err(); err != nil {
		return RoomInfo{}, fmt.Errorf("quick play: %w", err)
	}
	if id, ok := l.seats.Holding(playerID); ok {
		if info, err := l.Reserve(ctx, id, playerID, 0); err == nil && info.Public {
			return info, nil
		}
	}
	if info, ok := l.reserveAny(playerID); ok {
		return info, nil
	}
	l.createMu.Lock()
	defer l.createMu.Unlock()
	// Quick plays outside the lock may fill a new room before its maker
	// reserves in it, so try a few times before giving up.
	for range 3 {
		// Another quick play may have made a room while this one waited.
		if info, ok := l.reserveAny(playerID); ok {
			return info, nil
		}
		spec := l.opts.QuickPlay
		l.quickSeq++
		spec.Name = spec.Name + " " + strconv.Itoa(l.quickSeq)
		spec, err := l.opts.Limits.Check(spec)
		if err != nil {
			return RoomInfo{}, fmt.Errorf("quick play spec: %w", err)
		}
		info, err := l.create(ctx, spec)
		if err != nil {
			return RoomInfo{}, fmt.Errorf("quick play: %w", err)
		}
		info, err = l.Reserve(ctx, info.ID, playerID, 0)
		if !errors.Is(err, ErrRoomFull) {
			return info, err
		}
	}
	return RoomInfo{}, fmt.Errorf("quick play: %w", ErrRoomFull)
}

// reserveAny reserves a seat in the fullest public room that has one. It
// describes only that room (its URL is the costly part of a RoomInfo): a
// quick play on a node of a hundred rooms looks at their counts alone.
func (l *Local) reserveAny(playerID string) (RoomInfo, bool) {
	stats, reserved := l.liveRooms()
	taken := func(i int) int { return stats[i].Humans + reserved[i] }
	// The fullest open room first (by id among equals); another one only
	// when a player arriving meanwhile took its last seat.
	tried := make([]bool, len(stats))
	for {
		best := -1
		for i, st := range stats {
			if tried[i] || !st.Public || taken(i) >= st.Capacity {
				continue
			}
			if best < 0 || cmp.Or(cmp.Compare(taken(best), taken(i)), cmp.Compare(st.ID, stats[best].ID)) < 0 {
				best = i
			}
		}
		if best < 0 {
			return RoomInfo{}, false
		}
		st := stats[best]
		if err := l.seats.Reserve(st.ID, playerID, st.Humans, st.Capacity, 0); err == nil {
			n, _ := l.seats.Count(st.ID)
			return l.info(st, n), true
		}
		tried[best] = true
	}
}

// Scoreboard returns the live scoreboard of the room, or ErrNotFound.
func (l *Local) Scoreboard(ctx context.Context, id string) ([]ScoreLine, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("scoreboard: %w", err)
	}
	lines, ok := l.host.Scoreboard(id)
	if !ok {
		return nil, fmt.Errorf("scoreboard of %q: %w", id, ErrNotFound)
	}
	return lines, nil
}

// snapshot describes every running room, and forgets the seats of rooms
// that have closed.
func (l *Local) snapshot() []RoomInfo {
	stats, reserved := l.liveRooms()
	infos := make([]RoomInfo, 0, len(stats))
	for i, st := range stats {
		infos = append(infos, l.info(st, reserved[i]))
	}
	return infos
}

// find describes the first running room that match accepts, without
// describing the others (a description builds the room's URL).
func (l *Local) find(match func(RoomStats) bool) (RoomInfo, bool) {
	stats, reserved := l.liveRooms()
	for i, st := range stats {
		if match(st) {
			return l.info(st, reserved[i]), true
		}
	}
	return RoomInfo{}, false
}

// liveRooms returns the host's running rooms and the live reservations of
// each, and forgets the seats of rooms that have closed.
func (l *Local) liveRooms() (stats []RoomStats, reserved []int) {
	mark := l.seats.Epoch()
	stats = l.host.Rooms()
	live := make(map[string]bool, len(stats))
	for _, st := range stats {
		live[st.ID] = true
	}
	reserved = l.seats.countEach(len(stats), func(i int) string { return stats[i].ID })
	l.seats.Prune(live, mark)
	return stats, reserved
}

// info describes a running room that holds reserved live reservations.
func (l *Local) info(st RoomStats, reserved int) RoomInfo {
	info := RoomInfo{ID: st.ID, Name: st.Name, Public: st.Public, Humans: st.Humans, Bots: st.Bots, Reserved: reserved,
		Capacity: st.Capacity, Spectators: st.Spectators, RoundSecondsLeft: st.RoundSecondsLeft, WSURL: l.wsURL(st.ID), Node: l.opts.Node}
	if !st.Public {
		info.Code = NormalizeCode(st.Code)
	}
	return info
}

// wsURL returns the WebSocket URL of a room.
func (l *Local) wsURL(roomID string) string {
	q := url.Values{"room": {roomID}}.Encode()
	if l.base == nil {
		return l.opts.WSPath + "?" + q
	}
	u := *l.base
	u.Path = strings.TrimSuffix(u.Path, "/") + l.opts.WSPath
	u.RawQuery = q
	return u.String()
}

var _ Directory = (*Local)(nil)
var _ Admission = (*Local)(nil)
var _ Admission = (*Seats)(nil)
