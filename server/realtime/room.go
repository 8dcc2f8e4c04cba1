package realtime

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/bot"
	"github.com/tickarena/tickarena/game/replay"
	"github.com/tickarena/tickarena/game/wire"
)

// player is a ship's owner as the room sees it: a human (with or without a
// live connection) or a bot. Only the room goroutine touches it.
type player struct {
	id     string
	name   string
	ship   uint32
	brain  *bot.Brain // nil for humans
	client *client    // nil while a human is disconnected
	slot   *inputSlot
	goneAt time.Time // when the human's connection dropped

	// base is the last view queued to the client, cur scratch for the next:
	// bitsets over the room's snapshots (see snapshots).
	base, cur    wire.SnapView
	skippedSince time.Time
	rosterTick   uint32       // tick of the last roster queued to the client; 0: none
	missed       []game.Event // events of ticks the client was skipped for
	events       []game.Event // scratch for the events of one delta
}

type cmdKind uint8

const (
	cmdJoin cmdKind = iota
	cmdDetach
	cmdEvict
	cmdWatch   // a spectator's hello (spectate.go)
	cmdUnwatch // a spectator's connection ended
)

// command is a request from a connection's goroutine to the room's.
type command struct {
	kind     cmdKind
	c        *client
	leave    bool
	admitted bool   // cmdJoin: the Admission gave the player a new seat
	player   string // cmdEvict
	force    bool   // cmdEvict: even if the Manager sees the ship here
	ship     uint32 // cmdWatch: the ship to follow
	reply    chan joinReply
}

type joinResult uint8

const (
	joinOK joinResult = iota
	joinFull
	joinClosed
	joinDraining
	joinUnadmitted // no ship here and no new seat granted
)

type joinReply struct {
	res  joinResult
	slot *inputSlot
}

// room is one arena: a world and the goroutine that owns it.
type room struct {
	m         *Manager
	id, code  string
	spec      RoomSpec
	permanent bool
	dt        time.Duration

	cmds     chan command
	stop     chan struct{}
	stopOnce sync.Once
	done     chan struct{}
	tick     atomic.Uint32 // the world's tick, for the read goroutines' input limits
	// dueSteps and lateSteps count the steps that fell due and those run
	// late or dropped since the Manager's saturation sampler last read them.
	dueSteps, lateSteps atomic.Int64
	pub                 atomic.Pointer[published]
	obs                 RoomObserver // this room's timings, made when it opens
	inbox               inbox

	// framesDue and framesLate count the frames due to connected players
	// and those that found an earlier one still queued (see queued).
	framesDue, framesLate atomic.Int64

	// room goroutine
	world  *game.World
	snap   *wire.Snapshot // the last fan-out's, from snaps
	snaps  snapshots
	enc    wire.DeltaEncoder
	humans map[string]*player
	order  []*player // humans in joining order
	bots   []*player
	byShip map[uint32]*player
	inputs []game.Input
	events []game.Event // events of the ticks since the last fan-out
	// every is the ticks between two fan-outs (TickRate/SendRate), and
	// sentTick the world's tick at the last one.
	every, sentTick uint32
	// rosterDue and pingDue put the roster and a ping into the next tick
	// frames. liveRoster is the roster the players get, of the current
	// snapshot.
	rosterDue, pingDue bool
	liveRoster         rosterCast
	emptySince         time.Time
	opened             time.Time
	joined             bool // a human has taken a seat at least once
	// expected is when the last seat reserved in the room by the lobby
	// expires (Unix nanoseconds; see Manager.Expect): a room nobody has
	// joined yet stays open until then.
	expected   atomic.Int64
	lastSecond time.Time
	lastPing   time.Time
	botNames   int
	rec        replay.Recorder // records only when started (Options.RecordReplays); see replay.go
	out        roomWriter      // writes the tick frames the fan-out queued (writer.go)

	// spectators (spectate.go), on the room goroutine
	spectators      []*spectator
	frames          frameRing     // the recent frames, while the room has spectators
	specSnap        wire.Snapshot // the frame spectators see now
	pendingRoundEnd []byte        // a round end not yet kept in a frame
	delayedRoster   rosterCast    // the roster spectators get, of specSnap
	specSecond      time.Time
	// specRosterDue and specPingDue hold a roster and a ping that fell due
	// at a fan-out with no newer delayed frame for the spectators, until one
	// comes.
	specRosterDue, specPingDue bool
}

func newRoom(m *Manager, id, code string, spec RoomSpec, permanent bool) *room {
	o := m.opts
	defInt(&spec.Capacity, o.Capacity)
	defInt(&spec.RoundSeconds, o.RoundSeconds)
	if spec.Bots == 0 {
		spec.Bots = o.Bots
	}
	spec.Bots = max(spec.Bots, 0) // negative means none
	r := &room{
		m: m, id: id, code: code, spec: spec, permanent: permanent,
		dt:     time.Second / time.Duration(o.TickRate),
		every:  o.ticksPerFrame(),
		obs:    roomObserver(o.Observer, id, spec.Public),
		opened: time.Now(),
		cmds:   make(chan command, 256),
		stop:   make(chan struct{}),
		done:   make(chan struct{}),
		humans: make(map[string]*player),
		byShip: make(map[uint32]*player),
		world: game.NewWorld(game.Rules{
			TickRate: int32(o.TickRate), RoundSeconds: int32(spec.RoundSeconds), Seed: rand.Uint64(),
		}),
	}
	r.inbox.calm = uint32(inputCalm.Seconds() * float64(o.TickRate))
	r.inbox.pause = uint32(o.TickRate)
	r.inbox.frozen = r.shipFrozen
	r.startRecording()
	r.balanceBots()
	r.publish()
	return r
}

// join asks the room for a seat for c: its player's own ship, or a new seat
// when admitted says the Admission granted one. It blocks the caller (c's read
// goroutine), never the room.
func (r *room) join(c *client, admitted bool) (*inputSlot, joinResult) {
	reply := make(chan joinReply, 1)
	select {
	case r.cmds <- command{kind: cmdJoin, c: c, admitted: admitted, reply: reply}:
	case <-r.done:
		return nil, joinClosed
	}
	select {
	case rep := <-reply:
		return rep.slot, rep.res
	case <-r.done:
		return nil, joinClosed
	}
}

// detach tells the room that c's connection ended; leave gives up the ship.
func (r *room) detach(c *client, leave bool) {
	select {
	case r.cmds <- command{kind: cmdDetach, c: c, leave: leave}:
	case <-r.done:
	}
}

// evict asks the room to take playerID's ship out because the player now
// plays elsewhere; force skips the check that the ship has not come back. It
// never blocks the caller, which may be another room's goroutine.
func (r *room) evict(playerID string, force bool) {
	cmd := command{kind: cmdEvict, player: playerID, force: force}
	select {
	case r.cmds <- cmd:
	default:
		go func() {
			select {
			case r.cmds <- cmd:
			case <-r.done:
			}
		}()
	}
}

func (r *room) shutdown() { r.stopOnce.Do(func() { close(r.stop) }) }

// run is the room's goroutine: fixed steps on an absolute schedule, so that
// ticks do not drift; a late room catches up at most MaxCatchUp steps and
// drops (and counts) the rest of its backlog.
func (r *room) run() {
	o := r.m.opts
	r.m.log.Info("realtime: room opened", "room", r.id, "name", r.spec.Name, "code", r.code,
		"public", r.spec.Public, "capacity", r.spec.Capacity, "bots", r.spec.Bots)
	now := time.Now()
	next := now.Add(r.dt)
	r.lastSecond, r.lastPing = now, now
	timer := time.NewTimer(r.dt)
	defer timer.Stop()
	for {
		select {
		case <-r.stop:
			r.finish(true)
			return
		case cmd := <-r.cmds:
			r.handle(cmd)
			continue
		case <-timer.C:
		}
		start := time.Now()
		if wokeLate(start, next, r.dt) {
			runtime.Gosched() // see wokeLate
			start = time.Now()
		}
		steps, dropped, after := catchUp(start, next, r.dt, o.MaxCatchUp)
		next = after
		for range steps {
			r.step(start)
		}
		r.dueSteps.Add(int64(steps + dropped))
		if steps > 1 || dropped > 0 {
			r.lateSteps.Add(int64(steps - 1 + dropped))
			r.obs.LateTicks(steps-1, dropped)
		}
		if steps > 0 && r.frameDue() {
			// A frame every SendRate: catch-up steps may jump over the
			// tick a frame fell due at, so it is "every ticks since the
			// last", not the tick's remainder. Until then the events, the
			// roster and ping due and the pongs wait for the next frame,
			// and no snapshot is taken.
			r.fanout(start)
		}
		if start.Sub(r.lastSecond) >= time.Second {
			r.lastSecond = start
			if r.everySecond(start) {
				r.finish(false)
				return
			}
		}
		if start.Sub(r.lastPing) >= o.PingInterval {
			r.lastPing = start
			r.ping(start)
		}
		r.obs.Tick(time.Since(start))
		timer.Reset(time.Until(next))
	}
}

// wokeLate reports whether a room whose step was due at next, woken at now,
// should let the goroutines waiting for the core run before it ticks: when
// its wake-up came more than an eighth of a tick late, the core had a queue.
// Go runs a goroutine its timer wakes ahead of everything queued, while what
// the network wakes — the read pollers (the players' inputs) and the HTTP
// handlers (the lobby) — waits in the global run queue, which a busy
// processor serves once in 61 turns: on a busy node the rooms' ticks would
// go first again and again, the inputs they need read late (corrections)
// and their frames written late (underflows), and the lobby's "full"
// answered after hundreds of milliseconds. A room that yields (Gosched)
// queues behind them instead. An on-time room does not yield: it has no
// queue to wait behind, and its tick keeps time. Measured in
// docs/performance.md ("Late rooms yield").
func wokeLate(now, next time.Time, dt time.Duration) bool { return now.Sub(next) > dt/8 }

// frameDue reports whether the next fan-out is due: every ticks (one, or
// TickRate/SendRate) have passed since the last.
func (r *room) frameDue() bool { return r.world.Tick-r.sentTick >= r.every }

// catchUp says, for a schedule whose next step is due at next, how many steps
// are due at now (at most maxSteps), how many more are dropped because the
// room is too far behind, and when the following step is due. Dropped steps
// move the schedule forward so that it does not spiral; steps are never lost
// without being counted.
func catchUp(now, next time.Time, dt time.Duration, maxSteps int) (steps, dropped int, after time.Time) {
	if now.Before(next) {
		return 0, 0, next
	}
	due := int(now.Sub(next)/dt) + 1
	steps = min(due, maxSteps)
	return steps, due - steps, next.Add(time.Duration(due) * dt)
}

// step runs one tick: inputs, bots, game.Step, round end.
func (r *room) step(now time.Time) {
	r.inputs = r.inbox.drain(r.inputs[:0], r.world.Tick+1)
	for _, b := range r.bots {
		r.inputs = append(r.inputs, b.brain.Think(r.world))
	}
	wasPlaying := r.world.Phase == game.Playing
	game.Step(r.world, r.inputs)
	r.rec.Step(r.world) // replay hook
	r.tick.Store(r.world.Tick)
	r.events = append(r.events, r.world.Events...)
	if res := r.world.Result; res != nil && humanIn(res.Players) {
		r.roundEnded(res.Round, res.EndTick, res.Players, now, false)
	}
	if !wasPlaying && r.world.Phase == game.Playing {
		r.startRecording() // replay hook: a new round began
	}
}

// inputCalm is how long a player's inputs must keep more than keepWaiting
// waiting after every take before the room trims their queue by one
// (inbox.go): long enough that a player whose inputs come late every few
// seconds keeps the cushion that absorbs it.
const inputCalm = 10 * time.Second

// shipFrozen reports whether ship cannot move in the coming tick: dead, gone,
// or between rounds. Its player's prediction stands still then, so the room
// may trim their waiting inputs without them noticing.
func (r *room) shipFrozen(ship uint32) bool {
	if r.world.Phase == game.Intermission {
		return true
	}
	s := r.world.Ship(ship)
	return s == nil || s.Dead
}

// humanIn reports whether a human ship took part in a round. A round of bots
// alone is nobody's result: it is neither announced nor recorded.
func humanIn(players []game.PlayerResult) bool {
	return slices.ContainsFunc(players, func(p game.PlayerResult) bool { return !p.Bot })
}

func (r *room) handle(cmd command) {
	if r.handleSpectator(cmd) {
		return
	}
	switch cmd.kind {
	case cmdJoin:
		slot, res := r.admit(cmd.c, cmd.admitted)
		cmd.reply <- joinReply{res: res, slot: slot}
	case cmdDetach:
		r.detached(cmd.c, cmd.leave)
	case cmdEvict:
		r.evicted(cmd.player, cmd.force)
	}
}

// admit seats c's player: back in their own ship when they are still in the
// room, in a new one when the Admission granted it (admitted) and there is
// room, else refused. Either way the player's ship in another room, if any,
// is given up.
func (r *room) admit(c *client, admitted bool) (*inputSlot, joinResult) {
	log := r.m.log
	if p := r.humans[c.playerID]; p != nil {
		if old := p.client; old != nil && old != c {
			old.closeWith(wire.ClosePolicy, wire.ErrCodeReplaced, "connected again elsewhere", "replaced")
		}
		p.client = c
		p.goneAt = time.Time{}
		_ = r.world.Rejoin(p.ship)         // its new connection numbers inputs from 1 again
		r.rec.Idle(r.world, p.ship, false) // replay hook
		r.rec.SeqReset(r.world, p.ship)    // replay hook
		r.resync(p)
		r.claimShip(p)
		r.welcome(p)
		log.Info("realtime: player rejoined", "room", r.id, "player", p.id, "ship", p.ship)
		return p.slot, joinOK
	}
	if r.m.draining.Load() {
		return nil, joinDraining
	}
	if !admitted {
		return nil, joinUnadmitted
	}
	humans := len(r.humans)
	if humans >= r.spec.Capacity {
		return nil, joinFull
	}
	if humans+1+len(r.bots) > r.spec.Capacity {
		r.removeBot()
	}
	p := r.seat(c.playerID, c.name)
	p.client = c
	r.claimShip(p)
	r.publish() // before the welcome, so that a welcomed player is listed
	r.welcome(p)
	log.Info("realtime: player joined", "room", r.id, "player", p.id, "ship", p.ship, "humans", len(r.humans))
	return p.slot, joinOK
}

// claimShip makes this room the one that holds p's ship, and tells the room
// that held it before, if another, to give it up.
func (r *room) claimShip(p *player) {
	if old := r.m.claimShip(p.id, r); old != nil {
		old.evict(p.id, false)
	}
}

// evicted takes playerID's ship out of the room, because the player took a
// seat in another room, and closes their connection with 4009. Unless force
// is set, a player whose ship the Manager places here again (they came back
// before this ran) keeps it.
func (r *room) evicted(playerID string, force bool) {
	p := r.humans[playerID]
	if p == nil || (!force && r.m.shipRoom(playerID) == r) {
		return
	}
	if p.client != nil {
		p.client.closeWith(wire.ClosePolicy, wire.ErrCodeReplaced, "connected again elsewhere", "replaced")
		p.client = nil
	}
	r.removeHuman(p, "playing in another room")
}

// addShip adds a ship. Its spawn event stays in the world's events, and the
// next game.Step reports it with its own, so the next fan-out tells it once.
func (r *room) addShip(name string, isBot bool) uint32 {
	id := r.world.AddShip(name, isBot)
	r.rec.Joined(r.world, id) // replay hook
	return id
}

// seat gives a new human player a ship.
func (r *room) seat(id, name string) *player {
	p := &player{id: id, name: name}
	p.ship = r.addShip(name, false)
	p.slot = &inputSlot{ship: p.ship, inbox: &r.inbox}
	r.humans[p.id] = p
	r.order = append(r.order, p)
	r.byShip[p.ship] = p
	r.emptySince = time.Time{}
	r.joined = true
	return p
}

func (r *room) welcome(p *player) {
	w := r.world
	p.client.send(wire.AppendWelcome(nil, wire.Welcome{
		Ship: p.ship, ServerTick: w.Tick, Rules: w.Rules, RoomID: r.id, RoomName: r.spec.Name,
	}))
}

// resync makes the next delta of p a full snapshot.
func (r *room) resync(p *player) {
	p.base.Reset()
	p.rosterTick = 0 // a new connection gets a whole roster
	p.skippedSince = time.Time{}
	p.missed = p.missed[:0]
}

// detached handles the end of c's connection: the ship is removed at once on
// a leave, else held idle for ReconnectGrace.
func (r *room) detached(c *client, leave bool) {
	p := r.humans[c.playerID]
	if p == nil || p.client != c {
		return // replaced by a newer connection, or already gone
	}
	p.client = nil
	if leave {
		r.removeHuman(p, "left")
		return
	}
	p.base.Reset() // a reconnect starts over, and the snapshot is free sooner
	p.goneAt = time.Now()
	_ = r.world.SetIdle(p.ship, true)
	r.rec.Idle(r.world, p.ship, true) // replay hook
	r.m.log.Info("realtime: player dropped, ship held", "room", r.id, "player", p.id, "ship", p.ship,
		"grace", r.m.opts.ReconnectGrace)
}

func (r *room) removeHuman(p *player, why string) {
	_ = r.world.RemoveShip(p.ship)
	r.rec.Left(r.world, p.ship) // replay hook
	delete(r.humans, p.id)
	delete(r.byShip, p.ship)
	r.m.releaseShip(p.id, r)
	r.order = slices.DeleteFunc(r.order, func(o *player) bool { return o == p })
	r.publish()
	r.m.log.Info("realtime: player removed", "room", r.id, "player", p.id, "ship", p.ship, "why", why)
}

// balanceBots fills the room with bots up to its count, leaving the seats
// humans hold.
func (r *room) balanceBots() {
	want := max(min(r.spec.Bots, r.spec.Capacity-len(r.humans)), 0)
	for len(r.bots) > want {
		r.removeBot()
	}
	for len(r.bots) < want {
		r.botNames++
		name := fmt.Sprintf("Bot %d", r.botNames)
		ship := r.addShip(name, true)
		p := &player{id: fmt.Sprintf("bot-%s-%d", r.id, ship), name: name, ship: ship, brain: bot.New(ship)}
		r.bots = append(r.bots, p)
		r.byShip[ship] = p
	}
}

// removeBot takes the newest bot out.
func (r *room) removeBot() {
	if len(r.bots) == 0 {
		return
	}
	b := r.bots[len(r.bots)-1]
	r.bots = r.bots[:len(r.bots)-1]
	delete(r.byShip, b.ship)
	_ = r.world.RemoveShip(b.ship)
	r.rec.Left(r.world, b.ship) // replay hook
}

// everySecond does the room's slow chores and reports whether the room,
// empty for too long, should close.
func (r *room) everySecond(now time.Time) bool {
	o := r.m.opts
	for _, p := range slices.Clone(r.order) {
		switch {
		case p.client == nil && now.Sub(p.goneAt) >= o.ReconnectGrace:
			r.removeHuman(p, "reconnect grace over")
		case p.client != nil && now.Sub(time.Unix(0, p.client.lastRecv.Load())) >= o.IdleTimeout:
			p.client.closeWith(wire.ClosePolicy, wire.ErrCodeIdle, "no traffic for too long", "idle")
		}
	}
	r.balanceBots()
	r.roster()
	r.publish()
	o.Observer.RoomPlayers(r.id, len(r.humans), len(r.bots))
	if r.inbox.late > 0 || r.inbox.trimmed > 0 {
		o.Observer.InputsLate(r.inbox.late, r.inbox.trimmed)
		r.inbox.late, r.inbox.trimmed = 0, 0
	}
	if len(r.humans) > 0 || r.permanent {
		r.emptySince = time.Time{}
		return false
	}
	if !r.joined {
		// Nobody came to the room they were given: it costs a goroutine
		// and a core's share until it closes, so it closes soon.
		return now.Sub(r.opened) >= o.UnjoinedRoomTimeout && now.UnixNano() >= r.expected.Load()
	}
	if r.emptySince.IsZero() {
		r.emptySince = now
	}
	return now.Sub(r.emptySince) >= o.EmptyRoomTimeout
}

// finish ends the room: on shutdown the round in play is recorded and every
// client gets 1001.
func (r *room) finish(shutdown bool) {
	w := r.world
	if shutdown && w.Phase == game.Playing && len(r.humans) > 0 {
		r.roundEnded(w.Round, w.Tick, w.Standings(), time.Now(), true)
	}
	for _, p := range r.order {
		if p.client != nil {
			p.client.closeWith(wire.CloseGoingAway, wire.ErrCodeShutdown, "server shutting down", "shutdown")
		}
		r.m.releaseShip(p.id, r)
	}
	r.closeSpectators(shutdown)
	r.m.closeRoom(r)
	close(r.done)
	r.m.opts.Observer.RoomPlayers(r.id, 0, 0)
	r.m.log.Info("realtime: room closed", "room", r.id, "name", r.spec.Name, "shutdown", shutdown, "ticks", w.Tick)
}

// publish shares the room's stats and scoreboard with other goroutines.
func (r *room) publish() {
	w := r.world
	st := RoomStats{
		ID: r.id, Name: r.spec.Name, Public: r.spec.Public, Code: r.code,
		Humans: len(r.humans), Bots: len(r.bots), Capacity: r.spec.Capacity, Spectators: len(r.spectators),
		RoundSecondsLeft: int((w.TicksLeft() + uint32(w.TickRate) - 1) / uint32(w.TickRate)),
		Round:            int(w.Round), Intermission: w.Phase == game.Intermission,
	}
	lines := w.Standings()
	board := make([]ScoreLine, len(lines))
	for i, l := range lines {
		board[i] = ScoreLine{PlayerID: r.playerID(l.Ship), Name: l.Name, Bot: l.Bot, Score: int(l.Score), Kills: int(l.Kills), Deaths: int(l.Deaths)}
	}
	r.pub.Store(&published{stats: st, board: board})
}

func (r *room) playerID(ship uint32) string {
	if p := r.byShip[ship]; p != nil {
		return p.id
	}
	return fmt.Sprintf("ship-%s-%d", r.id, ship)
}
