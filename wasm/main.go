//go:build js && wasm

package main

import (
	"log/slog"
	"strconv"
	"syscall/js"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/tickarena/tickarena/client"
)

// The localStorage keys and query parameters the lobby sets (see lobby.js).
const (
	keyToken = "tickarena.token"
	keyName  = "tickarena.name"
)

func main() {
	log := slog.Default()
	if replayMode() {
		runReplay(log)
		return
	}
	query := js.Global().Get("URLSearchParams").New(js.Global().Get("location").Get("search"))
	h := newHook()
	h.obj.Set("frames", 0)
	g := client.New(client.Options{
		URL:     param(query, "ws"),
		Room:    param(query, "room"),
		Token:   stored(keyToken),
		Name:    stored(keyName),
		Dial:    dial,
		Logger:  log,
		OnFrame: h.publish,
		OnLeave: func() { js.Global().Get("location").Call("assign", "/") },

		Sound:           storedSound(),
		OnSoundSettings: storeSound,

		Spectate: param(query, "spectate") == "1",
		Follow:   follow(query),
	})
	exposeSound(g)
	ebiten.SetWindowTitle("tickarena")
	ebiten.SetTPS(ebiten.SyncWithFPS)
	// Draw fills the whole screen every frame: clearing it first would cost
	// a full-screen pass for nothing.
	ebiten.SetScreenClearedEveryFrame(false)
	if err := ebiten.RunGame(g); err != nil {
		log.Error("the game stopped", "err", err)
	}
}

// follow returns the ship id of the query parameter "follow" (spectate
// mode), or 0 for none or a value that is not an id.
func follow(q js.Value) uint32 {
	id, err := strconv.ParseUint(param(q, "follow"), 10, 32)
	if err != nil {
		return 0
	}
	return uint32(id)
}

// param returns the query parameter name, or "".
func param(q js.Value, name string) string {
	v := q.Call("get", name)
	if v.Type() != js.TypeString {
		return ""
	}
	return v.String()
}

// stored returns localStorage[key], or "" when it is missing or storage is
// disabled.
func stored(key string) (s string) {
	defer func() {
		if recover() != nil { // reading localStorage throws when storage is blocked
			s = ""
		}
	}()
	v := js.Global().Get("localStorage").Call("getItem", key)
	if v.Type() != js.TypeString {
		return ""
	}
	return v.String()
}
