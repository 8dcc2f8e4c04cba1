//go:build js

package client

import (
	"image"
	"image/color"
	"math"

	"github.com/hajimehoshi/ebiten/v2"
)

// whiteImage is the source of every untextured triangle: one white texel.
var whiteImage = func() *ebiten.Image {
	img := ebiten.NewImage(3, 3)
	img.Fill(color.White)
	return img.SubImage(image.Rect(1, 1, 2, 2)).(*ebiten.Image)
}()

// batch collects coloured triangles and draws them in one call: the world is
// hundreds of small shapes, and one draw call per shape would be slow in the
// browser. Colours are per vertex, so that glows fade to transparent.
type batch struct {
	vs    []ebiten.Vertex
	is    []uint16
	blend ebiten.Blend
	aa    bool
}

// flush draws the collected triangles onto dst and empties the batch.
func (b *batch) flush(dst *ebiten.Image) {
	if len(b.is) == 0 {
		return
	}
	op := &ebiten.DrawTrianglesOptions{Blend: b.blend, AntiAlias: b.aa}
	dst.DrawTriangles(b.vs, b.is, whiteImage, op)
	b.vs, b.is = b.vs[:0], b.is[:0]
}

// room flushes when n more vertices would not fit 16-bit indices.
func (b *batch) room(dst *ebiten.Image, n int) {
	if len(b.vs)+n > 65000 {
		b.flush(dst)
	}
}

func (b *batch) vertex(x, y float64, c color.RGBA) uint16 {
	b.vs = append(b.vs, ebiten.Vertex{
		DstX: float32(x), DstY: float32(y), SrcX: 1, SrcY: 1,
		ColorR: float32(c.R) / 255, ColorG: float32(c.G) / 255, ColorB: float32(c.B) / 255, ColorA: float32(c.A) / 255,
	})
	return uint16(len(b.vs) - 1)
}

// segments returns how many edges make a circle of radius r pixels look round.
func segments(r float64) int {
	return min(max(int(r*0.8), 10), 48)
}

// glow draws a disc whose colour fades from inner at the centre to
// transparent at radius r.
func (b *batch) glow(dst *ebiten.Image, x, y, r float64, inner color.RGBA) {
	n := segments(r)
	b.room(dst, n+1)
	c := b.vertex(x, y, inner)
	first := uint16(len(b.vs))
	edge := fade(inner, 0)
	for i := range n {
		a := float64(i) / float64(n) * 2 * math.Pi
		b.vertex(x+math.Cos(a)*r, y+math.Sin(a)*r, edge)
	}
	for i := range n {
		b.is = append(b.is, c, first+uint16(i), first+uint16((i+1)%n))
	}
}

// circle draws a filled disc.
func (b *batch) circle(dst *ebiten.Image, x, y, r float64, clr color.RGBA) {
	n := segments(r)
	b.room(dst, n+1)
	c := b.vertex(x, y, clr)
	first := uint16(len(b.vs))
	for i := range n {
		a := float64(i) / float64(n) * 2 * math.Pi
		b.vertex(x+math.Cos(a)*r, y+math.Sin(a)*r, clr)
	}
	for i := range n {
		b.is = append(b.is, c, first+uint16(i), first+uint16((i+1)%n))
	}
}

// ring draws a circle outline of width w, from angle a0 to a1 (radians).
func (b *batch) ring(dst *ebiten.Image, x, y, r, w float64, clr color.RGBA, a0, a1 float64) {
	n := max(segments(r)*int(math.Ceil((a1-a0)/(2*math.Pi)*4))/4, 4)
	b.room(dst, 2*(n+1))
	first := uint16(len(b.vs))
	for i := 0; i <= n; i++ {
		a := a0 + (a1-a0)*float64(i)/float64(n)
		cs, sn := math.Cos(a), math.Sin(a)
		b.vertex(x+cs*(r-w/2), y+sn*(r-w/2), clr)
		b.vertex(x+cs*(r+w/2), y+sn*(r+w/2), clr)
	}
	for i := range n {
		k := first + uint16(2*i)
		b.is = append(b.is, k, k+1, k+2, k+1, k+3, k+2)
	}
}

// line draws a segment of width w whose colour goes from c0 to c1.
func (b *batch) line(dst *ebiten.Image, x0, y0, x1, y1, w float64, c0, c1 color.RGBA) {
	dx, dy := x1-x0, y1-y0
	d := math.Hypot(dx, dy)
	if d == 0 {
		return
	}
	nx, ny := -dy/d*w/2, dx/d*w/2
	b.room(dst, 4)
	k := b.vertex(x0+nx, y0+ny, c0)
	b.vertex(x0-nx, y0-ny, c0)
	b.vertex(x1+nx, y1+ny, c1)
	b.vertex(x1-nx, y1-ny, c1)
	b.is = append(b.is, k, k+1, k+2, k+1, k+3, k+2)
}

// rect draws a filled axis-aligned rectangle.
func (b *batch) rect(dst *ebiten.Image, x, y, w, h float64, clr color.RGBA) {
	b.room(dst, 4)
	k := b.vertex(x, y, clr)
	b.vertex(x+w, y, clr)
	b.vertex(x, y+h, clr)
	b.vertex(x+w, y+h, clr)
	b.is = append(b.is, k, k+1, k+2, k+1, k+3, k+2)
}

// roundRect draws a filled rectangle with corners rounded by radius r.
func (b *batch) roundRect(dst *ebiten.Image, x, y, w, h, r float64, clr color.RGBA) {
	r = min(r, w/2, h/2)
	if r <= 0 {
		b.rect(dst, x, y, w, h, clr)
		return
	}
	const steps = 5
	b.room(dst, 1+4*(steps+1))
	c := b.vertex(x+w/2, y+h/2, clr)
	first := uint16(len(b.vs))
	corners := [4][3]float64{{x + w - r, y + r, -math.Pi / 2}, {x + w - r, y + h - r, 0}, {x + r, y + h - r, math.Pi / 2}, {x + r, y + r, math.Pi}}
	for _, k := range corners {
		for i := 0; i <= steps; i++ {
			a := k[2] + float64(i)/steps*math.Pi/2
			b.vertex(k[0]+math.Cos(a)*r, k[1]+math.Sin(a)*r, clr)
		}
	}
	n := uint16(4 * (steps + 1))
	for i := range n {
		b.is = append(b.is, c, first+i, first+(i+1)%n)
	}
}

// strokeRect draws the outline of a rectangle with lines of width w.
func (b *batch) strokeRect(dst *ebiten.Image, x, y, w, h, lw float64, clr color.RGBA) {
	b.rect(dst, x, y, w, lw, clr)
	b.rect(dst, x, y+h-lw, w, lw, clr)
	b.rect(dst, x, y+lw, lw, h-2*lw, clr)
	b.rect(dst, x+w-lw, y+lw, lw, h-2*lw, clr)
}

// poly draws a convex polygon (a fan from its first point).
func (b *batch) poly(dst *ebiten.Image, pts [][2]float64, clr color.RGBA) {
	b.room(dst, len(pts))
	first := uint16(len(b.vs))
	for _, p := range pts {
		b.vertex(p[0], p[1], clr)
	}
	for i := 1; i+1 < len(pts); i++ {
		b.is = append(b.is, first, first+uint16(i), first+uint16(i+1))
	}
}

// outline draws the closed outline of a polygon with lines of width w.
func (b *batch) outline(dst *ebiten.Image, pts [][2]float64, w float64, clr color.RGBA) {
	for i := range pts {
		p, q := pts[i], pts[(i+1)%len(pts)]
		b.line(dst, p[0], p[1], q[0], q[1], w, clr, clr)
		b.circle(dst, q[0], q[1], w/2, clr)
	}
}
