package game

// Step advances w by exactly one tick. inputs are the newest inputs that arrived
// since the last tick, at most one per ship is expected (a later one for the same
// ship wins); inputs for unknown ships, with unknown buttons or with a sequence
// number not newer than the ship's last are ignored. Ships without a new input
// keep acting on their previous one. Events that AddShip produced since the last
// Step are kept and reported with this Step's events.
func Step(w *World, inputs []Input) {
	w.Tick++
	w.Events = append(w.Events[:0], w.Events[w.stepEvents:]...)
	w.Result = nil
	w.Applied = w.Applied[:0]
	w.applyInputs(inputs)
	w.step()
	w.stepEvents = len(w.Events)
}

func (w *World) step() {
	if w.Phase == Intermission {
		if w.Tick >= w.PhaseEnd {
			w.startRound()
		}
		return
	}
	w.moveShips()
	w.indexShips()
	w.moveBullets()
	w.collectPellets()
	if w.Tick >= w.PhaseEnd {
		w.endRound()
	}
}

func (w *World) applyInputs(inputs []Input) {
	for _, in := range inputs {
		s := w.Ship(in.Ship)
		if s == nil || !in.Valid() || in.Seq <= s.LastSeq {
			continue
		}
		w.Applied = append(w.Applied, in)
		s.LastSeq = in.Seq
		s.Aim = in.Aim
		s.held = in.Buttons
		if s.Idle {
			s.held = 0
		}
	}
}

func (w *World) moveShips() {
	for i := range w.Ships {
		s := &w.Ships[i]
		if s.Dead {
			if w.Tick >= s.RespawnTick {
				w.respawn(s)
			}
			continue
		}
		w.Move(&s.Motion, s.held)
		if s.canFire(w.Tick) {
			w.fire(s)
		}
		if s.HP < MaxHP && w.Tick-s.lastDamage >= w.RegenDelay && w.Tick%w.RegenEvery == 0 {
			s.HP++
		}
	}
}

func (w *World) respawn(s *Ship) {
	s.X, s.Y = w.safeSpawnPoint() // while still dead, so its wreck does not count
	s.Dead = false
	s.HP = MaxHP
	s.VX, s.VY = 0, 0
	w.Events = append(w.Events, Event{Kind: Spawn, Tick: w.Tick, A: s.ID, X: s.X, Y: s.Y})
}

// Muzzle returns where a bullet fired along aim by a ship at (x, y) starts: on
// the ship's rim, so that it never overlaps its owner.
func Muzzle(x, y int32, aim Angle) (int32, int32) {
	return x + Cos(aim)*(ShipRadius*Sub)/TrigOne, y + Sin(aim)*(ShipRadius*Sub)/TrigOne
}

func (w *World) fire(s *Ship) {
	s.nextFire = w.Tick + w.FireTicks
	w.nextBulletID++
	b := Bullet{ID: w.nextBulletID, Owner: s.ID, Expire: w.Tick + w.BulletTicks}
	b.VX, b.VY = w.BulletVelocity(s.Aim)
	b.X, b.Y = Muzzle(s.X, s.Y, s.Aim)
	w.Bullets = append(w.Bullets, b)
	w.Events = append(w.Events, Event{Kind: Shot, Tick: w.Tick, A: b.ID, B: s.ID, X: b.X, Y: b.Y, Angle: s.Aim})
}

// moveBullets moves every bullet that was in flight before this tick, removes
// expired ones and resolves hits along each bullet's path.
func (w *World) moveBullets() {
	kept := w.Bullets[:0]
	for i := range w.Bullets {
		b := w.Bullets[i]
		if b.expired(w.Tick) {
			continue
		}
		if b.Expire-w.BulletTicks == w.Tick {
			kept = append(kept, b) // fired this tick: it flies from the next one
			continue
		}
		x1, y1 := b.X+b.VX, b.Y+b.VY
		if target := w.firstHit(&b, x1, y1); target != nil {
			w.hit(target, &b)
			continue
		}
		if x1 < 0 || y1 < 0 || x1 > w.Size || y1 > w.Size {
			continue
		}
		b.X, b.Y = x1, y1
		kept = append(kept, b)
	}
	w.Bullets = kept
}

// firstHit returns the ship that the bullet touches first on its path from its
// position to (x1, y1), or nil. Ships are ordered by the point where the bullet
// first touches them, not by where their centres project on the path, so a ship
// that the bullet reaches earlier is hit even when its centre lies farther on.
// Owners are never hit by their own bullets.
func (w *World) firstHit(b *Bullet, x1, y1 int32) *Ship {
	const reach = (ShipRadius + BulletRadius) * Sub
	w.scratch = w.ships.Query(w.scratch[:0], min(b.X, x1)-reach, min(b.Y, y1)-reach, max(b.X, x1)+reach, max(b.Y, y1)+reach)
	var best *Ship
	var bestT int64
	dx, dy := int64(x1-b.X), int64(y1-b.Y)
	for _, i := range w.scratch {
		s := &w.Ships[i]
		if s.Dead || s.ID == b.Owner {
			continue
		}
		t, ok := contact(int64(s.X-b.X), int64(s.Y-b.Y), dx, dy, reach)
		if !ok {
			continue
		}
		if best == nil || t < bestT || (t == bestT && s.ID < best.ID) {
			best, bestT = s, t
		}
	}
	return best
}

// contact reports whether a segment from the origin to (dx, dy) passes within r
// of the point (cx, cy), and where it first does, as a fraction of the segment
// scaled by its squared length (0 at the origin, dx²+dy² at the end).
func contact(cx, cy, dx, dy int64, r int32) (t int64, ok bool) {
	r2 := int64(r) * int64(r)
	den := dx*dx + dy*dy
	if den == 0 {
		return 0, cx*cx+cy*cy <= r2
	}
	// Along the line the centre projects at num/den; the circle spans
	// ±half/den around it, where half² = r²·den - cross².
	num := cx*dx + cy*dy
	cross := cx*dy - cy*dx
	h2 := r2*den - cross*cross
	if h2 < 0 {
		return 0, false
	}
	half := isqrt(h2)
	enter, leave := num-half, num+half
	if leave < 0 || enter > den {
		return 0, false
	}
	return max(enter, 0), true
}

func (w *World) hit(s *Ship, b *Bullet) {
	s.HP -= BulletDamage
	s.lastDamage = w.Tick
	w.Events = append(w.Events, Event{Kind: Hit, Tick: w.Tick, A: s.ID, B: b.Owner, C: b.ID, X: s.X, Y: s.Y, Value: BulletDamage})
	if s.HP > 0 {
		return
	}
	s.HP = 0
	s.Dead = true
	s.Deaths++
	s.RespawnTick = w.Tick + w.RespawnTicks
	s.held = 0
	s.VX, s.VY = 0, 0
	killer := w.Ship(b.Owner)
	var killerID uint32
	if killer != nil {
		killerID = killer.ID
		killer.Kills++
		killer.Score += KillScore
	}
	w.Events = append(w.Events, Event{Kind: Death, Tick: w.Tick, A: s.ID, B: killerID, X: s.X, Y: s.Y})
}

func (w *World) collectPellets() {
	const reach = (ShipRadius + PelletRadius) * Sub
	var near [16]int32
	for i := range w.Ships {
		s := &w.Ships[i]
		if s.Dead {
			continue
		}
		for _, pi := range w.PelletsNear(near[:0], s.X, s.Y, reach) {
			p := &w.Pellets[pi]
			s.Score += PelletScore
			w.Events = append(w.Events, Event{Kind: Pickup, Tick: w.Tick, A: s.ID, B: p.ID, X: p.X, Y: p.Y, Value: PelletScore})
			p.X, p.Y = w.randomPoint(PelletRadius * 4)
			w.pelletsDirty = true
		}
	}
}

func (w *World) endRound() {
	res := &RoundResult{Round: w.Round, EndTick: w.Tick}
	res.Players = w.Standings()
	w.Result = res
	w.Phase = Intermission
	w.PhaseEnd = w.Tick + w.IntermitTicks
	w.Bullets = w.Bullets[:0]
	for i := range w.Ships {
		w.Ships[i].held = 0
		w.Ships[i].VX, w.Ships[i].VY = 0, 0
	}
}

func (w *World) startRound() {
	w.Round++
	w.Phase = Playing
	w.PhaseEnd = w.Tick + w.RoundTicks
	// Ships are placed one by one, each away from those already placed.
	for i := range w.Ships {
		w.Ships[i].Dead = true
	}
	for i := range w.Ships {
		s := &w.Ships[i]
		s.Score, s.Kills, s.Deaths = 0, 0, 0
		s.X, s.Y = w.safeSpawnPoint()
		s.Dead = false
		s.HP = MaxHP
		s.nextFire = 0
		w.Events = append(w.Events, Event{Kind: Spawn, Tick: w.Tick, A: s.ID, X: s.X, Y: s.Y})
	}
	w.shipsDirty = true
}
