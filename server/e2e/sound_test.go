package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tickarena/tickarena/internal/browsertest"
)

// soundState is window.tickarena.sound (see wasm/sound.go).
type soundState struct {
	Started bool    `json:"started"`
	Muted   bool    `json:"muted"`
	Volume  float64 `json:"volume"`
	Played  float64 `json:"played"`
	Audible float64 `json:"audible"`
}

func readSound(p *browsertest.Page) soundState {
	return browsertest.Eval[soundState](p, `(window.tickarena && window.tickarena.sound) || {}`)
}

// meanFPS averages the game's frames per second over d, read once a second
// from the net figures (each a one-second window).
func meanFPS(t *testing.T, p *browsertest.Page, d time.Duration) float64 {
	t.Helper()
	var sum float64
	n := 0
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(time.Second) {
		sum += readNet(p).FPS
		n++
	}
	return sum / float64(n)
}

// audioErrors returns the console lines that are errors, or that mention the
// audio context (which browsers warn about when it starts without a gesture).
func audioErrors(p *browsertest.Page) []string {
	var bad []string
	for _, l := range p.Console() {
		if strings.HasPrefix(l, "error") || strings.Contains(l, "AudioContext") {
			bad = append(bad, l)
		}
	}
	return bad
}

// TestSound plays with sound: silent and quiet in the console until the
// first key, then sounds as ships fire; M mutes and the mute survives a
// reload; the page's button and slider change the settings; and frames
// take no longer with sound than without.
func TestSound(t *testing.T) {
	requireClient(t)
	srv := startServer(t)
	b := browsertest.New(t, browserOptions)
	p := b.NewPage()
	enterFromLobby(t, p, srv.URL, "Bell")

	// 1. No gesture on this page yet: no audio, and nothing logged about it.
	if s := readSound(p); s.Started {
		t.Error("the audio started before any key, click or touch on the play page")
	}
	if bad := audioErrors(p); len(bad) > 0 {
		t.Errorf("the console has errors before the first gesture:\n%s", strings.Join(bad, "\n"))
	}

	// 2. The first key starts it; firing plays sounds.
	p.WaitForWithin(`window.tickarena.phase === "playing" && window.tickarena.alive`, 40*time.Second)
	sendKeyDown(t, p, ' ')
	p.WaitFor(`window.tickarena.sound.started === true`)
	p.WaitForWithin(`window.tickarena.net.fps > 0`, 10*time.Second)

	// 3. M mutes and unmutes; frames are as fast with sound as without.
	// The windows alternate (sound, muted, sound, muted) so that a change in
	// the machine's load during the test weighs on both alike.
	setMuted := func(want bool) {
		sendKeyDown(t, p, 'm') // held until seen: a short press can fall between frames
		p.WaitFor(fmt.Sprintf(`window.tickarena.sound.muted === %v`, want))
		sendKeyUp(t, p, 'm')
		time.Sleep(time.Second) // the frame rate is a mean over the last second
	}
	var withSound, withoutSound, played, audible float64
	for round := range 2 {
		if round > 0 {
			setMuted(false)
		}
		before := readSound(p)
		withSound += meanFPS(t, p, 4*time.Second) / 2
		s := readSound(p)
		if s.Muted {
			t.Errorf("muted during a window with sound")
		}
		played += s.Played - before.Played
		audible += s.Audible - before.Audible
		setMuted(true)
		muted := readSound(p)
		withoutSound += meanFPS(t, p, 4*time.Second) / 2
		if got := readSound(p); got.Played != muted.Played || got.Audible != muted.Audible {
			t.Errorf("while muted %v sounds played and %v frames of sound went out, want none", got.Played-muted.Played, got.Audible-muted.Audible)
		}
	}
	sendKeyUp(t, p, ' ')
	// A window may fall in an intermission, when nobody fires: count both.
	if played == 0 || audible == 0 {
		t.Errorf("with sound on, %v sounds played and %v frames of sound went out, want some of both", played, audible)
	}
	t.Logf("%v sounds played and %v frames of sound went out in the windows with sound", played, audible)
	t.Logf("frames per second while firing: %.1f with sound, %.1f muted (two windows of each, alternating)", withSound, withoutSound)
	// SwiftShader on a shared machine varies by a third between two windows:
	// fail only when sound clearly costs frames.
	if withSound < 0.5*withoutSound {
		t.Errorf("%.1f frames per second with sound, %.1f without: sound stalls frames", withSound, withoutSound)
	}
	p.Screenshot("sound controls muted")

	// 4. The mute is remembered across a reload.
	p.Navigate(browsertest.Eval[string](p, `location.href`))
	p.WaitForWithin(playing, loadWithin)
	if s := readSound(p); !s.Muted {
		t.Error("after a reload the sound is on again, want it still muted")
	}

	// 5. The page's button unmutes, its slider sets the volume, both kept.
	p.WaitFor(`!document.getElementById("sound").hidden`)
	p.Click("#mute")
	p.WaitFor(`window.tickarena.sound.muted === false`)
	browsertest.Eval[bool](p, `(() => { const v = document.getElementById("volume"); v.value = "30"; v.dispatchEvent(new Event("change")); return true })()`)
	p.WaitFor(`Math.abs(window.tickarena.sound.volume - 0.3) < 0.001`)
	if got := browsertest.Eval[string](p, `localStorage.getItem("tickarena.volume") + " " + localStorage.getItem("tickarena.muted")`); got != "0.30 0" {
		t.Errorf("localStorage holds volume and muted %q, want \"0.30 0\"", got)
	}
	if tag := browsertest.Eval[string](p, `document.activeElement ? document.activeElement.tagName : ""`); tag != "CANVAS" {
		t.Errorf("after using the sound controls the focus is on %s, want the game's CANVAS", tag)
	}
	p.Screenshot("sound controls")
}
