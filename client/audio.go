//go:build js

package client

import (
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/audio"
	"github.com/hajimehoshi/ebiten/v2/inpututil"

	"github.com/tickarena/tickarena/game"
)

// maxVoices bounds the sounds playing at once; a quiet one is dropped
// rather than go over.
const maxVoices = 16

// lowHealthEvery is the time between two low-health warnings.
const lowHealthEvery = 1100 * time.Millisecond

// speaker plays the game's sounds. Browsers start audio only after a user
// gesture, so the audio context is made on the first key, click or touch;
// until then nothing is made and nothing is logged.
type speaker struct {
	settings SoundSettings
	changes  chan SoundSettings // from the page's button and slider
	ctx      *audio.Context
	pcm      [numSounds][]float32
	baked    [numSounds][panSteps][]byte // made on first use, a sound at a time
	voices   []*audio.Player
	played   uint64

	round     uint32
	phase     game.Phase
	lowHealth time.Time
}

func newSpeaker(s SoundSettings) *speaker {
	if s.Volume < 0 || s.Volume > 1 {
		s.Volume = 0.7
	}
	return &speaker{settings: s, changes: make(chan SoundSettings, 8)}
}

// Set changes the settings from outside the game loop (the page's controls);
// they apply at the next frame. It never blocks.
func (sp *speaker) Set(s SoundSettings) {
	select {
	case sp.changes <- s:
	default:
	}
}

// updateSound starts the audio on the first gesture, applies the mute key
// and the page's settings, and plays the frame's sounds.
func (g *Game) updateSound(now time.Time) {
	sp := g.speaker
	changed := false
	for done := false; !done; {
		select {
		case s := <-sp.changes:
			sp.settings, changed = s, true
		default:
			done = true
		}
	}
	if inpututil.IsKeyJustPressed(ebiten.KeyM) {
		sp.settings.Muted = !sp.settings.Muted
		changed = true
	}
	if changed {
		sp.settings.Volume = max(0, min(1, sp.settings.Volume))
		for _, v := range sp.voices {
			if sp.settings.Muted {
				v.Pause()
			} else {
				v.SetVolume(min(v.Volume(), sp.settings.Volume))
			}
		}
		if g.opt.OnSoundSettings != nil {
			g.opt.OnSoundSettings(sp.settings)
		}
	}
	if sp.ctx == nil && userGesture() {
		sp.ctx = audio.NewContext(sampleRate)
	}
	sp.prune()
	if sp.ctx == nil || sp.settings.Muted || sp.settings.Volume == 0 {
		return
	}
	g.playEvents(now)
}

// userGesture reports whether the player pressed a key, clicked or touched
// the screen in this frame.
func userGesture() bool {
	return len(inpututil.AppendJustPressedKeys(nil)) > 0 ||
		inpututil.IsMouseButtonJustPressed(ebiten.MouseButtonLeft) ||
		inpututil.IsMouseButtonJustPressed(ebiten.MouseButtonRight) ||
		len(inpututil.AppendJustPressedTouchIDs(nil)) > 0
}

// playEvents plays the sounds of the frame's effects, of the round's start
// and end, and the low-health warning.
func (g *Game) playEvents(now time.Time) {
	sp := g.speaker
	self := g.net.Ship()
	lx, ly := g.cam.x, g.cam.y
	if f := g.frame; f != nil && f.HasSelf {
		lx, ly = f.Self.X, f.Self.Y
	}
	at := func(s sound, gain, x, y float64) {
		v, pan := spatial(x-lx, y-ly)
		sp.play(s, gain*v, pan)
	}
	for i := range g.effects {
		fx := &g.effects[i]
		switch {
		case fx.Kind == game.Shot && fx.Self:
			sp.play(soundShot, 0.45, 0)
		case fx.Kind == game.Shot:
			at(soundShot, 0.3, fx.X, fx.Y)
		case fx.Kind == game.Hit && fx.A == self:
			sp.play(soundHurt, 0.9, 0)
		case fx.Kind == game.Hit:
			at(soundHit, 0.7, fx.X, fx.Y)
		case fx.Kind == game.Pickup && fx.A == self:
			sp.play(soundPickup, 0.5, 0)
		case fx.Kind == game.Death && fx.A == self:
			sp.play(soundExplosion, 1, 0)
		case fx.Kind == game.Death:
			at(soundExplosion, 0.9, fx.X, fx.Y)
		}
	}
	r := g.frame.Round
	switch {
	case sp.round != 0 && r.Round != sp.round && r.Phase == game.Playing:
		sp.play(soundRoundStart, 0.6, 0)
	case sp.round != 0 && r.Phase == game.Intermission && sp.phase != game.Intermission:
		sp.play(soundRoundEnd, 0.6, 0)
	}
	sp.round, sp.phase = r.Round, r.Phase
	if f := g.frame; f.HasSelf && !f.Self.Dead() && f.Self.HP > 0 && f.Self.HP <= game.MaxHP/4 && now.Sub(sp.lowHealth) >= lowHealthEvery {
		sp.lowHealth = now
		sp.play(soundLowHealth, 0.5, 0)
	}
}

// play starts sound s at volume gain (times the master volume) and pan.
func (sp *speaker) play(s sound, gain, pan float64) {
	if gain < 0.02 || (len(sp.voices) >= maxVoices && gain < 0.5) || len(sp.voices) >= 2*maxVoices {
		return
	}
	if sp.pcm[s] == nil {
		sp.pcm[s] = synthesize(s)
	}
	i := panIndex(pan)
	if sp.baked[s][i] == nil {
		sp.baked[s][i] = stereo(sp.pcm[s], float64(i)/(panSteps-1)*2-1)
	}
	p := sp.ctx.NewPlayerF32FromBytes(sp.baked[s][i])
	p.SetVolume(gain * sp.settings.Volume)
	p.Play()
	sp.voices = append(sp.voices, p)
	sp.played++
}

// prune forgets the sounds that finished.
func (sp *speaker) prune() {
	kept := sp.voices[:0]
	for _, p := range sp.voices {
		if p.IsPlaying() {
			kept = append(kept, p)
		} else {
			_ = p.Close()
		}
	}
	clear(sp.voices[len(kept):])
	sp.voices = kept
}

// status returns what the test hook shows.
func (sp *speaker) status() SoundStatus {
	return SoundStatus{SoundSettings: sp.settings, Started: sp.ctx != nil, Played: sp.played}
}
