package client

import (
	"image/color"
	"math"
	"testing"
)

func TestParticlesLiveAndDie(t *testing.T) {
	var ps Particles
	ps.Emit(Burst{X: 10, Y: 20, N: 30, Speed: 100, Life: 1, Size: 4, Color: ColorGold})
	if n := len(ps.Live()); n != 30 {
		t.Fatalf("a burst of 30 left %d particles", n)
	}
	ps.Update(0.25)
	moved := 0
	for _, p := range ps.Live() {
		if p.X != 10 || p.Y != 20 {
			moved++
		}
		if p.Fraction() <= 0 || p.Fraction() >= 1 {
			t.Errorf("a quarter second into a life of %v the fraction is %v", p.Life, p.Fraction())
		}
	}
	if moved != 30 {
		t.Errorf("%d of 30 particles moved", moved)
	}
	ps.Update(1.01) // every life is at most 1 s
	if n := len(ps.Live()); n != 0 {
		t.Errorf("%d particles outlived their life", n)
	}
}

func TestParticlesAreBounded(t *testing.T) {
	ps := Particles{Max: 50}
	for range 10 {
		ps.Emit(Burst{N: 20, Speed: 10, Life: 5, Size: 1, Color: ColorText})
	}
	if n := len(ps.Live()); n != 50 {
		t.Errorf("the pool holds %d particles, want its bound 50", n)
	}
}

func TestBurstSpread(t *testing.T) {
	var ps Particles
	ps.Emit(Burst{N: 200, Speed: 100, Life: 1, Size: 1, Angle: math.Pi / 2, Spread: 0.2, Color: color.RGBA{A: 255}})
	for _, p := range ps.Live() {
		a := math.Atan2(p.VY, p.VX)
		if math.Abs(a-math.Pi/2) > 0.2+1e-9 {
			t.Fatalf("a particle left at %v rad, outside %v ± 0.2", a, math.Pi/2)
		}
		if s := math.Hypot(p.VX, p.VY); s < 33 || s > 100+1e-9 {
			t.Fatalf("a particle has speed %v, outside [33, 100]", s)
		}
	}
}

func BenchmarkParticles(b *testing.B) {
	var ps Particles
	b.ReportAllocs()
	for b.Loop() {
		ps.Emit(Burst{N: 48, Speed: 520, Life: 0.9, Size: 5, Color: ColorGold})
		ps.Update(1.0 / 60)
	}
	b.ReportMetric(float64(len(ps.Live())), "live")
}
