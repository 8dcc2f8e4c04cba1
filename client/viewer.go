package client

import (
	"math"

	"github.com/tickarena/tickarena/client/netcode"
	"github.com/tickarena/tickarena/game"
)

// viewer is the camera of someone who watches rather than plays: it follows
// a chosen ship, or flies free (dragged with the mouse, moved with keys,
// zoomed in and out down to the whole arena). Replays and live spectating
// share it. It knows nothing of Ebiten: the game feeds it the pointer and
// keys (see viewer_input.go) and the ships of each frame, and draws with the
// camera that update returns. Make one with newViewer.
type viewer struct {
	follow uint32  // the followed ship, 0 for the free camera
	x, y   float64 // the world point at the centre of the screen
	zoom   float64 // a multiple of the screen's own zoom
	arena  float64 // the arena's side in world units
	snap   bool    // the next Update jumps to the followed ship
	cam    camera  // the camera of the last Update
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

// viewer limits: how far in it zooms (multiples of the screen's zoom), how
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

// newViewer returns a free camera over the middle of an arena of side arena
// world units, at the zoom of a player's view.
func newViewer(arena float64) *viewer {
	return &viewer{x: arena / 2, y: arena / 2, zoom: 1, arena: arena}
}

// setArena changes the arena's size, keeping the camera where it is.
func (v *viewer) setArena(size float64) { v.arena = size }

// followShip makes the camera follow ship id from the next Update, catching up
// smoothly. Follow(0) is Free.
func (v *viewer) followShip(id uint32) { v.follow = id }

// free stops following: the camera stays where it is and moves only when
// told to.
func (v *viewer) free() { v.follow = 0 }

// following returns the followed ship, 0 for the free camera.
func (v *viewer) following() uint32 { return v.follow }

// jump makes the next Update centre on the followed ship at once instead of
// gliding there: after a seek, or when a ship is picked from a list.
func (v *viewer) jump() { v.snap = true }

// center returns the world point at the centre of the screen.
func (v *viewer) center() (x, y float64) { return v.x, v.y }

// zoomLevel returns the zoom as a multiple of a player's view: 1 shows what a
// player sees, less shows more of the arena.
func (v *viewer) zoomLevel() float64 { return v.zoom }

// moveTo turns the camera free and centres it on the world point (x, y).
func (v *viewer) moveTo(x, y float64) {
	v.follow = 0
	v.x, v.y = x, y
	v.clamp()
}

// pan turns the camera free and moves it by (dx, dy) screen pixels: the
// world moves with the pointer that drags it.
func (v *viewer) pan(dx, dy float64) {
	z := v.cam.zoom
	if z <= 0 {
		return
	}
	v.moveTo(v.x-dx/z, v.y-dy/z)
}

// panKeys moves the free camera while keys are held: (kx, ky) is the held
// direction (-1, 0 or 1 on each axis) and dt the frame time in seconds.
func (v *viewer) panKeys(kx, ky, dt float64) {
	if kx == 0 && ky == 0 {
		return
	}
	step := viewerKeySpeed * v.cam.w * max(dt, 0)
	v.pan(-kx*step, -ky*step)
}

// zoomAt multiplies the zoom by factor, keeping the world point under the
// screen point (sx, sy) in place when the camera is free (a followed ship
// stays in the middle), within the arena-wide view and viewerMaxZoom.
func (v *viewer) zoomAt(factor, sx, sy float64) {
	if factor <= 0 || v.cam.zoom <= 0 {
		return
	}
	wx, wy := v.cam.toWorld(sx, sy)
	v.zoom = min(max(v.zoom*factor, v.minZoom()), viewerMaxZoom)
	if v.follow != 0 {
		return
	}
	z := v.base * v.zoom // the new device pixels per world unit
	v.x, v.y = wx-(sx-v.cam.w/2)/z, wy-(sy-v.cam.h/2)/z
	v.clamp()
}

// overview toggles between the whole arena, free, and a player's view: the
// arena's centre when free, the followed ship otherwise.
func (v *viewer) overview() {
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
func (v *viewer) minZoom() float64 {
	if v.base <= 0 || v.arena <= 0 || v.cam.w <= 0 {
		return 1
	}
	fit := min(v.cam.w, v.cam.h) / (v.arena * 1.08) / v.base
	return min(fit, 1)
}

// clamp keeps the centre within the arena.
func (v *viewer) clamp() {
	if v.arena <= 0 {
		return
	}
	v.x = min(max(v.x, 0), v.arena)
	v.y = min(max(v.y, 0), v.arena)
}

// update moves the camera for a frame of dt seconds on screen s, following
// its ship among ships when it has one (a ship that is gone leaves the
// camera where it was), and returns the camera to draw with.
func (v *viewer) update(s screen, ships []netcode.RenderEntity, dt float64) camera {
	if v.zoom <= 0 {
		v.zoom = 1
	}
	v.base = s.zoom
	v.cam = newCamera(s, v.x, v.y)
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
	v.cam = newCamera(s, v.x, v.y)
	v.cam.zoom = s.zoom * v.zoom
	return v.cam
}

// camera returns the camera of the last Update.
func (v *viewer) camera() camera { return v.cam }

// findShip returns the ship id among ships, or nil.
func findShip(ships []netcode.RenderEntity, id uint32) *netcode.RenderEntity {
	for i := range ships {
		if ships[i].ID == id {
			return &ships[i]
		}
	}
	return nil
}

// pick returns the living ship drawn under the screen point (sx, sy) by the
// last Update's camera, the nearest when several are, or 0.
func (v *viewer) pick(ships []netcode.RenderEntity, sx, sy float64) uint32 {
	c := v.cam
	if c.zoom <= 0 {
		return 0
	}
	wx, wy := c.toWorld(sx, sy)
	// A ship far away is a few pixels wide: the reach never drops below
	// 18 pixels.
	reach := max(game.ShipRadius*pickRadius, 18/c.zoom)
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

// next follows the living ship after the followed one in id order (step 1)
// or before it (step -1), wrapping around, and returns it; from the free
// camera it starts at the first (or last). It returns 0 and changes nothing
// when no ship is alive.
func (v *viewer) next(ships []netcode.RenderEntity, step int) uint32 {
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

// press starts a press of the pointer at the screen point (sx, sy).
func (v *viewer) press(sx, sy float64) {
	v.pressed, v.dragged = true, false
	v.px, v.py = sx, sy
}

// drag moves the pressed pointer to (sx, sy): past a few pixels the press
// is a drag, and the camera, free from then, moves with the pointer.
func (v *viewer) drag(sx, sy float64) {
	if !v.pressed {
		return
	}
	dx, dy := sx-v.px, sy-v.py
	if !v.dragged && math.Hypot(dx, dy) < dragSlop {
		return
	}
	v.dragged = true
	v.pan(dx, dy)
	v.px, v.py = sx, sy
}

// release ends a press at (sx, sy). A press that did not drag is a click:
// a click on a ship follows it, and Release returns its id; otherwise 0.
func (v *viewer) release(ships []netcode.RenderEntity, sx, sy float64) uint32 {
	if !v.pressed {
		return 0
	}
	v.pressed = false
	if v.dragged {
		return 0
	}
	id := v.pick(ships, sx, sy)
	if id != 0 {
		v.follow = id
	}
	return id
}

// pressTouch starts a press by the finger id at (sx, sy): that finger drives
// the camera until ReleaseTouch.
func (v *viewer) pressTouch(id int, sx, sy float64) {
	v.touching, v.touchID = true, id
	v.press(sx, sy)
}

// touch returns the finger that drives the camera; ok is false when none does.
func (v *viewer) touch() (id int, ok bool) { return v.touchID, v.touching }

// releaseTouch ends the finger's press at (sx, sy), as Release does.
func (v *viewer) releaseTouch(ships []netcode.RenderEntity, sx, sy float64) uint32 {
	v.touching = false
	return v.release(ships, sx, sy)
}
