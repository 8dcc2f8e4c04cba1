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
		{game.Shot, 1, mix(colorOf(2), colorText, 0.5)},
		{game.Hit, 10, colorGold},
		{game.Death, 40, colorOf(1)}, // the explosion carries the victim's colour
		{game.Pickup, 5, colorPellet},
		{game.Spawn, 10, mix(colorOf(1), colorText, 0.3)},
	}
	for _, tt := range tests {
		fx := netcode.Effect{Kind: tt.kind, A: 1, B: 2, X: 100, Y: 200}
		bursts := bursts(nil, &fx, colorOf)
		n := 0
		for _, b := range bursts {
			n += b.n
			if b.x != 100 || b.y != 200 {
				t.Errorf("kind %d: a burst at (%v, %v), want where it happened", tt.kind, b.x, b.y)
			}
		}
		if n < tt.min {
			t.Errorf("kind %d: %d particles, want at least %d", tt.kind, n, tt.min)
		}
		if len(bursts) == 0 || bursts[0].color != tt.color {
			t.Errorf("kind %d: bursts %+v, want the first coloured %v", tt.kind, bursts, tt.color)
		}
	}
	if got := bursts(nil, &netcode.Effect{Kind: 99}, colorOf); len(got) != 0 {
		t.Errorf("an unknown kind made %d bursts", len(got))
	}
}

func TestShakeDecays(t *testing.T) {
	var s shake
	if dx, dy := s.update(1.0 / 60); dx != 0 || dy != 0 {
		t.Fatal("a still screen shakes")
	}
	s.kick(100)
	if s.amount != 24 {
		t.Errorf("a huge kick shakes by %v, want the cap 24", s.amount)
	}
	for range 120 {
		s.update(1.0 / 60)
	}
	if dx, dy := s.update(1.0 / 60); dx != 0 || dy != 0 || s.amount != 0 {
		t.Errorf("two seconds after a kick the screen still shakes by (%v, %v)", dx, dy)
	}
}
