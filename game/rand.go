package game

// Rand is a small deterministic pseudo-random generator (SplitMix64). Its zero
// value is usable; the world seeds its own so that runs repeat exactly.
type Rand struct{ state uint64 }

// NewRand returns a generator seeded with seed.
func NewRand(seed uint64) Rand { return Rand{state: seed} }

// Uint64 returns the next 64 random bits.
func (r *Rand) Uint64() uint64 {
	r.state += 0x9e3779b97f4a7c15
	z := r.state
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// Intn returns a number in [0, n). It returns 0 when n <= 0.
func (r *Rand) Intn(n int32) int32 {
	if n <= 0 {
		return 0
	}
	return int32(r.Uint64() % uint64(n))
}
