package game_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/tickarena/tickarena/game"
)

var eightWays = []struct {
	name   string
	b      game.Buttons
	dx, dy int32
}{
	{"right", game.Right, 1, 0},
	{"down-right", game.Down | game.Right, 1, 1},
	{"down", game.Down, 0, 1},
	{"down-left", game.Down | game.Left, -1, 1},
	{"left", game.Left, -1, 0},
	{"up-left", game.Up | game.Left, -1, -1},
	{"up", game.Up, 0, -1},
	{"up-right", game.Up | game.Right, 1, -1},
}

// TestMoveEightDirections holds each direction from rest: the ship speeds up by
// at most Accel per tick, reaches full speed (MaxSpeed along an axis, the same
// speed within 1% on a diagonal), and the client's prediction with Tuning.Move
// lands on exactly the server's position every tick.
func TestMoveEightDirections(t *testing.T) {
	for _, rate := range []int32{10, 30, 60} {
		for _, d := range eightWays {
			t.Run(fmt.Sprintf("%s@%dHz", d.name, rate), func(t *testing.T) {
				w, ids := arena(t, game.Rules{TickRate: rate}, pt{2000, 2000})
				id := ids[0]
				predicted := w.Ship(id).Motion
				ticks := int(w.MaxSpeed/w.Accel) + 3
				game.Step(w, []game.Input{press(w, id, d.b, 0)})
				w.Tuning.Move(&predicted, d.b)
				for i := 1; i < ticks; i++ {
					prev := w.Ship(id).Motion
					game.Step(w, nil)
					w.Tuning.Move(&predicted, d.b)
					s := w.Ship(id)
					if s.Motion != predicted {
						t.Fatalf("tick %d: server %+v, prediction %+v", i, s.Motion, predicted)
					}
					if abs(int64(s.VX-prev.VX)) > int64(w.Accel) || abs(int64(s.VY-prev.VY)) > int64(w.Accel) {
						t.Fatalf("tick %d: velocity jumped from (%d,%d) to (%d,%d), more than Accel %d", i, prev.VX, prev.VY, s.VX, s.VY, w.Accel)
					}
					if s.X != prev.X+s.VX || s.Y != prev.Y+s.VY {
						t.Fatalf("tick %d: moved (%d,%d) with velocity (%d,%d)", i, s.X-prev.X, s.Y-prev.Y, s.VX, s.VY)
					}
				}
				s := w.Ship(id)
				if d.dx == 0 || d.dy == 0 {
					if s.VX != d.dx*w.MaxSpeed || s.VY != d.dy*w.MaxSpeed {
						t.Fatalf("velocity (%d,%d), want (%d,%d)", s.VX, s.VY, d.dx*w.MaxSpeed, d.dy*w.MaxSpeed)
					}
					return
				}
				if s.VX*d.dx <= 0 || s.VY*d.dy <= 0 || s.VX*d.dx != s.VY*d.dy {
					t.Fatalf("diagonal velocity (%d,%d) does not point %s", s.VX, s.VY, d.name)
				}
				speed := math.Hypot(float64(s.VX), float64(s.VY))
				if math.Abs(speed-float64(w.MaxSpeed)) > 0.01*float64(w.MaxSpeed) {
					t.Fatalf("diagonal speed %.1f, want %d within 1%%", speed, w.MaxSpeed)
				}
			})
		}
	}
}

// TestMoveStopsAtWalls pushes a ship into each wall and corner: it ends touching
// the wall, with no speed into it, and keeps sliding along the other axis.
func TestMoveStopsAtWalls(t *testing.T) {
	tests := []struct {
		name         string
		b            game.Buttons
		start        pt
		wantX, wantY func(w *game.World) int32 // nil: not pinned on that axis
	}{
		{"left", game.Left | game.Down, pt{100, 1000}, lo, nil},
		{"right", game.Right | game.Up, pt{3900, 3000}, hi, nil},
		{"top", game.Up | game.Right, pt{1000, 100}, nil, lo},
		{"bottom", game.Down | game.Left, pt{3000, 3900}, nil, hi},
		{"top-left corner", game.Up | game.Left, pt{80, 80}, lo, lo},
		{"bottom-right corner", game.Down | game.Right, pt{3920, 3920}, hi, hi},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, ids := arena(t, game.Rules{}, tt.start)
			s := w.Ship(ids[0])
			game.Step(w, []game.Input{press(w, ids[0], tt.b, 0)})
			stepN(w, 60)
			if tt.wantX != nil && (s.X != tt.wantX(w) || s.VX != 0) {
				t.Errorf("x = %d vx = %d, want x = %d vx = 0", s.X, s.VX, tt.wantX(w))
			}
			if tt.wantY != nil && (s.Y != tt.wantY(w) || s.VY != 0) {
				t.Errorf("y = %d vy = %d, want y = %d vy = 0", s.Y, s.VY, tt.wantY(w))
			}
			if tt.wantX == nil && s.VX == 0 {
				t.Errorf("stopped sliding along x at the wall")
			}
			if tt.wantY == nil && s.VY == 0 {
				t.Errorf("stopped sliding along y at the wall")
			}
		})
	}
}

func lo(w *game.World) int32 { return game.ShipRadius * game.Sub }
func hi(w *game.World) int32 { return w.Size - game.ShipRadius*game.Sub }

// TestMoveReleaseDecelerates lets go of every button at full speed: the ship
// slows by at most Accel per tick, stops within MaxSpeed/Accel ticks and stays put.
func TestMoveReleaseDecelerates(t *testing.T) {
	for _, d := range eightWays {
		t.Run(d.name, func(t *testing.T) {
			w, ids := arena(t, game.Rules{}, pt{2000, 2000})
			s := w.Ship(ids[0])
			game.Step(w, []game.Input{press(w, ids[0], d.b, 0)})
			stepN(w, 20)
			game.Step(w, []game.Input{press(w, ids[0], 0, 0)})
			stops := int((w.MaxSpeed + w.Accel - 1) / w.Accel)
			for i := 1; i < stops; i++ {
				prevVX, prevVY := s.VX, s.VY
				game.Step(w, nil)
				if abs(int64(s.VX)) > abs(int64(prevVX)) || abs(int64(s.VY)) > abs(int64(prevVY)) {
					t.Fatalf("sped up after release: (%d,%d) -> (%d,%d)", prevVX, prevVY, s.VX, s.VY)
				}
			}
			if s.VX != 0 || s.VY != 0 {
				t.Fatalf("still moving (%d,%d) after %d ticks", s.VX, s.VY, stops)
			}
			x, y := s.X, s.Y
			stepN(w, 10)
			if s.X != x || s.Y != y {
				t.Fatalf("drifted from (%d,%d) to (%d,%d)", x, y, s.X, s.Y)
			}
		})
	}
}

// TestIdleShipStaysStill marks a ship at full speed idle: it stops at once and
// ignores its player's inputs until it is back in play.
func TestIdleShipStaysStill(t *testing.T) {
	w, ids := arena(t, game.Rules{}, pt{2000, 2000})
	id := ids[0]
	s := w.Ship(id)
	game.Step(w, []game.Input{press(w, id, game.Right|game.Fire, 0)})
	stepN(w, 20)
	if err := w.SetIdle(id, true); err != nil {
		t.Fatal(err)
	}
	x, y := s.X, s.Y
	var evs []game.Event
	for i := 0; i < 30; i++ {
		game.Step(w, []game.Input{press(w, id, game.Left|game.Up|game.Fire, 0)})
		evs = append(evs, w.Events...)
	}
	if s.X != x || s.Y != y {
		t.Errorf("idle ship moved from (%d,%d) to (%d,%d)", x, y, s.X, s.Y)
	}
	if n := len(only(evs, game.Shot)); n != 0 {
		t.Errorf("idle ship fired %d shots", n)
	}
	if err := w.SetIdle(id, false); err != nil {
		t.Fatal(err)
	}
	game.Step(w, []game.Input{press(w, id, game.Left, 0)})
	stepN(w, 5)
	if s.X >= x {
		t.Errorf("ship back in play did not move left: x %d -> %d", x, s.X)
	}
	if err := w.SetIdle(9999, true); err != game.ErrNoShip {
		t.Errorf("SetIdle(unknown) = %v, want ErrNoShip", err)
	}
}

// TestInputsIgnored checks that replayed, malformed and misaddressed inputs
// change nothing, and that the newest of several inputs in one batch wins.
func TestInputsIgnored(t *testing.T) {
	tests := []struct {
		name        string
		inputs      func(id uint32) []game.Input
		wantButtons game.Buttons
		wantAim     game.Angle
		wantSeq     uint32
	}{
		{"replayed sequence number", func(id uint32) []game.Input {
			return []game.Input{{Ship: id, Seq: 10, Buttons: game.Left, Aim: 7}}
		}, game.Right, 100, 10},
		{"older sequence number", func(id uint32) []game.Input {
			return []game.Input{{Ship: id, Seq: 3, Buttons: game.Left, Aim: 7}}
		}, game.Right, 100, 10},
		{"unknown buttons", func(id uint32) []game.Input {
			return []game.Input{{Ship: id, Seq: 11, Buttons: game.Left | 0x40, Aim: 7}}
		}, game.Right, 100, 10},
		{"unknown ship", func(id uint32) []game.Input {
			return []game.Input{{Ship: id + 50, Seq: 11, Buttons: game.Left, Aim: 7}}
		}, game.Right, 100, 10},
		{"newest in a batch wins", func(id uint32) []game.Input {
			return []game.Input{
				{Ship: id, Seq: 12, Buttons: game.Up, Aim: 8},
				{Ship: id, Seq: 11, Buttons: game.Left, Aim: 7},
			}
		}, game.Up, 8, 12},
		{"accepted", func(id uint32) []game.Input {
			return []game.Input{{Ship: id, Seq: 11, Buttons: game.Down, Aim: 9}}
		}, game.Down, 9, 11},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, ids := arena(t, game.Rules{}, pt{2000, 2000})
			id := ids[0]
			game.Step(w, []game.Input{{Ship: id, Seq: 10, Buttons: game.Right, Aim: 100}})
			game.Step(w, tt.inputs(id))
			s := w.Ship(id)
			if s.Held() != tt.wantButtons || s.Aim != tt.wantAim || s.LastSeq != tt.wantSeq {
				t.Errorf("held %05b aim %d seq %d, want %05b aim %d seq %d",
					s.Held(), s.Aim, s.LastSeq, tt.wantButtons, tt.wantAim, tt.wantSeq)
			}
		})
	}
}

// TestRejoin brings an idle ship back for a new connection of its player,
// whose inputs start again from sequence number 1: the ship obeys them and
// keeps its place in the round.
func TestRejoin(t *testing.T) {
	w, ids := arena(t, game.Rules{}, pt{2000, 2000})
	id := ids[0]
	s := w.Ship(id)
	for range 40 {
		game.Step(w, []game.Input{press(w, id, game.Right, 0)})
	}
	s.Score = 70
	if err := w.SetIdle(id, true); err != nil {
		t.Fatal(err)
	}
	stepN(w, 5)
	x := s.X
	if err := w.Rejoin(id); err != nil {
		t.Fatal(err)
	}
	if s.Idle || s.LastSeq != 0 || s.Score != 70 || s.X != x {
		t.Fatalf("after Rejoin: idle %v, last seq %d, score %d, x %d; want false, 0, 70, %d", s.Idle, s.LastSeq, s.Score, s.X, x)
	}
	for seq := uint32(1); seq <= 10; seq++ {
		game.Step(w, []game.Input{{Ship: id, Seq: seq, Buttons: game.Left}})
	}
	if s.LastSeq != 10 || s.X >= x {
		t.Errorf("inputs 1..10 of the new connection: last seq %d, x %d -> %d; want 10 and a move left", s.LastSeq, x, s.X)
	}
	if err := w.Rejoin(9999); err != game.ErrNoShip {
		t.Errorf("Rejoin(unknown) = %v, want ErrNoShip", err)
	}
}
