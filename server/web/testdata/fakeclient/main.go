//go:build js && wasm

// Command fakeclient stands in for the game client in the browser tests: it
// reads what the real client reads, the query parameters "room" and "ws" and
// the localStorage keys "tickarena.name" and "tickarena.token", and shows
// them in a full-window canvas and the page title.
package main

import "syscall/js"

func main() {
	g := js.Global()
	doc := g.Get("document")
	params := g.Get("URLSearchParams").New(g.Get("location").Get("search"))
	store := g.Get("localStorage")
	title := "running room=" + params.Call("get", "room").String() +
		" ws=" + params.Call("get", "ws").String() +
		" name=" + store.Call("getItem", "tickarena.name").String() +
		" token=" + store.Call("getItem", "tickarena.token").String()

	canvas := doc.Call("createElement", "canvas")
	canvas.Set("width", g.Get("innerWidth"))
	canvas.Set("height", g.Get("innerHeight"))
	doc.Get("body").Call("appendChild", canvas)
	ctx := canvas.Call("getContext", "2d")
	ctx.Set("fillStyle", "#0b1030")
	ctx.Call("fillRect", 0, 0, canvas.Get("width"), canvas.Get("height"))
	ctx.Set("fillStyle", "#38e8ff")
	ctx.Set("font", "24px sans-serif")
	ctx.Call("fillText", title, 40, 80)

	doc.Set("title", title)
	select {}
}
