//go:build js

package client

import (
	"fmt"
	"image"
	"image/color"
	"math"

	"github.com/hajimehoshi/ebiten/v2"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// fonts are the Go fonts (BSD licensed, bundled with golang.org/x/image) at
// the sizes the HUD uses, rebuilt when the UI scale changes.
//
// The HUD draws short Latin strings, so glyphs are rasterized once each by
// golang.org/x/image/font/opentype and drawn as images. Ebiten's text/v2
// would do the same through a full shaping engine (HarfBuzz tables, CFF,
// Unicode data, image decoders) that made up about a sixth of game.wasm.
type fonts struct {
	regular, bold *opentype.Font
	scale         float64
	small, body   *face
	label, title  *face
	huge          *face
}

func loadFonts() (*fonts, error) {
	r, err := opentype.Parse(goregular.TTF)
	if err != nil {
		return nil, fmt.Errorf("load the regular font: %w", err)
	}
	b, err := opentype.Parse(gobold.TTF)
	if err != nil {
		return nil, fmt.Errorf("load the bold font: %w", err)
	}
	return &fonts{regular: r, bold: b}, nil
}

// resize makes the faces for the UI scale ui.
func (f *fonts) resize(ui float64) {
	if ui == f.scale {
		return
	}
	f.scale = ui
	for _, old := range []*face{f.small, f.body, f.label, f.title, f.huge} {
		old.release()
	}
	f.small = newFace(f.regular, 12*ui)
	f.body = newFace(f.regular, 15*ui)
	f.label = newFace(f.bold, 16*ui)
	f.title = newFace(f.bold, 30*ui)
	f.huge = newFace(f.bold, 54*ui)
}

// face is one font at one size, with the glyphs drawn so far.
type face struct {
	// Size is the size of the em square, in pixels.
	Size   float64
	face   font.Face
	ascent float64
	glyphs map[rune]glyph
}

// glyph is one rasterized glyph: img (nil for blank ones) is drawn with its
// top left corner at (dx, dy) from the pen position on the baseline.
type glyph struct {
	img     *ebiten.Image
	dx, dy  float64
	advance float64
}

// newFace returns font f at size pixels, or nil when it cannot be made.
func newFace(f *opentype.Font, size float64) *face {
	ff, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		return nil
	}
	return &face{Size: size, face: ff, ascent: fixed26(ff.Metrics().Ascent), glyphs: map[rune]glyph{}}
}

// release frees the face's glyph images.
func (f *face) release() {
	if f == nil {
		return
	}
	for _, g := range f.glyphs {
		if g.img != nil {
			g.img.Deallocate()
		}
	}
	clear(f.glyphs)
}

// glyph returns the glyph of r, rasterizing it the first time.
func (f *face) glyph(r rune) glyph {
	if g, ok := f.glyphs[r]; ok {
		return g
	}
	dr, mask, mp, adv, ok := f.face.Glyph(fixed.Point26_6{}, r)
	g := glyph{advance: fixed26(adv), dx: float64(dr.Min.X), dy: float64(dr.Min.Y)}
	if ok && !dr.Empty() {
		// The face reuses its mask buffer: copy it out now, as white with
		// premultiplied alpha so that a colour scale tints it.
		rgba := image.NewRGBA(image.Rect(0, 0, dr.Dx(), dr.Dy()))
		for y := 0; y < dr.Dy(); y++ {
			for x := 0; x < dr.Dx(); x++ {
				_, _, _, a := mask.At(mp.X+x, mp.Y+y).RGBA()
				v := uint8(a >> 8)
				rgba.SetRGBA(x, y, color.RGBA{v, v, v, v})
			}
		}
		g.img = ebiten.NewImageFromImage(rgba)
	}
	f.glyphs[r] = g
	return g
}

// width returns the width of s, in pixels.
func (f *face) width(s string) float64 {
	w, prev := 0.0, rune(-1)
	for _, r := range s {
		if prev >= 0 {
			w += fixed26(f.face.Kern(prev, r))
		}
		w += f.glyph(r).advance
		prev = r
	}
	return w
}

// draw draws s with its left end at x and its baseline at y.
func (f *face) draw(dst *ebiten.Image, s string, x, y float64, cs ebiten.ColorScale) {
	var op ebiten.DrawImageOptions
	op.ColorScale = cs
	op.Filter = ebiten.FilterNearest
	prev := rune(-1)
	for _, r := range s {
		if prev >= 0 {
			x += fixed26(f.face.Kern(prev, r))
		}
		g := f.glyph(r)
		if g.img != nil {
			op.GeoM.Reset()
			op.GeoM.Translate(math.Round(x+g.dx), math.Round(y+g.dy))
			dst.DrawImage(g.img, &op)
		}
		x += g.advance
		prev = r
	}
}

// fixed26 converts a 26.6 fixed-point number to a float.
func fixed26(v fixed.Int26_6) float64 { return float64(v) / 64 }

// align says where a text's anchor point is: its left, centre or right.
type align int

const (
	alignStart align = iota
	alignCenter
	alignEnd
)

// drawText draws s with face at (x, y), y being the top of the line, with a
// soft shadow that keeps it readable over the bright parts of the arena.
func drawText(dst *ebiten.Image, s string, face *face, x, y float64, h align, clr color.RGBA) {
	if face == nil {
		return
	}
	switch h {
	case alignCenter:
		x -= face.width(s) / 2
	case alignEnd:
		x -= face.width(s)
	}
	y += face.ascent
	shadow := max(1, face.Size/14)
	face.draw(dst, s, x+shadow, y+shadow, straight(color.RGBA{0, 0, 0, uint8(0.7 * float64(clr.A))}))
	face.draw(dst, s, x, y, straight(clr))
}

// textWidth returns the width of s in face, in pixels.
func textWidth(s string, face *face) float64 {
	if face == nil {
		return 0
	}
	return face.width(s)
}

// straight returns the colour scale of c, whose alpha is straight (not
// premultiplied), as the palette's colours are.
func straight(c color.RGBA) ebiten.ColorScale {
	var cs ebiten.ColorScale
	a := float32(c.A) / 255
	cs.Scale(float32(c.R)/255*a, float32(c.G)/255*a, float32(c.B)/255*a, a)
	return cs
}
