//go:build js

package client

import (
	"math"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"

	"github.com/tickarena/tickarena/client/netcode"
	"github.com/tickarena/tickarena/game"
)

// controls is what the player asks for in one frame.
type controls struct {
	buttons game.Buttons
	aim     game.Angle
	// leadX, leadY is the offset from the ship to the cursor in world units,
	// which the camera leans toward.
	leadX, leadY float64
	leave        bool
	// touch is set once a touch was seen: the touch controls are drawn.
	touch      bool
	move, fire stick
	touchIDs   []ebiten.TouchID
}

// keys for each movement button: WASD and the arrows.
var moveKeys = [...]struct {
	b    game.Buttons
	keys [2]ebiten.Key
}{
	{game.Up, [2]ebiten.Key{ebiten.KeyW, ebiten.KeyArrowUp}},
	{game.Down, [2]ebiten.Key{ebiten.KeyS, ebiten.KeyArrowDown}},
	{game.Left, [2]ebiten.Key{ebiten.KeyA, ebiten.KeyArrowLeft}},
	{game.Right, [2]ebiten.Key{ebiten.KeyD, ebiten.KeyArrowRight}},
}

// readInput turns the keyboard, the mouse and touches into this frame's controls.
func (g *Game) readInput() {
	in := &g.input
	in.buttons = 0
	for _, m := range moveKeys {
		if ebiten.IsKeyPressed(m.keys[0]) || ebiten.IsKeyPressed(m.keys[1]) {
			in.buttons |= m.b
		}
	}
	if ebiten.IsKeyPressed(ebiten.KeySpace) || ebiten.IsMouseButtonPressed(ebiten.MouseButtonLeft) {
		in.buttons |= game.Fire
	}
	g.scoreboard = ebiten.IsKeyPressed(ebiten.KeyTab)
	in.leave = inpututil.IsKeyJustPressed(ebiten.KeyEscape) || g.backClicked()

	// Aim at the cursor, from where the own ship is drawn.
	sx, sy := g.shipOnScreen()
	mx, my := ebiten.CursorPosition()
	dx, dy := float64(mx)-sx, float64(my)-sy
	if dx != 0 || dy != 0 {
		in.aim = aimAngle(dx, dy)
	}
	if g.cam.zoom > 0 {
		in.leadX, in.leadY = dx/g.cam.zoom, dy/g.cam.zoom
	}
	g.readTouches()
}

// shipOnScreen returns where the own ship is drawn (the screen's centre when
// there is none).
func (g *Game) shipOnScreen() (float64, float64) {
	if f := g.frame; f != nil && f.HasSelf && g.cam.zoom > 0 {
		return g.cam.toScreen(f.Self.X, f.Self.Y)
	}
	return float64(g.screen.w) / 2, float64(g.screen.h) / 2
}

// readTouches drives the twin sticks: a finger on the left half moves, a
// finger on the right half aims and fires while it is held.
func (g *Game) readTouches() {
	in := &g.input
	in.touchIDs = inpututil.AppendJustPressedTouchIDs(in.touchIDs[:0])
	radius := 70 * g.screen.ui
	for _, id := range in.touchIDs {
		in.touch = true
		x, y := ebiten.TouchPosition(id)
		fx, fy := float64(x), float64(y)
		if g.backButton().contains(fx, fy) {
			continue
		}
		if fx < float64(g.screen.w)/2 {
			if !in.move.active {
				in.move.press(int(id), fx, fy, radius)
			}
		} else if !in.fire.active {
			in.fire.press(int(id), fx, fy, radius)
		}
	}
	for _, s := range []*stick{&in.move, &in.fire} {
		if !s.active {
			continue
		}
		id := ebiten.TouchID(s.touch)
		if inpututil.IsTouchJustReleased(id) {
			s.release()
			continue
		}
		x, y := ebiten.TouchPosition(id)
		s.move(float64(x), float64(y))
	}
	if !in.touch {
		return
	}
	in.buttons |= in.move.buttons()
	if in.fire.active {
		in.buttons |= game.Fire
		if dx, dy := in.fire.vector(); dx != 0 || dy != 0 {
			in.aim = aimAngle(dx, dy)
		}
	} else if dx, dy := in.move.vector(); dx != 0 || dy != 0 {
		in.aim = aimAngle(dx, dy) // no aim stick: face where the ship goes
	}
	a := float64(in.aim) / 65536 * 2 * math.Pi
	in.leadX, in.leadY = math.Cos(a)*300, math.Sin(a)*300
}

// backClicked reports whether the "Back to lobby" button of the closed
// screen was clicked or tapped.
func (g *Game) backClicked() bool {
	if g.net.State() != netcode.StateClosed {
		return false
	}
	r := g.backButton()
	if inpututil.IsMouseButtonJustPressed(ebiten.MouseButtonLeft) {
		x, y := ebiten.CursorPosition()
		if r.contains(float64(x), float64(y)) {
			return true
		}
	}
	if inpututil.IsKeyJustPressed(ebiten.KeyEnter) {
		return true
	}
	for _, id := range inpututil.AppendJustPressedTouchIDs(nil) {
		x, y := ebiten.TouchPosition(id)
		if r.contains(float64(x), float64(y)) {
			return true
		}
	}
	return false
}

// backButton is where the "Back to lobby" button of the closed screen is.
func (g *Game) backButton() rect {
	ui := g.screen.ui
	w, h := 220*ui, 48*ui
	return rect{x: float64(g.screen.w)/2 - w/2, y: float64(g.screen.h)/2 + 40*ui, w: w, h: h}
}
