package client

import (
	"image/color"
	"testing"

	"github.com/tickarena/tickarena/client/netcode"
	"github.com/tickarena/tickarena/game"
)

func TestBursts(t *testing.T) {
	colorOf := func(id uint32) color.RGBA { return color.RGBA{uint8(id), 0, 0, 255} }
	tests := []struct {
		kind  game.EventKind
		min   int // particles at least
		color color.RGBA
	}{
		{game.Shot, 1, Mix(colorOf(2), ColorText, 0.5)},
		{game.Hit, 10, ColorGold},
		{game.Death, 40, colorOf(1)}, // the explosion carries the victim's colour
		{game.Pickup, 5, ColorPellet},
		{game.Spawn, 10, Mix(colorOf(1), ColorText, 0.3)},
	}
	for _, tt := range tests {
		fx := netcode.Effect{Kind: tt.kind, A: 1, B: 2, X: 100, Y: 200}
		bursts := Bursts(nil, &fx, colorOf)
		n := 0
		for _, b := range bursts {
			n += b.N
			if b.X != 100 || b.Y != 200 {
				t.Errorf("kind %d: a burst at (%v, %v), want where it happened", tt.kind, b.X, b.Y)
			}
		}
		if n < tt.min {
			t.Errorf("kind %d: %d particles, want at least %d", tt.kind, n, tt.min)
		}
		if len(bursts) == 0 || bursts[0].Color != tt.color {
			t.Errorf("kind %d: bursts %+v, want the first coloured %v", tt.kind, bursts, tt.color)
		}
	}
	if got := Bursts(nil, &netcode.Effect{Kind: 99}, colorOf); len(got) != 0 {
		t.Errorf("an unknown kind made %d bursts", len(got))
	}
}

func TestShakeDecays(t *testing.T) {
	var s Shake
	if dx, dy := s.Update(1.0 / 60); dx != 0 || dy != 0 {
		t.Fatal("a still screen shakes")
	}
	s.Kick(100)
	if s.Amount != 24 {
		t.Errorf("a huge kick shakes by %v, want the cap 24", s.Amount)
	}
	for range 120 {
		s.Update(1.0 / 60)
	}
	if dx, dy := s.Update(1.0 / 60); dx != 0 || dy != 0 || s.Amount != 0 {
		t.Errorf("two seconds after a kick the screen still shakes by (%v, %v)", dx, dy)
	}
}
