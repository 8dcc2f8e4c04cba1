package game

// Motion is the part of a ship's state that its own inputs drive. The client
// predicts it with Tuning.Move from the last state the server sent.
type Motion struct {
	X, Y   int32 // position in Sub units
	VX, VY int32 // velocity in Sub units per tick
}

// Move advances m by one tick under the movement buttons of b: velocity moves
// toward the held direction by at most Accel per axis, is capped at MaxSpeed, and
// the ship stays inside the arena (hitting a wall stops that axis).
func (t *Tuning) Move(m *Motion, b Buttons) {
	dx, dy := b.direction()
	m.VX = approach(m.VX, dx*t.MaxSpeed/256, t.Accel)
	m.VY = approach(m.VY, dy*t.MaxSpeed/256, t.Accel)
	m.X += m.VX
	m.Y += m.VY
	lo, hi := int32(ShipRadius*Sub), t.Size-ShipRadius*Sub
	if m.X < lo {
		m.X, m.VX = lo, 0
	} else if m.X > hi {
		m.X, m.VX = hi, 0
	}
	if m.Y < lo {
		m.Y, m.VY = lo, 0
	} else if m.Y > hi {
		m.Y, m.VY = hi, 0
	}
}

func approach(v, target, step int32) int32 {
	switch {
	case v < target:
		return min(v+step, target)
	case v > target:
		return max(v-step, target)
	}
	return v
}

// Ship is a player's or a bot's vessel.
type Ship struct {
	Motion
	ID   uint32
	Name string
	Bot  bool
	// Idle marks a ship whose player is disconnected; it stays in the world, still.
	Idle bool
	Aim  Angle
	HP   int32
	// Score, Kills and Deaths count the current round.
	Score, Kills, Deaths int32
	// Dead ships are out of play until RespawnTick.
	Dead        bool
	RespawnTick uint32
	// LastSeq is the sequence number of the last input applied.
	LastSeq    uint32
	held       Buttons
	nextFire   uint32
	lastDamage uint32
}

// Held returns the buttons the ship currently acts on.
func (s *Ship) Held() Buttons { return s.held }

// canFire reports whether the ship may shoot at tick.
func (s *Ship) canFire(tick uint32) bool {
	return !s.Dead && s.held&Fire != 0 && tick >= s.nextFire
}

// Bullet is a shot in flight. Clients simulate bullets from their Shot event.
type Bullet struct {
	ID     uint32
	Owner  uint32
	X, Y   int32
	VX, VY int32
	Expire uint32 // the tick at which the bullet vanishes
}

// expired reports whether the bullet is gone at tick.
func (b *Bullet) expired(tick uint32) bool { return tick >= b.Expire }

// BulletVelocity returns the per-tick velocity of a bullet fired along aim.
func (t *Tuning) BulletVelocity(aim Angle) (vx, vy int32) {
	return Cos(aim) * t.BulletStep / TrigOne, Sin(aim) * t.BulletStep / TrigOne
}

// BulletAt returns where a bullet fired at tick fired from (x, y) along aim is at
// tick now, and whether it still flies. Clients draw bullets with it.
func (t *Tuning) BulletAt(x, y int32, aim Angle, fired, now uint32) (bx, by int32, alive bool) {
	if now < fired || now-fired >= t.BulletTicks {
		return x, y, false
	}
	vx, vy := t.BulletVelocity(aim)
	n := int32(now - fired)
	return x + vx*n, y + vy*n, true
}

// Pellet is a static pickup. When collected it reappears elsewhere with the same id.
type Pellet struct {
	ID   uint32
	X, Y int32
}
