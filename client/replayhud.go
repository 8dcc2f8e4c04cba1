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
	g.drawKills(dst, pb.KillFeed(), pb.RenderTick(), time.Duration(float64(time.Second)/pb.TickRate()), r.view.following(), 56*g.screen.ui)
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
	ui := g.screen.ui
	w := r.pb.World()
	cx := float64(g.screen.w) / 2
	pw, ph := 170*ui, 64*ui
	g.panel(dst, cx-pw/2, 12*ui, pw, ph)
	label := fmt.Sprintf("ROUND %d", w.Round)
	if w.Phase == game.Intermission {
		label = "ROUND OVER"
	}
	drawText(dst, label, g.fonts.small, cx, 18*ui, alignCenter, colorMuted)
	left := time.Duration(r.pb.TimeLeft() * float64(time.Second))
	drawText(dst, clock(left), g.fonts.title, cx, 32*ui, alignCenter, colorText)
	// The badge hangs under the clock.
	bw, bh := 74*ui, 20*ui
	bx, by := cx-bw/2, 12*ui+ph-bh/2
	g.world.roundRect(dst, bx, by, bw, bh, bh/2, colorDanger)
	g.world.flush(dst)
	drawText(dst, "REPLAY", g.fonts.small, cx, by+2*ui, alignCenter, colorText)
}

// drawBoard draws the scoreboard down the left: every pilot ranked, the
// followed one highlighted; a click on a row follows that pilot.
func (r *ReplayGame) drawBoard(dst *ebiten.Image) {
	g := r.g
	ui := g.screen.ui
	l := &r.layout
	lines := r.pb.Standings()
	follow := r.view.following()
	shown := lines[:min(len(lines), l.rows)]
	if len(lines) > l.rows {
		for _, p := range lines[l.rows:] {
			if p.Ship == follow {
				shown = append(shown[:l.rows-1:l.rows-1], p)
			}
		}
	}
	b := l.board
	g.panel(dst, b.x, b.y, b.w, b.h)
	room := r.pb.Replay().Meta.Room.Name
	if room == "" {
		room = "Replay"
	}
	drawText(dst, truncate(room, 22), g.fonts.label, b.x+12*ui, b.y+10*ui, alignStart, colorText)
	drawText(dst, "SCORE", g.fonts.small, b.x+b.w-58*ui, b.y+15*ui, alignEnd, colorMuted)
	drawText(dst, "K/D", g.fonts.small, b.x+b.w-12*ui, b.y+15*ui, alignEnd, colorMuted)
	r.boardIDs = r.boardIDs[:0]
	mx, my := ebiten.CursorPosition()
	hover := l.boardRow(float64(mx), float64(my))
	for i, p := range shown {
		r.boardIDs = append(r.boardIDs, p.Ship)
		y := l.boardTop + float64(i)*l.rowH
		switch {
		case p.Ship == follow:
			g.world.roundRect(dst, b.x+6*ui, y, b.w-12*ui, l.rowH-2*ui, 6*ui, fade(colorAccent, 0.22))
		case i == hover:
			g.world.roundRect(dst, b.x+6*ui, y, b.w-12*ui, l.rowH-2*ui, 6*ui, fade(colorText, 0.08))
		}
		c := shipColor(p.Ship)
		s := r.pb.World().Ship(p.Ship)
		if s != nil && s.Dead {
			c = mix(c, colorMuted, 0.7)
		}
		g.world.circle(dst, b.x+40*ui, y+l.rowH/2-1*ui, 5*ui, c)
		g.world.flush(dst)
		pc := colorMuted
		if i == 0 {
			pc = colorGold
		}
		drawText(dst, strconv.Itoa(p.Placement), g.fonts.small, b.x+20*ui, y+5*ui, alignCenter, pc)
		nc := mix(c, colorText, 0.55)
		if p.Ship == follow {
			nc = colorText
		}
		name := truncate(p.Name, 14)
		drawText(dst, name, g.fonts.small, b.x+52*ui, y+5*ui, alignStart, nc)
		drawText(dst, strconv.Itoa(int(p.Score)), g.fonts.small, b.x+b.w-58*ui, y+5*ui, alignEnd, colorGold)
		drawText(dst, fmt.Sprintf("%d/%d", p.Kills, p.Deaths), g.fonts.small, b.x+b.w-12*ui, y+5*ui, alignEnd, colorMuted)
	}
}

// drawMinimap shows every ship on a map of the arena, the followed one
// ringed and the part of the arena on screen outlined. A click on it moves
// the camera there.
func (r *ReplayGame) drawMinimap(dst *ebiten.Image) {
	g := r.g
	g.drawMinimapFrame(dst)
	ui := g.screen.ui
	m := g.screen.minimap
	follow := r.view.following()
	for i := range g.frame.Ships {
		e := &g.frame.Ships[i]
		if e.Dead() {
			continue
		}
		px, py := minimapWorld(m, g.worldSize, e.X, e.Y)
		c := shipColor(e.ID)
		if e.Flags&wire.FlagIdle != 0 {
			c = mix(c, colorMuted, 0.7)
		}
		g.world.circle(dst, px, py, 3*ui, c)
		if e.ID == follow {
			pulse := 0.5 + 0.5*math.Sin(g.elapsed*5)
			g.world.ring(dst, px, py, (6+2*pulse)*ui, 1.5*ui, fade(colorText, 0.8), 0, 2*math.Pi)
		}
	}
	g.world.flush(dst)
}

// drawFollowed names what the camera does, above the control bar: the
// followed pilot with their health, or the free camera and its keys.
func (r *ReplayGame) drawFollowed(dst *ebiten.Image) {
	g := r.g
	ui := g.screen.ui
	l := &r.layout
	var text, hint string
	c := colorText
	if id := r.view.following(); id != 0 {
		if e := findShip(g.frame.Ships, id); e != nil {
			text = "Following " + truncate(e.Name, 16)
			if e.Dead() {
				text += " · destroyed"
			} else {
				text += fmt.Sprintf(" · %d HP", e.HP)
			}
			c = mix(shipColor(id), colorText, 0.5)
		} else {
			text = "Following a pilot who left"
		}
		hint = "F next · click a ship or a name · drag for a free camera"
	} else {
		text = "Free camera"
		hint = "drag · WASD · wheel to zoom · Z whole arena · F follow"
	}
	tw := max(textWidth(text, g.fonts.body), textWidth(hint, g.fonts.small)) + 44*ui
	cx := l.bar.x + l.bar.w/2
	y := l.bar.y - 56*ui
	g.world.roundRect(dst, cx-tw/2, y, tw, 48*ui, 9*ui, fade(colorPanel, 0.85))
	g.world.flush(dst)
	drawText(dst, text, g.fonts.body, cx, y+5*ui, alignCenter, c)
	drawText(dst, hint, g.fonts.small, cx, y+27*ui, alignCenter, colorMuted)
}

// drawBar draws the control bar: play/pause, the time, the seek bar with a
// mark at every kill, and the speed.
func (r *ReplayGame) drawBar(dst *ebiten.Image) {
	g := r.g
	ui := g.screen.ui
	l := &r.layout
	pb := r.pb
	b := l.bar
	g.panel(dst, b.x, b.y, b.w, b.h)

	// Play or pause.
	p := l.play
	g.world.roundRect(dst, p.x, p.y, p.w, p.h, p.h/2, colorAccent)
	cx, cy, s := p.x+p.w/2, p.y+p.h/2, p.h*0.22
	if pb.Playing() {
		g.world.rect(dst, cx-s*0.9, cy-s, s*0.65, 2*s, colorSpace)
		g.world.rect(dst, cx+s*0.25, cy-s, s*0.65, 2*s, colorSpace)
	} else {
		g.world.poly(dst, [][2]float64{{cx - s*0.7, cy - s*1.1}, {cx + s*1.1, cy}, {cx - s*0.7, cy + s*1.1}}, colorSpace)
	}
	g.world.flush(dst)
	dur := pb.Duration()
	drawText(dst, elapsed(pb.Time())+" / "+elapsed(dur),
		g.fonts.body, p.x+p.w+12*ui, b.y+b.h/2-11*ui, alignStart, colorText)

	// The seek bar: the track, what was played, the kills, the knob.
	k := l.seek
	g.world.roundRect(dst, k.x, k.y, k.w, k.h, k.h/2, fade(colorPanelLine, 0.9))
	px := l.seekX(pb.Time(), dur)
	if px > k.x {
		g.world.roundRect(dst, k.x, k.y, px-k.x, k.h, k.h/2, colorAccent)
	}
	start := float64(pb.Replay().Meta.StartTick)
	for _, kl := range pb.KillFeed() {
		x := l.seekX((float64(kl.Tick)-start)/pb.TickRate(), dur)
		g.world.rect(dst, x-ui, k.y-4*ui, 2*ui, k.h+8*ui, fade(colorDanger, 0.8))
	}
	knob := 9 * ui
	if r.scrub {
		knob = 11 * ui
	}
	g.world.circle(dst, px, k.y+k.h/2, knob, colorText)
	g.world.flush(dst)

	// Speed.
	for _, btn := range []struct {
		r     rect
		minus bool
	}{{l.slower, true}, {l.faster, false}} {
		q := btn.r
		g.world.roundRect(dst, q.x, q.y, q.w, q.h, q.h/2, fade(colorPanelLine, 0.9))
		mx, my := q.x+q.w/2, q.y+q.h/2
		g.world.rect(dst, mx-q.w*0.22, my-ui, q.w*0.44, 2*ui, colorText)
		if !btn.minus {
			g.world.rect(dst, mx-ui, my-q.h*0.22, 2*ui, q.h*0.44, colorText)
		}
	}
	g.world.flush(dst)
	drawText(dst, speedLabel(pb.Speed()), g.fonts.label, (l.slower.x+l.slower.w+l.faster.x)/2, b.y+b.h/2-12*ui, alignCenter, colorGold)
}

// speedLabel formats a playback speed: "0.25×", "1×", "8×".
func speedLabel(s float64) string {
	return strconv.FormatFloat(s, 'f', -1, 64) + "×"
}

// drawError shows why the replay cannot be played.
func (r *ReplayGame) drawError(dst *ebiten.Image) {
	g := r.g
	ui := g.screen.ui
	w, h := float64(g.screen.w), float64(g.screen.h)
	pw := min(640*ui, w-40*ui)
	g.panel(dst, w/2-pw/2, h/2-90*ui, pw, 180*ui)
	drawText(dst, "Cannot play this replay", g.fonts.title, w/2, h/2-70*ui, alignCenter, colorDanger)
	for i, line := range wrap(r.err, 64, 2) {
		drawText(dst, line, g.fonts.body, w/2, h/2-15*ui+float64(i)*26*ui, alignCenter, colorText)
	}
	drawText(dst, "Press Esc to go back", g.fonts.small, w/2, h/2+50*ui, alignCenter, colorMuted)
}
