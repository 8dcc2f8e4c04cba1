package client

import (
	"math"

	"github.com/tickarena/tickarena/client/netcode"
	"github.com/tickarena/tickarena/game"
)

// Viewer is the camera of someone who watches rather than plays: it follows
// a chosen ship, or flies free (dragged with the mouse, moved with keys,
// zoomed in and out down to the whole arena). Replays and live spectating
// share it. It knows nothing of Ebiten: the game feeds it the pointer and
// keys (see viewer_input.go) and the ships of each frame, and draws with the
// Camera that Update returns. Make one with NewViewer.
type Viewer struct {
	follow uint32  // the followed ship, 0 for the free camera
	x, y   float64 // the world point at the centre of the screen
	zoom   float64 // a multiple of the screen's own zoom
	arena  float64 // the arena's side in world units
	snap   bool    // the next Update jumps to the followed ship
	cam    Camera  // the camera of the last Update
	base   float64 // the screen's own zoom at the last Update

	// The pointer: pressed at (px, py) on the screen; dragged once it moved
	// more than dragSlop pixels.
	pressed, dragged bool
	px, py           float64
	// touching is set while a finger drives the camera; touchID is that
	// finger's Ebiten touch id.
	touching bool
	touchID  int
}

// Viewer limits: how far in it zooms (multiples of the screen's zoom), how
// far a press may move and still be a click (device pixels), how fast keys
// pan (screen widths per second) and how quickly the camera catches up with
// the ship it follows (per second).
const (
	viewerMaxZoom  = 2.5
	dragSlop       = 6
	viewerKeySpeed = 0.9
	viewerCatchUp  = 10
	// pickRadius is how far from a ship's centre a click still picks it,
	// in ship radii.
	pickRadius = 2.2
)

// NewViewer returns a free camera over the middle of an arena of side arena
// world units, at the zoom of a player's view.
func NewViewer(arena float64) *Viewer {
	return &Viewer{x: arena / 2, y: arena / 2, zoom: 1, arena: arena}
}

// SetArena changes the arena's size, keeping the camera where it is.
func (v *Viewer) SetArena(size float64) { v.arena = size }

// Follow makes the camera follow ship id from the next Update, catching up
// smoothly. Follow(0) is Free.
func (v *Viewer) Follow(id uint32) { v.follow = id }

// Free stops following: the camera stays where it is and moves only when
// told to.
func (v *Viewer) Free() { v.follow = 0 }

// Following returns the followed ship, 0 for the free camera.
func (v *Viewer) Following() uint32 { return v.follow }

// Jump makes the next Update centre on the followed ship at once instead of
// gliding there: after a seek, or when a ship is picked from a list.
func (v *Viewer) Jump() { v.snap = true }

// Center returns the world point at the centre of the screen.
func (v *Viewer) Center() (x, y float64) { return v.x, v.y }

// Zoom returns the zoom as a multiple of a player's view: 1 shows what a
// player sees, less shows more of the arena.
func (v *Viewer) Zoom() float64 { return v.zoom }

// MoveTo turns the camera free and centres it on the world point (x, y).
func (v *Viewer) MoveTo(x, y float64) {
	v.follow = 0
	v.x, v.y = x, y
	v.clamp()
}

// Pan turns the camera free and moves it by (dx, dy) screen pixels: the
// world moves with the pointer that drags it.
func (v *Viewer) Pan(dx, dy float64) {
	z := v.cam.Zoom
	if z <= 0 {
		return
	}
	v.MoveTo(v.x-dx/z, v.y-dy/z)
}

// PanKeys moves the free camera while keys are held: (kx, ky) is the held
// direction (-1, 0 or 1 on each axis) and dt the frame time in seconds.
func (v *Viewer) PanKeys(kx, ky, dt float64) {
	if kx == 0 && ky == 0 {
		return
	}
	step := viewerKeySpeed * v.cam.W * max(dt, 0)
	v.Pan(-kx*step, -ky*step)
}

// ZoomAt multiplies the zoom by factor, keeping the world point under the
// screen point (sx, sy) in place when the camera is free (a followed ship
// stays in the middle), within the arena-wide view and viewerMaxZoom.
func (v *Viewer) ZoomAt(factor, sx, sy float64) {
	if factor <= 0 || v.cam.Zoom <= 0 {
		return
	}
	wx, wy := v.cam.ToWorld(sx, sy)
	v.zoom = min(max(v.zoom*factor, v.minZoom()), viewerMaxZoom)
	if v.follow != 0 {
		return
	}
	z := v.base * v.zoom // the new device pixels per world unit
	v.x, v.y = wx-(sx-v.cam.W/2)/z, wy-(sy-v.cam.H/2)/z
	v.clamp()
}

// Overview toggles between the whole arena, free, and a player's view: the
// arena's centre when free, the followed ship otherwise.
func (v *Viewer) Overview() {
	if v.zoom > v.minZoom()*1.01 {
		v.zoom = v.minZoom()
		v.follow = 0
		v.x, v.y = v.arena/2, v.arena/2
		return
	}
	v.zoom = 1
}

// minZoom is the zoom at which the whole arena fits on the screen, with a
// margin, or 1 when the screen shows the arena already.
func (v *Viewer) minZoom() float64 {
	if v.base <= 0 || v.arena <= 0 || v.cam.W <= 0 {
		return 1
	}
	fit := min(v.cam.W, v.cam.H) / (v.arena * 1.08) / v.base
	return min(fit, 1)
}

// clamp keeps the centre within the arena.
func (v *Viewer) clamp() {
	if v.arena <= 0 {
		return
	}
	v.x = min(max(v.x, 0), v.arena)
	v.y = min(max(v.y, 0), v.arena)
}

// Update moves the camera for a frame of dt seconds on screen s, following
// its ship among ships when it has one (a ship that is gone leaves the
// camera where it was), and returns the camera to draw with.
func (v *Viewer) Update(s Screen, ships []netcode.RenderEntity, dt float64) Camera {
	if v.zoom <= 0 {
		v.zoom = 1
	}
	v.base = s.Zoom
	v.cam = NewCamera(s, v.x, v.y)
	v.zoom = min(max(v.zoom, v.minZoom()), viewerMaxZoom)
	if v.follow != 0 {
		if e := findShip(ships, v.follow); e != nil {
			k := 1 - math.Exp(-viewerCatchUp*max(dt, 0))
			if v.snap || math.Hypot(e.X-v.x, e.Y-v.y) > 1500 {
				k = 1
			}
			v.x += (e.X - v.x) * k
			v.y += (e.Y - v.y) * k
		}
	}
	v.snap = false
	v.clamp()
	v.cam = NewCamera(s, v.x, v.y)
	v.cam.Zoom = s.Zoom * v.zoom
	return v.cam
}

// Camera returns the camera of the last Update.
func (v *Viewer) Camera() Camera { return v.cam }

// findShip returns the ship id among ships, or nil.
func findShip(ships []netcode.RenderEntity, id uint32) *netcode.RenderEntity {
	for i := range ships {
		if ships[i].ID == id {
			return &ships[i]
		}
	}
	return nil
}

// Pick returns the living ship drawn under the screen point (sx, sy) by the
// last Update's camera, the nearest when several are, or 0.
func (v *Viewer) Pick(ships []netcode.RenderEntity, sx, sy float64) uint32 {
	c := v.cam
	if c.Zoom <= 0 {
		return 0
	}
	wx, wy := c.ToWorld(sx, sy)
	// A ship far away is a few pixels wide: the reach never drops below
	// 18 pixels.
	reach := max(game.ShipRadius*pickRadius, 18/c.Zoom)
	best, bestD := uint32(0), reach
	for i := range ships {
		e := &ships[i]
		if e.Dead() {
			continue
		}
		if d := math.Hypot(e.X-wx, e.Y-wy); d <= bestD {
			best, bestD = e.ID, d
		}
	}
	return best
}

// Next follows the living ship after the followed one in id order (step 1)
// or before it (step -1), wrapping around, and returns it; from the free
// camera it starts at the first (or last). It returns 0 and changes nothing
// when no ship is alive.
func (v *Viewer) Next(ships []netcode.RenderEntity, step int) uint32 {
	var first, last, after, before uint32
	for i := range ships {
		e := &ships[i]
		if e.Dead() {
			continue
		}
		id := e.ID
		if first == 0 || id < first {
			first = id
		}
		if id > last {
			last = id
		}
		if id > v.follow && (after == 0 || id < after) {
			after = id
		}
		if v.follow != 0 && id < v.follow && id > before {
			before = id
		}
	}
	if first == 0 {
		return 0
	}
	next := after
	if step < 0 {
		next = before
		if next == 0 {
			next = last
		}
	} else if next == 0 {
		next = first
	}
	v.follow = next
	v.snap = true
	return next
}

// Press starts a press of the pointer at the screen point (sx, sy).
func (v *Viewer) Press(sx, sy float64) {
	v.pressed, v.dragged = true, false
	v.px, v.py = sx, sy
}

// Drag moves the pressed pointer to (sx, sy): past a few pixels the press
// is a drag, and the camera, free from then, moves with the pointer.
func (v *Viewer) Drag(sx, sy float64) {
	if !v.pressed {
		return
	}
	dx, dy := sx-v.px, sy-v.py
	if !v.dragged && math.Hypot(dx, dy) < dragSlop {
		return
	}
	v.dragged = true
	v.Pan(dx, dy)
	v.px, v.py = sx, sy
}

// Release ends a press at (sx, sy). A press that did not drag is a click:
// a click on a ship follows it, and Release returns its id; otherwise 0.
func (v *Viewer) Release(ships []netcode.RenderEntity, sx, sy float64) uint32 {
	if !v.pressed {
		return 0
	}
	v.pressed = false
	if v.dragged {
		return 0
	}
	id := v.Pick(ships, sx, sy)
	if id != 0 {
		v.follow = id
	}
	return id
}

// PressTouch starts a press by the finger id at (sx, sy): that finger drives
// the camera until ReleaseTouch.
func (v *Viewer) PressTouch(id int, sx, sy float64) {
	v.touching, v.touchID = true, id
	v.Press(sx, sy)
}

// Touch returns the finger that drives the camera; ok is false when none does.
func (v *Viewer) Touch() (id int, ok bool) { return v.touchID, v.touching }

// ReleaseTouch ends the finger's press at (sx, sy), as Release does.
func (v *Viewer) ReleaseTouch(ships []netcode.RenderEntity, sx, sy float64) uint32 {
	v.touching = false
	return v.Release(ships, sx, sy)
}

// Dragging reports whether the pointer is dragging the camera.
func (v *Viewer) Dragging() bool { return v.pressed && v.dragged }
