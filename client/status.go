package client

import (
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/tickarena/tickarena/client/netcode"
	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/wire"
)

// Status is a read-only summary of the game, refreshed every frame, for the
// page's test hook and for debugging: numbers and strings only, and never
// the session token.
type Status struct {
	// State is the connection state, e.g. "connecting", "playing", "closed".
	State string
	// Reason is why the connection is reconnecting or closed.
	Reason string
	// Tick is the newest server tick received.
	Tick uint32
	// ShipID is the own ship's id, 0 before the welcome.
	ShipID uint32
	// X, Y is the own ship's drawn position in world units.
	X, Y float64
	// Alive is true when the own ship is in play (not destroyed).
	Alive bool
	// Visible is the number of other ships drawn this frame.
	Visible int
	// Others lists up to maxOthers other drawn ships, nearest first, as
	// "id:x:y" joined by commas, positions rounded to world units.
	Others string
	// Map lists every ship of the roster as "id:mapX:mapY" joined by commas,
	// positions in 1/256 of the arena side: the roster's minimap positions.
	// The minimap draws them but for the destroyed ships (Dead) and the own
	// ship, which it draws where the player's frame has it.
	Map string
	// Dead lists the ships of the roster that are destroyed and waiting to
	// respawn, as ids joined by commas: the minimap leaves them out, and a
	// spectator's F and Tab skip them.
	Dead string
	// Round is the round number and Phase "playing" or "intermission".
	Round uint32
	Phase string
	// TimeLeft is the time until the phase ends, in seconds.
	TimeLeft float64
	// Score and Kills are the own ship's this round.
	Score, Kills int32
	// RTT is the round-trip time in milliseconds, 0 when unknown.
	RTT int
	// Players is the number of ships in the room's roster.
	Players int
	// Room is the room's id from the welcome.
	Room string
	// WorldSize is the side of the arena in world units, 0 before the welcome.
	WorldSize int
	// Net is what the net graph shows, and NetGraph whether it is shown.
	Net      NetFigures
	NetGraph bool
	// Firing is true while the player holds fire (a key, the mouse or the
	// touch fire button).
	Firing bool
	// Sound is the sound's settings and whether it started.
	Sound SoundStatus
	// Spectating is true in spectate mode; Follow is then the followed ship
	// (0: the whole arena) and DelayMs how far behind the live room the
	// spectator sees it.
	Spectating bool
	Follow     uint32
	DelayMs    int
	// ServerX, ServerY is where the server's latest state (at Tick) puts the
	// own ship, or the followed ship of a spectator, in world units; HasServer
	// says whether that ship is in it. Unlike X, Y, it is neither predicted
	// nor interpolated: two clients that received the same tick agree on it
	// exactly.
	ServerX, ServerY float64
	HasServer        bool
}

// maxOthers bounds the ships listed in Status.Others.
const maxOthers = 8

// phaseName returns "playing" or "intermission".
func phaseName(p game.Phase) string {
	if p == game.Intermission {
		return "intermission"
	}
	return "playing"
}

// newStatus summarizes the client at now and the frame drawn from it.
func newStatus(c *netcode.Client, f *netcode.Frame, now time.Time) Status {
	s := Status{
		State: c.State().String(), Reason: c.Reason(), Tick: c.Mirror().Tick, ShipID: c.Ship(),
		Round: f.Round.Round, Phase: phaseName(f.Round.Phase), RTT: int(c.RTT() / time.Millisecond),
	}
	left, _ := c.RoundTimeLeft(now)
	s.TimeLeft = left.Seconds()
	if w, ok := c.Welcome(); ok {
		s.Room, s.WorldSize = w.RoomID, int(w.Rules.WorldSize)
	}
	if f.HasSelf {
		s.X, s.Y = f.Self.X, f.Self.Y
		s.Alive = !f.Self.Dead()
		s.Score, s.Kills = f.Self.Score, f.Self.Kills
	}
	s.Visible = len(f.Ships)
	s.Others = othersList(f)
	s.setServerPosition(c)
	roster := c.Roster()
	s.Players = len(roster)
	s.Map = mapList(roster)
	s.Dead = deadList(roster)
	return s
}

// othersList formats the other ships of f nearest to the own ship first.
func othersList(f *netcode.Frame) string {
	idx := make([]int, len(f.Ships))
	for i := range idx {
		idx[i] = i
	}
	d := func(e *netcode.RenderEntity) float64 { return math.Hypot(e.X-f.Self.X, e.Y-f.Self.Y) }
	slices.SortFunc(idx, func(a, b int) int {
		da, db := d(&f.Ships[a]), d(&f.Ships[b])
		switch {
		case da < db:
			return -1
		case da > db:
			return 1
		}
		return int(int64(f.Ships[a].ID) - int64(f.Ships[b].ID))
	})
	b := make([]byte, 0, 20*min(len(idx), maxOthers))
	for n, i := range idx {
		if n == maxOthers {
			break
		}
		e := &f.Ships[i]
		if n > 0 {
			b = append(b, ',')
		}
		b = appendPoint(b, e.ID, int64(math.Round(e.X)), int64(math.Round(e.Y)))
	}
	return string(b)
}

// appendPoint appends "id:x:y" to b.
func appendPoint(b []byte, id uint32, x, y int64) []byte {
	b = strconv.AppendUint(b, uint64(id), 10)
	b = append(b, ':')
	b = strconv.AppendInt(b, x, 10)
	b = append(b, ':')
	return strconv.AppendInt(b, y, 10)
}

// mapList formats the roster's minimap positions.
func mapList(lines []wire.RosterLine) string {
	b := make([]byte, 0, 14*len(lines))
	for i, l := range lines {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendPoint(b, l.Ship, int64(l.MapX), int64(l.MapY))
	}
	return string(b)
}

// deadList formats the ids of the roster's destroyed ships.
func deadList(lines []wire.RosterLine) string {
	var b []byte
	for _, l := range lines {
		if l.Flags&wire.FlagDead == 0 {
			continue
		}
		if len(b) > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendUint(b, uint64(l.Ship), 10)
	}
	return string(b)
}

// setServerPosition fills the spectating fields and the server's position
// of the own or followed ship from the client's mirror.
func (s *Status) setServerPosition(c *netcode.Client) {
	ship := c.Ship()
	if c.Spectator() {
		follow, delay, _ := c.Following()
		s.Spectating, s.Follow, s.DelayMs, ship = true, follow, int(delay), follow
	}
	if e := c.Mirror().Find(ship); e != nil && ship != 0 {
		s.ServerX, s.ServerY, s.HasServer = float64(e.X)/game.Sub, float64(e.Y)/game.Sub, true
	}
}
