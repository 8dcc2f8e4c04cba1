package client

import "math"

// The reference screen: the server's area of interest covers a 1280×800 unit
// window around the ship, so the camera never shows more world than that.
const (
	refWidth  = 1280
	refHeight = 800
)

// Rect is an axis-aligned rectangle in screen pixels.
type Rect struct{ X, Y, W, H float64 }

// Contains reports whether the point lies in r.
func (r Rect) Contains(x, y float64) bool {
	return x >= r.X && x < r.X+r.W && y >= r.Y && y < r.Y+r.H
}

// Screen is the geometry of one frame: the canvas in device pixels, how many
// device pixels a world unit takes, how big the HUD is drawn and where its
// fixed parts go.
type Screen struct {
	// W and H are the canvas size in device pixels.
	W, H int
	// Scale is the device pixel ratio the canvas was laid out with.
	Scale float64
	// Zoom is device pixels per world unit.
	Zoom float64
	// UI is the HUD's scale: 1 draws the HUD at its designed size on a
	// 1280×800 CSS pixel window at a device pixel ratio of 1.
	UI float64
	// Minimap is the minimap's square in the bottom-right corner.
	Minimap Rect
}

// NewScreen lays out a canvas of outside CSS pixels at the device pixel ratio
// dpr (1 when unknown or invalid).
func NewScreen(cssW, cssH int, dpr float64) Screen {
	if dpr <= 0 || math.IsNaN(dpr) || math.IsInf(dpr, 0) {
		dpr = 1
	}
	cssW, cssH = max(cssW, 1), max(cssH, 1)
	s := Screen{W: int(math.Ceil(float64(cssW) * dpr)), H: int(math.Ceil(float64(cssH) * dpr)), Scale: dpr}
	fw, fh := float64(s.W), float64(s.H)
	// Fill the canvas while showing at most the reference window of world.
	s.Zoom = max(fw/refWidth, fh/refHeight)
	// Small windows (phones) keep a readable HUD; large ones do not blow it up.
	fit := min(float64(cssW)/refWidth, float64(cssH)/refHeight)
	s.UI = dpr * min(max(fit, 0.7), 1.35)
	side := math.Round(min(190*s.UI, min(fw, fh)*0.3))
	m := math.Round(16 * s.UI)
	s.Minimap = Rect{X: fw - side - m, Y: fh - side - m, W: side, H: side}
	return s
}

// Camera maps world units to screen pixels: the world point (X, Y) is drawn at
// the centre of the screen.
type Camera struct {
	// X, Y is the world point at the centre of the screen, in world units.
	X, Y float64
	// Zoom is device pixels per world unit.
	Zoom float64
	// W, H is the screen size in device pixels.
	W, H float64
}

// NewCamera returns a camera centred on (x, y) for the screen s.
func NewCamera(s Screen, x, y float64) Camera {
	return Camera{X: x, Y: y, Zoom: s.Zoom, W: float64(s.W), H: float64(s.H)}
}

// ToScreen returns where the world point (wx, wy) is drawn.
func (c Camera) ToScreen(wx, wy float64) (sx, sy float64) {
	return (wx-c.X)*c.Zoom + c.W/2, (wy-c.Y)*c.Zoom + c.H/2
}

// ToWorld returns the world point drawn at the screen point (sx, sy).
func (c Camera) ToWorld(sx, sy float64) (wx, wy float64) {
	if c.Zoom == 0 {
		return c.X, c.Y
	}
	return (sx-c.W/2)/c.Zoom + c.X, (sy-c.H/2)/c.Zoom + c.Y
}

// Visible reports whether a circle of radius r world units around (wx, wy)
// shows on the screen.
func (c Camera) Visible(wx, wy, r float64) bool {
	sx, sy := c.ToScreen(wx, wy)
	pr := r * c.Zoom
	return sx+pr >= 0 && sx-pr <= c.W && sy+pr >= 0 && sy-pr <= c.H
}

// View returns the world rectangle the screen shows, in world units.
func (c Camera) View() (x0, y0, x1, y1 float64) {
	x0, y0 = c.ToWorld(0, 0)
	x1, y1 = c.ToWorld(c.W, c.H)
	return x0, y0, x1, y1
}

// Lead is the camera's look-ahead: the camera drifts a little toward where the
// player aims, so that more of what they aim at is on screen. Its zero value
// starts centred.
type Lead struct{ X, Y float64 }

// Follow moves the lead toward a fraction of the offset (dx, dy) from the
// ship to the cursor, in world units, smoothing over about a quarter second;
// dt is the frame time in seconds. It returns the new lead.
func (l *Lead) Follow(dx, dy, dt float64) (float64, float64) {
	const share, maxLead, rate = 0.18, 110.0, 8.0
	tx, ty := dx*share, dy*share
	if d := math.Hypot(tx, ty); d > maxLead {
		tx, ty = tx*maxLead/d, ty*maxLead/d
	}
	k := 1 - math.Exp(-rate*max(dt, 0))
	l.X += (tx - l.X) * k
	l.Y += (ty - l.Y) * k
	return l.X, l.Y
}

// MinimapPoint returns where a roster position (1/256 of the arena side on
// each axis) is drawn on the minimap m.
func MinimapPoint(m Rect, mapX, mapY uint8) (x, y float64) {
	return m.X + (float64(mapX)+0.5)/256*m.W, m.Y + (float64(mapY)+0.5)/256*m.H
}

// MinimapWorld returns where the world point (wx, wy) is drawn on the minimap m
// of an arena of side size world units, clamped to the map.
func MinimapWorld(m Rect, size, wx, wy float64) (x, y float64) {
	if size <= 0 {
		return m.X + m.W/2, m.Y + m.H/2
	}
	return m.X + clamp01(wx/size)*m.W, m.Y + clamp01(wy/size)*m.H
}
