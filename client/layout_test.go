package client

import (
	"math"
	"testing"
)

func TestNewScreen(t *testing.T) {
	tests := []struct {
		name         string
		w, h         int
		dpr          float64
		wantW, wantH int
		wantZoom     float64
	}{
		{"reference window", 1280, 800, 1, 1280, 800, 1},
		{"retina doubles the pixels, not the view", 1280, 800, 2, 2560, 1600, 2},
		{"wide window shows at most the reference width", 1920, 800, 1, 1920, 800, 1.5},
		{"small window zooms out no further than the reference", 640, 400, 1, 640, 400, 0.5},
		{"invalid ratio counts as 1", 1280, 800, math.NaN(), 1280, 800, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newScreen(tt.w, tt.h, tt.dpr)
			if s.w != tt.wantW || s.h != tt.wantH || s.zoom != tt.wantZoom {
				t.Errorf("NewScreen(%d, %d, %v) = %d×%d zoom %v, want %d×%d zoom %v", tt.w, tt.h, tt.dpr, s.w, s.h, s.zoom, tt.wantW, tt.wantH, tt.wantZoom)
			}
			// The world on screen never exceeds the server's area of interest.
			if ww, wh := float64(s.w)/s.zoom, float64(s.h)/s.zoom; ww > refWidth+0.5 && wh > refHeight+0.5 {
				t.Errorf("the screen shows %.0f×%.0f world units, more than %d×%d", ww, wh, refWidth, refHeight)
			}
			m := s.minimap
			if m.x < 0 || m.y < 0 || m.x+m.w > float64(s.w) || m.y+m.h > float64(s.h) || m.w != m.h {
				t.Errorf("minimap %+v is not a square inside the %d×%d screen", m, s.w, s.h)
			}
		})
	}
}

func TestCamera(t *testing.T) {
	c := newCamera(newScreen(1280, 800, 2), 1000, 500)
	if x, y := c.toScreen(1000, 500); x != 1280 || y != 800 {
		t.Errorf("the camera's centre is drawn at (%v, %v), want the screen's centre (1280, 800)", x, y)
	}
	for _, p := range [][2]float64{{0, 0}, {1234.5, 99}, {-50, 4000}} {
		sx, sy := c.toScreen(p[0], p[1])
		wx, wy := c.toWorld(sx, sy)
		if math.Abs(wx-p[0]) > 1e-9 || math.Abs(wy-p[1]) > 1e-9 {
			t.Errorf("ToWorld(ToScreen(%v)) = (%v, %v)", p, wx, wy)
		}
	}
	tests := []struct {
		name    string
		x, y, r float64
		want    bool
	}{
		{"centre", 1000, 500, 0, true},
		{"just off the right edge", 1000 + 641, 500, 0, false},
		{"off the edge but its radius shows", 1000 + 650, 500, 20, true},
		{"far away", 3000, 3000, 50, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.visible(tt.x, tt.y, tt.r); got != tt.want {
				t.Errorf("Visible(%v, %v, %v) = %v, want %v", tt.x, tt.y, tt.r, got, tt.want)
			}
		})
	}
}

func TestLeadFollowsTheAimWithinBounds(t *testing.T) {
	var l lead
	var x, y float64
	for range 200 {
		x, y = l.follow(10000, 0, 1.0/60)
	}
	if math.Abs(x-110) > 0.5 || math.Abs(y) > 1e-9 {
		t.Errorf("after aiming far right for a while the lead is (%v, %v), want (110, 0)", x, y)
	}
	x1, _ := l.follow(0, 0, 1.0/60)
	if x1 >= x || x1 <= 0 {
		t.Errorf("the lead jumped from %v to %v instead of easing back", x, x1)
	}
}

func TestMinimap(t *testing.T) {
	m := rect{x: 100, y: 50, w: 256, h: 256}
	if x, y := minimapPoint(m, 0, 255); x != 100.5 || y != 305.5 {
		t.Errorf("MinimapPoint(0, 255) = (%v, %v), want the bottom-left cell's centre (100.5, 305.5)", x, y)
	}
	if x, y := minimapWorld(m, 4000, 2000, 8000); x != 228 || y != 306 {
		t.Errorf("MinimapWorld(2000, 8000) = (%v, %v), want clamped to (228, 306)", x, y)
	}
}
