package replay

import "github.com/tickarena/tickarena/game"

// Flags of a ship in a keyframe.
const (
	shipBot  = 0x01
	shipIdle = 0x02
	shipDead = 0x04
)

// appendState appends a keyframe: the whole state of a world (docs/replay.md
// §6). Ids follow the previous one's; ticks are stored relative to the
// keyframe's, so that most numbers take one or two bytes.
func appendState(b []byte, st *game.State) []byte {
	tick := int64(st.Tick)
	rel := func(b []byte, v uint32) []byte { return appendIv(b, int64(v)-tick) }
	b = appendUv(b, uint64(st.Tick))
	b = appendUv(b, uint64(st.Round))
	b = append(b, byte(st.Phase))
	b = rel(b, st.PhaseEnd)
	b = appendU64(b, st.Rand)
	b = appendUv(b, uint64(st.NextShipID))
	b = appendUv(b, uint64(st.NextBulletID))
	b = appendUv(b, uint64(len(st.Ships)))
	prevID := int64(game.FirstShipID)
	for i := range st.Ships {
		s := &st.Ships[i]
		var flags byte
		if s.Bot {
			flags |= shipBot
		}
		if s.Idle {
			flags |= shipIdle
		}
		if s.Dead {
			flags |= shipDead
		}
		b = appendIv(b, int64(s.ID)-prevID)
		prevID = int64(s.ID)
		b = appendStr(b, s.Name)
		b = append(b, flags)
		b = appendIv(b, int64(s.X))
		b = appendIv(b, int64(s.Y))
		b = appendIv(b, int64(s.VX))
		b = appendIv(b, int64(s.VY))
		b = appendU16(b, uint16(s.Aim))
		b = appendIv(b, int64(s.HP))
		b = appendIv(b, int64(s.Score))
		b = appendIv(b, int64(s.Kills))
		b = appendIv(b, int64(s.Deaths))
		b = rel(b, s.RespawnTick)
		b = appendUv(b, uint64(s.LastSeq))
		b = append(b, byte(s.Held))
		b = rel(b, s.NextFire)
		b = rel(b, s.LastDamage)
	}
	b = appendUv(b, uint64(len(st.Pellets)))
	for _, p := range st.Pellets {
		b = appendIv(b, int64(p.X))
		b = appendIv(b, int64(p.Y))
	}
	b = appendUv(b, uint64(len(st.Bullets)))
	prevID = 0
	for _, u := range st.Bullets {
		b = appendIv(b, int64(u.ID)-prevID)
		prevID = int64(u.ID)
		b = appendIv(b, int64(u.Owner)-game.FirstShipID)
		b = appendIv(b, int64(u.X))
		b = appendIv(b, int64(u.Y))
		b = appendIv(b, int64(u.VX))
		b = appendIv(b, int64(u.VY))
		b = rel(b, u.Expire)
	}
	return b
}

// readState reads a keyframe into st. Whether a world can be in st is for
// game.RestoreWorld to say.
func readState(r *reader, st *game.State) {
	st.Tick = r.u32()
	tick := int64(st.Tick)
	rel := func() uint32 { return r.fit32(tick + r.iv()) }
	st.Round = r.u32()
	st.Phase = game.Phase(r.u8())
	st.PhaseEnd = rel()
	st.Rand = r.u64()
	st.NextShipID = r.u32()
	st.NextBulletID = r.u32()
	n := int(r.upTo(MaxShips, "ship count"))
	st.Ships = make([]game.ShipState, 0, min(n, r.left()))
	id := int64(game.FirstShipID)
	for i := 0; i < n && r.err == nil; i++ {
		var s game.ShipState
		id += r.iv()
		s.ID = r.fit32(id)
		s.Name = r.str()
		flags := r.u8()
		if flags&^(shipBot|shipIdle|shipDead) != 0 {
			r.fail("unknown ship flags %#x", flags)
		}
		s.Bot, s.Idle, s.Dead = flags&shipBot != 0, flags&shipIdle != 0, flags&shipDead != 0
		s.X, s.Y = r.i32(), r.i32()
		s.VX, s.VY = r.i32(), r.i32()
		s.Aim = game.Angle(r.u16())
		s.HP = r.i32()
		s.Score, s.Kills, s.Deaths = r.i32(), r.i32(), r.i32()
		s.RespawnTick = rel()
		s.LastSeq = r.u32()
		s.Held = game.Buttons(r.u8())
		s.NextFire = rel()
		s.LastDamage = rel()
		st.Ships = append(st.Ships, s)
	}
	n = int(r.upTo(game.MaxPellets, "pellet count"))
	st.Pellets = make([]game.Pellet, 0, min(n, r.left()))
	for i := 0; i < n && r.err == nil; i++ {
		st.Pellets = append(st.Pellets, game.Pellet{ID: uint32(i + 1), X: r.i32(), Y: r.i32()})
	}
	n = int(r.upTo(MaxBullets, "bullet count"))
	st.Bullets = make([]game.Bullet, 0, min(n, r.left()))
	id = 0
	for i := 0; i < n && r.err == nil; i++ {
		var u game.Bullet
		id += r.iv()
		u.ID = r.fit32(id)
		u.Owner = r.fit32(game.FirstShipID + r.iv())
		u.X, u.Y = r.i32(), r.i32()
		u.VX, u.VY = r.i32(), r.i32()
		u.Expire = rel()
		st.Bullets = append(st.Bullets, u)
	}
}
