package client

import (
	"math"
	"testing"

	"github.com/tickarena/tickarena/game"
)

func TestDirectionButtons(t *testing.T) {
	tests := []struct {
		name   string
		dx, dy float64
		want   game.Buttons
	}{
		{"centred", 0, 0, 0},
		{"right", 1, 0, game.Right},
		{"down is +Y", 0, 1, game.Down},
		{"left", -1, 0, game.Left},
		{"up", 0, -1, game.Up},
		{"down-right", 1, 1, game.Down | game.Right},
		{"up-left", -1, -1, game.Up | game.Left},
		{"mostly right rounds to right", 1, 0.3, game.Right},
		{"between right and down-right rounds to the nearest", 1, 0.5, game.Down | game.Right},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := directionButtons(tt.dx, tt.dy); got != tt.want {
				t.Errorf("DirectionButtons(%v, %v) = %05b, want %05b", tt.dx, tt.dy, got, tt.want)
			}
		})
	}
}

func TestStick(t *testing.T) {
	tests := []struct {
		name    string
		to      [2]float64
		want    game.Buttons
		wantLen float64
	}{
		{"a small slip is in the dead zone", [2]float64{110, 100}, 0, 0},
		{"half a push", [2]float64{135, 100}, game.Right, 0.5},
		{"a full push", [2]float64{100, 30}, game.Up, 1},
		{"past the radius still reads as a full push", [2]float64{100, 400}, game.Down, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s stick
			s.press(7, 100, 100, 70)
			s.move(tt.to[0], tt.to[1])
			if got := s.buttons(); got != tt.want {
				t.Errorf("after moving to %v the stick reads %05b, want %05b", tt.to, got, tt.want)
			}
			dx, dy := s.vector()
			if l := math.Hypot(dx, dy); math.Abs(l-tt.wantLen) > 1e-9 {
				t.Errorf("after moving to %v the push is %v, want %v", tt.to, l, tt.wantLen)
			}
		})
	}
}

func TestStickOriginFollowsAFingerPastTheRadius(t *testing.T) {
	var s stick
	s.press(1, 100, 100, 50)
	s.move(300, 100) // far right: the origin is dragged to 250
	s.move(200, 100) // back left by 100: already a full push left
	if got := s.buttons(); got != game.Left {
		t.Errorf("reversing after a long drag reads %05b, want Left at once", got)
	}
	s.release()
	if s.pushed() || s.buttons() != 0 {
		t.Error("a released stick still pushes")
	}
}

func TestAimAngle(t *testing.T) {
	tests := []struct {
		dx, dy float64
		want   game.Angle
	}{
		{1, 0, 0},
		{0, 1, 16384},
		{-1, 0, 32768},
		{0, -1, 49152},
		{1, -1e-9, 0},
	}
	for _, tt := range tests {
		if got := aimAngle(tt.dx, tt.dy); got != tt.want {
			t.Errorf("AimAngle(%v, %v) = %d, want %d", tt.dx, tt.dy, got, tt.want)
		}
	}
}
