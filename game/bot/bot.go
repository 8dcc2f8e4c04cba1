// Package bot is the arena's computer players: a cheap, deterministic brain per
// bot ship that reads the world and produces the same game.Input a human would.
//
// A brain re-plans every few ticks (staggered across bots so that their cost
// spreads evenly) and in between only re-aims at its target.
package bot

import "github.com/tickarena/tickarena/game"

// Distances in world units that shape a bot's behaviour.
const (
	sightRange   = 700 // sees ships this far
	fireRange    = 600 // shoots ships this close
	closeRange   = 220 // backs off when closer than this
	keepRange    = 320 // closes in when farther than this
	pelletRange  = 600 // looks for pellets this far
	fleeHP       = 30  // flees at or below this health
	replanTicks  = 6
	aimJitterMax = 1200 // 1/65536 turns of random aim error, about 6.6°
	// aimJitterStep is the grain of the aim error, 1/1024 turn (0.35°, 4 world
	// units at fire range): finer grain changes nothing a player can see, but
	// every bit of it is stored in each recording of a round (package replay).
	aimJitterStep = 64
)

// Brain is the memory of one bot between ticks. Its zero value is not usable:
// make it with New.
type Brain struct {
	// Ship is the id of the ship this brain steers.
	Ship   uint32
	seq    uint32
	rng    game.Rand
	target uint32 // ship being chased, 0 for none
	move   game.Buttons
	wander game.Angle
	flee   bool
	// aimError is the bot's current aiming mistake, renewed at each plan.
	aimError game.Angle
	scratch  []int32
}

// New returns the brain of bot ship id.
func New(id uint32) *Brain {
	return &Brain{Ship: id, rng: game.NewRand(uint64(id) * 0x9e3779b97f4a7c15), wander: game.Angle(id * 40503)}
}

// Think returns the bot's input for the next tick. It reads the world and never
// changes it.
func (b *Brain) Think(w *game.World) game.Input {
	b.seq++
	in := game.Input{Ship: b.Ship, Seq: b.seq}
	s := w.Ship(b.Ship)
	if s == nil || s.Dead || w.Phase != game.Playing {
		b.target = 0
		return in
	}
	if (w.Tick+b.Ship)%replanTicks == 0 || b.targetLost(w) {
		b.plan(w, s)
	}
	in.Buttons = b.move
	in.Aim = s.Aim
	if t := w.Ship(b.target); t != nil && !t.Dead {
		// The aim error changes only when the bot re-plans, like a human's hand that
		// drifts rather than shakes; it also keeps aim updates on the wire rare.
		in.Aim = game.Atan2(t.Y-s.Y, t.X-s.X) + b.aimError
		if game.Dist(s.X, s.Y, t.X, t.Y) <= fireRange*game.Sub {
			in.Buttons |= game.Fire
		}
	} else if b.move != 0 {
		in.Aim = b.wander
	}
	return in
}

func (b *Brain) targetLost(w *game.World) bool {
	if b.target == 0 {
		return false
	}
	t := w.Ship(b.target)
	return t == nil || t.Dead
}

// plan picks what to chase or flee and the direction to move in.
func (b *Brain) plan(w *game.World, s *game.Ship) {
	b.target = 0
	const steps = aimJitterMax / aimJitterStep
	b.aimError = game.Angle((b.rng.Intn(2*steps+1) - steps) * aimJitterStep)
	b.scratch = w.ShipsNear(b.scratch[:0], s.X, s.Y, sightRange*game.Sub)
	var nearest *game.Ship
	var nearD int32
	for _, i := range b.scratch {
		o := &w.Ships[i]
		if o.ID == s.ID {
			continue
		}
		if d := game.Dist(s.X, s.Y, o.X, o.Y); nearest == nil || d < nearD {
			nearest, nearD = o, d
		}
	}
	b.flee = nearest != nil && s.HP <= fleeHP
	switch {
	case nearest != nil:
		b.target = nearest.ID
		toward := game.Atan2(nearest.Y-s.Y, nearest.X-s.X)
		switch {
		case b.flee || nearD < closeRange*game.Sub:
			b.move = buttonsFor(toward + 32768)
		case nearD > keepRange*game.Sub:
			b.move = buttonsFor(toward)
		default: // circle the target
			side := game.Angle(16384)
			if s.ID%2 == 0 {
				side = 49152
			}
			b.move = buttonsFor(toward + side)
		}
	case b.seekPellet(w, s):
	default:
		if b.rng.Intn(8) == 0 {
			b.wander += game.Angle(b.rng.Intn(16384) - 8192)
		}
		b.move = buttonsFor(b.wander)
	}
	b.avoidWalls(w, s)
}

// seekPellet steers toward the nearest pellet in range and reports whether there was one.
func (b *Brain) seekPellet(w *game.World, s *game.Ship) bool {
	b.scratch = w.PelletsNear(b.scratch[:0], s.X, s.Y, pelletRange*game.Sub)
	best := int32(-1)
	var bestD int32
	for _, i := range b.scratch {
		p := &w.Pellets[i]
		if d := game.Dist(s.X, s.Y, p.X, p.Y); best < 0 || d < bestD {
			best, bestD = i, d
		}
	}
	if best < 0 {
		return false
	}
	p := &w.Pellets[best]
	b.move = buttonsFor(game.Atan2(p.Y-s.Y, p.X-s.X))
	return true
}

// avoidWalls turns the bot back toward the middle when it hugs a wall.
func (b *Brain) avoidWalls(w *game.World, s *game.Ship) {
	margin := int32(150 * game.Sub)
	if s.X < margin {
		b.move = b.move&^game.Left | game.Right
	} else if s.X > w.Size-margin {
		b.move = b.move&^game.Right | game.Left
	}
	if s.Y < margin {
		b.move = b.move&^game.Up | game.Down
	} else if s.Y > w.Size-margin {
		b.move = b.move&^game.Down | game.Up
	}
	if s.X < margin || s.X > w.Size-margin || s.Y < margin || s.Y > w.Size-margin {
		b.wander = game.Atan2(w.Size/2-s.Y, w.Size/2-s.X)
	}
}

// buttonsFor returns the movement buttons of the eight-way direction nearest to a.
func buttonsFor(a game.Angle) game.Buttons {
	dirs := [8]game.Buttons{
		game.Right, game.Right | game.Down, game.Down, game.Down | game.Left,
		game.Left, game.Left | game.Up, game.Up, game.Up | game.Right,
	}
	return dirs[(uint32(a)+4096)/8192%8]
}
