package game_test

import (
	"testing"

	"github.com/tickarena/tickarena/game"
)

// pt is a point in world units.
type pt struct{ x, y int32 }

// arena returns a world for r holding one ship at each point (in world units),
// with every pellet parked in the bottom-right corner, away from the action.
func arena(t *testing.T, r game.Rules, at ...pt) (*game.World, []uint32) {
	t.Helper()
	w := game.NewWorld(r)
	for i := range w.Pellets {
		w.Pellets[i].X, w.Pellets[i].Y = w.Size-60*game.Sub, w.Size-60*game.Sub
	}
	ids := make([]uint32, len(at))
	for i, p := range at {
		ids[i] = w.AddShip("ship", false)
		s := w.Ship(ids[i])
		s.X, s.Y = p.x*game.Sub, p.y*game.Sub
	}
	return w, ids
}

// press returns the next input of ship id holding buttons b and aiming at aim.
func press(w *game.World, id uint32, b game.Buttons, aim game.Angle) game.Input {
	return game.Input{Ship: id, Seq: w.Ship(id).LastSeq + 1, Buttons: b, Aim: aim}
}

// stepN steps w n times without new inputs and returns the events of all steps.
func stepN(w *game.World, n int) []game.Event {
	var evs []game.Event
	for i := 0; i < n; i++ {
		game.Step(w, nil)
		evs = append(evs, w.Events...)
	}
	return evs
}

// only returns the events of kind k.
func only(evs []game.Event, k game.EventKind) []game.Event {
	var out []game.Event
	for _, e := range evs {
		if e.Kind == k {
			out = append(out, e)
		}
	}
	return out
}

// abs returns |v|.
func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}
