//go:build js

package client

import (
	"image/color"
	"math"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/tickarena/tickarena/client/netcode"
	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/wire"
)

// gridStep is the spacing of the arena's grid in world units.
const gridStep = 100

// drawWorld draws the starfield, the grid, the arena's border, pellets,
// bullets, ships and particles, as the camera sees them.
func (g *Game) drawWorld(dst *ebiten.Image) {
	c := g.cam
	w, h := float64(g.screen.w), float64(g.screen.h)

	// Stars: far layers drift slowly behind the arena.
	for i := range g.stars {
		l := &g.stars[i]
		l.each(c.x, c.y, c.zoom, w, h, func(sx, sy float64, s *star) {
			r := max(s.size*c.zoom*0.8, 0.8)
			g.world.rect(dst, sx-r/2, sy-r/2, r, r, fade(color.RGBA{0xc8, 0xd8, 0xff, 0xff}, s.bright))
		})
	}

	// The arena: a grid that shows motion, and a border.
	x0, y0 := c.toScreen(0, 0)
	x1, y1 := c.toScreen(g.worldSize, g.worldSize)
	lw := max(1, c.zoom)
	gridLines(c.x, c.zoom, w, gridStep, g.worldSize, func(s, world float64) {
		a := 0.35
		if math.Mod(world, 500) == 0 {
			a = 0.7
		}
		g.world.rect(dst, s-lw/2, max(y0, 0), lw, min(y1, h)-max(y0, 0), fade(colorGrid, a))
	})
	gridLines(c.y, c.zoom, h, gridStep, g.worldSize, func(s, world float64) {
		a := 0.35
		if math.Mod(world, 500) == 0 {
			a = 0.7
		}
		g.world.rect(dst, max(x0, 0), s-lw/2, min(x1, w)-max(x0, 0), lw, fade(colorGrid, a))
	})
	g.drawBorder(dst, x0, y0, x1, y1)

	f := g.frame
	if f == nil {
		return
	}
	// Glows go under the solid shapes they surround: draw the background's
	// solid batch, then the glows, then the solid cores.
	g.world.flush(dst)
	g.light.flush(dst)
	g.drawPellets(dst, f)
	g.drawBullets(dst, f)
	g.light.flush(dst)
	g.world.flush(dst)
	for i := range f.Ships {
		g.drawShip(dst, &f.Ships[i])
	}
	if f.HasSelf {
		g.drawShip(dst, &f.Self)
	}
	g.drawParticles(dst)
	g.world.flush(dst)
	g.light.flush(dst)
}

// drawBorder draws the arena's edge as a glowing wall with warning stripes.
func (g *Game) drawBorder(dst *ebiten.Image, x0, y0, x1, y1 float64) {
	z := g.cam.zoom
	lw := 4 * z
	// Outside the arena: darker space, so the edge reads as a wall.
	shade := color.RGBA{0x02, 0x03, 0x08, 0xa0}
	w, h := float64(g.screen.w), float64(g.screen.h)
	g.world.rect(dst, 0, 0, w, max(y0, 0), shade)
	g.world.rect(dst, 0, min(y1, h), w, h-min(y1, h), shade)
	g.world.rect(dst, 0, max(y0, 0), max(x0, 0), min(y1, h)-max(y0, 0), shade)
	g.world.rect(dst, min(x1, w), max(y0, 0), w-min(x1, w), min(y1, h)-max(y0, 0), shade)
	for i, glowW := range []float64{26 * z, 12 * z} {
		a := []float64{0.08, 0.18}[i]
		g.light.strokeRect(dst, x0-glowW/2, y0-glowW/2, x1-x0+glowW, y1-y0+glowW, glowW, fade(colorBorder, a))
	}
	g.light.strokeRect(dst, x0-lw/2, y0-lw/2, x1-x0+lw, y1-y0+lw, lw, fade(colorBorder, 0.9))
}

// drawPellets draws each pickup as a pulsing glowing dot.
func (g *Game) drawPellets(dst *ebiten.Image, f *netcode.Frame) {
	z := g.cam.zoom
	for i := range f.Pellets {
		p := &f.Pellets[i]
		if !g.cam.visible(p.X, p.Y, game.PelletRadius*3) {
			continue
		}
		sx, sy := g.cam.toScreen(p.X, p.Y)
		pulse := 0.85 + 0.15*math.Sin(g.elapsed*3+float64(p.ID)*1.7)
		r := game.PelletRadius * z * 0.55 * pulse
		g.light.glow(dst, sx, sy, r*3.2, fade(colorPellet, 0.35))
		g.world.circle(dst, sx, sy, r, colorPellet)
		g.world.circle(dst, sx-r*0.25, sy-r*0.25, r*0.4, color.RGBA{0xee, 0xff, 0xe0, 0xff})
	}
}

// drawBullets draws each bullet as a bright head with a fading trail behind it.
func (g *Game) drawBullets(dst *ebiten.Image, f *netcode.Frame) {
	z := g.cam.zoom
	for i := range f.Bullets {
		b := &f.Bullets[i]
		if !g.cam.visible(b.X, b.Y, 80) {
			continue
		}
		c := mix(shipColor(b.Owner), colorText, 0.35)
		sx, sy := g.cam.toScreen(b.X, b.Y)
		trail := 60 * z
		tx, ty := sx-math.Cos(b.Angle)*trail, sy-math.Sin(b.Angle)*trail
		g.light.line(dst, tx, ty, sx, sy, game.BulletRadius*z*1.6, fade(c, 0), fade(c, 0.8))
		g.light.glow(dst, sx, sy, game.BulletRadius*z*3.5, fade(c, 0.55))
		g.world.circle(dst, sx, sy, game.BulletRadius*z*0.8, color.RGBA{0xff, 0xff, 0xff, 0xff})
	}
}

// shipShape returns the outline of a ship at (x, y) facing a (radians),
// r pixels in radius: a dart with swept wings and a notched tail.
func shipShape(pts [][2]float64, x, y, a, r float64) [][2]float64 {
	local := [...][2]float64{{1.25, 0}, {-0.85, 0.9}, {-0.45, 0}, {-0.85, -0.9}}
	cs, sn := math.Cos(a), math.Sin(a)
	pts = pts[:0]
	for _, p := range local {
		px, py := p[0]*r, p[1]*r
		pts = append(pts, [2]float64{x + px*cs - py*sn, y + px*sn + py*cs})
	}
	return pts
}

// drawShip draws one ship with its glow, engine flame, name tag and health bar.
// Destroyed ships are not drawn: their explosion already was.
func (g *Game) drawShip(dst *ebiten.Image, e *netcode.RenderEntity) {
	if e.Dead() || !g.cam.visible(e.X, e.Y, game.ShipRadius*4) {
		return
	}
	z := g.cam.zoom
	r := game.ShipRadius * z
	sx, sy := g.cam.toScreen(e.X, e.Y)
	c := colorOfShip(e)
	cs, sn := math.Cos(e.Aim), math.Sin(e.Aim)

	// A flickering thruster flame trails a moving ship, opposite its motion:
	// ships strafe, so the flame shows where they go, not where they aim.
	vx, vy := g.velocityOf(e)
	if sp := math.Hypot(vx, vy); sp > 60 && sp < 4*game.ShipSpeed {
		k := min(sp/game.ShipSpeed, 1)
		flick := 0.8 + 0.2*math.Sin(g.elapsed*40+float64(e.ID))
		l := r * (0.5 + 1.1*k) * flick
		ux, uy := vx/sp, vy/sp
		bx, by := sx-ux*r*0.35, sy-uy*r*0.35
		g.light.line(dst, bx, by, bx-ux*l, by-uy*l, r*0.55, fade(color.RGBA{0xff, 0xc8, 0x70, 0xff}, 0.85), fade(color.RGBA{0xff, 0x50, 0x20, 0xff}, 0))
		g.light.glow(dst, bx, by, r*0.5, fade(color.RGBA{0xff, 0xb0, 0x50, 0xff}, 0.5))
	}
	g.light.glow(dst, sx, sy, r*2.4, fade(c, 0.22))
	if e.Self {
		pulse := 0.5 + 0.5*math.Sin(g.elapsed*4)
		g.light.ring(dst, sx, sy, r*1.7, max(1.5, 2*z), fade(colorText, 0.25+0.2*pulse), 0, 2*math.Pi)
	}
	g.light.flush(dst)

	var buf [4][2]float64
	pts := shipShape(buf[:0], sx, sy, e.Aim, r)
	g.world.poly(dst, pts, mix(c, colorSpace, 0.55))
	inner := shipShape(buf[:0:0], sx, sy, e.Aim, r*0.62)
	g.world.poly(dst, inner, mix(c, colorSpace, 0.15))
	edge := c
	if e.Self {
		edge = mix(c, colorText, 0.6)
	}
	g.world.outline(dst, pts, max(1.5, 2.2*z), edge)
	// Cockpit.
	g.world.circle(dst, sx+cs*r*0.3, sy+sn*r*0.3, r*0.18, mix(c, colorText, 0.7))
	g.world.flush(dst)
	g.drawShipTags(dst, e, sx, sy, r, c)
}

// drawShipTags draws a ship's name above it and its health bar below it.
func (g *Game) drawShipTags(dst *ebiten.Image, e *netcode.RenderEntity, sx, sy, r float64, c color.RGBA) {
	ui := g.screen.ui
	name := truncate(e.Name, 16)
	if e.Flags&wire.FlagIdle != 0 {
		name += " (away)"
	}
	tc := mix(c, colorText, 0.55)
	if e.Self {
		tc = colorText
	}
	drawText(dst, name, g.fonts.small, sx, sy-r*1.35-16*ui, alignCenter, tc)

	bw, bh := max(r*2.2, 44*ui), max(4*ui, 3)
	bx, by := sx-bw/2, sy+r*1.35
	hp := float64(e.HP) / game.MaxHP
	g.world.roundRect(dst, bx-1, by-1, bw+2, bh+2, bh, color.RGBA{0, 0, 0, 0xa0})
	if hp > 0 {
		g.world.roundRect(dst, bx, by, bw*min(hp, 1), bh, bh/2, healthColor(hp))
	}
	g.world.flush(dst)
}

// drawParticles draws the sparks of effects, shrinking and fading as they age.
func (g *Game) drawParticles(dst *ebiten.Image) {
	z := g.cam.zoom
	for _, p := range g.particles.live() {
		if !g.cam.visible(p.x, p.y, p.size*3) {
			continue
		}
		k := 1 - p.fraction()
		sx, sy := g.cam.toScreen(p.x, p.y)
		r := p.size * z * (0.3 + 0.7*k)
		g.light.glow(dst, sx, sy, r*2.5, fade(p.color, 0.5*k))
		g.light.circle(dst, sx, sy, r*0.6, fade(mix(p.color, colorText, 0.5), k))
	}
}
