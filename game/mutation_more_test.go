package game_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/tickarena/tickarena/game"
)

// TestRestoreWorldRefusesTheSameShipTwice: a replay keyframe that holds one
// ship twice is damaged (two ships cannot share an id) and is refused, and
// the error for a ship id the world has not given yet names the ids it has
// given, so that whoever reads the log knows what was expected.
func TestRestoreWorldRefusesTheSameShipTwice(t *testing.T) {
	r := game.Rules{Seed: 1, Pellets: 20}
	w := game.NewWorld(r)
	w.AddShip("a", false)
	w.AddShip("b", true)
	game.Step(w, nil)

	var st game.State
	w.SaveState(&st)
	st.Ships[1] = st.Ships[0]
	if _, err := game.RestoreWorld(w.Rules, &st); !errors.Is(err, game.ErrBadState) {
		t.Fatalf("a keyframe with ship %d twice: RestoreWorld = %v, want ErrBadState", st.Ships[0].ID, err)
	}

	w.SaveState(&st)
	st.Ships[1].ID = st.NextShipID
	_, err := game.RestoreWorld(w.Rules, &st)
	if want := "outside 1024..1025"; err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("a ship id not yet given: RestoreWorld = %v, want an error saying %q", err, want)
	}
}

// TestIntnOfNothingIsZero: asking the random generator for a number in
// [0, n) with n zero or negative gives 0 and draws nothing, so that an empty
// choice (no pellets, no spawn candidates) neither panics nor shifts the
// sequence that makes a game repeat.
func TestIntnOfNothingIsZero(t *testing.T) {
	for _, n := range []int32{0, -1, -1 << 31} {
		r, fresh := game.NewRand(7), game.NewRand(7)
		if got := r.Intn(n); got != 0 {
			t.Errorf("Intn(%d) = %d, want 0", n, got)
		}
		if r.Uint64() != fresh.Uint64() {
			t.Errorf("Intn(%d) drew a number from the sequence", n)
		}
	}
}
