//go:build js

package client

import (
	"fmt"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"

	"github.com/tickarena/tickarena/client/netcode"
)

// Spectate mode: the game watches a room without a ship (Options.Spectate),
// through the watcher's camera (viewer, viewer.go). The server sends the
// area around the ship the camera follows, or the whole arena while the
// camera is free; the HUD says whom the spectator follows and how far behind
// the live room it is.

// spectator is the state of spectate mode.
type spectator struct {
	viewer *viewer
	asked  uint32                 // the ship last asked of the server, 0 for the whole arena
	ships  []netcode.RenderEntity // the roster's ships, for F and Tab
	// overview is set until the camera, which follows nobody, has zoomed out
	// to the whole arena: it can only once it has seen the screen.
	overview bool
}

// newSpectator returns spectate mode following ship follow (0: free).
func newSpectator(arena float64, follow uint32) *spectator {
	v := newViewer(arena)
	if follow != 0 {
		v.followShip(follow)
		v.jump()
	}
	return &spectator{viewer: v, asked: follow, overview: follow == 0}
}

// readSpectatorInput drives the camera: the viewer's keys, wheel, drags and
// clicks, with F and Tab (Shift: backwards) going through every ship of the
// room's roster rather than those in view, Space showing the whole arena and
// Q holding the scoreboard. It then asks the server for what the camera
// needs: the area around the followed ship, or the whole arena.
func (g *Game) readSpectatorInput(dt float64) {
	s := g.spec
	v := s.viewer
	g.scoreboard = ebiten.IsKeyPressed(ebiten.KeyQ)
	v.setArena(g.worldSize)
	if s.overview && v.camera().zoom > 0 {
		s.overview = false
		v.overview()
	}
	var ships []netcode.RenderEntity
	if g.frame != nil {
		ships = g.frame.Ships
	}
	v.readInput(viewerControls{reserved: []ebiten.Key{ebiten.KeyF}}, ships, dt)
	if inpututil.IsKeyJustPressed(ebiten.KeyF) || inpututil.IsKeyJustPressed(ebiten.KeyTab) {
		step := 1
		if ebiten.IsKeyPressed(ebiten.KeyShift) {
			step = -1
		}
		if v.next(g.rosterShips(), step) != 0 && v.zoomLevel() < 1 {
			v.overview() // from the whole arena back to a pilot's view of the ship
		}
	}
	if inpututil.IsKeyJustPressed(ebiten.KeySpace) && v.following() != 0 {
		v.overview()
	}
	// The followed ship left the room: the server watches the whole arena
	// now, and the camera stays free where it was.
	if server, _, ok := g.net.Following(); ok && server == 0 && s.asked != 0 && v.following() == s.asked && findShip(ships, s.asked) == nil {
		v.free()
		s.asked = 0
	}
	if want := v.following(); want != s.asked {
		s.asked = want
		g.net.Follow(want)
	}
}

// rosterShips returns every ship of the roster as the entities viewer.next
// goes through.
func (g *Game) rosterShips() []netcode.RenderEntity {
	s := g.spec
	s.ships = s.ships[:0]
	for _, l := range g.net.Roster() {
		s.ships = append(s.ships, netcode.RenderEntity{ID: l.Ship, Flags: l.Flags, Name: l.Name})
	}
	return s.ships
}

// followedName returns the name of the followed ship, or "" for the free
// camera.
func (g *Game) followedName() string {
	ship := g.spec.viewer.following()
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
	ui := g.screen.ui
	x, y, w, h := 14*ui, max(58*ui, 58*g.screen.scale), 270*ui, 86*ui
	g.panel(dst, x, y, w, h)
	_, delay, known := g.net.Following()
	title := "Spectating the whole arena"
	if n := g.followedName(); n != "" {
		title = "Spectating " + n
	}
	drawText(dst, "SPECTATOR", g.fonts.small, x+14*ui, y+10*ui, alignStart, colorMuted)
	drawText(dst, title, g.fonts.label, x+14*ui, y+28*ui, alignStart, colorAccent)
	behind := "live"
	if delay > 0 {
		behind = fmt.Sprintf("%.1f s behind the game", float64(delay)/1000)
	}
	if !known {
		behind = "joining…"
	}
	drawText(dst, behind, g.fonts.small, x+14*ui, y+60*ui, alignStart, colorText)
}

// spectatorHints are the controls of spectate mode.
var spectatorHints = []string{"F / Tab  next ship  ·  Click  follow", "Drag / WASD  move  ·  Wheel  zoom", "Z / Space  whole arena  ·  Q  scores"}
