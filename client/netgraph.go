//go:build js

package client

import (
	"fmt"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"
)

// netGraph is the connection overlay, shown and hidden with F3 or N, off
// at start.
type netGraph struct {
	shown bool
	meter netMeter
}

// updateNetGraph toggles the net graph on F3 or N and measures this frame.
func (g *Game) updateNetGraph(now time.Time, dt float64) {
	if inpututil.IsKeyJustPressed(ebiten.KeyF3) || inpututil.IsKeyJustPressed(ebiten.KeyN) {
		g.netGraph.shown = !g.netGraph.shown
	}
	tickRate := 0
	if w, ok := g.net.Welcome(); ok {
		tickRate = int(w.Rules.TickRate)
	}
	g.netGraph.meter.frame(now, dt, g.net.Stats(), g.net.RTTMean(), g.net.RTTMin(), g.net.RTTJitter(), g.net.InterpDelay(), tickRate, g.net.TickSpacing())
	g.status.Net = g.netGraph.meter.figures
	g.status.NetGraph = g.netGraph.shown
}

// frameScale is the frame time that fills the graph's height: 100 ms.
const frameScale = 0.1

// drawNetGraph draws the figures and a plot of the latest frame times on
// the left, under the score panel.
func (g *Game) drawNetGraph(dst *ebiten.Image) {
	if !g.netGraph.shown {
		return
	}
	ui := g.screen.ui
	f := &g.netGraph.meter.figures
	lines := []string{
		fmt.Sprintf("%.0f fps", f.FPS),
		fmt.Sprintf("rtt %.0f ms  avg %.0f ± %.0f", f.RTTMin, f.RTT, f.Jitter),
		updatesLine(f),
		fmt.Sprintf("down %s  up %s", byteRate(f.BytesDownPerSec), byteRate(f.BytesUpPerSec)),
		fmt.Sprintf("corrections %d  avg %.1f  max %.1f", f.Corrections, f.CorrectionMean, f.CorrectionMax),
		fmt.Sprintf("underflows %d (%.1f%%), %d after stalls", f.Underflows, f.UnderflowPct, f.StallUnderflows),
		fmt.Sprintf("interp delay %.0f ms  avg %.0f", f.InterpDelay, f.InterpDelayMean),
	}
	// Under the score panel (see drawScorePanel).
	x, y, w := 14*ui, max(58*ui, 58*g.screen.scale)+96*ui, 250*ui
	lh, plotH := 18*ui, 44*ui
	h := 42*ui + float64(len(lines))*lh + plotH // 8 between the text and the plot
	g.panel(dst, x, y, w, h)
	drawText(dst, "NET GRAPH", g.fonts.small, x+12*ui, y+8*ui, alignStart, colorAccent)
	drawText(dst, "F3", g.fonts.small, x+w-12*ui, y+8*ui, alignEnd, colorMuted)
	for i, l := range lines {
		drawText(dst, l, g.fonts.small, x+12*ui, y+28*ui+float64(i)*lh, alignStart, colorText)
	}
	// Frame times, newest on the right; the line marks 33 ms (30 fps).
	px, py, pw := x+12*ui, y+h-10*ui, w-24*ui
	bw := pw / frameHistory
	b := &g.world
	for i := range frameHistory {
		dt := g.netGraph.meter.frameTime(i)
		bh := min(dt/frameScale, 1) * plotH
		c := colorGood
		if dt > 1.0/30 {
			c = colorGold
		}
		if dt > 1.0/15 {
			c = colorDanger
		}
		b.rect(dst, px+pw-float64(i+1)*bw, py-bh, bw*0.8, bh, c)
	}
	mark := py - (1.0/30)/frameScale*plotH
	b.rect(dst, px, mark, pw, max(1, ui), fade(colorMuted, 0.6))
	b.flush(dst)
}

// byteRate formats bytes per second, "820 B/s" or "4.6 kB/s".
func byteRate(v float64) string {
	if v < 1000 {
		return fmt.Sprintf("%.0f B/s", v)
	}
	return fmt.Sprintf("%.1f kB/s", v/1000)
}
