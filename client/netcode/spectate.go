package netcode

import "github.com/tickarena/tickarena/game/wire"

// spectating is what a spectating client knows of what it watches.
type spectating struct {
	follow uint32 // the ship asked for, or confirmed by the server; 0: the whole arena
	delay  uint32 // milliseconds behind the live room, from the server
	known  bool   // a spectating message has arrived on this connection
}

// hello is the hello of a new connection: a player's, or a spectator's that
// asks for the ship it follows now (so that a reconnect keeps it).
func (c *Client) hello() wire.Hello {
	h := wire.Hello{Version: wire.Version, Token: c.opt.Token, Room: c.opt.Room}
	if c.opt.Spectate {
		h.Spectate, h.Follow = true, c.spec.follow
	}
	return h
}

// setSpectating takes the server's word on what the client watches.
func (c *Client) setSpectating(s wire.Spectating) {
	c.spec = spectating{follow: s.Follow, delay: s.DelayMs, known: true}
}

// Spectator reports whether the client watches the room instead of playing.
func (c *Client) Spectator() bool { return c.opt.Spectate }

// Following returns the ship a spectator follows (0: the whole arena) and how
// far behind the live room it sees it, in milliseconds; ok is false until
// the server said so.
func (c *Client) Following() (ship, delayMs uint32, ok bool) {
	return c.spec.follow, c.spec.delay, c.spec.known
}

// Follow asks the server to follow ship (0: the whole arena). The server
// confirms with a spectating message (see Following); a ship that is not in
// the room is refused and the previous choice stays. It does nothing for a
// player.
func (c *Client) Follow(ship uint32) {
	if !c.opt.Spectate {
		return
	}
	c.spec.follow = ship
	if c.tr != nil && c.state == StatePlaying {
		c.send(wire.AppendFollow(c.out[:0], wire.Follow{Ship: ship}))
	}
}

// spectatorRetries reports whether a spectator reconnects after the server
// closed it with errCode although a player would not: closed as idle, a
// spectator's page was most likely in the background or starved, and it has
// no ship to lose by coming back.
func (c *Client) spectatorRetries(errCode wire.ErrorCode) bool {
	return c.opt.Spectate && errCode == wire.ErrCodeIdle
}
