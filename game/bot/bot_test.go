package bot_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/bot"
)

// botRoom is a world of bots and their brains.
type botRoom struct {
	w      *game.World
	brains []*bot.Brain
	inputs []game.Input
}

func newBotRoom(r game.Rules, n int) *botRoom {
	room := &botRoom{w: game.NewWorld(r)}
	for i := 0; i < n; i++ {
		room.brains = append(room.brains, bot.New(room.w.AddShip(fmt.Sprintf("bot%d", i), true)))
	}
	return room
}

func (r *botRoom) think() {
	r.inputs = r.inputs[:0]
	for _, b := range r.brains {
		r.inputs = append(r.inputs, b.Think(r.w))
	}
}

func (r *botRoom) step() {
	r.think()
	game.Step(r.w, r.inputs)
}

// TestBotsPlay lets 200 bots play for two minutes of game time: they collect
// pellets, shoot, hit and kill each other, every input they send is accepted,
// they stay inside the arena and do not crowd against its walls.
func TestBotsPlay(t *testing.T) {
	const bots, ticks = 200, 3600
	room := newBotRoom(game.Rules{Seed: 21}, bots)
	w := room.w
	count := map[game.EventKind]int{}
	lo, hi := int32(game.ShipRadius*game.Sub), w.Size-game.ShipRadius*game.Sub
	nearWall, alive := 0, 0
	for tick := 0; tick < ticks; tick++ {
		room.step()
		for _, e := range w.Events {
			count[e.Kind]++
		}
		for i := range w.Ships {
			s := &w.Ships[i]
			if s.X < lo || s.X > hi || s.Y < lo || s.Y > hi {
				t.Fatalf("tick %d: ship %d left the arena at (%d,%d)", w.Tick, s.ID, s.X, s.Y)
			}
			if s.Dead {
				continue
			}
			alive++
			if min(s.X-lo, hi-s.X, s.Y-lo, hi-s.Y) < 40*game.Sub {
				nearWall++
			}
		}
	}
	for _, k := range []struct {
		kind game.EventKind
		name string
	}{{game.Pickup, "pickups"}, {game.Shot, "shots"}, {game.Hit, "hits"}, {game.Death, "deaths"}} {
		if count[k.kind] == 0 {
			t.Errorf("no %s in %d ticks", k.name, ticks)
		}
	}
	var score, kills int32
	for i := range w.Ships {
		s := &w.Ships[i]
		score += s.Score
		kills += s.Kills
		if s.LastSeq != ticks {
			t.Errorf("ship %d applied %d of its bot's %d inputs", s.ID, s.LastSeq, ticks)
		}
	}
	if score <= int32(count[game.Pickup])*game.PelletScore || kills == 0 {
		t.Errorf("total score %d with %d pickups and %d kills: kills do not score", score, count[game.Pickup], kills)
	}
	if frac := float64(nearWall) / float64(alive); frac > 0.05 {
		t.Errorf("bots spend %.0f%% of their time against a wall", 100*frac)
	}
	t.Logf("%d ticks: %d shots, %d hits, %d deaths, %d pickups, %d kills", ticks, count[game.Shot], count[game.Hit], count[game.Death], count[game.Pickup], kills)
}

// TestBotFleesAtLowHealth puts a bot 400 units from a still human: a healthy bot
// closes in and shoots, a hurt one runs away.
func TestBotFleesAtLowHealth(t *testing.T) {
	tests := []struct {
		name   string
		hp     int32
		closer bool
	}{
		{"full health closes in", game.MaxHP, true},
		{"just above flee health closes in", 31, true},
		{"at flee health flees", 30, false},
		{"nearly dead flees", 5, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := game.NewWorld(game.Rules{Seed: 4})
			self, enemy := w.AddShip("bot", true), w.AddShip("human", false)
			b := bot.New(self)
			s, e := w.Ship(self), w.Ship(enemy)
			s.X, s.Y = 2000*game.Sub, 2000*game.Sub
			e.X, e.Y = 2400*game.Sub, 2000*game.Sub
			s.HP = tt.hp
			game.Step(w, nil)
			start := game.Dist(s.X, s.Y, e.X, e.Y)
			shots := 0
			for i := 0; i < 30; i++ {
				game.Step(w, []game.Input{b.Think(w)})
				for _, ev := range w.Events {
					if ev.Kind == game.Shot && ev.B == self {
						shots++
					}
				}
			}
			end := game.Dist(s.X, s.Y, e.X, e.Y)
			if tt.closer != (end < start) {
				t.Errorf("distance went %d -> %d units, want closer %v", start/game.Sub, end/game.Sub, tt.closer)
			}
			if shots == 0 {
				t.Errorf("the bot never shot at an enemy in range")
			}
		})
	}
}

// TestBotIdleWhenItCannotPlay checks that a bot whose ship is dead, gone or in
// an intermission asks for nothing.
func TestBotIdleWhenItCannotPlay(t *testing.T) {
	tests := []struct {
		name  string
		setup func(w *game.World, id uint32)
	}{
		{"dead", func(w *game.World, id uint32) { w.Ship(id).Dead = true }},
		{"removed", func(w *game.World, id uint32) { _ = w.RemoveShip(id) }},
		{"intermission", func(w *game.World, id uint32) { w.Phase = game.Intermission }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := game.NewWorld(game.Rules{Seed: 8})
			id := w.AddShip("bot", true)
			w.AddShip("human", false)
			b := bot.New(id)
			tt.setup(w, id)
			first, second := b.Think(w), b.Think(w)
			if first.Buttons != 0 || second.Buttons != 0 || second.Seq <= first.Seq || first.Ship != id {
				t.Errorf("inputs %+v then %+v, want no buttons and growing sequence numbers", first, second)
			}
		})
	}
}

// TestTickDoesNotAllocate runs a warmed-up room of 200 bots: thinking and
// stepping allocate nothing per tick.
func TestTickDoesNotAllocate(t *testing.T) {
	room := newBotRoom(game.Rules{Seed: 2}, 200)
	for i := 0; i < 300; i++ {
		room.step()
	}
	if allocs := testing.AllocsPerRun(60, room.step); allocs != 0 {
		t.Fatalf("a tick of 200 bots allocates %.2f times", allocs)
	}
}

// BenchmarkBots200 measures the thinking of 200 bots per tick. Each op is one
// tick of thinking plus the Step it feeds; think-ns/tick is the thinking alone
// and tick-fraction its share of a 30 Hz tick (33.3 ms).
func BenchmarkBots200(b *testing.B) {
	room := newBotRoom(game.Rules{Seed: 3}, 200)
	for i := 0; i < 150; i++ {
		room.step()
	}
	var thinking time.Duration
	b.ReportAllocs()
	for b.Loop() {
		t0 := time.Now()
		room.think()
		thinking += time.Since(t0)
		game.Step(room.w, room.inputs)
	}
	perTick := float64(thinking.Nanoseconds()) / float64(b.N)
	b.ReportMetric(perTick, "think-ns/tick")
	b.ReportMetric(perTick/float64(time.Second/30), "tick-fraction")
}
