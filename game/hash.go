package game

// Hash returns a 64-bit FNV-1a digest of the whole simulated state. Two worlds
// that were fed the same rules and inputs have the same hash on every platform.
func (w *World) Hash() uint64 {
	h := hasher(14695981039346656037)
	h.u32(w.Tick)
	h.u32(w.Round)
	h.u32(uint32(w.Phase))
	h.u32(w.PhaseEnd)
	h.u64(w.rng.state)
	h.u32(w.nextShipID)
	h.u32(w.nextBulletID)
	for i := range w.Ships {
		s := &w.Ships[i]
		h.u32(s.ID)
		h.str(s.Name)
		h.bool(s.Bot)
		h.bool(s.Idle)
		h.i32(s.X)
		h.i32(s.Y)
		h.i32(s.VX)
		h.i32(s.VY)
		h.u32(uint32(s.Aim))
		h.i32(s.HP)
		h.i32(s.Score)
		h.i32(s.Kills)
		h.i32(s.Deaths)
		h.bool(s.Dead)
		h.u32(s.RespawnTick)
		h.u32(s.LastSeq)
		h.u32(uint32(s.held))
		h.u32(s.nextFire)
		h.u32(s.lastDamage)
	}
	for _, p := range w.Pellets {
		h.u32(p.ID)
		h.i32(p.X)
		h.i32(p.Y)
	}
	for _, b := range w.Bullets {
		h.u32(b.ID)
		h.u32(b.Owner)
		h.i32(b.X)
		h.i32(b.Y)
		h.i32(b.VX)
		h.i32(b.VY)
		h.u32(b.Expire)
	}
	return uint64(h)
}

type hasher uint64

func (h *hasher) byte(b byte) {
	*h ^= hasher(b)
	*h *= 1099511628211
}

func (h *hasher) u32(v uint32) {
	for i := 0; i < 4; i++ {
		h.byte(byte(v >> (8 * i)))
	}
}

func (h *hasher) u64(v uint64) { h.u32(uint32(v)); h.u32(uint32(v >> 32)) }
func (h *hasher) i32(v int32)  { h.u32(uint32(v)) }

func (h *hasher) bool(b bool) {
	if b {
		h.byte(1)
	} else {
		h.byte(0)
	}
}

func (h *hasher) str(s string) {
	h.u32(uint32(len(s)))
	for i := 0; i < len(s); i++ {
		h.byte(s[i])
	}
}
