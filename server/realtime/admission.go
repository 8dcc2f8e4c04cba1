package realtime

import (
	"errors"
	"time"

	"github.com/tickarena/tickarena/game/wire"
)

// ErrRoomFull is what an Admission returns, wrapped or not, to refuse a
// player because every seat of the room is taken or reserved.
var ErrRoomFull = errors.New("realtime: room is full")

// Admission decides whether a new player may take a seat in a room. The lobby
// implements it to honour the seats it reserved through quick play, a join
// code or the creation of a room.
type Admission interface {
	// Admit decides whether playerID may take a new seat in room roomID, which
	// held humans human players out of capacity when it last published them.
	// open is true for a public room, or a private room the hello named by its
	// join code: then anyone may take a free seat. It is false for a private
	// room named by its id: then only a player who holds a reservation there
	// may enter. Admit returns nil to admit (the reservation, if any, becomes
	// the player's seat), an error wrapping ErrNoRoom (no right to enter) or
	// ErrRoomFull to refuse, or another error when it cannot decide now. It is
	// called on the connection's goroutine during the hello, never on a
	// room's, and may wait briefly on I/O. A player who already has a ship in
	// the room is let back in without asking.
	Admit(roomID, playerID string, humans, capacity int, open bool) error
}

// Ships keeps one ship per player across the servers of a cluster; on a
// single server the Manager alone does it.
type Ships interface {
	// Claim records that playerID's ship is about to be in roomID, and gives
	// up the player's ship in a room of any other server. It is called on the
	// connection's goroutine during the hello, before the seat is taken, and
	// may wait briefly on I/O. An error is logged and the hello goes on.
	Claim(roomID, playerID string) error
}

// PlayerSeat is a player with a ship in one of the Manager's rooms.
type PlayerSeat struct {
	RoomID   string
	PlayerID string
}

// enter seats the client's player in r, which the hello named (open says
// whether anyone may take a free seat there, see Admission): back in their
// own ship when they have one in r, else in a new seat once the Admission
// agrees. The Admission and Ships may wait on I/O; they run here, on the
// connection's goroutine, never on the room's.
func (c *client) enter(r *room, open bool) {
	m := c.m
	admitted, claimed := false, false
	// A second round is needed only when the player's ship left the room
	// between the look and the join; the second join is always admitted.
	for range 2 {
		if !admitted && m.shipRoom(c.playerID) != r {
			if m.draining.Load() {
				c.closeWith(wire.CloseTryAgainLater, wire.ErrCodeShutdown, "server is draining: try another server", "draining")
				return
			}
			if err := m.admit(r, c.playerID, open); err != nil {
				c.refuse(r, err)
				return
			}
			admitted = true
		}
		if s := m.opts.Ships; s != nil && !claimed {
			claimed = true
			if err := s.Claim(r.id, c.playerID); err != nil {
				m.limitedLog("claim", "realtime: ship not claimed across the cluster", "room", r.id, "player", c.playerID, "err", err)
			}
		}
		slot, res := r.join(c, admitted)
		switch res {
		case joinOK:
			c.room, c.slot = r, slot
			c.joinTick = r.tick.Load()
			c.state.Store(stateJoined)
			c.helloTimer.Stop()
			c.secStart = time.Now()
		case joinUnadmitted:
			// The player's ship left the room (grace over) between the look
			// and the join: ask for a new seat like any newcomer.
			continue
		case joinFull:
			c.closeWith(wire.CloseTryAgainLater, wire.ErrCodeRoomFull, "room is full", "room full")
		case joinDraining:
			c.closeWith(wire.CloseTryAgainLater, wire.ErrCodeShutdown, "server is draining: try another server", "draining")
		case joinClosed:
			if m.closed.Load() {
				c.closeWith(wire.CloseGoingAway, wire.ErrCodeShutdown, "server shutting down", "shutdown")
				return
			}
			c.closeWith(wire.ClosePolicy, wire.ErrCodeNoRoom, "no such room", "no room")
		}
		return
	}
	c.closeWith(wire.CloseTryAgainLater, wire.ErrCodeRoomFull, "cannot take a seat now: try again soon", "admission failed")
}

// refuse closes a connection the Admission turned away. A private room the
// player may not enter is answered exactly like a room that does not exist,
// so that a hello cannot tell whether a leaked id names a live room.
func (c *client) refuse(r *room, err error) {
	switch {
	case errors.Is(err, ErrNoRoom):
		c.m.limitedLog("not invited", "realtime: hello refused: private room without a seat", "addr", c.addr, "player", c.playerID, "room", r.id)
		c.closeWith(wire.ClosePolicy, wire.ErrCodeNoRoom, "no such room", "no room")
	case errors.As(err, new(saturatedError)):
		c.m.limitedLog("saturated", "realtime: hello refused: the server is full", "addr", c.addr, "player", c.playerID, "room", r.id, "err", err)
		c.closeWith(wire.CloseTryAgainLater, wire.ErrCodeRoomFull, err.Error()+": try again in a few seconds", "saturated")
	case errors.Is(err, ErrRoomFull):
		c.closeWith(wire.CloseTryAgainLater, wire.ErrCodeRoomFull, "room is full", "room full")
	default:
		c.m.limitedLog("admission", "realtime: admission failed", "addr", c.addr, "player", c.playerID, "room", r.id, "err", err)
		c.closeWith(wire.CloseTryAgainLater, wire.ErrCodeRoomFull, "cannot check your seat now: try again soon", "admission failed")
	}
}

// saturatedError refuses a new seat on a saturated node to a player who
// holds no reservation; it names the reason of the saturation.
type saturatedError struct{ reason string }

func (e saturatedError) Error() string { return "the server is full (" + e.reason + ")" }

// admit asks the Admission whether playerID may take a new seat in r. With
// no Admission, anyone may take a free seat of an open room, and nobody
// enters a private room by its id. While the node is saturated (see
// Saturation) no hello takes a free seat: only a player holding a
// reservation the lobby handed out before may enter, as in a private room
// named by its id, and the others are refused with saturatedError, so that
// a hello sent without the lobby cannot seat a player the lobby would
// refuse.
func (m *Manager) admit(r *room, playerID string, open bool) error {
	// The gate's reasons only: a connection that got in at MaxConnections
	// was let in.
	if why := m.gate.reason.Load(); why != nil && open {
		err := m.ask(r, playerID, false)
		if errors.Is(err, ErrNoRoom) {
			return saturatedError{*why}
		}
		return err
	}
	return m.ask(r, playerID, open)
}

// ask puts the question of admit to the Admission, or answers it without one.
func (m *Manager) ask(r *room, playerID string, open bool) error {
	st := r.pub.Load().stats
	if a := m.opts.Admission; a != nil {
		return a.Admit(r.id, playerID, st.Humans, st.Capacity, open)
	}
	switch {
	case !open:
		return ErrNoRoom
	case st.Humans >= st.Capacity:
		return ErrRoomFull
	}
	return nil
}

// lookup returns the open room a hello names by id or by join code (or, for
// no name, the server's default public room, see helloRoom), and
// whether anyone may take a free seat there: a public room, or a private one
// named by its code.
func (m *Manager) lookup(key string) (r *room, open bool) {
	r = m.helloRoom(key)
	if r == nil {
		return nil, false
	}
	return r, r.spec.Public || (key != "" && key == r.code)
}

// claimShip notes that playerID's ship is now in r, and returns the room that
// held it until now when that is another one.
func (m *Manager) claimShip(playerID string, r *room) *room {
	m.mu.Lock()
	defer m.mu.Unlock()
	old := m.ships[playerID]
	m.ships[playerID] = r
	if old == r {
		return nil
	}
	return old
}

// releaseShip forgets playerID's ship in r, unless it has moved elsewhere.
func (m *Manager) releaseShip(playerID string, r *room) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.ships[playerID] == r {
		delete(m.ships, playerID)
	}
}

// shipRoom returns the room that holds playerID's ship, or nil.
func (m *Manager) shipRoom(playerID string) *room {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.ships[playerID]
}

// Players returns every player with a ship in one of the Manager's rooms,
// connected or held for a reconnect.
func (m *Manager) Players() []PlayerSeat {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]PlayerSeat, 0, len(m.ships))
	for p, r := range m.ships {
		out = append(out, PlayerSeat{RoomID: r.id, PlayerID: p})
	}
	return out
}

// Evict takes playerID's ship out of room roomID and closes its connection
// with 1008 and error 4009, because the player's ship is now in a room of
// another server. It reports whether the room exists; the room does the rest
// on its goroutine.
func (m *Manager) Evict(roomID, playerID string) bool {
	r := m.room(roomID)
	if r == nil || r.id != roomID {
		return false
	}
	r.evict(playerID, true)
	return true
}
