package client

import (
	"image/color"
	"testing"
)

func TestShipColorDistinctAndStable(t *testing.T) {
	// Ships that play together (consecutive ids) must be told apart at a glance.
	for id := uint32(1024); id < 1040; id++ {
		a, b := shipColor(id), shipColor(id+1)
		if a != shipColor(id) {
			t.Fatalf("ShipColor(%d) changed between calls", id)
		}
		if d := colorDistance(a, b); d < 60 {
			t.Errorf("ShipColor(%d) = %v and ShipColor(%d) = %v are too close (distance %d)", id, a, id+1, b, d)
		}
		if d := colorDistance(a, colorPellet); d < 40 {
			t.Errorf("ShipColor(%d) = %v looks like a pellet (%v)", id, a, colorPellet)
		}
		if a.A != 0xff {
			t.Errorf("ShipColor(%d) is not opaque: %v", id, a)
		}
	}
}

func colorDistance(a, b color.RGBA) int {
	abs := func(x int) int {
		if x < 0 {
			return -x
		}
		return x
	}
	return abs(int(a.R)-int(b.R)) + abs(int(a.G)-int(b.G)) + abs(int(a.B)-int(b.B))
}

func TestHSV(t *testing.T) {
	tests := []struct {
		name    string
		h, s, v float64
		want    color.RGBA
	}{
		{"red", 0, 1, 1, color.RGBA{255, 0, 0, 255}},
		{"green", 1.0 / 3, 1, 1, color.RGBA{0, 255, 0, 255}},
		{"blue", 2.0 / 3, 1, 1, color.RGBA{0, 0, 255, 255}},
		{"white", 0.5, 0, 1, color.RGBA{255, 255, 255, 255}},
		{"black", 0.2, 1, 0, color.RGBA{0, 0, 0, 255}},
		{"hue wraps", 1, 1, 1, color.RGBA{255, 0, 0, 255}},
		{"negative hue wraps", -1.0 / 3, 1, 1, color.RGBA{0, 0, 255, 255}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := hsv(tt.h, tt.s, tt.v); got != tt.want {
				t.Errorf("HSV(%v, %v, %v) = %v, want %v", tt.h, tt.s, tt.v, got, tt.want)
			}
		})
	}
}

func TestHealthColor(t *testing.T) {
	tests := []struct {
		name string
		hp   float64
		want color.RGBA
	}{
		{"full health is green", 1, colorGood},
		{"half health is gold", 0.5, colorGold},
		{"no health is red", 0, colorDanger},
		{"over full stays green", 1.5, colorGood},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := healthColor(tt.hp); got != tt.want {
				t.Errorf("HealthColor(%v) = %v, want %v", tt.hp, got, tt.want)
			}
		})
	}
}

func TestFadeAndMix(t *testing.T) {
	c := color.RGBA{200, 100, 50, 255}
	if got := fade(c, 0.5); got != (color.RGBA{200, 100, 50, 128}) {
		t.Errorf("Fade(%v, 0.5) = %v: the colour must stay, only alpha halves", c, got)
	}
	if got := mix(color.RGBA{0, 0, 0, 255}, color.RGBA{255, 255, 255, 255}, 0.5); got != (color.RGBA{128, 128, 128, 255}) {
		t.Errorf("Mix(black, white, 0.5) = %v, want mid grey", got)
	}
}
