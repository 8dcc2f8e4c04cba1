//go:build js

package client

import (
	"bytes"
	"fmt"
	"image/color"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/text/v2"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
)

// fonts are the Go fonts (BSD licensed, bundled with golang.org/x/image) at
// the sizes the HUD uses, rebuilt when the UI scale changes.
type fonts struct {
	regular, bold *text.GoTextFaceSource
	scale         float64
	small, body   *text.GoTextFace
	label, title  *text.GoTextFace
	huge          *text.GoTextFace
}

func loadFonts() (*fonts, error) {
	r, err := text.NewGoTextFaceSource(bytes.NewReader(goregular.TTF))
	if err != nil {
		return nil, fmt.Errorf("load the regular font: %w", err)
	}
	b, err := text.NewGoTextFaceSource(bytes.NewReader(gobold.TTF))
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
	f.small = &text.GoTextFace{Source: f.regular, Size: 12 * ui}
	f.body = &text.GoTextFace{Source: f.regular, Size: 15 * ui}
	f.label = &text.GoTextFace{Source: f.bold, Size: 16 * ui}
	f.title = &text.GoTextFace{Source: f.bold, Size: 30 * ui}
	f.huge = &text.GoTextFace{Source: f.bold, Size: 54 * ui}
}

// align says where a text's anchor point is: its left, centre or right.
type align = text.Align

const (
	alignStart  = text.AlignStart
	alignCenter = text.AlignCenter
	alignEnd    = text.AlignEnd
)

// drawText draws s with face at (x, y), y being the top of the line, with a
// soft shadow that keeps it readable over the bright parts of the arena.
func drawText(dst *ebiten.Image, s string, face *text.GoTextFace, x, y float64, h align, clr color.RGBA) {
	op := &text.DrawOptions{}
	op.PrimaryAlign = h
	shadow := max(1, face.Size/14)
	op.GeoM.Translate(x+shadow, y+shadow)
	op.ColorScale = straight(color.RGBA{0, 0, 0, uint8(0.7 * float64(clr.A))})
	text.Draw(dst, s, face, op)
	op.GeoM.Reset()
	op.GeoM.Translate(x, y)
	op.ColorScale = straight(clr)
	text.Draw(dst, s, face, op)
}

// textWidth returns the width of s in face, in pixels.
func textWidth(s string, face *text.GoTextFace) float64 {
	w, _ := text.Measure(s, face, 0)
	return w
}

// straight returns the colour scale of c, whose alpha is straight (not
// premultiplied), as the palette's colours are.
func straight(c color.RGBA) ebiten.ColorScale {
	var cs ebiten.ColorScale
	a := float32(c.A) / 255
	cs.Scale(float32(c.R)/255*a, float32(c.G)/255*a, float32(c.B)/255*a, a)
	return cs
}
