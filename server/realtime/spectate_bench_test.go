package realtime

import (
	"testing"
	"time"
)

// BenchmarkSpectatorFrames measures what a room does per tick for its
// spectators, in process: keep the tick's frame in the room's ring (3 s at
// 30 Hz), load the frame 3 s old, and encode one spectator's delta from it,
// in a room of 50 players and 10 bots. It reports the bytes a spectator
// receives per second, following a ship and watching the whole arena at a
// delta every 1, 2 or 3 ticks: the figures behind wholeArenaEvery. Steady
// state must not allocate.
func BenchmarkSpectatorFrames(b *testing.B) {
	modes := []struct {
		name   string
		follow bool
		every  uint32
	}{{"follow", true, 1}, {"whole-every-1", false, 1}, {"whole-every-2", false, 2}, {"whole-every-3", false, 3}}
	for _, mode := range modes {
		b.Run(mode.name, func(b *testing.B) {
			m := benchManager(b, Options{SpectateDelay: 3 * time.Second})
			r := benchRoom(b, m)
			players, brains := seatBenchPlayers(r)
			r.frames = newFrameRing(r.delayTicks(), int(r.every))
			s := &spectator{}
			if mode.follow {
				s.follow = players[0].ship
			}
			var buf []byte
			tick := func() int {
				think(r, players, brains)
				r.step(time.Time{})
				r.capture()
				r.frames.push(r.snap, r.events, nil)
				r.events = r.events[:0]
				f := r.frames.nextFrame(r.snap.Tick)
				if f == nil {
					return 0
				}
				r.specSnap.Load(f.tick, f.round, f.entities, r.world.Size)
				if s.base.Tick != 0 && f.tick-s.base.Tick < mode.every {
					s.missed = keepEvents(s.missed, f.events, m.opts.MissedEvents)
					return 0
				}
				buf = r.encodeSpectatorDelta(s, buf[:0], f.events)
				s.base, s.cur = s.cur, s.base
				return len(buf)
			}
			for range 6 * m.opts.TickRate { // past the delay, the full snapshot and a turn of the ring
				tick()
			}
			b.ReportAllocs()
			b.ResetTimer()
			total := 0
			for range b.N {
				total += tick()
			}
			b.ReportMetric(float64(total)*float64(m.opts.TickRate)/float64(b.N), "B/spectator/s")
		})
	}
}
