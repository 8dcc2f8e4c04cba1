//go:build js

package client

import (
	"fmt"
	"image/color"
	"math"
	"strconv"
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/tickarena/tickarena/client/netcode"
	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/wire"
)

// drawHUD draws everything fixed on the screen, over the arena.
func (g *Game) drawHUD(dst *ebiten.Image) {
	now := time.Now()
	st := g.net.State()
	g.drawHurt(dst)
	if st == netcode.StatePlaying || st == netcode.StateReconnecting {
		g.drawMinimap(dst)
		g.drawScorePanel(dst)
		if g.spec != nil {
			g.drawSpectating(dst)
		}
		g.drawRoundClock(dst, now)
		g.drawNetPanel(dst)
		g.drawKillFeed(dst, now)
		g.drawHealth(dst)
		g.drawHints(dst)
		g.drawTouch(dst)
		_, phase := g.net.RoundTimeLeft(now)
		switch {
		case phase == game.Intermission:
			g.drawResults(dst, now)
		case g.scoreboard:
			g.drawScoreboard(dst)
		case g.frame.HasSelf && g.frame.Self.Dead():
			g.drawDeath(dst, now)
		}
	}
	g.drawBanner(dst, st)
}

// panel draws a translucent rounded box with a thin edge.
func (g *Game) panel(dst *ebiten.Image, x, y, w, h float64) {
	ui := g.screen.ui
	g.world.roundRect(dst, x-ui, y-ui, w+2*ui, h+2*ui, 10*ui, fade(colorPanelLine, 0.6))
	g.world.roundRect(dst, x, y, w, h, 9*ui, colorPanel)
	g.world.flush(dst)
}

// drawHurt reddens the screen's edges right after the own ship was hit.
func (g *Game) drawHurt(dst *ebiten.Image) {
	if g.hurt <= 0 {
		return
	}
	w, h := float64(g.screen.w), float64(g.screen.h)
	e := min(w, h) * 0.12
	a := fade(colorDanger, 0.45*g.hurt)
	z := fade(colorDanger, 0)
	b := &g.world
	quad := func(x0, y0, x1, y1, x2, y2, x3, y3 float64, c0, c1 color.RGBA) {
		k := b.vertex(x0, y0, c0)
		b.vertex(x1, y1, c0)
		b.vertex(x2, y2, c1)
		b.vertex(x3, y3, c1)
		b.is = append(b.is, k, k+1, k+2, k+1, k+3, k+2)
	}
	quad(0, 0, w, 0, 0, e, w, e, a, z)
	quad(0, h, w, h, 0, h-e, w, h-e, a, z)
	quad(0, 0, 0, h, e, 0, e, h, a, z)
	quad(w, 0, w, h, w-e, 0, w-e, h, a, z)
	b.flush(dst)
}

// drawScorePanel shows the own score, kills and rank, top left under the
// page's "Lobby" link.
func (g *Game) drawScorePanel(dst *ebiten.Image) {
	if !g.frame.HasSelf {
		return
	}
	ui := g.screen.ui
	s := &g.frame.Self
	// The page's "Lobby" link sits in the top-left corner, 50 CSS pixels high.
	x, y, w, h := 14*ui, max(58*ui, 58*g.screen.scale), 190*ui, 86*ui
	g.panel(dst, x, y, w, h)
	drawText(dst, "SCORE", g.fonts.small, x+14*ui, y+10*ui, alignStart, colorMuted)
	drawText(dst, strconv.Itoa(int(s.Score)), g.fonts.title, x+14*ui, y+24*ui, alignStart, colorGold)
	drawText(dst, fmt.Sprintf("%d kills · %d deaths", s.Kills, s.Deaths), g.fonts.small, x+14*ui, y+63*ui, alignStart, colorText)
	if rank, of := g.rank(); rank > 0 {
		drawText(dst, ordinal(rank), g.fonts.label, x+w-14*ui, y+12*ui, alignEnd, colorAccent)
		drawText(dst, "of "+strconv.Itoa(of), g.fonts.small, x+w-14*ui, y+32*ui, alignEnd, colorMuted)
	}
}

// rank returns the own place on the roster and the roster's size.
func (g *Game) rank() (int, int) {
	roster := g.net.Roster()
	self := g.net.Ship()
	for i, l := range roster {
		if l.Ship == self {
			// Ties share the better place, as results do.
			r := i + 1
			for r > 1 && roster[r-2].Score == l.Score {
				r--
			}
			return r, len(roster)
		}
	}
	return 0, len(roster)
}

// drawRoundClock shows the time left in the round, top centre.
func (g *Game) drawRoundClock(dst *ebiten.Image, now time.Time) {
	ui := g.screen.ui
	left, phase := g.net.RoundTimeLeft(now)
	cx := float64(g.screen.w) / 2
	w, h := 150*ui, 64*ui
	g.panel(dst, cx-w/2, 12*ui, w, h)
	label := fmt.Sprintf("ROUND %d", g.frame.Round.Round)
	if phase == game.Intermission {
		label = "NEXT ROUND"
	}
	drawText(dst, label, g.fonts.small, cx, 18*ui, alignCenter, colorMuted)
	c := colorText
	if phase == game.Playing && left < 10*time.Second {
		c = mix(colorDanger, colorText, 0.5+0.5*math.Cos(g.elapsed*6))
	}
	drawText(dst, clock(left), g.fonts.title, cx, 32*ui, alignCenter, c)
}

// drawNetPanel shows the ping and the number of pilots, top right.
func (g *Game) drawNetPanel(dst *ebiten.Image) {
	ui := g.screen.ui
	w := float64(g.screen.w)
	x, y, pw, ph := w-14*ui-170*ui, 12*ui, 170*ui, 34*ui
	g.panel(dst, x, y, pw, ph)
	rtt := g.net.RTT()
	pc := pingColor(rtt)
	g.world.circle(dst, x+16*ui, y+ph/2, 4.5*ui, color.RGBA{pc[0], pc[1], pc[2], 0xff})
	g.world.flush(dst)
	drawText(dst, ping(rtt), g.fonts.body, x+28*ui, y+8*ui, alignStart, colorText)
	n := len(g.net.Roster())
	pilots := strconv.Itoa(n) + " pilots"
	if n == 1 {
		pilots = "1 pilot"
	}
	drawText(dst, pilots, g.fonts.body, x+pw-12*ui, y+8*ui, alignEnd, colorMuted)
}

// killFeedLife is how long a kill stays in the feed.
const killFeedLife = 6 * time.Second

// drawKillFeed lists the latest kills under the net panel, fading out.
func (g *Game) drawKillFeed(dst *ebiten.Image, now time.Time) {
	interval := g.net.TickInterval()
	if interval <= 0 {
		return
	}
	g.drawKills(dst, g.net.KillFeed(), g.net.ServerTick(now), interval, g.net.Ship(), 56*g.screen.ui)
}

// drawKills draws the kills of feed that are younger than killFeedLife at
// tick, top right from y down, those of ship self highlighted.
func (g *Game) drawKills(dst *ebiten.Image, feed []netcode.KillLine, tick float64, interval time.Duration, self uint32, y float64) {
	ui := g.screen.ui
	x := float64(g.screen.w) - 14*ui
	for _, k := range feed {
		age := time.Duration((tick - float64(k.Tick)) * float64(interval))
		if age > killFeedLife {
			continue
		}
		a := clamp01((killFeedLife - age).Seconds() / 1.0)
		killer := k.KillerName
		if killer == "" {
			killer = "The arena"
		}
		killer, victim := truncate(killer, 16), truncate(k.VictimName, 16)
		kw, vw := textWidth(killer, g.fonts.body), textWidth(victim, g.fonts.body)
		icon, pad := 22*ui, 10*ui
		lw := pad + kw + icon + vw + pad
		bg := fade(colorPanel, a)
		if k.Killer == self || k.Victim == self {
			bg = fade(mix(colorPanel, colorAccent, 0.25), a)
		}
		left := x - lw
		g.world.roundRect(dst, left, y, lw, 26*ui, 6*ui, bg)
		// A small red cross between the names: the fonts have no such glyph.
		cx, cy, arm := left+pad+kw+icon/2, y+13*ui, 4*ui
		g.world.line(dst, cx-arm, cy-arm, cx+arm, cy+arm, 2*ui, fade(colorDanger, a), fade(colorDanger, a))
		g.world.line(dst, cx-arm, cy+arm, cx+arm, cy-arm, 2*ui, fade(colorDanger, a), fade(colorDanger, a))
		g.world.flush(dst)
		drawText(dst, killer, g.fonts.body, left+pad, y+4*ui, alignStart, fade(g.feedColor(k.Killer), a))
		drawText(dst, victim, g.fonts.body, left+pad+kw+icon, y+4*ui, alignStart, fade(g.feedColor(k.Victim), a))
		y += 30 * ui
	}
}

// feedColor is the colour of a ship's name in the kill feed.
func (g *Game) feedColor(id uint32) color.RGBA {
	if id == 0 {
		return colorMuted
	}
	return mix(shipColor(id), colorText, 0.35)
}

// drawHealth shows the own health bar, bottom centre.
func (g *Game) drawHealth(dst *ebiten.Image) {
	if !g.frame.HasSelf || g.frame.Self.Dead() {
		return
	}
	ui := g.screen.ui
	hp := float64(g.frame.Self.HP) / game.MaxHP
	w, h := 260*ui, 14*ui
	x, y := float64(g.screen.w)/2-w/2, float64(g.screen.h)-34*ui
	g.world.roundRect(dst, x-2*ui, y-2*ui, w+4*ui, h+4*ui, 8*ui, fade(colorPanelLine, 0.8))
	g.world.roundRect(dst, x, y, w, h, 7*ui, color.RGBA{0x05, 0x08, 0x14, 0xe0})
	if hp > 0 {
		g.world.roundRect(dst, x, y, w*min(hp, 1), h, 7*ui, healthColor(hp))
	}
	g.world.flush(dst)
	drawText(dst, fmt.Sprintf("%d HP", g.frame.Self.HP), g.fonts.small, x+w/2, y-18*ui, alignCenter, colorText)
}

// drawHints shows the controls for the first seconds of the game.
func (g *Game) drawHints(dst *ebiten.Image) {
	const show = 14.0
	if g.elapsed > show || g.input.touch {
		return
	}
	ui := g.screen.ui
	a := clamp01(show - g.elapsed)
	x, y := 14*ui, float64(g.screen.h)-98*ui
	g.world.roundRect(dst, x, y, 250*ui, 84*ui, 9*ui, fade(colorPanel, a))
	g.world.flush(dst)
	lines := []string{"WASD / arrows  move", "Mouse  aim  ·  Click / Space  fire", "Tab  scores  ·  Esc  lobby"}
	if g.spec != nil {
		lines = spectatorHints
	}
	for i, l := range lines {
		drawText(dst, l, g.fonts.small, x+12*ui, y+10*ui+float64(i)*22*ui, alignStart, fade(colorText, a))
	}
}

// drawMinimapFrame draws the minimap's panel: its border, its background, a
// 4x4 grid, and the outline of the part of the arena on screen. The game and
// the replay viewer draw their ships on it.
func (g *Game) drawMinimapFrame(dst *ebiten.Image) {
	ui := g.screen.ui
	m := g.screen.minimap
	g.world.roundRect(dst, m.x-2*ui, m.y-2*ui, m.w+4*ui, m.h+4*ui, 8*ui, fade(colorPanelLine, 0.8))
	g.world.roundRect(dst, m.x, m.y, m.w, m.h, 7*ui, color.RGBA{0x05, 0x08, 0x18, 0xd8})
	for i := 1; i < 4; i++ {
		k := float64(i) / 4
		g.world.rect(dst, m.x+m.w*k, m.y, max(ui, 1), m.h, fade(colorGrid, 0.6))
		g.world.rect(dst, m.x, m.y+m.h*k, m.w, max(ui, 1), fade(colorGrid, 0.6))
	}
	x0, y0, x1, y1 := g.cam.view()
	vx0, vy0 := minimapWorld(m, g.worldSize, x0, y0)
	vx1, vy1 := minimapWorld(m, g.worldSize, x1, y1)
	g.world.strokeRect(dst, vx0, vy0, vx1-vx0, vy1-vy0, max(ui, 1), fade(colorText, 0.35))
}

// drawMinimap shows every ship of the roster on a map of the arena, the own
// ship highlighted and the part of the arena on screen outlined.
func (g *Game) drawMinimap(dst *ebiten.Image) {
	g.drawMinimapFrame(dst)
	ui := g.screen.ui
	m := g.screen.minimap
	self := g.net.Ship()
	for _, l := range g.net.Roster() {
		if l.Ship == self || l.Flags&wire.FlagDead != 0 {
			continue
		}
		px, py := minimapPoint(m, l.MapX, l.MapY)
		c := shipColor(l.Ship)
		if l.Flags&wire.FlagIdle != 0 {
			c = mix(c, colorMuted, 0.7)
		}
		g.world.circle(dst, px, py, 3*ui, c)
	}
	if g.frame.HasSelf {
		px, py := minimapWorld(m, g.worldSize, g.frame.Self.X, g.frame.Self.Y)
		pulse := 0.5 + 0.5*math.Sin(g.elapsed*5)
		g.world.ring(dst, px, py, (6+2*pulse)*ui, 1.5*ui, fade(colorText, 0.8), 0, 2*math.Pi)
		g.world.circle(dst, px, py, 3.5*ui, colorText)
	}
	g.world.flush(dst)
}

// drawScoreboard lists every pilot while Tab is held.
func (g *Game) drawScoreboard(dst *ebiten.Image) {
	g.drawTable(dst, "Scoreboard", "", g.rosterRows())
}

// drawResults shows the finished round's result and the countdown to the next.
// A player who joined during the intermission missed the result: the
// roster's standings stand in for it.
func (g *Game) drawResults(dst *ebiten.Image, now time.Time) {
	left, _ := g.net.RoundTimeLeft(now)
	footer := "Next round in " + clock(left)
	end, ok := g.net.RoundEnd()
	if !ok || (end.Round != g.frame.Round.Round && end.NextRound != g.frame.Round.PhaseEnd) {
		g.drawTable(dst, fmt.Sprintf("Round %d over", g.frame.Round.Round), footer, g.rosterRows())
		return
	}
	rows := make([]scoreRow, 0, len(end.Players))
	for _, p := range end.Players {
		rows = append(rows, scoreRow{place: p.Placement, ship: p.Ship, name: p.Name, bot: p.Bot, score: p.Score, kills: p.Kills, deaths: p.Deaths})
	}
	g.drawTable(dst, fmt.Sprintf("Round %d over", end.Round), footer, rows)
}

// rosterRows returns the roster as table rows, ties sharing a place.
func (g *Game) rosterRows() []scoreRow {
	roster := g.net.Roster()
	rows := make([]scoreRow, 0, len(roster))
	for i, l := range roster {
		place := i + 1
		if i > 0 && l.Score == roster[i-1].Score {
			place = rows[i-1].place
		}
		rows = append(rows, scoreRow{place: place, ship: l.Ship, name: l.Name, bot: l.Flags&wire.FlagBot != 0, score: l.Score, kills: l.Kills, deaths: l.Deaths})
	}
	return rows
}

// scoreRow is one line of the scoreboard or of a round's result.
type scoreRow struct {
	place                int
	ship                 uint32
	name                 string
	bot                  bool
	score, kills, deaths int32
}

// maxRows bounds the lines a table shows; the own line is always shown.
const maxRows = 10

// drawTable draws a centred table of pilots with a title and a footer.
func (g *Game) drawTable(dst *ebiten.Image, title, footer string, rows []scoreRow) {
	ui := g.screen.ui
	self := g.selfID()
	shown := rows
	if len(shown) > maxRows {
		shown = rows[:maxRows]
		for _, r := range rows[maxRows:] {
			if r.ship == self {
				shown = append(shown[:maxRows-1:maxRows-1], r)
			}
		}
	}
	rowH := 30 * ui
	w := min(560*ui, float64(g.screen.w)-40*ui)
	h := 96*ui + float64(len(shown))*rowH
	if footer != "" {
		h += 40 * ui
	}
	x, y := float64(g.screen.w)/2-w/2, float64(g.screen.h)/2-h/2
	g.world.rect(dst, 0, 0, float64(g.screen.w), float64(g.screen.h), color.RGBA{0, 0, 0, 0x70})
	g.world.flush(dst)
	g.panel(dst, x, y, w, h)
	drawText(dst, title, g.fonts.title, x+w/2, y+14*ui, alignCenter, colorText)
	cols := []struct {
		label string
		at    float64
		al    align
	}{{"#", 0.06, alignCenter}, {"PILOT", 0.12, alignStart}, {"SCORE", 0.70, alignEnd}, {"KILLS", 0.83, alignEnd}, {"DEATHS", 0.96, alignEnd}}
	hy := y + 62*ui
	for _, c := range cols {
		drawText(dst, c.label, g.fonts.small, x+w*c.at, hy, c.al, colorMuted)
	}
	ry := hy + 24*ui
	for _, r := range shown {
		if r.ship == self {
			g.world.roundRect(dst, x+8*ui, ry-3*ui, w-16*ui, rowH-2*ui, 6*ui, fade(colorAccent, 0.16))
		}
		g.world.circle(dst, x+w*0.12-10*ui, ry+rowH/2-5*ui, 5*ui, shipColor(r.ship))
		g.world.flush(dst)
		pc := colorText
		switch r.place {
		case 1:
			pc = colorGold
		case 2:
			pc = color.RGBA{0xcf, 0xd8, 0xe6, 0xff}
		case 3:
			pc = color.RGBA{0xe0, 0x9a, 0x5a, 0xff}
		}
		drawText(dst, strconv.Itoa(r.place), g.fonts.label, x+w*0.06, ry, alignCenter, pc)
		name := truncate(r.name, 16)
		if r.bot {
			name += "  · bot"
		}
		nc := colorText
		if r.ship == self {
			nc = colorAccent
			if g.net != nil { // a replay's followed pilot is not the viewer
				name += "  (you)"
			}
		}
		drawText(dst, name, g.fonts.body, x+w*0.12, ry+2*ui, alignStart, nc)
		drawText(dst, strconv.Itoa(int(r.score)), g.fonts.label, x+w*0.70, ry, alignEnd, colorGold)
		drawText(dst, strconv.Itoa(int(r.kills)), g.fonts.body, x+w*0.83, ry+2*ui, alignEnd, colorText)
		drawText(dst, strconv.Itoa(int(r.deaths)), g.fonts.body, x+w*0.96, ry+2*ui, alignEnd, colorMuted)
		ry += rowH
	}
	if footer != "" {
		drawText(dst, footer, g.fonts.label, x+w/2, ry+12*ui, alignCenter, colorAccent)
	}
}

// drawDeath shows who destroyed the own ship and when it comes back.
func (g *Game) drawDeath(dst *ebiten.Image, now time.Time) {
	ui := g.screen.ui
	w, h := float64(g.screen.w), float64(g.screen.h)
	g.world.rect(dst, 0, 0, w, h, color.RGBA{0x10, 0, 0x04, 0x60})
	g.world.flush(dst)
	cy := h * 0.36
	drawText(dst, "DESTROYED", g.fonts.huge, w/2, cy, alignCenter, colorDanger)
	by := "You hit the arena"
	if g.killerName != "" {
		by = "Shot down by " + truncate(g.killerName, 16)
	}
	drawText(dst, by, g.fonts.label, w/2, cy+70*ui, alignCenter, colorText)
	total := time.Duration(g.net.Tuning().RespawnTicks) * g.net.TickInterval()
	if total <= 0 || g.deathAt.IsZero() {
		return
	}
	left := max(total-now.Sub(g.deathAt), 0)
	k := 1 - left.Seconds()/total.Seconds()
	rx, ry, rr := w/2, cy+140*ui, 26*ui
	g.world.ring(dst, rx, ry, rr, 5*ui, fade(colorPanelLine, 0.8), 0, 2*math.Pi)
	if k > 0 {
		g.world.ring(dst, rx, ry, rr, 5*ui, colorAccent, -math.Pi/2, -math.Pi/2+2*math.Pi*clamp01(k))
	}
	g.world.flush(dst)
	drawText(dst, fmt.Sprintf("%.0f", math.Ceil(left.Seconds())), g.fonts.label, rx, ry-10*ui, alignCenter, colorText)
	drawText(dst, "Respawning…", g.fonts.body, rx, ry+rr+12*ui, alignCenter, colorMuted)
}

// drawBanner shows the connection's state when it is not simply playing.
func (g *Game) drawBanner(dst *ebiten.Image, st netcode.State) {
	b := connectionBanner(st, g.net.Reason())
	if b.title == "" {
		return
	}
	ui := g.screen.ui
	w, h := float64(g.screen.w), float64(g.screen.h)
	switch st {
	case netcode.StateReconnecting:
		pw := min(520*ui, w-40*ui)
		g.panel(dst, w/2-pw/2, 90*ui, pw, 64*ui)
		g.spinner(dst, w/2-pw/2+32*ui, 122*ui)
		drawText(dst, b.title, g.fonts.label, w/2-pw/2+60*ui, 100*ui, alignStart, colorGold)
		drawText(dst, truncate(b.detail, 60), g.fonts.small, w/2-pw/2+60*ui, 124*ui, alignStart, colorText)
	case netcode.StateClosed:
		g.world.rect(dst, 0, 0, w, h, color.RGBA{0, 0, 0, 0x90})
		g.world.flush(dst)
		pw := min(560*ui, w-40*ui)
		g.panel(dst, w/2-pw/2, h/2-110*ui, pw, 230*ui)
		drawText(dst, b.title, g.fonts.title, w/2, h/2-90*ui, alignCenter, colorDanger)
		drawText(dst, truncate(b.detail, 64), g.fonts.body, w/2, h/2-40*ui, alignCenter, colorText)
		r := g.backButton()
		g.world.roundRect(dst, r.x, r.y, r.w, r.h, 10*ui, colorAccent)
		g.world.flush(dst)
		drawText(dst, "Back to lobby", g.fonts.label, r.x+r.w/2, r.y+r.h/2-10*ui, alignCenter, colorSpace)
		drawText(dst, "or press Esc", g.fonts.small, w/2, r.y+r.h+10*ui, alignCenter, colorMuted)
	default:
		detail := b.detail
		if g.opt.Name != "" {
			detail += " as " + truncate(g.opt.Name, 16)
		}
		g.spinner(dst, w/2, h/2-30*ui)
		drawText(dst, b.title, g.fonts.title, w/2, h/2+10*ui, alignCenter, colorText)
		drawText(dst, detail, g.fonts.body, w/2, h/2+52*ui, alignCenter, colorMuted)
	}
}

// spinner draws a turning arc centred on (x, y).
func (g *Game) spinner(dst *ebiten.Image, x, y float64) {
	ui := g.screen.ui
	a := g.elapsed * 5
	g.world.ring(dst, x, y, 14*ui, 3.5*ui, fade(colorPanelLine, 0.9), 0, 2*math.Pi)
	g.world.ring(dst, x, y, 14*ui, 3.5*ui, colorAccent, a, a+math.Pi*0.6)
	g.world.flush(dst)
}

// drawTouch draws the virtual sticks once the player used a touch screen.
func (g *Game) drawTouch(dst *ebiten.Image) {
	in := &g.input
	if !in.touch {
		return
	}
	ui := g.screen.ui
	w, h := float64(g.screen.w), float64(g.screen.h)
	draw := func(s *stick, homeX, homeY float64, c color.RGBA, label string) {
		ox, oy, kx, ky := homeX, homeY, homeX, homeY
		r := 70 * ui
		if s.active {
			ox, oy = s.ox, s.oy
			dx, dy := s.vector()
			kx, ky = ox+dx*s.radius, oy+dy*s.radius
		}
		g.world.circle(dst, ox, oy, r, fade(c, 0.12))
		g.world.ring(dst, ox, oy, r, 2*ui, fade(c, 0.45), 0, 2*math.Pi)
		g.world.circle(dst, kx, ky, r*0.42, fade(c, 0.5))
		g.world.flush(dst)
		if label != "" && !s.active {
			drawText(dst, label, g.fonts.small, ox, oy-8*ui, alignCenter, colorText)
		}
	}
	draw(&in.move, 120*ui, h-130*ui, colorText, "")
	draw(&in.fire, w-120*ui, h-g.screen.minimap.h-140*ui, colorDanger, "FIRE")
}
