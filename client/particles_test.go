package client

import (
	"image/color"
	"math"
	"testing"
)

func TestParticlesLiveAndDie(t *testing.T) {
	var ps particles
	ps.emit(burst{x: 10, y: 20, n: 30, speed: 100, life: 1, size: 4, color: colorGold})
	if n := len(ps.live()); n != 30 {
		t.Fatalf("a burst of 30 left %d particles", n)
	}
	ps.update(0.25)
	moved := 0
	for _, p := range ps.live() {
		if p.x != 10 || p.y != 20 {
			moved++
		}
		if p.fraction() <= 0 || p.fraction() >= 1 {
			t.Errorf("a quarter second into a life of %v the fraction is %v", p.life, p.fraction())
		}
	}
	if moved != 30 {
		t.Errorf("%d of 30 particles moved", moved)
	}
	ps.update(1.01) // every life is at most 1 s
	if n := len(ps.live()); n != 0 {
		t.Errorf("%d particles outlived their life", n)
	}
}

func TestParticlesAreBounded(t *testing.T) {
	ps := particles{max: 50}
	for range 10 {
		ps.emit(burst{n: 20, speed: 10, life: 5, size: 1, color: colorText})
	}
	if n := len(ps.live()); n != 50 {
		t.Errorf("the pool holds %d particles, want its bound 50", n)
	}
}

func TestBurstSpread(t *testing.T) {
	var ps particles
	ps.emit(burst{n: 200, speed: 100, life: 1, size: 1, angle: math.Pi / 2, spread: 0.2, color: color.RGBA{A: 255}})
	for _, p := range ps.live() {
		a := math.Atan2(p.vy, p.vx)
		if math.Abs(a-math.Pi/2) > 0.2+1e-9 {
			t.Fatalf("a particle left at %v rad, outside %v ± 0.2", a, math.Pi/2)
		}
		if s := math.Hypot(p.vx, p.vy); s < 33 || s > 100+1e-9 {
			t.Fatalf("a particle has speed %v, outside [33, 100]", s)
		}
	}
}

func BenchmarkParticles(b *testing.B) {
	var ps particles
	b.ReportAllocs()
	for b.Loop() {
		ps.emit(burst{n: 48, speed: 520, life: 0.9, size: 5, color: colorGold})
		ps.update(1.0 / 60)
	}
	b.ReportMetric(float64(len(ps.live())), "live")
}
