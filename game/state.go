package game

import (
	"errors"
	"fmt"
)

// ErrBadState is returned by RestoreWorld for a State that no world can be in.
var ErrBadState = errors.New("game: invalid world state")

// State is everything a World carries from one tick to the next, hidden parts
// included, so that a world can be saved and rebuilt exactly (a replay's
// keyframes). Rules are not part of it: a State is restored under the rules it
// was saved with. Events, Result and Applied, which describe the last Step
// rather than the world, are not part of it either.
type State struct {
	Tick, Round  uint32
	Phase        Phase
	PhaseEnd     uint32
	Rand         uint64 // the random generator's state
	NextShipID   uint32 // the id the next AddShip gives
	NextBulletID uint32 // the id of the last bullet fired
	Ships        []ShipState
	Pellets      []Pellet
	Bullets      []Bullet
}

// ShipState is a ship with the parts of its state that only Step sees.
type ShipState struct {
	Ship
	// Held is the buttons the ship acts on (Ship.Held).
	Held Buttons
	// NextFire is the first tick at which the ship may fire again.
	NextFire uint32
	// LastDamage is the tick at which the ship was last hit.
	LastDamage uint32
}

// SaveState copies the whole state of w into dst, reusing dst's slices, so that
// saving into the same State again does not allocate.
func (w *World) SaveState(dst *State) {
	dst.Tick, dst.Round, dst.Phase, dst.PhaseEnd = w.Tick, w.Round, w.Phase, w.PhaseEnd
	dst.Rand, dst.NextShipID, dst.NextBulletID = w.rng.state, w.nextShipID, w.nextBulletID
	dst.Ships = dst.Ships[:0]
	for i := range w.Ships {
		s := &w.Ships[i]
		dst.Ships = append(dst.Ships, ShipState{Ship: *s, Held: s.held, NextFire: s.nextFire, LastDamage: s.lastDamage})
	}
	dst.Pellets = append(dst.Pellets[:0], w.Pellets...)
	dst.Bullets = append(dst.Bullets[:0], w.Bullets...)
}

// RestoreWorld returns a world under rules r in state st: stepping it gives
// exactly what stepping the saved world would have given. It checks st
// against what a world can hold and returns an error wrapping ErrBadState
// otherwise, so that a damaged recording cannot make Step misbehave.
func RestoreWorld(r Rules, st *State) (*World, error) {
	t := Tune(r)
	if err := t.checkState(st); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadState, err)
	}
	w := &World{
		Tuning:       t,
		Tick:         st.Tick,
		Round:        st.Round,
		Phase:        st.Phase,
		PhaseEnd:     st.PhaseEnd,
		rng:          Rand{state: st.Rand},
		nextShipID:   st.NextShipID,
		nextBulletID: st.NextBulletID,
		ships:        NewGrid(t.Size),
		shipsDirty:   true,
		pellets:      NewGrid(t.Size),
		pelletsDirty: true,
		Ships:        make([]Ship, len(st.Ships)),
		Pellets:      append([]Pellet(nil), st.Pellets...),
		Bullets:      append([]Bullet(nil), st.Bullets...),
	}
	for i := range st.Ships {
		ss := &st.Ships[i]
		s := ss.Ship
		s.held, s.nextFire, s.lastDamage = ss.Held, ss.NextFire, ss.LastDamage
		w.Ships[i] = s
	}
	return w, nil
}

// checkState reports the first thing in st that a world under t cannot hold.
func (t *Tuning) checkState(st *State) error {
	inArena := func(x, y int32) bool { return x >= 0 && y >= 0 && x <= t.Size && y <= t.Size }
	if st.Phase != Playing && st.Phase != Intermission {
		return fmt.Errorf("phase %d", st.Phase)
	}
	if st.NextShipID < FirstShipID {
		return fmt.Errorf("next ship id %d below %d", st.NextShipID, FirstShipID)
	}
	for i := range st.Ships {
		s := &st.Ships[i]
		switch {
		case s.ID < FirstShipID || s.ID >= st.NextShipID:
			return fmt.Errorf("ship id %d outside %d..%d", s.ID, FirstShipID, st.NextShipID-1)
		case i > 0 && s.ID <= st.Ships[i-1].ID:
			return fmt.Errorf("ship %d out of order", s.ID)
		case !inArena(s.X, s.Y):
			return fmt.Errorf("ship %d outside the arena", s.ID)
		case abs32(s.VX) > int64(t.MaxSpeed) || abs32(s.VY) > int64(t.MaxSpeed):
			return fmt.Errorf("ship %d too fast", s.ID)
		case s.HP < 0 || s.HP > MaxHP:
			return fmt.Errorf("ship %d health %d", s.ID, s.HP)
		case s.Held&^AllButtons != 0:
			return fmt.Errorf("ship %d holds unknown buttons %#x", s.ID, s.Held)
		}
	}
	if len(st.Pellets) != int(t.Pellets) {
		return fmt.Errorf("%d pellets, the rules say %d", len(st.Pellets), t.Pellets)
	}
	for i, p := range st.Pellets {
		if p.ID != uint32(i+1) || !inArena(p.X, p.Y) {
			return fmt.Errorf("pellet %d (id %d) out of place", i, p.ID)
		}
	}
	for _, b := range st.Bullets {
		if b.ID == 0 || b.ID > st.NextBulletID || !inArena(b.X, b.Y) ||
			abs32(b.VX) > int64(t.BulletStep) || abs32(b.VY) > int64(t.BulletStep) {
			return fmt.Errorf("bullet %d out of place", b.ID)
		}
	}
	return nil
}

func abs32(v int32) int64 {
	if v < 0 {
		return -int64(v)
	}
	return int64(v)
}
