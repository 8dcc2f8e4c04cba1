//go:build js

package client

import (
	"fmt"
	"math"
	"slices"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"
)

// Spectate mode: the game watches a room without a ship (Options.Spectate).
// The camera follows the ship the spectator picked, or shows the whole arena;
// the HUD says whom it follows and how far behind the live room it is.

// pickRadius is how far from a ship's centre, in world units, a click still
// picks it.
const pickRadius = 60

// readSpectatorInput turns keys and clicks into follow requests: Tab or F
// follows the next ship of the roster (Shift: the previous one), Space or 0
// the whole arena, a click the ship under the cursor. Q holds the scoreboard.
func (g *Game) readSpectatorInput() {
	g.scoreboard = ebiten.IsKeyPressed(ebiten.KeyQ)
	shift := ebiten.IsKeyPressed(ebiten.KeyShift)
	switch {
	case inpututil.IsKeyJustPressed(ebiten.KeyTab), inpututil.IsKeyJustPressed(ebiten.KeyF):
		step := 1
		if shift {
			step = -1
		}
		g.net.Follow(g.nextShip(step))
	case inpututil.IsKeyJustPressed(ebiten.KeySpace), inpututil.IsKeyJustPressed(ebiten.KeyDigit0):
		g.net.Follow(0)
	case inpututil.IsMouseButtonJustPressed(ebiten.MouseButtonLeft):
		mx, my := ebiten.CursorPosition()
		if id := g.shipAt(float64(mx), float64(my)); id != 0 {
			g.net.Follow(id)
		}
	}
}

// nextShip returns the ship step places after the followed one in the
// roster, by id, wrapping around; the first ship when none is followed.
func (g *Game) nextShip(step int) uint32 {
	ids := make([]uint32, 0, len(g.net.Roster()))
	for _, l := range g.net.Roster() {
		ids = append(ids, l.Ship)
	}
	if len(ids) == 0 {
		return 0
	}
	slices.Sort(ids)
	cur, _, _ := g.net.Following()
	i, found := slices.BinarySearch(ids, cur)
	if !found && step > 0 {
		i-- // the next one up is at i, the previous one down at i-1
	}
	return ids[((i+step)%len(ids)+len(ids))%len(ids)]
}

// shipAt returns the drawn ship nearest to the screen point (sx, sy) within
// pickRadius, or 0.
func (g *Game) shipAt(sx, sy float64) uint32 {
	if g.frame == nil || g.cam.Zoom <= 0 {
		return 0
	}
	wx, wy := g.cam.ToWorld(sx, sy)
	best, bestD := uint32(0), max(pickRadius, 12/g.cam.Zoom)
	for i := range g.frame.Ships {
		s := &g.frame.Ships[i]
		if d := math.Hypot(s.X-wx, s.Y-wy); d <= bestD {
			best, bestD = s.ID, d
		}
	}
	return best
}

// spectatorCamera returns where a spectator's camera looks and how close:
// on the followed ship at the usual zoom, or on the whole arena, fitted to
// the screen.
func (g *Game) spectatorCamera() (x, y, zoom float64) {
	ship, _, _ := g.net.Following()
	if ship != 0 && g.frame != nil {
		for i := range g.frame.Ships {
			if s := &g.frame.Ships[i]; s.ID == ship {
				return s.X, s.Y, g.screen.Zoom
			}
		}
	}
	side := g.worldSize * 1.04 // a margin around the border
	return g.worldSize / 2, g.worldSize / 2, min(float64(g.screen.W), float64(g.screen.H)) / side
}

// followedName returns the name of the followed ship, or "" for the whole
// arena.
func (g *Game) followedName() string {
	ship, _, _ := g.net.Following()
	if ship == 0 {
		return ""
	}
	if n := g.nameOf(ship); n != "" {
		return n
	}
	return fmt.Sprintf("ship %d", ship)
}

// drawSpectating shows, top left, whom the spectator follows and how far
// behind the live room it sees it.
func (g *Game) drawSpectating(dst *ebiten.Image) {
	ui := g.screen.UI
	x, y, w, h := 14*ui, max(58*ui, 58*g.screen.Scale), 260*ui, 86*ui
	g.panel(dst, x, y, w, h)
	_, delay, known := g.net.Following()
	title := "Spectating the whole arena"
	if n := g.followedName(); n != "" {
		title = "Spectating " + n
	}
	drawText(dst, "SPECTATOR", g.fonts.small, x+14*ui, y+10*ui, alignStart, ColorMuted)
	drawText(dst, title, g.fonts.label, x+14*ui, y+28*ui, alignStart, ColorAccent)
	behind := "live"
	if delay > 0 {
		behind = fmt.Sprintf("%.1f s behind the game", float64(delay)/1000)
	}
	if !known {
		behind = "joining…"
	}
	drawText(dst, behind, g.fonts.small, x+14*ui, y+60*ui, alignStart, ColorText)
}

// spectatorHints are the controls of spectate mode.
var spectatorHints = []string{"Tab / F  next ship  ·  Click  follow", "Space  whole arena  ·  Q  scores", "Esc  lobby"}
