package netcode

import (
	"math"
	"testing"
	"time"

	"github.com/tickarena/tickarena/game"
)

// respawnRun plays one death of the own ship: a gunner parked beside it
// shoots it until it dies, nudge (when set) sees the world while the wreck
// waits, and the run goes on until the ship is back. It returns where the
// server respawned it and every frame drawn of the own ship after that.
func respawnRun(t *testing.T, nudge func(w *game.World, wreck *game.Ship)) (spawn [2]int32, after []RenderEntity) {
	t.Helper()
	s := newSim(50*time.Millisecond, 10*time.Millisecond, game.Rules{Seed: 3}, Options{})
	s.run(time.Second)
	c := s.client
	own := c.Ship()
	w := s.srv.world
	if own == 0 || w.Ship(own) == nil {
		t.Fatalf("not playing after a second: state %v (%s)", c.State(), c.Reason())
	}
	me := w.Ship(own)
	gunner := w.AddShip("gunner", true)
	g := w.Ship(gunner)
	g.X, g.Y = me.X-150*game.Sub, me.Y
	aim := game.Angle(0) // along +X, at the own ship
	if me.X < 300*game.Sub {
		g.X, aim = me.X+150*game.Sub, game.Angle(1<<15)
	}
	died, back := false, false
	s.srv.script[gunner] = func(tick uint32) game.Input {
		var b game.Buttons
		if !died {
			b = game.Fire
		}
		return game.Input{Ship: gunner, Seq: tick, Buttons: b, Aim: aim}
	}
	s.onFrame = func(f *Frame) {
		if back && f.HasSelf {
			after = append(after, f.Self)
		}
	}
	limit := s.net.now.Add(20 * time.Second) // virtual time
	for !died {
		if s.net.now.After(limit) {
			t.Fatalf("the gunner did not kill the own ship in 20 s (HP %d)", w.Ship(own).HP)
		}
		s.run(10 * time.Millisecond)
		died = w.Ship(own).Dead
	}
	if nudge != nil {
		nudge(w, w.Ship(own))
	}
	for !back {
		if s.net.now.After(limit) {
			t.Fatalf("the own ship did not respawn in 20 s")
		}
		s.run(time.Millisecond)
		back = !w.Ship(own).Dead
	}
	spawn = [2]int32{w.Ship(own).X, w.Ship(own).Y}
	s.run(time.Second)
	if len(after) == 0 {
		t.Fatalf("no frame drew the own ship after it respawned")
	}
	return spawn, after
}

// TestRespawnNearTheWreckJumps: a ship that respawns close to where it died
// appears at its spawn point at once. It does not glide there from its wreck
// as a small prediction error would, which would show a living ship sliding
// out of its own explosion.
func TestRespawnNearTheWreckJumps(t *testing.T) {
	spawn, _ := respawnRun(t, nil)
	// The same game again, with the wreck moved next to where the ship will
	// come back: the spawn point does not depend on the wreck, so it is the same.
	const gap = 40 // world units, well below SnapDistance (a correction that would blend)
	wreckAt := [2]int32{spawn[0] - gap*game.Sub, spawn[1]}
	again, frames := respawnRun(t, func(w *game.World, wreck *game.Ship) {
		wreck.X, wreck.Y = wreckAt[0], wreckAt[1]
	})
	if again != spawn {
		t.Fatalf("the second game respawned the ship at %v, the first at %v: the scenario is not repeatable", again, spawn)
	}
	sx, sy := float64(spawn[0])/game.Sub, float64(spawn[1])/game.Sub
	var first RenderEntity
	for _, f := range frames {
		if !f.Dead() {
			first = f
			break
		}
	}
	if first.ID == 0 {
		t.Fatalf("no frame drew the own ship alive after it respawned")
	}
	if d := math.Hypot(first.X-sx, first.Y-sy); d > 0.5 {
		t.Errorf("first frame alive draws the ship at (%.1f, %.1f), %.1f units from its spawn point (%.1f, %.1f) and %.1f from its wreck; want it at the spawn point",
			first.X, first.Y, d, sx, sy, math.Hypot(first.X-float64(wreckAt[0])/game.Sub, first.Y-float64(wreckAt[1])/game.Sub))
	}
}
