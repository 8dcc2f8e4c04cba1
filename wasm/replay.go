//go:build js && wasm

package main

import (
	"log/slog"
	"strings"
	"syscall/js"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/tickarena/tickarena/client"
	"github.com/tickarena/tickarena/client/playback"
)

// replayFileKey is the page's global that holds the replay file, a
// Uint8Array that replay.js fetched before starting the game.
const replayFileKey = "tickarenaReplayFile"

// replayMode reports whether the page is a replay's, /replay/{round}.
func replayMode() bool {
	return strings.HasPrefix(js.Global().Get("location").Get("pathname").String(), "/replay/")
}

// runReplay plays the page's replay file until the page closes.
func runReplay(log *slog.Logger) {
	loc := js.Global().Get("location")
	h := newHook()
	h.obj.Set("frames", 0)
	var file []byte
	if v := js.Global().Get(replayFileKey); v.Type() == js.TypeObject {
		file = make([]byte, v.Get("length").Int())
		js.CopyBytesToGo(file, v)
		js.Global().Set(replayFileKey, js.Undefined()) // the game keeps its own copy
	}
	g := client.NewReplay(client.ReplayOptions{
		File:    file,
		Moment:  playback.ParseMoment(loc.Get("search").String()),
		Logger:  log,
		OnFrame: h.publishReplay,
		OnMoment: func(m playback.Moment) {
			js.Global().Get("history").Call("replaceState", js.Null(), "", loc.Get("pathname").String()+m.Query())
		},
		OnLeave: func() { js.Global().Get("location").Call("assign", "/leaderboard") },
	})
	ebiten.SetWindowTitle("tickarena replay")
	ebiten.SetTPS(ebiten.SyncWithFPS)
	ebiten.SetScreenClearedEveryFrame(false)
	if err := ebiten.RunGame(g); err != nil {
		log.Error("the replay stopped", "err", err)
	}
}

// publishReplay copies s into window.tickarena.replay.
func (h *hook) publishReplay(s client.ReplayStatus) {
	o := h.child("replay")
	o.Set("error", s.Error)
	o.Set("time", s.Time)
	o.Set("duration", s.Duration)
	o.Set("tick", s.Tick)
	o.Set("playing", s.Playing)
	o.Set("ended", s.Ended)
	o.Set("speed", s.Speed)
	o.Set("follow", s.Follow)
	o.Set("followName", s.FollowName)
	o.Set("followX", s.FollowX)
	o.Set("followY", s.FollowY)
	o.Set("followAlive", s.FollowAlive)
	o.Set("camX", s.CamX)
	o.Set("camY", s.CamY)
	o.Set("zoom", s.Zoom)
	o.Set("ships", s.Ships)
	o.Set("seeks", s.Seeks)
	o.Set("seekMs", s.SeekMS)
	o.Set("round", s.Round)
	o.Set("room", s.Room)
	o.Set("board", s.Board)
	o.Set("boardX", s.BoardX)
	o.Set("boardY", s.BoardY)
	o.Set("boardRowH", s.BoardRowH)
	n := h.obj.Get("frames").Int() + 1
	h.obj.Set("frames", n)
}
