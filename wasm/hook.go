//go:build js && wasm

package main

import (
	"syscall/js"

	"github.com/tickarena/tickarena/client"
)

// hook publishes the game's Status on window.tickarena. The object is
// frozen-in-spirit: the game only writes to it, never reads it back.
type hook struct{ obj js.Value }

func newHook() *hook {
	obj := js.Global().Get("Object").New()
	js.Global().Set("tickarena", obj)
	return &hook{obj: obj}
}

// child returns window.tickarena[name], an object of its own, made on first
// use.
func (h *hook) child(name string) js.Value {
	o := h.obj.Get(name)
	if o.Type() != js.TypeObject {
		o = js.Global().Get("Object").New()
		h.obj.Set(name, o)
	}
	return o
}

// publish copies s into the page's object.
func (h *hook) publish(s client.Status) {
	o := h.obj
	o.Set("state", s.State)
	o.Set("reason", s.Reason)
	o.Set("tick", s.Tick)
	o.Set("shipId", s.ShipID)
	o.Set("x", s.X)
	o.Set("y", s.Y)
	o.Set("alive", s.Alive)
	o.Set("visible", s.Visible)
	o.Set("others", s.Others)
	o.Set("map", s.Map)
	o.Set("dead", s.Dead)
	o.Set("round", s.Round)
	o.Set("phase", s.Phase)
	o.Set("timeLeft", s.TimeLeft)
	o.Set("score", s.Score)
	o.Set("kills", s.Kills)
	o.Set("rtt", s.RTT)
	o.Set("players", s.Players)
	o.Set("room", s.Room)
	o.Set("worldSize", s.WorldSize)
	h.publishNet(s)
	h.publishSound(s.Sound)
	o.Set("firing", s.Firing)
	o.Set("spectating", s.Spectating)
	o.Set("follow", s.Follow)
	o.Set("delayMs", s.DelayMs)
	o.Set("hasServer", s.HasServer)
	o.Set("serverX", s.ServerX)
	o.Set("serverY", s.ServerY)
	n := o.Get("frames").Int() + 1
	o.Set("frames", n)
	if n == 1 {
		// When the first frame was drawn, in ms since 1970 as Date.now(),
		// so that a test can measure from the click on Play in the lobby.
		o.Set("firstFrameAt", js.Global().Get("Date").Call("now"))
	}
}
