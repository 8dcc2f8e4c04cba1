// Package playback plays a recorded round for the browser client's replay
// mode: a clock that can pause and run from a quarter to eight times real
// time, seeking through the recording's keyframes, frames of the world
// interpolated between ticks for drawing, the effects and kill feed of what
// happened, the standings, and the moment (time and followed ship) that the
// page's URL carries.
//
// The simulation is package game's, run by game/replay exactly as the server
// ran it. The package never imports Ebiten or syscall/js, so that it is
// tested natively; one goroutine uses a Playback.
package playback

import (
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/tickarena/tickarena/client/netcode"
	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/replay"
	"github.com/tickarena/tickarena/game/wire"
)

// speeds are the playback speeds a viewer can choose, slowest first.
var speeds = [...]float64{0.25, 0.5, 1, 2, 4, 8}

// normalSpeed is the index of 1× in speeds.
const normalSpeed = 2

// FeedSeconds is how far back a seek looks for kills to show in the kill
// feed, in seconds: as long as a kill stays in the live game's feed.
const FeedSeconds = 6

// maxFeed bounds the kill feed's length.
const maxFeed = 8

// pose is where a ship was before the last step, to interpolate from.
type pose struct {
	id   uint32
	x, y int32
	aim  game.Angle
}

// Playback plays one replay. Make it with New.
type Playback struct {
	rp     *replay.Replay
	pl     *replay.Player
	rate   float64 // ticks per second
	total  float64 // the recording's length in ticks
	clock  float64 // the render time, in ticks since the start
	steps  int     // steps the world took since the start
	paused bool
	speed  int // index in speeds
	ended  bool

	prev    []pose
	feed    []netcode.KillLine
	effects []netcode.Effect
	frame   netcode.Frame
}

// New returns a playback of rp at its start, playing at 1×.
func New(rp *replay.Replay) (*Playback, error) {
	pl, err := rp.NewPlayer()
	if err != nil {
		return nil, fmt.Errorf("playback: %w", err)
	}
	pb := &Playback{rp: rp, pl: pl, rate: float64(rp.Meta.Rules.TickRate), total: float64(rp.Ticks()), speed: normalSpeed}
	if pb.rate <= 0 {
		return nil, errors.New("playback: the replay has no tick rate")
	}
	pb.keepPoses()
	return pb, nil
}

// Replay returns the replay being played.
func (pb *Playback) Replay() *replay.Replay { return pb.rp }

// World returns the world at the current tick. Read it, do not change it.
func (pb *Playback) World() *game.World { return pb.pl.World() }

// Duration returns the recording's length in seconds.
func (pb *Playback) Duration() float64 { return pb.total / pb.rate }

// Time returns the playback time in seconds since the recording's start.
func (pb *Playback) Time() float64 { return pb.clock / pb.rate }

// TickRate returns the recorded world's ticks per second.
func (pb *Playback) TickRate() float64 { return pb.rate }

// RenderTick returns the world tick, with a fraction, that frames show.
func (pb *Playback) RenderTick() float64 { return float64(pb.rp.Meta.StartTick) + pb.clock }

// Playing reports whether the clock runs.
func (pb *Playback) Playing() bool { return !pb.paused }

// Ended reports whether the playback reached the end of the recording.
func (pb *Playback) Ended() bool { return pb.ended }

// Speed returns the playback speed, a multiple of real time.
func (pb *Playback) Speed() float64 { return speeds[pb.speed] }

// SetPlaying starts or pauses the clock. Playing from the end starts again
// from the beginning.
func (pb *Playback) SetPlaying(on bool) error {
	if on && pb.ended {
		if err := pb.Seek(0); err != nil {
			return err
		}
	}
	pb.paused = !on
	return nil
}

// Toggle pauses a running clock and starts a paused one.
func (pb *Playback) Toggle() error { return pb.SetPlaying(pb.paused) }

// Faster moves to the next speed up (step 1) or down (step -1), within speeds.
func (pb *Playback) Faster(step int) {
	pb.speed = min(max(pb.speed+step, 0), len(speeds)-1)
}

// SetSpeed picks the speed of speeds nearest to x.
func (pb *Playback) SetSpeed(x float64) {
	best := 0
	for i, s := range speeds {
		if math.Abs(math.Log(s/x)) < math.Abs(math.Log(speeds[best]/x)) {
			best = i
		}
	}
	pb.speed = best
}

// Advance runs the clock for dt seconds of real time at the current speed,
// stepping the world as far as the clock goes; at the end of the recording
// it stops there and pauses.
func (pb *Playback) Advance(dt float64) error {
	if pb.paused || dt <= 0 {
		return nil
	}
	target := min(pb.clock+dt*pb.rate*pb.Speed(), pb.total)
	for float64(pb.steps) < target && !pb.ended {
		if err := pb.step(true); err != nil {
			return err
		}
	}
	pb.clock = min(target, float64(pb.steps))
	if pb.clock >= pb.total || pb.ended {
		pb.ended, pb.paused = true, true
	}
	return nil
}

// step takes one step of the world, keeping the poses it starts from and
// what happened: the kill feed always, the effects when live.
func (pb *Playback) step(live bool) error {
	pb.keepPoses()
	err := pb.pl.Step()
	if err == io.EOF {
		pb.ended = true
		return nil
	}
	if err != nil {
		return fmt.Errorf("playback: step: %w", err)
	}
	pb.steps++
	w := pb.pl.World()
	for i := range w.Events {
		ev := &w.Events[i]
		if ev.Kind == game.Death {
			pb.addKill(w, ev)
		}
		if live {
			pb.effects = append(pb.effects, netcode.Effect{
				Kind: ev.Kind, Tick: ev.Tick, A: ev.A, B: ev.B, C: ev.C,
				X: float64(ev.X) / game.Sub, Y: float64(ev.Y) / game.Sub, Value: ev.Value,
			})
		}
	}
	return nil
}

// addKill adds a death to the kill feed.
func (pb *Playback) addKill(w *game.World, ev *game.Event) {
	name := func(id uint32) string {
		if s := w.Ship(id); s != nil {
			return s.Name
		}
		return ""
	}
	if len(pb.feed) == maxFeed {
		pb.feed = append(pb.feed[:0], pb.feed[1:]...)
	}
	pb.feed = append(pb.feed, netcode.KillLine{Tick: ev.Tick, Killer: ev.B, Victim: ev.A, KillerName: name(ev.B), VictimName: name(ev.A)})
}

// keepPoses remembers where every ship is, before a step.
func (pb *Playback) keepPoses() {
	w := pb.pl.World()
	pb.prev = pb.prev[:0]
	for i := range w.Ships {
		s := &w.Ships[i]
		pb.prev = append(pb.prev, pose{id: s.ID, x: s.X, y: s.Y, aim: s.Aim})
	}
}

// Seek moves playback to t seconds from the start (clamped to the
// recording), through the nearest keyframe before it, keeping whether it
// plays. The kill feed is rebuilt from the FeedSeconds before t; effects
// in between are dropped.
func (pb *Playback) Seek(t float64) error {
	if math.IsNaN(t) {
		t = 0
	}
	n := int(math.Round(min(max(t, 0)*pb.rate, pb.total)))
	from := max(n-FeedSeconds*int(pb.rate), 0)
	start := pb.rp.Meta.StartTick
	if err := pb.pl.Seek(start + uint32(from)); err != nil {
		return fmt.Errorf("playback: %w", err)
	}
	pb.steps, pb.ended = from, false
	pb.feed = pb.feed[:0]
	pb.effects = pb.effects[:0]
	for pb.steps < n && !pb.ended {
		if err := pb.step(false); err != nil {
			return err
		}
	}
	pb.keepPoses() // no motion to interpolate across a seek
	pb.clock = float64(pb.steps)
	pb.ended = pb.ended || pb.clock >= pb.total
	return nil
}

// KillFeed returns the kills so far, oldest first, as the live game's feed
// holds them. Valid until the next Advance or Seek.
func (pb *Playback) KillFeed() []netcode.KillLine { return pb.feed }

// Effects appends to dst the effects of the steps taken since the last call
// and returns it.
func (pb *Playback) Effects(dst []netcode.Effect) []netcode.Effect {
	dst = append(dst, pb.effects...)
	pb.effects = pb.effects[:0]
	return dst
}

// Standings returns the ships ranked as a round's result ranks them.
func (pb *Playback) Standings() []game.PlayerResult { return pb.pl.World().Standings() }

// Result returns the round's result when the recording reached its end
// and the round ran its course, or nil.
func (pb *Playback) Result() []game.PlayerResult {
	if pb.ended && pb.rp.Summary.Ended {
		return pb.rp.Summary.Players
	}
	return nil
}

// TimeLeft returns the round's clock at the playback time, in seconds: the
// time left in its phase.
func (pb *Playback) TimeLeft() float64 {
	w := pb.pl.World()
	return max(float64(w.PhaseEnd)-pb.RenderTick(), 0) / pb.rate
}

// Frame returns the world at the playback time for drawing: ships between
// their poses of the two ticks around it, bullets along their flight, and
// the ship self (0 for none) marked as Self. It is reused: valid until the
// next call.
func (pb *Playback) Frame(self uint32) *netcode.Frame {
	w := pb.pl.World()
	f := &pb.frame
	f.Ships, f.Pellets, f.Bullets = f.Ships[:0], f.Pellets[:0], f.Bullets[:0]
	f.HasSelf = false
	f.RenderTick = pb.RenderTick()
	f.Round = wire.RoundInfo{Round: w.Round, Phase: w.Phase, PhaseEnd: w.PhaseEnd}
	// The world is at tick steps; the clock lies between steps-1 and steps.
	k := min(max(pb.clock-float64(pb.steps-1), 0), 1)
	j := 0
	for i := range w.Ships {
		s := &w.Ships[i]
		e := wire.ShipEntity(s)
		r := netcode.RenderEntity{
			ID: s.ID, Kind: wire.KindShip, Aim: radians(s.Aim), HP: e.HP, Flags: e.Flags,
			Name: s.Name, Score: s.Score, Kills: s.Kills, Deaths: s.Deaths, Self: s.ID == self,
		}
		x, y := float64(s.X), float64(s.Y)
		for j < len(pb.prev) && pb.prev[j].id < s.ID {
			j++
		}
		if j < len(pb.prev) && pb.prev[j].id == s.ID {
			p := &pb.prev[j]
			// A respawn is a jump, not a glide across the arena.
			if math.Hypot(x-float64(p.x), y-float64(p.y)) < teleport {
				x = float64(p.x) + (x-float64(p.x))*k
				y = float64(p.y) + (y-float64(p.y))*k
				d := float64(int16(s.Aim - p.aim))
				r.Aim = radians(p.aim) + d*k*(2*math.Pi/65536)
			}
		}
		r.X, r.Y = x/game.Sub, y/game.Sub
		f.Ships = append(f.Ships, r)
	}
	for i := range w.Pellets {
		p := &w.Pellets[i]
		f.Pellets = append(f.Pellets, netcode.RenderEntity{ID: p.ID, Kind: wire.KindPellet, X: float64(p.X) / game.Sub, Y: float64(p.Y) / game.Sub})
	}
	back := 1 - k
	for i := range w.Bullets {
		b := &w.Bullets[i]
		f.Bullets = append(f.Bullets, netcode.RenderBullet{
			ID: b.ID, Owner: b.Owner,
			X:     (float64(b.X) - float64(b.VX)*back) / game.Sub,
			Y:     (float64(b.Y) - float64(b.VY)*back) / game.Sub,
			Angle: math.Atan2(float64(b.VY), float64(b.VX)),
		})
	}
	return f
}

// teleport is the distance, in Sub units, past which a ship's move between
// two ticks is drawn as a jump.
const teleport = 200 * game.Sub

// radians converts a game angle to radians.
func radians(a game.Angle) float64 { return float64(a) * (2 * math.Pi / 65536) }
