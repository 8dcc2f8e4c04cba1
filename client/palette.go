package client

import (
	"image/color"
	"math"
)

// The colours of this package hold straight (not premultiplied) alpha: fade
// changes only the alpha, and the drawing code converts when it draws.

// The fixed colours of the game: a dark blue space, cyan accents and warm
// warnings, chosen to stay readable over the starfield.
var (
	colorSpace     = color.RGBA{0x07, 0x0b, 0x1a, 0xff}
	colorGrid      = color.RGBA{0x1c, 0x2a, 0x4a, 0xff}
	colorBorder    = color.RGBA{0xff, 0x4d, 0x6d, 0xff}
	colorText      = color.RGBA{0xe8, 0xee, 0xff, 0xff}
	colorMuted     = color.RGBA{0x8a, 0x98, 0xbd, 0xff}
	colorAccent    = color.RGBA{0x3d, 0xe8, 0xff, 0xff}
	colorGold      = color.RGBA{0xff, 0xd1, 0x4a, 0xff}
	colorDanger    = color.RGBA{0xff, 0x55, 0x55, 0xff}
	colorGood      = color.RGBA{0x5c, 0xf2, 0x8a, 0xff}
	colorPanel     = color.RGBA{0x0c, 0x13, 0x2b, 0xd0}
	colorPellet    = color.RGBA{0x9d, 0xff, 0x6b, 0xff}
	colorPanelLine = color.RGBA{0x3a, 0x4d, 0x80, 0xff}
)

// shipColor returns the colour of the ship with id: a hue spread by the golden
// ratio so that consecutive ids look clearly different, at a saturation and
// value that stand out on the dark background. The same id always gets the
// same colour, in every browser.
func shipColor(id uint32) color.RGBA {
	const golden = 0.618033988749895
	h := math.Mod(float64(id)*golden+0.13, 1)
	// Skip the yellow-greens and greens (70°–160°) that pellets use, by
	// squeezing the rest of the hue wheel around them.
	h = math.Mod(0.44+h*0.75, 1)
	return hsv(h, 0.62, 1)
}

// hsv converts a hue, saturation and value, each from 0 to 1, to an opaque colour.
func hsv(h, s, v float64) color.RGBA {
	h = math.Mod(h, 1)
	if h < 0 {
		h++
	}
	s, v = clamp01(s), clamp01(v)
	i := math.Floor(h * 6)
	f := h*6 - i
	p, q, t := v*(1-s), v*(1-f*s), v*(1-(1-f)*s)
	var r, g, b float64
	switch int(i) % 6 {
	case 0:
		r, g, b = v, t, p
	case 1:
		r, g, b = q, v, p
	case 2:
		r, g, b = p, v, t
	case 3:
		r, g, b = p, q, v
	case 4:
		r, g, b = t, p, v
	default:
		r, g, b = v, p, q
	}
	return color.RGBA{to8(r), to8(g), to8(b), 0xff}
}

// fade returns c with its alpha multiplied by a, from 0 to 1. The colour is
// not premultiplied: RGB stay as they are.
func fade(c color.RGBA, a float64) color.RGBA {
	c.A = to8(float64(c.A) / 255 * clamp01(a))
	return c
}

// mix returns the colour a fraction t of the way from a to b.
func mix(a, b color.RGBA, t float64) color.RGBA {
	t = clamp01(t)
	l := func(x, y uint8) uint8 { return to8((float64(x)*(1-t) + float64(y)*t) / 255) }
	return color.RGBA{l(a.R, b.R), l(a.G, b.G), l(a.B, b.B), l(a.A, b.A)}
}

// healthColor returns the colour of a health bar at the fraction hp of full
// health: green when healthy, through yellow, to red when nearly dead.
func healthColor(hp float64) color.RGBA {
	hp = clamp01(hp)
	if hp > 0.5 {
		return mix(colorGold, colorGood, (hp-0.5)*2)
	}
	return mix(colorDanger, colorGold, hp*2)
}

func clamp01(v float64) float64 { return min(max(v, 0), 1) }

func to8(v float64) uint8 { return uint8(math.Round(clamp01(v) * 255)) }
