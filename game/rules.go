package game

// Sub is the number of simulation units in one world unit: positions are stored in
// 1/16 of a world unit.
const Sub = 16

// Rules are the tunable constants of a world. Speeds and durations are given in
// world units per second and in seconds; NewWorld turns them into per-tick
// integers for the tick rate, so the game plays the same at 10 Hz and at 60 Hz.
type Rules struct {
	// TickRate is the number of ticks per second. Default 30; valid
	// MinTickRate–MaxTickRate (a rate outside is brought within: servers
	// reject one when they are configured).
	TickRate int32
	// WorldSize is the side of the square arena in world units. Default 4000.
	WorldSize int32
	// RoundSeconds is the length of a round. Default 300.
	RoundSeconds int32
	// IntermissionSeconds is the pause between rounds. Default 8.
	IntermissionSeconds int32
	// Pellets is the number of pickups in the arena. Default 300, at most MaxPellets.
	Pellets int32
	// Seed seeds the world's random generator.
	Seed uint64
}

// Fixed gameplay constants, in world units and seconds.
const (
	ShipRadius     = 24  // world units
	BulletRadius   = 5   // world units
	PelletRadius   = 10  // world units
	ShipSpeed      = 320 // world units per second at full thrust
	BulletSpeed    = 900 // world units per second
	BulletRange    = 800 // world units
	MaxHP          = 100
	BulletDamage   = 20
	KillScore      = 100
	PelletScore    = 10
	MaxPellets     = 1000
	FirstShipID    = 1024 // ship ids start here; pellet ids are 1..Pellets
	respawnSeconds = 3
	regenDelaySecs = 5
)

// The tick rates a world may run at, in ticks per second.
const (
	MinTickRate = 10
	MaxTickRate = 60
)

// Default returns the rules used when a field is left zero.
func Default() Rules {
	return Rules{TickRate: 30, WorldSize: 4000, RoundSeconds: 300, IntermissionSeconds: 8, Pellets: 300, Seed: 1}
}

func (r Rules) withDefaults() Rules {
	d := Default()
	if r.TickRate <= 0 {
		r.TickRate = d.TickRate
	}
	r.TickRate = min(max(r.TickRate, MinTickRate), MaxTickRate)
	if r.WorldSize <= 0 {
		r.WorldSize = d.WorldSize
	}
	if r.RoundSeconds <= 0 {
		r.RoundSeconds = d.RoundSeconds
	}
	if r.IntermissionSeconds <= 0 {
		r.IntermissionSeconds = d.IntermissionSeconds
	}
	if r.Pellets < 0 {
		r.Pellets = 0
	}
	if r.Pellets == 0 {
		r.Pellets = d.Pellets
	}
	r.Pellets = min(r.Pellets, MaxPellets)
	return r
}

// Tuning is Rules turned into per-tick integers. Both the server and the client's
// prediction derive it from the same Rules, so they move ships identically.
type Tuning struct {
	Rules
	Size          int32  // arena side in Sub units
	MaxSpeed      int32  // Sub units per tick along an axis
	Accel         int32  // Sub units per tick per tick
	BulletStep    int32  // Sub units per tick
	BulletTicks   uint32 // bullet lifetime
	FireTicks     uint32 // cooldown between shots
	RespawnTicks  uint32
	RegenDelay    uint32 // ticks without damage before health regenerates
	RegenEvery    uint32 // ticks per regenerated hit point
	RoundTicks    uint32
	IntermitTicks uint32
}

// Tune derives the per-tick constants of r (defaults filled in).
func Tune(r Rules) Tuning {
	r = r.withDefaults()
	tr := r.TickRate
	t := Tuning{Rules: r}
	t.Size = r.WorldSize * Sub
	t.MaxSpeed = ShipSpeed * Sub / tr
	t.Accel = max(ShipSpeed*Sub*5/(tr*tr), 1) // full speed in 0.2 s
	t.BulletStep = BulletSpeed * Sub / tr
	t.BulletTicks = uint32(BulletRange * tr / BulletSpeed)
	t.FireTicks = uint32(max(tr/4, 1))
	t.RespawnTicks = uint32(respawnSeconds * tr)
	t.RegenDelay = uint32(regenDelaySecs * tr)
	t.RegenEvery = uint32(max(tr/4, 1))
	t.RoundTicks = uint32(r.RoundSeconds * tr)
	t.IntermitTicks = uint32(r.IntermissionSeconds * tr)
	return t
}
