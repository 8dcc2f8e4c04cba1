package game_test

import (
	"errors"
	"testing"

	"github.com/tickarena/tickarena/game"
)

// TestRestoredWorldPlaysOnIdentically saves a world in the middle of a fight,
// restores it, and feeds both the same inputs: they must hash the same at every
// tick, through deaths, respawns and a round change.
func TestRestoredWorldPlaysOnIdentically(t *testing.T) {
	sc := scenario{name: "restore", rules: game.Rules{Seed: 5, RoundSeconds: 20, IntermissionSeconds: 2, Pellets: 80}, humans: 4, bots: 12}
	m := newMatch(sc)
	for range 400 {
		m.step()
	}
	var st game.State
	m.w.SaveState(&st)
	w2, err := game.RestoreWorld(m.w.Rules, &st)
	if err != nil {
		t.Fatalf("restore: %v", err)
	}
	if h1, h2 := m.w.Hash(), w2.Hash(); h1 != h2 {
		t.Fatalf("restored world hashes %#x, saved %#x", h2, h1)
	}
	rounds := 0
	for tick := 0; tick < 1200; tick++ {
		m.step()
		game.Step(w2, m.w.Applied)
		if h1, h2 := m.w.Hash(), w2.Hash(); h1 != h2 {
			t.Fatalf("%d ticks after restore: hash %#x, original %#x", tick+1, h2, h1)
		}
		if m.w.Result != nil {
			rounds++
		}
	}
	if rounds == 0 {
		t.Fatal("no round ended after the restore: the test covers too little")
	}
}

// TestSaveStateDoesNotAllocate checks that saving into the same State again is
// free, as a recorder taking keyframes on the room's tick needs.
func TestSaveStateDoesNotAllocate(t *testing.T) {
	m := newMatch(scenario{rules: game.Rules{Seed: 3}, humans: 2, bots: 10})
	for range 100 {
		m.step()
	}
	var st game.State
	m.w.SaveState(&st)
	if n := testing.AllocsPerRun(20, func() { m.w.SaveState(&st) }); n != 0 {
		t.Fatalf("SaveState allocates %.1f times per call", n)
	}
}

// TestRestoreWorldRefusesImpossibleStates feeds states no world can be in.
func TestRestoreWorldRefusesImpossibleStates(t *testing.T) {
	r := game.Rules{Seed: 1, Pellets: 20}
	w := game.NewWorld(r)
	w.AddShip("a", false)
	w.AddShip("b", true)
	game.Step(w, nil)
	tests := []struct {
		name  string
		spoil func(st *game.State)
	}{
		{"phase", func(st *game.State) { st.Phase = 7 }},
		{"ships out of order", func(st *game.State) { st.Ships[0], st.Ships[1] = st.Ships[1], st.Ships[0] }},
		{"ship id not yet given", func(st *game.State) { st.Ships[1].ID = st.NextShipID }},
		{"ship outside arena", func(st *game.State) { st.Ships[0].X = -1 }},
		{"ship too fast", func(st *game.State) { st.Ships[0].VX = -1 << 31 }},
		{"health", func(st *game.State) { st.Ships[0].HP = game.MaxHP + 1 }},
		{"buttons", func(st *game.State) { st.Ships[0].Held = 0x80 }},
		{"pellet count", func(st *game.State) { st.Pellets = st.Pellets[1:] }},
		{"pellet id", func(st *game.State) { st.Pellets[3].ID = 9 }},
		{"bullet id", func(st *game.State) { st.Bullets = append(st.Bullets, game.Bullet{ID: st.NextBulletID + 1}) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var st game.State
			w.SaveState(&st)
			if _, err := game.RestoreWorld(w.Rules, &st); err != nil {
				t.Fatalf("the unbroken state is refused: %v", err)
			}
			tc.spoil(&st)
			if _, err := game.RestoreWorld(w.Rules, &st); !errors.Is(err, game.ErrBadState) {
				t.Fatalf("RestoreWorld = %v, want ErrBadState", err)
			}
		})
	}
}
