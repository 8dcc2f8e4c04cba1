package client

import (
	"math"
	"testing"
)

func TestStarfieldIsStable(t *testing.T) {
	a, b := newStarfield(7), newStarfield(7)
	if len(a) != 3 {
		t.Fatalf("%d layers, want 3", len(a))
	}
	for i := range a {
		for j := range a[i].stars {
			if a[i].stars[j] != b[i].stars[j] {
				t.Fatalf("layer %d star %d differs for the same seed", i, j)
			}
		}
	}
	if newStarfield(8)[0].stars[0] == a[0].stars[0] {
		t.Error("another seed gives the same sky")
	}
}

func TestStarLayerParallax(t *testing.T) {
	l := starLayer{depth: 0.5, tile: 300, stars: []star{{x: 0.5, y: 0.5, size: 1, bright: 1}}}
	pos := func(camX float64) []float64 {
		var xs []float64
		l.each(camX, 0, 1, 800, 600, func(sx, sy float64, s *star) { xs = append(xs, sx) })
		return xs
	}
	before, after := pos(0), pos(100)
	if len(before) == 0 || len(after) == 0 {
		t.Fatal("the star never shows on an 800×600 screen")
	}
	// The camera moved 100 world units right: the star drifts 50 pixels left.
	if d := before[0] - after[0]; math.Abs(d-50) > 1e-9 {
		t.Errorf("the star moved %v pixels for 100 units of camera motion at depth 0.5, want 50", d)
	}
	l.each(12345, -999, 1, 800, 600, func(sx, sy float64, s *star) {
		if sx < -4 || sx > 804 || sy < -4 || sy > 604 {
			t.Errorf("a star is drawn off screen at (%v, %v)", sx, sy)
		}
	})
}

func TestGridLines(t *testing.T) {
	var worlds []float64
	gridLines(150, 1, 400, 100, 4000, func(s, w float64) {
		worlds = append(worlds, w)
		if want := (w-150)*1 + 200; s != want {
			t.Errorf("line %v drawn at %v, want %v", w, s, want)
		}
	})
	// The screen spans world -50..350: lines inside the arena only.
	if len(worlds) != 4 || worlds[0] != 0 || worlds[3] != 300 {
		t.Errorf("grid lines at %v, want [0 100 200 300]", worlds)
	}
}

func BenchmarkStarfield(b *testing.B) {
	layers := newStarfield(1)
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		n = 0
		for i := range layers {
			layers[i].each(1234, 567, 2, 2560, 1600, func(sx, sy float64, s *star) { n++ })
		}
	}
	b.ReportMetric(float64(n), "stars/frame")
}
