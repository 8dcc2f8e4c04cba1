package client

import "math"

// The reference screen: the server's area of interest covers a 1280×800 unit
// window around the ship, so the camera never shows more world than that.
const (
	refWidth  = 1280
	refHeight = 800
)

// rect is an axis-aligned rectangle in screen pixels.
type rect struct{ x, y, w, h float64 }

// contains reports whether the point lies in r.
func (r rect) contains(x, y float64) bool {
	return x >= r.x && x < r.x+r.w && y >= r.y && y < r.y+r.h
}

// screen is the geometry of one frame: the canvas in device pixels, how many
// device pixels a world unit takes, how big the HUD is drawn and where its
// fixed parts go.
type screen struct {
	// w and H are the canvas size in device pixels.
	w, h int
	// scale is the device pixel ratio the canvas was laid out with.
	scale float64
	// zoom is device pixels per world unit.
	zoom float64
	// ui is the HUD's scale: 1 draws the HUD at its designed size on a
	// 1280×800 CSS pixel window at a device pixel ratio of 1.
	ui float64
	// minimap is the minimap's square in the bottom-right corner.
	minimap rect
}

// newScreen lays out a canvas of outside CSS pixels at the device pixel ratio
// dpr (1 when unknown or invalid).
func newScreen(cssW, cssH int, dpr float64) screen {
	if dpr <= 0 || math.IsNaN(dpr) || math.IsInf(dpr, 0) {
		dpr = 1
	}
	cssW, cssH = max(cssW, 1), max(cssH, 1)
	s := screen{w: int(math.Ceil(float64(cssW) * dpr)), h: int(math.Ceil(float64(cssH) * dpr)), scale: dpr}
	fw, fh := float64(s.w), float64(s.h)
	// Fill the canvas while showing at most the reference window of world.
	s.zoom = max(fw/refWidth, fh/refHeight)
	// Small windows (phones) keep a readable HUD; large ones do not blow it up.
	fit := min(float64(cssW)/refWidth, float64(cssH)/refHeight)
	s.ui = dpr * min(max(fit, 0.7), 1.35)
	side := math.Round(min(190*s.ui, min(fw, fh)*0.3))
	m := math.Round(16 * s.ui)
	s.minimap = rect{x: fw - side - m, y: fh - side - m, w: side, h: side}
	return s
}

// camera maps world units to screen pixels: the world point (X, Y) is drawn at
// the centre of the screen.
type camera struct {
	// x, Y is the world point at the centre of the screen, in world units.
	x, y float64
	// zoom is device pixels per world unit.
	zoom float64
	// w, H is the screen size in device pixels.
	w, h float64
}

// newCamera returns a camera centred on (x, y) for the screen s.
func newCamera(s screen, x, y float64) camera {
	return camera{x: x, y: y, zoom: s.zoom, w: float64(s.w), h: float64(s.h)}
}

// toScreen returns where the world point (wx, wy) is drawn.
func (c camera) toScreen(wx, wy float64) (sx, sy float64) {
	return (wx-c.x)*c.zoom + c.w/2, (wy-c.y)*c.zoom + c.h/2
}

// toWorld returns the world point drawn at the screen point (sx, sy).
func (c camera) toWorld(sx, sy float64) (wx, wy float64) {
	if c.zoom == 0 {
		return c.x, c.y
	}
	return (sx-c.w/2)/c.zoom + c.x, (sy-c.h/2)/c.zoom + c.y
}

// visible reports whether a circle of radius r world units around (wx, wy)
// shows on the screen.
func (c camera) visible(wx, wy, r float64) bool {
	sx, sy := c.toScreen(wx, wy)
	pr := r * c.zoom
	return sx+pr >= 0 && sx-pr <= c.w && sy+pr >= 0 && sy-pr <= c.h
}

// view returns the world rectangle the screen shows, in world units.
func (c camera) view() (x0, y0, x1, y1 float64) {
	x0, y0 = c.toWorld(0, 0)
	x1, y1 = c.toWorld(c.w, c.h)
	return x0, y0, x1, y1
}

// lead is the camera's look-ahead: the camera drifts a little toward where the
// player aims, so that more of what they aim at is on screen. Its zero value
// starts centred.
type lead struct{ x, y float64 }

// follow moves the lead toward a fraction of the offset (dx, dy) from the
// ship to the cursor, in world units, smoothing over about a quarter second;
// dt is the frame time in seconds. It returns the new lead.
func (l *lead) follow(dx, dy, dt float64) (float64, float64) {
	const share, maxLead, rate = 0.18, 110.0, 8.0
	tx, ty := dx*share, dy*share
	if d := math.Hypot(tx, ty); d > maxLead {
		tx, ty = tx*maxLead/d, ty*maxLead/d
	}
	k := 1 - math.Exp(-rate*max(dt, 0))
	l.x += (tx - l.x) * k
	l.y += (ty - l.y) * k
	return l.x, l.y
}

// minimapPoint returns where a roster position (1/256 of the arena side on
// each axis) is drawn on the minimap m.
func minimapPoint(m rect, mapX, mapY uint8) (x, y float64) {
	return m.x + (float64(mapX)+0.5)/256*m.w, m.y + (float64(mapY)+0.5)/256*m.h
}

// minimapWorld returns where the world point (wx, wy) is drawn on the minimap m
// of an arena of side size world units, clamped to the map.
func minimapWorld(m rect, size, wx, wy float64) (x, y float64) {
	if size <= 0 {
		return m.x + m.w/2, m.y + m.h/2
	}
	return m.x + clamp01(wx/size)*m.w, m.y + clamp01(wy/size)*m.h
}
