//go:build js && wasm

package main

import (
	"strconv"
	"syscall/js"

	"github.com/tickarena/tickarena/client"
)

// The localStorage keys of the sound settings (see play.js).
const (
	keyMuted  = "tickarena.muted"
	keyVolume = "tickarena.volume"
)

// defaultVolume is the master volume of a first visit.
const defaultVolume = 0.7

// storedSound returns the sound settings kept from earlier visits.
func storedSound() client.SoundSettings {
	s := client.SoundSettings{Muted: stored(keyMuted) == "1", Volume: defaultVolume}
	if v, err := strconv.ParseFloat(stored(keyVolume), 64); err == nil && v >= 0 && v <= 1 {
		s.Volume = v
	}
	return s
}

// storeSound keeps the sound settings for the next visit.
func storeSound(s client.SoundSettings) {
	muted := "0"
	if s.Muted {
		muted = "1"
	}
	store(keyMuted, muted)
	store(keyVolume, strconv.FormatFloat(s.Volume, 'f', 2, 64))
}

// store sets localStorage[key], doing nothing when storage is blocked.
func store(key, value string) {
	defer func() { _ = recover() }() // localStorage throws when storage is blocked
	js.Global().Get("localStorage").Call("setItem", key, value)
}

// exposeSound lets the page's mute button and volume slider change the
// settings: window.tickarenaSound.set(muted, volume).
func exposeSound(g *client.Game) {
	set := js.FuncOf(func(_ js.Value, args []js.Value) any {
		if len(args) < 2 || args[0].Type() != js.TypeBoolean || args[1].Type() != js.TypeNumber {
			return nil
		}
		g.SetSound(client.SoundSettings{Muted: args[0].Bool(), Volume: args[1].Float()})
		return nil
	})
	obj := js.Global().Get("Object").New()
	obj.Set("set", set)
	js.Global().Set("tickarenaSound", obj)
}

// publishSound copies the sound's state into window.tickarena.sound.
func (h *hook) publishSound(s client.SoundStatus) {
	o := h.child("sound")
	o.Set("started", s.Started)
	o.Set("muted", s.Muted)
	o.Set("volume", s.Volume)
	o.Set("played", s.Played)
	o.Set("audible", s.Audible)
}
