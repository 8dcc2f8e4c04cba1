package realtime

import (
	"fmt"
	"log/slog"
	"runtime"
	"time"

	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/wire"
)

// Authenticator verifies the session token of a hello.
type Authenticator interface {
	// Verify returns the player id and display name that token stands for, or an
	// error when the token is missing, forged or expired.
	Verify(token string) (playerID, name string, err error)
}

// Options configure a Manager. The zero value works once Auth is set: every
// other field has a default, filled in by withDefaults (DefaultOptions
// returns them). Where a field can mean "none", a negative value does, and
// zero always means the default.
type Options struct {
	// Auth verifies hello tokens. Required.
	Auth Authenticator
	// Admission decides who gets a new seat; nil admits anyone to a free seat
	// of a public room or of a private room named by its join code.
	Admission Admission
	// Ships keeps one ship per player across a cluster; nil means this
	// server alone, where the Manager keeps it.
	Ships Ships
	// Observer receives counters and timings; nil means none.
	Observer Observer
	// Logger receives connection, room and round logs; nil means slog.Default().
	Logger *slog.Logger
	// OnRoundEnd receives the record of every finished round, from a room's
	// goroutine. It must not block; nil drops the records.
	OnRoundEnd func(RoundRecord)
	// RecordReplays makes every room record its rounds (package game/replay)
	// and hand each recording to OnRoundEnd with the round's record. Default
	// false: nothing is recorded.
	RecordReplays bool

	// TickRate is the simulation rate in ticks per second, from
	// game.MinTickRate to game.MaxTickRate (New rejects others). Zero means
	// the game's default, 30.
	TickRate int
	// SendRate is how many frames per second each player and spectator is
	// sent: one every TickRate/SendRate ticks, each delta spanning the
	// ticks since the last and carrying their events, so that a node whose
	// socket writes dominate spends fewer of them. It must divide TickRate
	// (at 30 ticks/s: 30, 15, 10, 6, 5, 3, 2 or 1) so that frames are
	// evenly spaced; New rejects others. Zero means DefaultSendRate of
	// TickRate: 15 frames a second at 30 ticks.
	SendRate int
	// Capacity is the number of human seats of a room created without one.
	// Zero means 50.
	Capacity int
	// Bots is the number of bots that fill a room created without a count
	// (the always-open rooms, quick play's) up to: a bot leaves when a human
	// needs its seat. Zero means 10; negative means none.
	Bots int
	// RoundSeconds is the round length of a room created without one, in
	// seconds. Zero means the game's default, 300.
	RoundSeconds int
	// PublicRooms is the number of always-open public rooms. Zero means 1;
	// negative means none.
	PublicRooms int
	// PublicRoomName is the name format of the always-open rooms, with %d for their
	// number. Default "Arena %d".
	PublicRoomName string
	// RoomIDPrefix starts the id of every room, the always-open ones too, so
	// that several nodes sharing one directory never give two rooms one id.
	// Default none.
	RoomIDPrefix string
	// MaxRooms bounds the number of rooms; CreateRoom fails with
	// ErrTooManyRooms past it. Zero means 200.
	MaxRooms int
	// EmptyRoomTimeout is how long a room without humans lives before it closes
	// (always-open rooms never close). Zero means 60 s.
	EmptyRoomTimeout time.Duration
	// UnjoinedRoomTimeout is how long a room that no human has ever joined
	// lives (always-open rooms never close): as long as the seat the lobby
	// reserved for its creator, which it gives here. Zero means
	// EmptyRoomTimeout.
	UnjoinedRoomTimeout time.Duration

	// MaxConnections bounds the open WebSockets; past it upgrades get HTTP
	// 503. Zero means 10000 (200 rooms of 50).
	MaxConnections int
	// MaxConnectionsPerAddr bounds the open WebSockets of one remote IP
	// address; past it upgrades get HTTP 429. Zero means 64: enough for a
	// school or an office behind one NAT address.
	MaxConnectionsPerAddr int
	// HelloTimeout is how long a new connection has to send its hello. Default 5 s.
	HelloTimeout time.Duration
	// IdleTimeout closes a connection that sent nothing for this long. Default 10 s.
	IdleTimeout time.Duration
	// PingInterval is the period of the server's protocol pings. Default 2 s.
	PingInterval time.Duration
	// ReconnectGrace is how long a dropped player's ship is held for them.
	// Zero means 15 s; negative means not at all (the ship goes with the
	// connection).
	ReconnectGrace time.Duration
	// WriteTimeout is the write deadline of every message, so that a dead peer
	// errors out. Default 10 s.
	WriteTimeout time.Duration
	// MaxInFlight is the number of messages queued to one connection past which
	// it is skipped for a tick (it keeps its baseline). Default 8.
	MaxInFlight int
	// SlowTimeout closes a client that was skipped without interruption for this
	// long, with 1008 "too slow". Default 5 s.
	SlowTimeout time.Duration
	// MaxAckLag closes, with 1008 "too slow", a client whose input acknowledges
	// a tick more than this far behind the room's current tick: it sends but
	// does not read what it is sent. Default 5 s.
	MaxAckLag time.Duration
	// MissedEvents bounds the events kept for a skipped client. Default 256.
	MissedEvents int
	// MaxInputsPerTick is the number of new inputs taken from a player per
	// room tick, over all the input messages that arrive in it (inputs a
	// message repeats do not count); more are dropped, and come back when
	// the client's next message repeats them. Default 16, the inputs a
	// player's queue holds: a connection read after a stall of a few
	// ticks hands over all the inputs it carried.
	MaxInputsPerTick int
	// FloodRate is the message rate (input messages, pings and WebSocket
	// pings), as a multiple of the tick rate, above which a second counts as
	// flooded. Default 4 (a client sends about half the tick rate).
	FloodRate int
	// FloodSeconds is the number of flooded seconds in a row that close a
	// connection with 1008. Default 2.
	FloodSeconds int
	// MaxCatchUp is the number of ticks a late room runs back to back; beyond it
	// the backlog is dropped and counted. Default 5.
	MaxCatchUp int
	// SaturationWindow is the span over which the Manager measures how
	// late its rooms tick and how late its players' frames go out: it turns
	// saturated (see Saturation) as soon as the last SaturationWindow holds
	// more than LateFrameShare late frames, so that it stops seating
	// players within about a window of falling behind, or once every
	// window of the last LateTickHold held more than LateTickShare late
	// ticks. Zero or negative means 1 s.
	SaturationWindow time.Duration
	// SaturationClear is how long a saturated Manager must keep up (every
	// window within both shares) before it seats new players again. Zero or
	// negative means 5 s; it is never shorter than SaturationWindow.
	SaturationClear time.Duration
	// LateTickShare is the share of a window's ticks, over all rooms, run
	// late (caught up or dropped) that makes the window late, from 0 to 1.
	// Zero, negative or above 1 means 0.5 (one tick in two: a room that
	// catches up now and then on a busy machine is not saturated; one that
	// is behind on every other tick is).
	LateTickShare float64
	// LateTickHold is how long every window must hold more than
	// LateTickShare late ticks before the Manager turns saturated for
	// them, so that rooms that fall behind for a moment on a busy machine
	// do not refuse players. Late frames need no such hold: a node short of
	// CPU shows them first, with every tick on time. Zero or negative means
	// 2 s.
	LateTickHold time.Duration
	// LateFrameShare is the share of the frames due to players in a window,
	// over all rooms, that found their connection still holding an earlier
	// frame unwritten (or were skipped, MaxInFlight queued) that makes the
	// window late, from 0 to 1: the node cannot write what its rooms
	// produce, although they tick on time. A window in which only three
	// players' worth of frames were late is never late, so that a few
	// clients on bad networks do not saturate a node. Zero, negative or
	// above 1 means 0.1.
	LateFrameShare float64
	// SchedLatency is how long a goroutine of the node may wait for a CPU
	// once runnable (Go's scheduling latency, the runtime/metrics histogram
	// /sched/latencies:seconds) before the wait counts as slow. A node short
	// of CPU makes every goroutine wait — its readers, its rooms' writers,
	// its HTTP handlers — while its ticks keep time and its writes never
	// block, so neither late ticks nor late frames show it. Zero means
	// 20 ms: past the count one core holds, a tenth or more of the
	// wake-ups wait that long, while below it they hardly do (waits over
	// 100 ms come only far past it; docs/performance.md). Negative turns
	// this signal off, and the read pollers' (SaturatedReads) with it.
	SchedLatency time.Duration
	// SlowSchedShare is the share of a window's scheduling events that
	// waited longer than SchedLatency that makes the window late, from 0 to
	// 1; the Manager turns saturated once every window of the last
	// LateTickHold was. Zero, negative or above 1 means 0.1.
	SlowSchedShare float64
	// CPUCeiling is the percentage of its CPUs (GOMAXPROCS, at most the
	// CPUs the process may run on) that the node may use, over a
	// SaturationWindow, before it turns saturated once its rooms or
	// goroutines begin to wait (see satGate.atCeiling): CPU time, user and
	// kernel, from the operating system (getrusage; off where it has
	// none), against the wall time of those CPUs less the share the
	// hypervisor gave to other guests (Linux's steal time, /proc/stat): a
	// virtual machine that lost a fifth of its core has only the rest to
	// use. A node using all of its CPU runs everything late — the lobby's
	// answers, its players' reads and frames — and the other signals see
	// it only once it has seated too many players to serve; one that keeps a
	// twentieth free answers at once and delivers on time. A busy CPU with
	// everything on time (a crowd arriving at once costs a tenth of a core in
	// handshakes for a few seconds) does not count. Zero means 95;
	// negative turns this signal off, as for a node that shares its CPUs
	// with other programs it should not make way for.
	CPUCeiling int
	// SeatRate bounds the new seats handed out through TakeSeat, per
	// second, with up to a second's worth at once: players arriving faster
	// are refused like those of a saturated node, so that a crowd cannot
	// overshoot what the node carries by more than about SeatRate players
	// before the saturation signal sees them. Past the connections it held
	// when it last turned saturated (Manager.FullAt) it hands out a tenth
	// of SeatRate. Zero means 200; negative means no bound (and 20 a
	// second past FullAt).
	SeatRate int
	// NetWaitInterval is how often the Manager measures how long what the
	// network wakes waits to run, for an Observer that implements
	// NetWaitObserver. Zero means 20 ms; negative turns it off.
	NetWaitInterval time.Duration
	// ReadPollers is how many goroutines read the players' plain TCP
	// connections on Linux (readpoll_linux.go), each with an epoll set of
	// its own, instead of a goroutine per connection: fewer wake-ups and
	// read system calls per message, no read goroutine's stack per player,
	// and a run queue short enough that an HTTP answer is not stuck behind
	// thousands of readers on a busy node. Zero means one per GOMAXPROCS;
	// negative reads every connection on a goroutine of its own (gws's
	// ReadLoop), as TLS connections always are.
	ReadPollers int
	// ReadPace is how long a busy read poller lets pass between two looks
	// at its connections: once a look found bytes to read, the poller
	// reads them all, sleeps until ReadPace after that look began and
	// looks again, and only when a few looks in a row found nothing does
	// its thread wait in epoll_wait for the next bytes. The players' sockets are out of
	// Go's network poller meanwhile (ownsock_unix.go). A node with
	// thousands of players then reads the inputs of a pace together, and
	// no input wakes a thread: five times fewer context switches and a
	// tenth less CPU at 2,000 players (docs/performance.md). The cost is
	// up to ReadPace before an input is read, a sixteenth of a tick at
	// 2 ms; the rooms' input queues absorb far more jitter than that. Zero
	// means 2 ms; negative turns pacing off (every look that finds nothing
	// waits).
	ReadPace time.Duration
	// Area is the area of interest of every client. Default wire.DefaultArea.
	Area wire.Area
	// SendBuffer is the kernel send buffer of each connection in bytes. It
	// bounds the kernel memory a reader that stopped reading pins, and makes
	// its queue fill (and the client be skipped, then closed) sooner; a
	// player needs a few kilobytes a second. Default 64 KiB; negative keeps
	// the system's autotuned buffer (up to megabytes).
	SendBuffer int

	// MaxSpectatorsPerRoom bounds the spectators of one room; past it a
	// spectator's hello gets 1013 and error 4012. Spectators hold no seat.
	// Default 50; negative means no spectators.
	MaxSpectatorsPerRoom int
	// MaxSpectators bounds the spectators of all rooms together; past it a
	// spectator's hello gets 1013 and error 4012. Default 500; negative
	// means no spectators.
	MaxSpectators int
	// SpectateDelay is how far behind the live room spectators see it, so
	// that they cannot relay positions to players; it is rounded up to whole
	// ticks. Default 3 s; negative means no delay.
	SpectateDelay time.Duration

	// viewHook, when set, sees every view queued to a client, on the room's
	// goroutine. Tests use it to compare what clients rebuild with what was sent.
	viewHook func(roomID, playerID string, v *wire.View)
	// gateInterval is the period of the saturation sampler; default 250 ms,
	// a quarter of the default SaturationWindow. Tests shorten it.
	gateInterval time.Duration
}

// DefaultOptions returns the settings of a Manager given none, every
// default filled in (Auth and the other hooks left nil): the base a
// configuration writes its own settings into.
func DefaultOptions() Options { return Options{}.withSettingDefaults() }

// withDefaults fills every zero field with its default.
func (o Options) withDefaults() Options {
	if o.Observer == nil {
		o.Observer = NopObserver{}
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.OnRoundEnd == nil {
		o.OnRoundEnd = func(RoundRecord) {}
	}
	o = o.withSettingDefaults()
	if o.SendRate <= 0 {
		// Here rather than in withSettingDefaults: a configuration that
		// changes TickRate and leaves SendRate alone gets the default of
		// its own tick rate.
		o.SendRate = DefaultSendRate(o.TickRate)
	}
	return o
}

// withSettingDefaults fills the zero settings (every field but the hooks)
// with their defaults. It is the one place a default is written down.
func (o Options) withSettingDefaults() Options {
	rules := game.Default()
	defInt(&o.TickRate, int(rules.TickRate))
	defInt(&o.Capacity, 50)
	if o.Bots == 0 {
		o.Bots = 10
	}
	defInt(&o.RoundSeconds, int(rules.RoundSeconds))
	if o.PublicRooms == 0 {
		o.PublicRooms = 1
	}
	if o.PublicRoomName == "" {
		o.PublicRoomName = "Arena %d"
	}
	defInt(&o.MaxRooms, 200)
	defDur(&o.EmptyRoomTimeout, 60*time.Second)
	defDur(&o.UnjoinedRoomTimeout, o.EmptyRoomTimeout)
	defInt(&o.MaxConnections, 10000)
	defInt(&o.MaxConnectionsPerAddr, 64)
	defDur(&o.HelloTimeout, 5*time.Second)
	defDur(&o.IdleTimeout, 10*time.Second)
	defDur(&o.PingInterval, 2*time.Second)
	if o.ReconnectGrace == 0 {
		o.ReconnectGrace = 15 * time.Second
	}
	defDur(&o.WriteTimeout, 10*time.Second)
	defInt(&o.MaxInFlight, 8)
	defDur(&o.SlowTimeout, 5*time.Second)
	defDur(&o.MaxAckLag, 5*time.Second)
	defInt(&o.MissedEvents, 256)
	defInt(&o.MaxInputsPerTick, slotCap)
	defInt(&o.FloodRate, 4)
	defInt(&o.FloodSeconds, 2)
	defInt(&o.MaxCatchUp, 5)
	defDur(&o.SaturationWindow, time.Second)
	defDur(&o.SaturationClear, 5*time.Second)
	o.SaturationClear = max(o.SaturationClear, o.SaturationWindow)
	if o.LateTickShare <= 0 || o.LateTickShare > 1 {
		o.LateTickShare = 0.5
	}
	defDur(&o.LateTickHold, 2*time.Second)
	if o.SchedLatency == 0 {
		o.SchedLatency = 20 * time.Millisecond
	}
	if o.CPUCeiling == 0 {
		o.CPUCeiling = 95
	}
	if o.SlowSchedShare <= 0 || o.SlowSchedShare > 1 {
		o.SlowSchedShare = 0.1
	}
	if o.LateFrameShare <= 0 || o.LateFrameShare > 1 {
		o.LateFrameShare = 0.1
	}
	if o.ReadPollers == 0 {
		o.ReadPollers = runtime.GOMAXPROCS(0)
	}
	if o.ReadPace == 0 {
		o.ReadPace = 2 * time.Millisecond
	}
	if o.SeatRate == 0 {
		o.SeatRate = 200
	}
	if o.NetWaitInterval == 0 {
		o.NetWaitInterval = 20 * time.Millisecond
	}
	defDur(&o.gateInterval, time.Second/4)
	if o.SendBuffer == 0 {
		o.SendBuffer = 64 << 10
	}
	if o.MaxSpectatorsPerRoom == 0 {
		o.MaxSpectatorsPerRoom = 50
	}
	if o.MaxSpectators == 0 {
		o.MaxSpectators = 500
	}
	o.MaxSpectatorsPerRoom, o.MaxSpectators = max(o.MaxSpectatorsPerRoom, 0), max(o.MaxSpectators, 0)
	if o.SpectateDelay == 0 {
		o.SpectateDelay = 3 * time.Second
	}
	o.SpectateDelay = max(o.SpectateDelay, 0)
	if o.Area == (wire.Area{}) {
		o.Area = wire.DefaultArea
	}
	return o
}

// validate rejects settings that no default can stand for.
func (o Options) validate() error {
	if o.TickRate < game.MinTickRate || o.TickRate > game.MaxTickRate {
		return fmt.Errorf("realtime: Options.TickRate %d is outside %d-%d", o.TickRate, game.MinTickRate, game.MaxTickRate)
	}
	if !SendRateDivides(o.SendRate, o.TickRate) {
		return fmt.Errorf("realtime: Options.SendRate %d does not divide the tick rate %d", o.SendRate, o.TickRate)
	}
	return nil
}

// DefaultSendRate is the send rate of a node that sets none: a frame every
// second tick when the tick rate is even and at least 20 (15 frames a
// second at the default 30 ticks), else a frame every tick. Measured on the
// load test and in a browser at 100 ms round trip (docs/performance.md), a
// frame every second tick costs no smoothness — the client draws the
// others a tick further in the past — and halves the socket writes and cuts
// the bytes down by a quarter (load test) to two fifths (a lone browser),
// which is what a core's capacity is made of.
func DefaultSendRate(tickRate int) int {
	if tickRate >= 20 && tickRate%2 == 0 {
		return tickRate / 2
	}
	return tickRate
}

// SendRateDivides reports whether sendRate frames per second are evenly
// spaced at tickRate ticks per second: a whole number of ticks apart, at
// most one a tick. Zero (the tick rate) does.
func SendRateDivides(sendRate, tickRate int) bool {
	return sendRate == 0 || (sendRate > 0 && sendRate <= tickRate && tickRate%sendRate == 0)
}

// ticksPerFrame is TickRate/SendRate, the ticks a frame spans (1 by
// default), of options with their defaults.
func (o Options) ticksPerFrame() uint32 { return uint32(o.TickRate / o.SendRate) }

func defInt(v *int, d int) {
	if *v <= 0 {
		*v = d
	}
}

func defDur(v *time.Duration, d time.Duration) {
	if *v <= 0 {
		*v = d
	}
}
