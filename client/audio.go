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

// streamBuffer is how much of the mix the audio player reads ahead: what a
// new sound waits before it is heard, on top of the browser's own buffer.
const streamBuffer = 40 * time.Millisecond

// lowHealthEvery is the time between two low-health warnings.
const lowHealthEvery = 1100 * time.Millisecond

// speaker plays the game's sounds. Browsers start audio only after a user
// gesture, so the audio context is made on the first key, click or touch;
// until then nothing is made and nothing is logged. Every sound goes through
// one mixer and one audio player, started with the context.
type speaker struct {
	settings SoundSettings
	changes  chan SoundSettings // from the page's button and slider
	ctx      *audio.Context
	out      *audio.Player
	mix      mixer
	pcm      [numSounds][]float32
	baked    [numSounds][panSteps][]float32
	// prepared counts the (sound, position) pairs made ahead of use, a
	// step a frame once the audio has started, so that the first explosion
	// does not cost a frame its synthesis; making is the sound being
	// synthesized, a part a frame. A sound played before its turn is made on
	// the spot.
	prepared int
	making   *renderer
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
		if g.opt.OnSoundSettings != nil {
			g.opt.OnSoundSettings(sp.settings)
		}
	}
	if sp.ctx == nil && userGesture() {
		sp.ctx = audio.NewContext(sampleRate)
		out, err := sp.ctx.NewPlayerF32(&sp.mix)
		if err != nil { // not expected: the mixer is a plain reader
			sp.ctx = nil
			return
		}
		out.SetBufferSize(streamBuffer)
		sp.out = out
		changed = true
	}
	if sp.ctx == nil {
		return
	}
	if changed {
		sp.apply()
	}
	sp.prepareNext()
	if sp.settings.Muted || sp.settings.Volume == 0 {
		return
	}
	g.playEvents(now)
}

// prepareNext takes the next step of preparation: a part of the next sound
// to synthesize, or the next sound at the next position that is not made
// yet, in the order of preparation.
func (sp *speaker) prepareNext() {
	for sp.prepared < preparations {
		s, i := preparation(sp.prepared)
		if sp.pcm[s] == nil {
			if sp.making == nil {
				sp.making = recipe(s)
			}
			if sp.making.step(prepareStepSamples) {
				sp.pcm[s], sp.making = sp.making.out, nil
			}
			return
		}
		sp.making = nil // played before its turn, and made on the spot
		sp.prepared++
		if sp.baked[s][i] == nil {
			sp.bake(s, i)
			return
		}
	}
}

// apply makes the output follow the settings: muted, it stops every sound
// and pauses; otherwise it plays at the master volume.
func (sp *speaker) apply() {
	sp.out.SetVolume(sp.settings.Volume)
	if sp.settings.Muted || sp.settings.Volume == 0 {
		sp.mix.stop()
		sp.out.Pause()
		return
	}
	sp.out.Play()
}

// bake makes sound s at prepared position i (synthesizing the sound first
// if needed).
func (sp *speaker) bake(s sound, i int) []float32 {
	if sp.pcm[s] == nil {
		sp.pcm[s] = synthesize(s)
	}
	if sp.baked[s][i] == nil {
		sp.baked[s][i] = stereo(sp.pcm[s], float64(i)/(panSteps-1)*2-1)
	}
	return sp.baked[s][i]
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
	n := sp.mix.playing()
	if gain < 0.02 || (n >= maxVoices && gain < 0.5) || n >= 2*maxVoices {
		return
	}
	sp.mix.add(sp.bake(s, panIndex(pan)), gain)
	sp.played++
}

// status returns what the test hook shows.
func (sp *speaker) status() SoundStatus {
	return SoundStatus{SoundSettings: sp.settings, Started: sp.ctx != nil, Played: sp.played, Audible: sp.mix.audibleFrames()}
}
