//go:build js

package client

import (
	"image/color"
	"log/slog"
	"math"
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/tickarena/tickarena/client/netcode"
	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/wire"
)

// Options configure a Game. Dial and URL are required; every other field
// has a default, filled in by withDefaults.
type Options struct {
	// URL is the WebSocket URL of the room's real-time endpoint.
	URL string
	// Token is the player's session token; Name is the pilot name, shown
	// while the game connects.
	Token, Name string
	// Room is the room to join.
	Room string
	// Spectate watches the room without a ship (spectate.go), following
	// ship Follow first (0: the whole arena). Default false: play.
	Spectate bool
	Follow   uint32
	// Dial opens WebSocket connections.
	Dial netcode.Dialer
	// Logger receives the game's log lines. Default slog.Default().
	Logger *slog.Logger
	// OnFrame, when set, receives the game's Status at the end of every Update.
	OnFrame func(Status)
	// OnLeave is called once when the player asks to go back to the lobby.
	// Default: nothing happens beyond leaving the room.
	OnLeave func()
	// Sound is the player's sound settings at start; OnSoundSettings, when
	// set, receives them whenever the player changes them, to keep them.
	Sound           SoundSettings
	OnSoundSettings func(SoundSettings)
}

func (o Options) withDefaults() Options {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.OnLeave == nil {
		o.OnLeave = func() {}
	}
	return o
}

// Game is the tickarena game for Ebiten: it implements ebiten.Game.
type Game struct {
	opt Options
	net *netcode.Client

	screen screen
	fonts  *fonts
	stars  []starLayer
	world  batch // normal blending
	light  batch // additive blending, for glows

	start, last time.Time
	elapsed     float64 // seconds since the game started
	frame       *netcode.Frame
	effects     []netcode.Effect
	bursts      []burst
	particles   particles
	shake       shake
	lead        lead
	cam         camera
	hurt        float64 // 1 right after the own ship was hit, fading to 0
	deathAt     time.Time
	killerName  string
	status      Status
	input       controls
	left        bool
	scoreboard  bool
	worldSize   float64
	// prevPos and curPos are where each ship was drawn in the previous and
	// the current frame, to tell which ones move (and light their engines).
	prevPos, curPos map[uint32][2]float64
	lastFrameDt     float64
	updates         int
	netGraph        netGraph
	speaker         *speaker
	spec            *spectator // spectate mode (spectate.go), nil for a player
	// watched is the followed ship of a game with no connection (a replay):
	// the one drawn as the player's own.
	watched uint32
}

// selfID returns the ship drawn as the player's own: the own ship, or in a
// replay the followed one.
func (g *Game) selfID() uint32 {
	if g.net == nil {
		return g.watched
	}
	return g.net.Ship()
}

// warmUpFrames is the number of frames drawn before the game connects.
const warmUpFrames = 3

// New returns the game for the options. It connects once its first frames
// are drawn.
func New(o Options) *Game {
	o = o.withDefaults()
	g := &Game{
		opt:       o,
		net:       netcode.New(netcode.Options{URL: o.URL, Token: o.Token, Room: o.Room, Dial: o.Dial, Logger: o.Logger, Spectate: o.Spectate, Follow: o.Follow}),
		stars:     newStarfield(starSeed),
		light:     batch{blend: ebiten.BlendLighter},
		prevPos:   map[uint32][2]float64{},
		curPos:    map[uint32][2]float64{},
		worldSize: float64(game.Default().WorldSize),
		speaker:   newSpeaker(o.Sound),
	}
	if o.Spectate {
		g.spec = newSpectator(g.worldSize, o.Follow)
	}
	f, err := loadFonts()
	if err != nil {
		o.Logger.Error("client: fonts", "err", err)
	}
	g.fonts = f
	return g
}

// LayoutF sizes the canvas to the window at the device pixel ratio, so that
// the arena is drawn at the screen's full sharpness.
func (g *Game) LayoutF(outsideW, outsideH float64) (float64, float64) {
	dpr := ebiten.Monitor().DeviceScaleFactor()
	g.screen = newScreen(int(math.Ceil(outsideW)), int(math.Ceil(outsideH)), dpr)
	return float64(g.screen.w), float64(g.screen.h)
}

// Layout is LayoutF for callers that use integers.
func (g *Game) Layout(outsideW, outsideH int) (int, int) {
	w, h := g.LayoutF(float64(outsideW), float64(outsideH))
	return int(w), int(h)
}

// Update reads input, exchanges messages with the server and advances the
// effects. It never blocks.
func (g *Game) Update() error {
	now := time.Now()
	if g.start.IsZero() {
		g.start, g.last = now, now
	}
	// The first frames compile shaders and rasterize glyphs, which takes
	// seconds on a slow machine: connect once they are drawn, so that the
	// hello is not late.
	if g.updates++; g.updates == warmUpFrames {
		g.net.Start(now)
	}
	dt := min(max(now.Sub(g.last).Seconds(), 0), 0.1)
	g.last = now
	g.elapsed = now.Sub(g.start).Seconds()
	g.lastFrameDt = dt

	g.net.Update(now)
	if w, ok := g.net.Welcome(); ok {
		g.worldSize = float64(w.Rules.WorldSize)
	}
	g.readInput()
	if g.spec != nil {
		g.readSpectatorInput(dt)
	}
	if g.input.leave && !g.left {
		g.left = true
		if g.net.State() != netcode.StateClosed {
			g.net.Leave()
		}
		g.opt.OnLeave()
	}
	for n := g.net.InputsDue(now); n > 0; n-- {
		g.net.Tick(g.input.buttons, g.input.aim)
	}
	g.frame = g.net.Frame(now)
	g.applyEffects(now)
	g.particles.update(dt)
	g.hurt = max(g.hurt-dt*2.5, 0)
	g.updateCamera(dt)
	g.trackMotion()

	g.status = newStatus(g.net, g.frame, now)
	g.updateNetGraph(now, dt)
	g.updateSound(now)
	g.status.Sound = g.speaker.status()
	g.status.Firing = g.input.buttons&game.Fire != 0
	if g.opt.OnFrame != nil {
		g.opt.OnFrame(g.status)
	}
	return nil
}

// applyEffects turns the frame's new effects into particles, shakes and the
// death screen's details.
func (g *Game) applyEffects(now time.Time) {
	g.effects = g.net.Effects(g.effects[:0])
	self := g.net.Ship()
	for i := range g.effects {
		fx := &g.effects[i]
		if fx.Kind == game.Shot && !g.cam.visible(fx.X, fx.Y, 200) {
			continue
		}
		g.bursts = bursts(g.bursts[:0], fx, shipColor)
		for _, b := range g.bursts {
			g.particles.emit(b)
		}
		switch {
		case fx.Kind == game.Hit && fx.A == self:
			g.hurt = 1
			g.shake.kick(7)
		case fx.Kind == game.Death && fx.A == self:
			g.shake.kick(20)
			g.deathAt = now
			g.killerName = g.nameOf(fx.B)
		case fx.Kind == game.Death && g.cam.visible(fx.X, fx.Y, 0):
			g.shake.kick(5)
		}
	}
}

// nameOf returns the name of ship id from the frame or the roster.
func (g *Game) nameOf(id uint32) string {
	if id == 0 {
		return ""
	}
	for i := range g.frame.Ships {
		if g.frame.Ships[i].ID == id {
			return g.frame.Ships[i].Name
		}
	}
	for _, l := range g.net.Roster() {
		if l.Ship == id {
			return l.Name
		}
	}
	return ""
}

// updateCamera centres the camera on the own ship, leading a little toward
// the aim, with the shake added.
func (g *Game) updateCamera(dt float64) {
	if g.spec != nil {
		var ships []netcode.RenderEntity
		if g.frame != nil {
			ships = g.frame.Ships
		}
		g.cam = g.spec.viewer.update(g.screen, ships, dt)
		return
	}
	x, y := g.worldSize/2, g.worldSize/2
	if f := g.frame; f != nil && f.HasSelf {
		x, y = f.Self.X, f.Self.Y
	}
	lx, ly := g.lead.follow(g.input.leadX, g.input.leadY, dt)
	sx, sy := g.shake.update(dt)
	g.cam = newCamera(g.screen, x+lx+sx, y+ly+sy)
}

// trackMotion remembers where every ship was drawn, so that the next frame
// can tell which ones move (and light their engines).
func (g *Game) trackMotion() {
	g.prevPos, g.curPos = g.curPos, g.prevPos
	clear(g.curPos)
	for i := range g.frame.Ships {
		s := &g.frame.Ships[i]
		g.curPos[s.ID] = [2]float64{s.X, s.Y}
	}
	if g.frame.HasSelf {
		g.curPos[g.frame.Self.ID] = [2]float64{g.frame.Self.X, g.frame.Self.Y}
	}
}

// velocityOf returns how fast ship e moved since the previous frame, in
// world units per second (zero when unknown).
func (g *Game) velocityOf(e *netcode.RenderEntity) (vx, vy float64) {
	p, ok := g.prevPos[e.ID]
	if !ok || g.lastFrameDt <= 0 {
		return 0, 0
	}
	return (e.X - p[0]) / g.lastFrameDt, (e.Y - p[1]) / g.lastFrameDt
}

// Draw draws the arena, then the HUD.
func (g *Game) Draw(screen *ebiten.Image) {
	screen.Fill(colorSpace)
	if g.fonts == nil {
		return
	}
	g.fonts.resize(g.screen.ui)
	g.drawWorld(screen)
	g.drawHUD(screen)
	g.drawNetGraph(screen)
}

// SetSound changes the sound settings from outside the game loop, such as
// the page's mute button; they apply at the next frame.
func (g *Game) SetSound(s SoundSettings) { g.speaker.Set(s) }

// colorOfShip returns a ship's colour, dimmed when its player is away.
func colorOfShip(e *netcode.RenderEntity) color.RGBA {
	c := shipColor(e.ID)
	if e.Flags&wire.FlagIdle != 0 {
		c = mix(c, colorMuted, 0.7)
	}
	return c
}
