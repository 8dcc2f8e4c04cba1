package game

import (
	"errors"
	"sort"
)

// ErrNoShip is returned for an id that names no ship in the world.
var ErrNoShip = errors.New("game: no such ship")

// World is the whole state of one arena. Only Step and the methods below change
// it; one goroutine owns it.
type World struct {
	Tuning
	// Tick counts steps since the world was made.
	Tick uint32
	// Round numbers rounds from 1.
	Round uint32
	// Phase is Playing or Intermission; PhaseEnd is the tick at which it ends.
	Phase    Phase
	PhaseEnd uint32
	// Ships sorted by id, Pellets indexed by id-1, Bullets in firing order.
	Ships   []Ship
	Pellets []Pellet
	Bullets []Bullet
	// Events holds what happened during the last Step.
	Events []Event
	// Result is set by the Step that ended a round, and nil otherwise.
	Result *RoundResult
	// Applied holds the inputs the last Step applied, in the order it applied
	// them: those it ignored (unknown ship, invalid, not newer) are left out.
	// A replay records these.
	Applied []Input

	rng          Rand
	nextShipID   uint32
	nextBulletID uint32
	ships        *Grid // every ship, rebuilt every tick and when ships join or leave
	shipsDirty   bool
	pellets      *Grid // rebuilt when a pellet moves
	pelletsDirty bool
	scratch      []int32
	stepEvents   int // how many of Events the last Step produced
}

// NewWorld makes a world for rules r (zero fields take their defaults), with its
// pellets placed and its first round started.
func NewWorld(r Rules) *World {
	t := Tune(r)
	w := &World{
		Tuning:     t,
		rng:        NewRand(t.Seed),
		nextShipID: FirstShipID,
		ships:      NewGrid(t.Size),
		pellets:    NewGrid(t.Size),
		Round:      1,
		Phase:      Playing,
		PhaseEnd:   t.RoundTicks,
	}
	w.Pellets = make([]Pellet, t.Pellets)
	for i := range w.Pellets {
		w.Pellets[i].ID = uint32(i + 1)
		w.Pellets[i].X, w.Pellets[i].Y = w.randomPoint(PelletRadius * 4)
	}
	w.pelletsDirty = true
	return w
}

// randomPoint returns a point at least margin world units from every wall.
func (w *World) randomPoint(margin int32) (x, y int32) {
	m := margin * Sub
	return m + w.rng.Intn(w.Size-2*m), m + w.rng.Intn(w.Size-2*m)
}

// safeSpawnPoint returns, among a few random candidates, the one farthest from
// every living ship. Callers mark the ship being placed dead first so that its
// old position does not count.
func (w *World) safeSpawnPoint() (x, y int32) {
	var best int64 = -1
	for try := 0; try < 12; try++ {
		cx, cy := w.randomPoint(ShipRadius * 4)
		near := int64(1) << 62
		for i := range w.Ships {
			s := &w.Ships[i]
			if s.Dead {
				continue
			}
			near = min(near, dist2(cx, cy, s.X, s.Y))
		}
		if near > best {
			best, x, y = near, cx, cy
		}
		if near > int64(600*Sub)*int64(600*Sub) {
			break
		}
	}
	return x, y
}

// AddShip puts a new ship named name in the world at a safe spot and returns its id.
func (w *World) AddShip(name string, bot bool) uint32 {
	id := w.nextShipID
	w.nextShipID++
	s := Ship{ID: id, Name: name, Bot: bot, HP: MaxHP}
	s.X, s.Y = w.safeSpawnPoint()
	s.Aim = Angle(w.rng.Uint64())
	w.Ships = append(w.Ships, s) // ids only grow, so the slice stays sorted
	w.shipsDirty = true
	w.Events = append(w.Events, Event{Kind: Spawn, Tick: w.Tick, A: id, X: s.X, Y: s.Y})
	return id
}

// RemoveShip takes ship id out of the world.
func (w *World) RemoveShip(id uint32) error {
	i, ok := w.shipIndex(id)
	if !ok {
		return ErrNoShip
	}
	w.Ships = append(w.Ships[:i], w.Ships[i+1:]...)
	w.shipsDirty = true
	return nil
}

// SetIdle marks ship id as held for a disconnected player (idle) or back in play.
// An idle ship keeps its place and score, lets go of every button and stops dead.
func (w *World) SetIdle(id uint32, idle bool) error {
	s := w.Ship(id)
	if s == nil {
		return ErrNoShip
	}
	s.Idle = idle
	if idle {
		s.held = 0
		s.VX, s.VY = 0, 0
	}
	return nil
}

// Rejoin puts ship id back in play for its returning player: the ship is no
// longer idle and has applied no input yet, so that the player's new
// connection may number its inputs from 1 again (a sequence number counts
// the inputs of one connection). Position, score and round stats are kept.
func (w *World) Rejoin(id uint32) error {
	s := w.Ship(id)
	if s == nil {
		return ErrNoShip
	}
	s.Idle = false
	s.LastSeq = 0
	return nil
}

func (w *World) shipIndex(id uint32) (int, bool) {
	i := sort.Search(len(w.Ships), func(i int) bool { return w.Ships[i].ID >= id })
	return i, i < len(w.Ships) && w.Ships[i].ID == id
}

// Ship returns the ship with id, or nil.
func (w *World) Ship(id uint32) *Ship {
	if i, ok := w.shipIndex(id); ok {
		return &w.Ships[i]
	}
	return nil
}

// ShipsNear appends to dst the indices in w.Ships of living ships within r Sub
// units of (x, y), in a deterministic order, and returns it.
func (w *World) ShipsNear(dst []int32, x, y, r int32) []int32 {
	w.indexShipsIfDirty()
	w.scratch = w.ships.Query(w.scratch[:0], x-r, y-r, x+r, y+r)
	r2 := int64(r) * int64(r)
	for _, i := range w.scratch {
		s := &w.Ships[i]
		if !s.Dead && dist2(x, y, s.X, s.Y) <= r2 {
			dst = append(dst, i)
		}
	}
	return dst
}

// PelletsNear appends to dst the indices in w.Pellets of pellets within r Sub
// units of (x, y), in a deterministic order, and returns it.
func (w *World) PelletsNear(dst []int32, x, y, r int32) []int32 {
	w.indexPellets()
	w.scratch = w.pellets.Query(w.scratch[:0], x-r, y-r, x+r, y+r)
	r2 := int64(r) * int64(r)
	for _, i := range w.scratch {
		p := &w.Pellets[i]
		if dist2(x, y, p.X, p.Y) <= r2 {
			dst = append(dst, i)
		}
	}
	return dst
}

// InRect appends the indices of ships (into w.Ships, dead ones included) and of
// pellets (into w.Pellets) whose grid cell meets the rectangle.
// Area-of-interest code filters the exact positions itself.
func (w *World) InRect(ships, pellets []int32, x0, y0, x1, y1 int32) ([]int32, []int32) {
	w.indexPellets()
	w.indexShipsIfDirty()
	return w.ships.Query(ships, x0, y0, x1, y1), w.pellets.Query(pellets, x0, y0, x1, y1)
}

func (w *World) indexShips() {
	w.ships.Build(len(w.Ships), func(i int) (int32, int32) {
		return w.Ships[i].X, w.Ships[i].Y
	})
	w.shipsDirty = false
}

// indexShipsIfDirty rebuilds the ship index when ships joined, left or were
// placed since Step last built it, so that no query sees a stale index.
func (w *World) indexShipsIfDirty() {
	if w.shipsDirty {
		w.indexShips()
	}
}

func (w *World) indexPellets() {
	if !w.pelletsDirty {
		return
	}
	w.pellets.Build(len(w.Pellets), func(i int) (int32, int32) { return w.Pellets[i].X, w.Pellets[i].Y })
	w.pelletsDirty = false
}
