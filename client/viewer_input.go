//go:build js

package client

import (
	"slices"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"

	"github.com/tickarena/tickarena/client/netcode"
)

// viewerControls says what a viewer's readInput answers to. Its zero value
// answers to everything: WASD and the arrow keys pan, the wheel zooms at the
// pointer, Z shows the whole arena, F and Shift+F follow the next and the
// previous ship, and the left button (or a finger) drags the camera or,
// clicked on a ship, follows it.
type viewerControls struct {
	// reserved lists keys the caller uses for something else (a replay seeks
	// with ← and →): the viewer ignores them.
	reserved []ebiten.Key
	// hud, when set, reports whether a screen point belongs to the caller's
	// buttons or panels: a press there is not the viewer's.
	hud func(x, y float64) bool
}

// panKeys are the keys that move the free camera, with their direction.
var panKeys = [...]struct {
	key    ebiten.Key
	dx, dy float64
}{
	{ebiten.KeyW, 0, -1}, {ebiten.KeyS, 0, 1}, {ebiten.KeyA, -1, 0}, {ebiten.KeyD, 1, 0},
	{ebiten.KeyArrowUp, 0, -1}, {ebiten.KeyArrowDown, 0, 1}, {ebiten.KeyArrowLeft, -1, 0}, {ebiten.KeyArrowRight, 1, 0},
}

// readInput applies this frame's keys, wheel, mouse and touches to the
// camera; dt is the frame time in seconds and ships those of the frame,
// which a click picks from. It returns the ship a click or a key chose to
// follow, or 0.
func (v *viewer) readInput(ctl viewerControls, ships []netcode.RenderEntity, dt float64) uint32 {
	free := func(k ebiten.Key) bool { return !slices.Contains(ctl.reserved, k) }
	var kx, ky float64
	for _, p := range panKeys {
		if free(p.key) && ebiten.IsKeyPressed(p.key) {
			kx += p.dx
			ky += p.dy
		}
	}
	if kx != 0 || ky != 0 {
		v.panKeys(kx, ky, dt)
	}
	var picked uint32
	if free(ebiten.KeyF) && inpututil.IsKeyJustPressed(ebiten.KeyF) {
		step := 1
		if ebiten.IsKeyPressed(ebiten.KeyShift) {
			step = -1
		}
		picked = v.next(ships, step)
	}
	if free(ebiten.KeyZ) && inpututil.IsKeyJustPressed(ebiten.KeyZ) {
		v.overview()
	}
	mx, my := ebiten.CursorPosition()
	x, y := float64(mx), float64(my)
	if _, wy := ebiten.Wheel(); wy != 0 {
		f := 1.15
		if wy < 0 {
			f = 1 / f
		}
		v.zoomAt(f, x, y)
	}
	hud := func(x, y float64) bool { return ctl.hud != nil && ctl.hud(x, y) }
	switch {
	case inpututil.IsMouseButtonJustPressed(ebiten.MouseButtonLeft) && !hud(x, y):
		v.press(x, y)
	case inpututil.IsMouseButtonJustReleased(ebiten.MouseButtonLeft):
		if id := v.release(ships, x, y); id != 0 {
			picked = id
		}
	case ebiten.IsMouseButtonPressed(ebiten.MouseButtonLeft):
		v.drag(x, y)
	}
	if id := v.readTouch(ships, hud); id != 0 {
		picked = id
	}
	return picked
}

// readTouch lets one finger do what the left button does.
func (v *viewer) readTouch(ships []netcode.RenderEntity, hud func(x, y float64) bool) uint32 {
	for _, id := range inpututil.AppendJustPressedTouchIDs(nil) {
		x, y := ebiten.TouchPosition(id)
		if !hud(float64(x), float64(y)) {
			v.pressTouch(int(id), float64(x), float64(y))
			return 0
		}
	}
	finger, ok := v.touch()
	if !ok {
		return 0
	}
	id := ebiten.TouchID(finger)
	if inpututil.IsTouchJustReleased(id) {
		x, y := inpututil.TouchPositionInPreviousTick(id)
		return v.releaseTouch(ships, float64(x), float64(y))
	}
	x, y := ebiten.TouchPosition(id)
	v.drag(float64(x), float64(y))
	return 0
}
