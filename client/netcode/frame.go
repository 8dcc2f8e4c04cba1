package netcode

import (
	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/wire"
)

// RenderEntity is one ship or pellet as it should be drawn in a frame.
type RenderEntity struct {
	ID   uint32
	Kind wire.Kind
	// X, Y are the position in world units.
	X, Y float64
	// Aim is the facing in radians, 0 along +X, growing toward +Y (down).
	Aim   float64
	HP    uint8
	Flags wire.Flags
	Name  string
	Score int32
	Kills int32
	// Deaths counts the current round.
	Deaths int32
	// Self marks the player's own ship.
	Self bool
}

// Dead reports whether the entity is a destroyed ship waiting to respawn.
func (e *RenderEntity) Dead() bool { return e.Flags&wire.FlagDead != 0 }

// RenderBullet is one bullet in flight, simulated from its shot event.
type RenderBullet struct {
	ID    uint32
	Owner uint32
	// X, Y are the position in world units; Angle is the heading in radians.
	X, Y, Angle float64
}

// Frame is everything a renderer draws for one display frame. Client.Frame
// returns one that is reused: it is valid until the next call.
type Frame struct {
	// Self is the own ship at its predicted (drawn) position; HasSelf is false
	// before the first snapshot holding it.
	Self    RenderEntity
	HasSelf bool
	// Ships are the other ships, interpolated InterpDelay in the past.
	Ships []RenderEntity
	// Pellets are the pickups, which do not move.
	Pellets []RenderEntity
	// Bullets are the bullets in flight at the render time.
	Bullets []RenderBullet
	// RenderTick is the server tick, with a fraction, at which others are drawn.
	RenderTick float64
	// Underflow is set when no snapshot was newer than RenderTick: the others
	// were extrapolated (for at most one tick) or held.
	Underflow bool
	// Round is the round information of the newest snapshot.
	Round wire.RoundInfo
}

// Effect is a one-shot happening for the renderer: a shot, a hit, a death, a
// pickup or a spawn. Effects are released when the render time reaches their
// tick, so that they line up with the interpolated ships.
type Effect struct {
	Kind game.EventKind
	Tick uint32
	// A, B, C are the ids of the event (see game.Event for each kind).
	A, B, C uint32
	// X, Y are where it happened, in world units.
	X, Y  float64
	Value int32
	// Self is set when the own ship is A (hit, died, picked up, spawned) or B
	// (fired, scored the hit or the kill).
	Self bool
}

// KillLine is one line of the kill feed.
type KillLine struct {
	Tick           uint32
	Killer, Victim uint32
	// KillerName is empty when no ship killed the victim.
	KillerName, VictimName string
}
