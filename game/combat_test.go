package game_test

import (
	"fmt"
	"testing"

	"github.com/tickarena/tickarena/game"
)

// fireOnce makes ship id pull the trigger for exactly one tick along aim and let
// go on the next. It returns the Shot event and the events of the next tick.
func fireOnce(t *testing.T, w *game.World, id uint32, aim game.Angle) (game.Event, []game.Event) {
	t.Helper()
	game.Step(w, []game.Input{press(w, id, game.Fire, aim)})
	shots := only(w.Events, game.Shot)
	if len(shots) != 1 || shots[0].B != id {
		t.Fatalf("pulling the trigger gave shots %+v", shots)
	}
	game.Step(w, []game.Input{press(w, id, 0, aim)})
	return shots[0], append([]game.Event(nil), w.Events...)
}

// TestFireCooldown holds Fire: the first shot leaves at once and the next ones
// exactly every FireTicks; tapping the trigger does not shoot faster.
func TestFireCooldown(t *testing.T) {
	for _, rate := range []int32{10, 30, 60} {
		for _, tapping := range []bool{false, true} {
			t.Run(fmt.Sprintf("%dHz/tapping=%v", rate, tapping), func(t *testing.T) {
				w, ids := arena(t, game.Rules{TickRate: rate}, pt{2000, 2000})
				id := ids[0]
				var shots []game.Event
				const ticks = 120
				for i := 0; i < ticks; i++ {
					b := game.Fire
					if tapping && i%2 == 1 {
						b = 0
					}
					game.Step(w, []game.Input{press(w, id, b, 0)})
					shots = append(shots, only(w.Events, game.Shot)...)
				}
				if len(shots) == 0 || shots[0].Tick != 1 {
					t.Fatalf("first shot %+v, want one at tick 1", shots)
				}
				for i := 1; i < len(shots); i++ {
					gap := shots[i].Tick - shots[i-1].Tick
					if gap < w.FireTicks || (!tapping && gap != w.FireTicks) {
						t.Fatalf("shots at ticks %d and %d: gap %d, FireTicks %d", shots[i-1].Tick, shots[i].Tick, gap, w.FireTicks)
					}
				}
				if want := (ticks + int(w.FireTicks) - 1) / int(w.FireTicks); !tapping && len(shots) != want {
					t.Fatalf("%d shots in %d ticks, want %d", len(shots), ticks, want)
				}
			})
		}
	}
}

// TestBulletFlight follows a lone bullet: at every tick its position is the one
// Tuning.BulletAt gives the client, and it vanishes after exactly BulletTicks ticks.
func TestBulletFlight(t *testing.T) {
	for _, rate := range []int32{10, 30, 60} {
		for _, aim := range []game.Angle{0, 8192, 16384, 30000, 45000, 65000} {
			t.Run(fmt.Sprintf("%dHz/aim=%d", rate, aim), func(t *testing.T) {
				w, ids := arena(t, game.Rules{TickRate: rate}, pt{2000, 2000})
				shot, _ := fireOnce(t, w, ids[0], aim)
				for w.Tick <= shot.Tick+w.BulletTicks+1 {
					x, y, alive := w.BulletAt(shot.X, shot.Y, shot.Angle, shot.Tick, w.Tick)
					var found *game.Bullet
					for i := range w.Bullets {
						if w.Bullets[i].ID == shot.A {
							found = &w.Bullets[i]
						}
					}
					switch {
					case alive != (found != nil):
						t.Fatalf("tick %d (fired %d, BulletTicks %d): in world %v, BulletAt alive %v", w.Tick, shot.Tick, w.BulletTicks, found != nil, alive)
					case found != nil && (found.X != x || found.Y != y):
						t.Fatalf("tick %d: bullet at (%d,%d), BulletAt (%d,%d)", w.Tick, found.X, found.Y, x, y)
					}
					game.Step(w, nil)
				}
				if flown := game.Dist(shot.X, shot.Y, shot.X+int32(w.BulletTicks-1)*(w.BulletStep), shot.Y); flown > game.BulletRange*game.Sub {
					t.Fatalf("bullet flies %d units, more than BulletRange", flown/game.Sub)
				}
			})
		}
	}
}

// TestBulletHit fires one bullet from a shooter at (1000, 2000) along +X at
// targets placed around its path.
func TestBulletHit(t *testing.T) {
	tests := []struct {
		name    string
		rate    int32
		targets []pt
		want    int // index of the target hit, -1 for none
	}{
		{"straight hit deals damage", 30, []pt{{1300, 2000}}, 0},
		{"grazing hit", 30, []pt{{1300, 2000 + game.ShipRadius + game.BulletRadius - 1}}, 0},
		{"near miss", 30, []pt{{1300, 2000 + game.ShipRadius + game.BulletRadius + 11}}, -1},
		{"nearest along the path first", 10, []pt{{1100, 2000}, {1060, 2000}}, 1},
		{"nearest first when overlapping", 30, []pt{{1250, 2010}, {1240, 1990}, {1280, 2000}}, 1},
		{"no tunnelling at 10 Hz", 10, []pt{{1159, 2000}}, 0},
		{"out of range", 30, []pt{{1000 + game.BulletRange + 60, 2000}}, -1},
		{"no self-hit", 10, nil, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, ids := arena(t, game.Rules{TickRate: tt.rate}, append([]pt{{1000, 2000}}, tt.targets...)...)
			shooter, targets := ids[0], ids[1:]
			shot, next := fireOnce(t, w, shooter, 0)
			hits := only(append(next, stepN(w, int(w.BulletTicks)+2)...), game.Hit)
			if tt.want < 0 {
				if len(hits) != 0 {
					t.Fatalf("hits %+v, want none", hits)
				}
				for _, id := range ids {
					if hp := w.Ship(id).HP; hp != game.MaxHP {
						t.Fatalf("ship %d has %d HP", id, hp)
					}
				}
				return
			}
			want := targets[tt.want]
			if len(hits) != 1 {
				t.Fatalf("hits %+v, want one on ship %d", hits, want)
			}
			h := hits[0]
			if h.A != want || h.B != shooter || h.C != shot.A || h.Value != game.BulletDamage {
				t.Fatalf("hit %+v, want ship %d hit by %d's bullet %d for %d", h, want, shooter, shot.A, game.BulletDamage)
			}
			for _, id := range ids {
				wantHP := int32(game.MaxHP)
				if id == want {
					wantHP -= game.BulletDamage
				}
				if hp := w.Ship(id).HP; hp != wantHP {
					t.Fatalf("ship %d has %d HP, want %d", id, hp, wantHP)
				}
			}
			if len(w.Bullets) != 0 {
				t.Fatalf("bullet still flying after the hit: %+v", w.Bullets)
			}
		})
	}
}

// TestDeathAndRespawn kills a ship: the killer is credited, the wreck ignores its
// inputs and is not hit again, and it comes back with full health after exactly
// RespawnTicks, far from every other ship.
func TestDeathAndRespawn(t *testing.T) {
	for seed := uint64(1); seed <= 5; seed++ {
		t.Run(fmt.Sprintf("seed%d", seed), func(t *testing.T) {
			cluster := []pt{{1000, 2000}, {1300, 2000}, {1000, 2200}, {900, 1800}, {1200, 1800}, {800, 2100}}
			w, ids := arena(t, game.Rules{Seed: seed}, cluster...)
			killer, victim := ids[0], ids[1]
			w.Ship(victim).HP = game.BulletDamage
			game.Step(w, []game.Input{press(w, killer, game.Fire, 0)})
			var deaths []game.Event
			for len(deaths) == 0 && w.Tick < 60 {
				game.Step(w, []game.Input{press(w, victim, game.Right|game.Fire, 32768)})
				deaths = only(w.Events, game.Death)
			}
			if len(deaths) != 1 || deaths[0].A != victim || deaths[0].B != killer {
				t.Fatalf("deaths %+v, want ship %d killed by %d", deaths, victim, killer)
			}
			died := w.Tick
			k, v := w.Ship(killer), w.Ship(victim)
			if k.Kills != 1 || k.Score != game.KillScore || v.Deaths != 1 || !v.Dead || v.HP != 0 {
				t.Fatalf("killer kills %d score %d; victim deaths %d dead %v hp %d", k.Kills, k.Score, v.Deaths, v.Dead, v.HP)
			}
			if near := w.ShipsNear(nil, v.X, v.Y, 10*game.Sub); len(near) != 0 {
				t.Fatalf("the wreck is found by ShipsNear: %v", near)
			}
			wx, wy := v.X, v.Y
			for w.Tick < died+w.RespawnTicks-1 {
				game.Step(w, []game.Input{press(w, victim, game.Right|game.Fire, 32768)})
				for _, e := range w.Events {
					if (e.Kind == game.Shot && e.B == victim) || (e.Kind == game.Hit && e.A == victim) || e.Kind == game.Spawn {
						t.Fatalf("tick %d: wreck took part in %+v", w.Tick, e)
					}
				}
				if !v.Dead || v.X != wx || v.Y != wy {
					t.Fatalf("tick %d: wreck moved or revived early", w.Tick)
				}
			}
			game.Step(w, nil)
			spawns := only(w.Events, game.Spawn)
			if len(spawns) != 1 || spawns[0].A != victim || w.Tick != died+w.RespawnTicks {
				t.Fatalf("tick %d (died %d): spawns %+v", w.Tick, died, spawns)
			}
			if v.Dead || v.HP != game.MaxHP || v.Deaths != 1 {
				t.Fatalf("respawned ship dead %v hp %d deaths %d", v.Dead, v.HP, v.Deaths)
			}
			for _, id := range ids {
				if id == victim {
					continue
				}
				o := w.Ship(id)
				if d := game.Dist(v.X, v.Y, o.X, o.Y); d < 600*game.Sub {
					t.Fatalf("respawned %d units from ship %d", d/game.Sub, id)
				}
			}
		})
	}
}

// TestRegeneration hits a ship once: its health stays down for RegenDelay ticks,
// then climbs one point every RegenEvery ticks up to MaxHP and no further.
func TestRegeneration(t *testing.T) {
	for _, rate := range []int32{10, 30, 60} {
		t.Run(fmt.Sprintf("%dHz", rate), func(t *testing.T) {
			w, ids := arena(t, game.Rules{TickRate: rate}, pt{1000, 2000}, pt{1200, 2000})
			fireOnce(t, w, ids[0], 0) // 200 units away: the hit comes later
			var hitTick uint32
			for hitTick == 0 {
				game.Step(w, nil)
				if len(only(w.Events, game.Hit)) == 1 {
					hitTick = w.Tick
				}
			}
			s := w.Ship(ids[1])
			low := s.HP
			var full uint32
			for w.Tick < hitTick+w.RegenDelay+(game.MaxHP+2)*w.RegenEvery {
				prev := s.HP
				game.Step(w, nil)
				switch {
				case w.Tick < hitTick+w.RegenDelay && s.HP != low:
					t.Fatalf("tick %d: health %d before the regeneration delay", w.Tick, s.HP)
				case s.HP < prev || s.HP > prev+1 || s.HP > game.MaxHP:
					t.Fatalf("tick %d: health went %d -> %d", w.Tick, prev, s.HP)
				case s.HP == game.MaxHP && full == 0:
					full = w.Tick
				}
			}
			took := full - (hitTick + w.RegenDelay)
			if need := uint32(game.MaxHP-low) * w.RegenEvery; full == 0 || took+w.RegenEvery < need || took > need {
				t.Fatalf("full health %d ticks after the delay, want about %d", took, need)
			}
		})
	}
}

// TestPelletPickup puts pellet 5 near a ship: touching it scores, reports a
// Pickup and moves the same pellet elsewhere; out of reach nothing happens.
func TestPelletPickup(t *testing.T) {
	tests := []struct {
		name   string
		pellet pt
		hold   game.Buttons
		want   bool
	}{
		{"under the ship", pt{1005, 1000}, 0, true},
		{"at the rim", pt{1000 + game.ShipRadius + game.PelletRadius - 1, 1000}, 0, true},
		{"just out of reach", pt{1000 + game.ShipRadius + game.PelletRadius + 2, 1000}, 0, false},
		{"on the ship's way", pt{1300, 1000}, game.Right, true},
		{"behind the ship", pt{900, 1000}, game.Right, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, ids := arena(t, game.Rules{}, pt{1000, 1000})
			p := &w.Pellets[4]
			p.X, p.Y = tt.pellet.x*game.Sub, tt.pellet.y*game.Sub
			game.Step(w, []game.Input{press(w, ids[0], tt.hold, 0)})
			first := append([]game.Event(nil), w.Events...)
			evs := only(append(first, stepN(w, 40)...), game.Pickup)
			s := w.Ship(ids[0])
			if !tt.want {
				if len(evs) != 0 || s.Score != 0 {
					t.Fatalf("pickups %+v score %d, want none", evs, s.Score)
				}
				return
			}
			if len(evs) != 1 {
				t.Fatalf("pickups %+v, want one", evs)
			}
			e := evs[0]
			if e.A != ids[0] || e.B != 5 || e.Value != game.PelletScore || e.X != tt.pellet.x*game.Sub || e.Y != tt.pellet.y*game.Sub {
				t.Fatalf("pickup %+v, want ship %d pellet 5 at %v", e, ids[0], tt.pellet)
			}
			if s.Score != game.PelletScore {
				t.Fatalf("score %d, want %d", s.Score, game.PelletScore)
			}
			margin := int32(4 * game.PelletRadius * game.Sub)
			if p.ID != 5 || (p.X == e.X && p.Y == e.Y) || p.X < margin || p.Y < margin || p.X > w.Size-margin || p.Y > w.Size-margin {
				t.Fatalf("pellet after pickup %+v", *p)
			}
			if int32(len(w.Pellets)) != game.Default().Pellets {
				t.Fatalf("%d pellets, want %d", len(w.Pellets), game.Default().Pellets)
			}
			if near := w.PelletsNear(nil, p.X, p.Y, 1); len(near) != 1 || near[0] != 4 {
				t.Fatalf("PelletsNear at the pellet's new spot = %v", near)
			}
		})
	}
}
