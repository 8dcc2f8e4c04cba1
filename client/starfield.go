package client

import "math"

// star is one point of the background, in a tile of the starfield.
type star struct {
	// x, Y are its place in the tile, from 0 to 1.
	x, y float64
	// size is its radius in world units at zoom 1; Bright is its alpha from 0 to 1.
	size, bright float64
}

// starLayer is one plane of the starfield. A layer moves by Depth times the
// camera's motion, so far layers (small depth) drift slowly behind near ones.
type starLayer struct {
	depth float64
	// tile is the side, in world units, of the square the stars repeat in.
	tile  float64
	stars []star
}

// starSeed seeds the sky of the game and of the replay viewer: every page
// shows the same stars.
const starSeed = 1

// newStarfield returns three layers of stars generated from seed; the same
// seed gives the same sky.
func newStarfield(seed uint64) []starLayer {
	specs := []struct {
		depth, tile float64
		n           int
		size        float64
		bright      float64
	}{
		{0.15, 900, 90, 1.0, 0.45},
		{0.35, 1100, 60, 1.4, 0.65},
		{0.6, 1300, 30, 2.0, 0.9},
	}
	layers := make([]starLayer, 0, len(specs))
	x := seed | 1
	next := func() float64 {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		return float64(x>>11) / (1 << 53)
	}
	for _, sp := range specs {
		l := starLayer{depth: sp.depth, tile: sp.tile, stars: make([]star, sp.n)}
		for i := range l.stars {
			l.stars[i] = star{x: next(), y: next(), size: sp.size * (0.5 + next()), bright: sp.bright * (0.4 + 0.6*next())}
		}
		layers = append(layers, l)
	}
	return layers
}

// each calls fn with the screen position of every copy of every star of the
// layer that shows on a w×h screen whose camera is centred on the world
// point (camX, camY) at zoom pixels per world unit.
func (l *starLayer) each(camX, camY, zoom, w, h float64, fn func(sx, sy float64, s *star)) {
	if l.tile <= 0 || zoom <= 0 {
		return
	}
	// The tile in screen pixels; stars are placed so that the layer scrolls
	// by Depth of the camera's motion.
	t := l.tile * zoom
	offX := positiveMod(-camX*l.depth*zoom+w/2, t)
	offY := positiveMod(-camY*l.depth*zoom+h/2, t)
	for i := range l.stars {
		s := &l.stars[i]
		for x := offX + s.x*t - t; x < w+t; x += t {
			if x < -4 || x > w+4 {
				continue
			}
			for y := offY + s.y*t - t; y < h+t; y += t {
				if y < -4 || y > h+4 {
					continue
				}
				fn(x, y, s)
			}
		}
	}
}

func positiveMod(v, m float64) float64 {
	r := math.Mod(v, m)
	if r < 0 {
		r += m
	}
	return r
}

// gridLines calls fn with the screen coordinate of every grid line of spacing
// step world units that crosses the screen along one axis: cam is the world
// coordinate at the screen's centre, size the screen's extent in pixels. Lines
// are limited to the arena, from 0 to arena world units.
func gridLines(cam, zoom, size, step, arena float64, fn func(s float64, world float64)) {
	if step <= 0 || zoom <= 0 {
		return
	}
	lo := cam - size/2/zoom
	hi := cam + size/2/zoom
	first := math.Ceil(max(lo, 0)/step) * step
	for w := first; w <= min(hi, arena); w += step {
		fn((w-cam)*zoom+size/2, w)
	}
}
