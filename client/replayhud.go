//go:build js

package client

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/wire"
)

// drawHUD draws the replay's panels and controls over the arena.
func (r *ReplayGame) drawHUD(dst *ebiten.Image) {
	g := r.g
	pb := r.pb
	g.drawKills(dst, pb.KillFeed(), pb.RenderTick(), time.Duration(float64(time.Second)/pb.TickRate()), r.view.Following(), 56*g.screen.UI)
	r.drawClock(dst)
	r.drawBoard(dst)
	r.drawMinimap(dst)
	if res := pb.Result(); res != nil {
		rows := make([]scoreRow, 0, len(res))
		for _, p := range res {
			rows = append(rows, scoreRow{place: p.Placement, ship: p.Ship, name: p.Name, bot: p.Bot, score: p.Score, kills: p.Kills, deaths: p.Deaths})
		}
		g.drawTable(dst, fmt.Sprintf("Round %d over", pb.World().Round), "Space: watch again  ·  ←: back 5 s", rows)
	} else {
		r.drawFollowed(dst)
	}
	// The controls stay bright over the results.
	r.drawBar(dst)
}

// drawClock shows the round's clock at the playback time, top centre, with
// a REPLAY badge.
func (r *ReplayGame) drawClock(dst *ebiten.Image) {
	g := r.g
	ui := g.screen.UI
	w := r.pb.World()
	cx := float64(g.screen.W) / 2
	pw, ph := 170*ui, 64*ui
	g.panel(dst, cx-pw/2, 12*ui, pw, ph)
	label := fmt.Sprintf("ROUND %d", w.Round)
	if w.Phase == game.Intermission {
		label = "ROUND OVER"
	}
	drawText(dst, label, g.fonts.small, cx, 18*ui, alignCenter, ColorMuted)
	left := time.Duration(r.pb.TimeLeft() * float64(time.Second))
	drawText(dst, Clock(left), g.fonts.title, cx, 32*ui, alignCenter, ColorText)
	// The badge hangs under the clock.
	bw, bh := 74*ui, 20*ui
	bx, by := cx-bw/2, 12*ui+ph-bh/2
	g.world.roundRect(dst, bx, by, bw, bh, bh/2, ColorDanger)
	g.world.flush(dst)
	drawText(dst, "REPLAY", g.fonts.small, cx, by+2*ui, alignCenter, ColorText)
}

// drawBoard draws the scoreboard down the left: every pilot ranked, the
// followed one highlighted; a click on a row follows that pilot.
func (r *ReplayGame) drawBoard(dst *ebiten.Image) {
	g := r.g
	ui := g.screen.UI
	l := &r.layout
	lines := r.pb.Standings()
	follow := r.view.Following()
	shown := lines[:min(len(lines), l.Rows)]
	if len(lines) > l.Rows {
		for _, p := range lines[l.Rows:] {
			if p.Ship == follow {
				shown = append(shown[:l.Rows-1:l.Rows-1], p)
			}
		}
	}
	b := l.Board
	g.panel(dst, b.X, b.Y, b.W, b.H)
	room := r.pb.Replay().Meta.Room.Name
	if room == "" {
		room = "Replay"
	}
	drawText(dst, Truncate(room, 22), g.fonts.label, b.X+12*ui, b.Y+10*ui, alignStart, ColorText)
	drawText(dst, "SCORE", g.fonts.small, b.X+b.W-58*ui, b.Y+15*ui, alignEnd, ColorMuted)
	drawText(dst, "K/D", g.fonts.small, b.X+b.W-12*ui, b.Y+15*ui, alignEnd, ColorMuted)
	r.boardIDs = r.boardIDs[:0]
	mx, my := ebiten.CursorPosition()
	hover := l.BoardRow(float64(mx), float64(my))
	for i, p := range shown {
		r.boardIDs = append(r.boardIDs, p.Ship)
		y := l.BoardTop + float64(i)*l.RowH
		switch {
		case p.Ship == follow:
			g.world.roundRect(dst, b.X+6*ui, y, b.W-12*ui, l.RowH-2*ui, 6*ui, Fade(ColorAccent, 0.22))
		case i == hover:
			g.world.roundRect(dst, b.X+6*ui, y, b.W-12*ui, l.RowH-2*ui, 6*ui, Fade(ColorText, 0.08))
		}
		c := ShipColor(p.Ship)
		s := r.pb.World().Ship(p.Ship)
		if s != nil && s.Dead {
			c = Mix(c, ColorMuted, 0.7)
		}
		g.world.circle(dst, b.X+40*ui, y+l.RowH/2-1*ui, 5*ui, c)
		g.world.flush(dst)
		pc := ColorMuted
		if i == 0 {
			pc = ColorGold
		}
		drawText(dst, strconv.Itoa(p.Placement), g.fonts.small, b.X+20*ui, y+5*ui, alignCenter, pc)
		nc := Mix(c, ColorText, 0.55)
		if p.Ship == follow {
			nc = ColorText
		}
		name := Truncate(p.Name, 14)
		drawText(dst, name, g.fonts.small, b.X+52*ui, y+5*ui, alignStart, nc)
		drawText(dst, strconv.Itoa(int(p.Score)), g.fonts.small, b.X+b.W-58*ui, y+5*ui, alignEnd, ColorGold)
		drawText(dst, fmt.Sprintf("%d/%d", p.Kills, p.Deaths), g.fonts.small, b.X+b.W-12*ui, y+5*ui, alignEnd, ColorMuted)
	}
}

// drawMinimap shows every ship on a map of the arena, the followed one
// ringed and the part of the arena on screen outlined. A click on it moves
// the camera there.
func (r *ReplayGame) drawMinimap(dst *ebiten.Image) {
	g := r.g
	g.drawMinimapFrame(dst)
	ui := g.screen.UI
	m := g.screen.Minimap
	follow := r.view.Following()
	for i := range g.frame.Ships {
		e := &g.frame.Ships[i]
		if e.Dead() {
			continue
		}
		px, py := MinimapWorld(m, g.worldSize, e.X, e.Y)
		c := ShipColor(e.ID)
		if e.Flags&wire.FlagIdle != 0 {
			c = Mix(c, ColorMuted, 0.7)
		}
		g.world.circle(dst, px, py, 3*ui, c)
		if e.ID == follow {
			pulse := 0.5 + 0.5*math.Sin(g.elapsed*5)
			g.world.ring(dst, px, py, (6+2*pulse)*ui, 1.5*ui, Fade(ColorText, 0.8), 0, 2*math.Pi)
		}
	}
	g.world.flush(dst)
}

// drawFollowed names what the camera does, above the control bar: the
// followed pilot with their health, or the free camera and its keys.
func (r *ReplayGame) drawFollowed(dst *ebiten.Image) {
	g := r.g
	ui := g.screen.UI
	l := &r.layout
	var text, hint string
	c := ColorText
	if id := r.view.Following(); id != 0 {
		if e := findShip(g.frame.Ships, id); e != nil {
			text = "Following " + Truncate(e.Name, 16)
			if e.Dead() {
				text += " · destroyed"
			} else {
				text += fmt.Sprintf(" · %d HP", e.HP)
			}
			c = Mix(ShipColor(id), ColorText, 0.5)
		} else {
			text = "Following a pilot who left"
		}
		hint = "F next · click a ship or a name · drag for a free camera"
	} else {
		text = "Free camera"
		hint = "drag · WASD · wheel to zoom · Z whole arena · F follow"
	}
	tw := max(textWidth(text, g.fonts.body), textWidth(hint, g.fonts.small)) + 44*ui
	cx := l.Bar.X + l.Bar.W/2
	y := l.Bar.Y - 56*ui
	g.world.roundRect(dst, cx-tw/2, y, tw, 48*ui, 9*ui, Fade(ColorPanel, 0.85))
	g.world.flush(dst)
	drawText(dst, text, g.fonts.body, cx, y+5*ui, alignCenter, c)
	drawText(dst, hint, g.fonts.small, cx, y+27*ui, alignCenter, ColorMuted)
}

// drawBar draws the control bar: play/pause, the time, the seek bar with a
// mark at every kill, and the speed.
func (r *ReplayGame) drawBar(dst *ebiten.Image) {
	g := r.g
	ui := g.screen.UI
	l := &r.layout
	pb := r.pb
	b := l.Bar
	g.panel(dst, b.X, b.Y, b.W, b.H)

	// Play or pause.
	p := l.Play
	g.world.roundRect(dst, p.X, p.Y, p.W, p.H, p.H/2, ColorAccent)
	cx, cy, s := p.X+p.W/2, p.Y+p.H/2, p.H*0.22
	if pb.Playing() {
		g.world.rect(dst, cx-s*0.9, cy-s, s*0.65, 2*s, ColorSpace)
		g.world.rect(dst, cx+s*0.25, cy-s, s*0.65, 2*s, ColorSpace)
	} else {
		g.world.poly(dst, [][2]float64{{cx - s*0.7, cy - s*1.1}, {cx + s*1.1, cy}, {cx - s*0.7, cy + s*1.1}}, ColorSpace)
	}
	g.world.flush(dst)
	dur := pb.Duration()
	drawText(dst, Elapsed(pb.Time())+" / "+Elapsed(dur),
		g.fonts.body, p.X+p.W+12*ui, b.Y+b.H/2-11*ui, alignStart, ColorText)

	// The seek bar: the track, what was played, the kills, the knob.
	k := l.Seek
	g.world.roundRect(dst, k.X, k.Y, k.W, k.H, k.H/2, Fade(ColorPanelLine, 0.9))
	px := l.SeekX(pb.Time(), dur)
	if px > k.X {
		g.world.roundRect(dst, k.X, k.Y, px-k.X, k.H, k.H/2, ColorAccent)
	}
	start := float64(pb.Replay().Meta.StartTick)
	for _, kl := range pb.KillFeed() {
		x := l.SeekX((float64(kl.Tick)-start)/pb.TickRate(), dur)
		g.world.rect(dst, x-ui, k.Y-4*ui, 2*ui, k.H+8*ui, Fade(ColorDanger, 0.8))
	}
	knob := 9 * ui
	if r.scrub {
		knob = 11 * ui
	}
	g.world.circle(dst, px, k.Y+k.H/2, knob, ColorText)
	g.world.flush(dst)

	// Speed.
	for _, btn := range []struct {
		r     Rect
		minus bool
	}{{l.Slower, true}, {l.Faster, false}} {
		q := btn.r
		g.world.roundRect(dst, q.X, q.Y, q.W, q.H, q.H/2, Fade(ColorPanelLine, 0.9))
		mx, my := q.X+q.W/2, q.Y+q.H/2
		g.world.rect(dst, mx-q.W*0.22, my-ui, q.W*0.44, 2*ui, ColorText)
		if !btn.minus {
			g.world.rect(dst, mx-ui, my-q.H*0.22, 2*ui, q.H*0.44, ColorText)
		}
	}
	g.world.flush(dst)
	drawText(dst, speedLabel(pb.Speed()), g.fonts.label, (l.Slower.X+l.Slower.W+l.Faster.X)/2, b.Y+b.H/2-12*ui, alignCenter, ColorGold)
}

// speedLabel formats a playback speed: "0.25×", "1×", "8×".
func speedLabel(s float64) string {
	return strconv.FormatFloat(s, 'f', -1, 64) + "×"
}

// drawError shows why the replay cannot be played.
func (r *ReplayGame) drawError(dst *ebiten.Image) {
	g := r.g
	ui := g.screen.UI
	w, h := float64(g.screen.W), float64(g.screen.H)
	pw := min(640*ui, w-40*ui)
	g.panel(dst, w/2-pw/2, h/2-90*ui, pw, 180*ui)
	drawText(dst, "Cannot play this replay", g.fonts.title, w/2, h/2-70*ui, alignCenter, ColorDanger)
	for i, line := range Wrap(r.err, 64, 2) {
		drawText(dst, line, g.fonts.body, w/2, h/2-15*ui+float64(i)*26*ui, alignCenter, ColorText)
	}
	drawText(dst, "Press Esc to go back", g.fonts.small, w/2, h/2+50*ui, alignCenter, ColorMuted)
}
