//go:build js

package client

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"

	"github.com/tickarena/tickarena/client/netcode"
	"github.com/tickarena/tickarena/client/playback"
	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/replay"
)

// ReplayOptions configure a ReplayGame. File is required; every other field
// has a default.
type ReplayOptions struct {
	// File is the recorded round (docs/replay.md).
	File []byte
	// Moment is where playback starts and which ship it follows, from the
	// page's URL. Default: the start, following the round's winner.
	Moment playback.Moment
	// OnFrame, when set, receives the ReplayStatus at the end of every Update.
	OnFrame func(ReplayStatus)
	// OnMoment, when set, receives the moment a link would share whenever it
	// changes: every whole second of play, and at once on a seek, a pause
	// or another followed ship.
	OnMoment func(playback.Moment)
	// OnLeave is called once when the viewer asks to go back (Esc).
	// Default: nothing happens.
	OnLeave func()
	// Logger receives the viewer's log lines. Default slog.Default().
	Logger *slog.Logger
}

func (o ReplayOptions) withDefaults() ReplayOptions {
	if o.OnLeave == nil {
		o.OnLeave = func() {}
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

// ReplayStatus is a read-only summary of the replay viewer, refreshed every
// frame, for the page's test hook.
type ReplayStatus struct {
	// Error says why the replay cannot be played; empty when it plays.
	Error string
	// Time and Duration are the playback time and the recording's length,
	// in seconds; Tick is the world's tick drawn.
	Time, Duration float64
	Tick           uint32
	// Playing is false while paused; Ended once the end is reached.
	Playing, Ended bool
	// Speed is the playback speed, a multiple of real time.
	Speed float64
	// Follow is the followed ship (0 for the free camera), FollowName its
	// pilot, FollowX, FollowY where it is drawn in world units and
	// FollowAlive whether it is in play.
	Follow           uint32
	FollowName       string
	FollowX, FollowY float64
	FollowAlive      bool
	// CamX, CamY is the world point at the screen's centre; Zoom is the
	// camera's zoom as a multiple of a player's view.
	CamX, CamY, Zoom float64
	// Ships lists every ship as "id:x:y" joined by commas, positions
	// rounded to world units.
	Ships string
	// Seeks counts seeks; SeekMS is how long the last took, in milliseconds.
	Seeks  int
	SeekMS float64
	// Round is the recorded round's number, Room its room's name.
	Round uint32
	Room  string
	// Board lists the ships of the scoreboard's rows, top first, joined by
	// commas; a click at (BoardX, BoardY + i×BoardRowH), in CSS pixels,
	// picks row i.
	Board                     string
	BoardX, BoardY, BoardRowH float64
}

// ReplayGame is the replay viewer for Ebiten: it plays a recorded round
// in the arena's own drawing, with play/pause, speeds, a seek bar, the kill
// feed, a clickable scoreboard and a viewer camera. It implements
// ebiten.Game.
type ReplayGame struct {
	opt    ReplayOptions
	g      *Game // draws the arena; it has no connection
	pb     *playback.Playback
	view   *viewer
	layout replayLayout
	err    string

	last     time.Time
	scrub    bool     // the seek bar is being dragged
	boardIDs []uint32 // the ships of the scoreboard's rows, in order
	moment   playback.Moment
	status   ReplayStatus
	seeks    int
	seekTook time.Duration
	left     bool
}

// NewReplay returns the viewer for the options' file. A file it cannot play
// is not an error: the viewer says why on the screen and in its status.
func NewReplay(o ReplayOptions) *ReplayGame {
	o = o.withDefaults()
	g := &Game{
		opt:       Options{Logger: o.Logger},
		stars:     newStarfield(starSeed),
		light:     batch{blend: ebiten.BlendLighter},
		prevPos:   map[uint32][2]float64{},
		curPos:    map[uint32][2]float64{},
		worldSize: float64(game.Default().WorldSize),
	}
	if f, err := loadFonts(); err != nil {
		o.Logger.Error("client: fonts", "err", err)
	} else {
		g.fonts = f
	}
	r := &ReplayGame{opt: o, g: g, view: newViewer(g.worldSize)}
	if err := r.open(); err != nil {
		r.err = sentence(err.Error())
		o.Logger.Error("replay: cannot play", "err", err)
	}
	return r
}

// open decodes the file and goes to the options' moment.
func (r *ReplayGame) open() error {
	rp, err := replay.Decode(r.opt.File)
	switch {
	case errors.Is(err, replay.ErrVersion):
		return errors.New("this replay was recorded by another version of the game and cannot be played here")
	case err != nil:
		return fmt.Errorf("this replay file is damaged: %w", err)
	}
	pb, err := playback.New(rp)
	if err != nil {
		return err
	}
	r.pb = pb
	r.g.worldSize = float64(rp.Meta.Rules.WorldSize)
	r.view.setArena(r.g.worldSize)
	r.view.moveTo(r.g.worldSize/2, r.g.worldSize/2)
	m := r.opt.Moment
	if m.Set {
		if err := r.seek(m.T); err != nil {
			return err
		}
	}
	id := playback.ShipOf(pb.World(), m.Follow)
	if id == 0 && m.Follow == "" && len(rp.Summary.Players) > 0 {
		id = rp.Summary.Players[0].Ship // the winner, when the link names nobody
	}
	r.follow(id)
	return nil
}

// follow follows ship id (0: the free camera), landing on it at once.
func (r *ReplayGame) follow(id uint32) {
	if id == 0 {
		r.view.free()
		return
	}
	r.view.followShip(id)
	r.view.jump()
}

// seek moves playback to t seconds and times it.
func (r *ReplayGame) seek(t float64) error {
	start := time.Now()
	err := r.pb.Seek(t)
	r.seekTook = time.Since(start)
	r.seeks++
	r.view.jump()
	r.g.particles = particles{}
	return err
}

// LayoutF sizes the canvas to the window at the device pixel ratio.
func (r *ReplayGame) LayoutF(outsideW, outsideH float64) (float64, float64) {
	return r.g.LayoutF(outsideW, outsideH)
}

// Layout is LayoutF for callers that use integers.
func (r *ReplayGame) Layout(outsideW, outsideH int) (int, int) { return r.g.Layout(outsideW, outsideH) }

// Update reads the controls, advances playback and the camera, and reports
// the status. It never blocks longer than a seek.
func (r *ReplayGame) Update() error {
	now := time.Now()
	g := r.g
	if g.start.IsZero() {
		g.start, r.last = now, now
	}
	dt := min(max(now.Sub(r.last).Seconds(), 0), 0.1)
	r.last = now
	g.elapsed = now.Sub(g.start).Seconds()
	g.lastFrameDt = dt
	if inpututil.IsKeyJustPressed(ebiten.KeyEscape) && !r.left {
		r.left = true
		r.opt.OnLeave()
	}
	if r.pb == nil {
		r.publish()
		return nil
	}
	r.layout = newReplayLayout(g.screen, len(r.pb.World().Ships))
	if err := r.readControls(dt); err != nil {
		r.fail(err)
		return nil
	}
	if err := r.pb.Advance(dt); err != nil {
		r.fail(err)
		return nil
	}
	r.g.watched = r.view.following()
	g.frame = r.pb.Frame(g.watched)
	r.applyEffects()
	g.particles.update(dt)
	g.cam = r.view.update(g.screen, g.frame.Ships, dt)
	g.trackMotion()
	r.reportMoment()
	r.publish()
	return nil
}

// fail stops playback with err on the screen.
func (r *ReplayGame) fail(err error) {
	r.err = sentence("the replay stopped: " + err.Error())
	r.opt.Logger.Error("replay: playback failed", "err", err)
	r.pb = nil
}

// applyEffects turns the effects of the steps just played into particles
// and shakes, as the live game does.
func (r *ReplayGame) applyEffects() {
	g := r.g
	g.effects = r.pb.Effects(g.effects[:0])
	for i := range g.effects {
		fx := &g.effects[i]
		if !g.cam.visible(fx.X, fx.Y, 200) {
			continue
		}
		g.bursts = bursts(g.bursts[:0], fx, shipColor)
		for _, b := range g.bursts {
			g.particles.emit(b)
		}
	}
}

// seekStep is how far ← and → seek, in seconds.
const seekStep = 5

// readControls applies the keys, the control bar, the scoreboard and the
// camera's own input.
func (r *ReplayGame) readControls(dt float64) error {
	pb := r.pb
	if inpututil.IsKeyJustPressed(ebiten.KeySpace) || inpututil.IsKeyJustPressed(ebiten.KeyK) {
		if err := pb.Toggle(); err != nil {
			return err
		}
	}
	for _, k := range [...]struct {
		key  ebiten.Key
		step float64
	}{{ebiten.KeyArrowLeft, -seekStep}, {ebiten.KeyArrowRight, seekStep}, {ebiten.KeyJ, -10}, {ebiten.KeyL, 10}} {
		if repeated(k.key) {
			if err := r.seek(pb.Time() + k.step); err != nil {
				return err
			}
		}
	}
	switch {
	case inpututil.IsKeyJustPressed(ebiten.KeyHome):
		if err := r.seek(0); err != nil {
			return err
		}
	case inpututil.IsKeyJustPressed(ebiten.KeyEnd):
		if err := r.seek(pb.Duration()); err != nil {
			return err
		}
	}
	for _, k := range [...]ebiten.Key{ebiten.KeyEqual, ebiten.KeyNumpadAdd, ebiten.KeyPeriod} {
		if inpututil.IsKeyJustPressed(k) {
			pb.Faster(1)
		}
	}
	for _, k := range [...]ebiten.Key{ebiten.KeyMinus, ebiten.KeyNumpadSubtract, ebiten.KeyComma} {
		if inpututil.IsKeyJustPressed(k) {
			pb.Faster(-1)
		}
	}
	if err := r.readPointer(); err != nil {
		return err
	}
	ctl := viewerControls{
		reserved: []ebiten.Key{ebiten.KeyArrowLeft, ebiten.KeyArrowRight},
		hud:      func(x, y float64) bool { return r.layout.hud(x, y) || r.g.screen.minimap.contains(x, y) },
	}
	var ships []netcode.RenderEntity
	if r.g.frame != nil {
		ships = r.g.frame.Ships
	}
	if id := r.view.readInput(ctl, ships, dt); id != 0 {
		r.view.jump()
	}
	return nil
}

// repeated reports whether key was just pressed, or is held long enough to
// repeat (five times a second after a third of a second).
func repeated(key ebiten.Key) bool {
	d := inpututil.KeyPressDuration(key)
	return d == 1 || d > 20 && d%12 == 0
}

// readPointer handles presses on the control bar, the scoreboard and the
// minimap, with the mouse or a finger.
func (r *ReplayGame) readPointer() error {
	l := &r.layout
	pb := r.pb
	mx, my := ebiten.CursorPosition()
	x, y := float64(mx), float64(my)
	var presses [][2]float64
	if inpututil.IsMouseButtonJustPressed(ebiten.MouseButtonLeft) {
		presses = append(presses, [2]float64{x, y})
	}
	for _, id := range inpututil.AppendJustPressedTouchIDs(nil) {
		tx, ty := ebiten.TouchPosition(id)
		presses = append(presses, [2]float64{float64(tx), float64(ty)})
	}
	for _, p := range presses {
		px, py := p[0], p[1]
		switch {
		case l.play.contains(px, py):
			if err := pb.Toggle(); err != nil {
				return err
			}
		case l.slower.contains(px, py):
			pb.Faster(-1)
		case l.faster.contains(px, py):
			pb.Faster(1)
		case l.onSeek(px, py):
			r.scrub = true
			x = px
		case r.g.screen.minimap.contains(px, py):
			wx := clamp01((px-r.g.screen.minimap.x)/r.g.screen.minimap.w) * r.g.worldSize
			wy := clamp01((py-r.g.screen.minimap.y)/r.g.screen.minimap.h) * r.g.worldSize
			r.view.moveTo(wx, wy)
		default:
			if i := l.boardRow(px, py); i >= 0 && i < len(r.boardIDs) {
				r.follow(r.boardIDs[i])
			}
		}
	}
	if !r.scrub {
		return nil
	}
	if !ebiten.IsMouseButtonPressed(ebiten.MouseButtonLeft) && len(ebiten.AppendTouchIDs(nil)) == 0 {
		r.scrub = false
		return nil
	}
	if ids := ebiten.AppendTouchIDs(nil); len(ids) > 0 {
		tx, _ := ebiten.TouchPosition(ids[0])
		x = float64(tx)
	}
	// Seek when the pointer points at another tenth of a second.
	if t := l.seekTime(x, pb.Duration()); math.Abs(t-pb.Time()) >= 0.1 {
		return r.seek(t)
	}
	return nil
}

// reportMoment tells OnMoment about a new moment to share.
func (r *ReplayGame) reportMoment() {
	if r.opt.OnMoment == nil {
		return
	}
	m := playback.Moment{T: math.Floor(r.pb.Time()), Set: true}
	if !r.pb.Playing() {
		m.T = math.Floor(r.pb.Time()*10) / 10
	}
	if id := r.view.following(); id != 0 {
		m.Follow = uitoa(id)
	}
	if m != r.moment {
		r.moment = m
		r.opt.OnMoment(m)
	}
}

// uitoa formats an id.
func uitoa(v uint32) string {
	var b [10]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			break
		}
	}
	return string(b[i:])
}

// publish refreshes the status and hands it to OnFrame.
func (r *ReplayGame) publish() {
	s := ReplayStatus{Error: r.err, Seeks: r.seeks, SeekMS: float64(r.seekTook) / float64(time.Millisecond)}
	if pb := r.pb; pb != nil {
		rp := pb.Replay()
		s.Time, s.Duration, s.Tick = pb.Time(), pb.Duration(), pb.World().Tick
		s.Playing, s.Ended, s.Speed = pb.Playing(), pb.Ended(), pb.Speed()
		s.Round, s.Room = rp.Meta.Round, rp.Meta.Room.Name
		s.Follow = r.view.following()
		s.CamX, s.CamY = r.view.center()
		s.Zoom = r.view.zoomLevel()
		if f := r.g.frame; f != nil {
			b := make([]byte, 0, 20*len(f.Ships))
			for i := range f.Ships {
				e := &f.Ships[i]
				if i > 0 {
					b = append(b, ',')
				}
				b = appendPoint(b, e.ID, int64(math.Round(e.X)), int64(math.Round(e.Y)))
				if e.ID == s.Follow {
					s.FollowName, s.FollowX, s.FollowY, s.FollowAlive = e.Name, e.X, e.Y, !e.Dead()
				}
			}
			s.Ships = string(b)
		}
		var b []byte
		for i, id := range r.boardIDs {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, uitoa(id)...)
		}
		s.Board = string(b)
		if k := r.g.screen.scale; k > 0 {
			l := &r.layout
			s.BoardX, s.BoardY, s.BoardRowH = (l.board.x+l.board.w/2)/k, (l.boardTop+l.rowH/2)/k, l.rowH/k
		}
	}
	r.status = s
	if r.opt.OnFrame != nil {
		r.opt.OnFrame(s)
	}
}

// Draw draws the arena as the camera sees it, then the replay's HUD.
func (r *ReplayGame) Draw(screen *ebiten.Image) {
	g := r.g
	screen.Fill(colorSpace)
	if g.fonts == nil {
		return
	}
	g.fonts.resize(g.screen.ui)
	if r.pb == nil {
		r.drawError(screen)
		return
	}
	g.drawWorld(screen)
	r.drawHUD(screen)
}
