package e2e

import (
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/tickarena/tickarena/internal/browsertest"
	"github.com/tickarena/tickarena/internal/servertest"
)

// replayHook is window.tickarena.replay (see wasm/replay.go).
type replayHook struct {
	Error       string  `json:"error"`
	Time        float64 `json:"time"`
	Duration    float64 `json:"duration"`
	Tick        uint32  `json:"tick"`
	Playing     bool    `json:"playing"`
	Ended       bool    `json:"ended"`
	Speed       float64 `json:"speed"`
	Follow      uint32  `json:"follow"`
	FollowName  string  `json:"followName"`
	FollowX     float64 `json:"followX"`
	FollowY     float64 `json:"followY"`
	FollowAlive bool    `json:"followAlive"`
	CamX        float64 `json:"camX"`
	CamY        float64 `json:"camY"`
	Ships       string  `json:"ships"`
	Seeks       int     `json:"seeks"`
	SeekMS      float64 `json:"seekMs"`
	Board       string  `json:"board"`
	BoardX      float64 `json:"boardX"`
	BoardY      float64 `json:"boardY"`
	BoardRowH   float64 `json:"boardRowH"`
}

func readReplay(p *browsertest.Page) replayHook {
	return browsertest.Eval[replayHook](p, `(window.tickarena && window.tickarena.replay) || {}`)
}

// shipPositions parses a hook's "id:x:y,…" list.
func shipPositions(list string) map[string][2]float64 {
	out := map[string][2]float64{}
	for _, item := range strings.Split(list, ",") {
		parts := strings.Split(item, ":")
		if len(parts) != 3 {
			continue
		}
		x, _ := strconv.ParseFloat(parts[1], 64)
		y, _ := strconv.ParseFloat(parts[2], 64)
		out[parts[0]] = [2]float64{x, y}
	}
	return out
}

// moved returns how far the ships present in both lists moved, at most.
func moved(a, b string) float64 {
	pa, pb := shipPositions(a), shipPositions(b)
	d := 0.0
	for id, p := range pa {
		if q, ok := pb[id]; ok {
			d = math.Max(d, math.Hypot(p[0]-q[0], p[1]-q[1]))
		}
	}
	return d
}

// waitFrames waits until the game has drawn n more frames: a key or a
// button released before the game's next frame would never be seen, and
// without a GPU a frame can take a quarter of a second.
func waitFrames(p *browsertest.Page, n int) {
	f := browsertest.Eval[int](p, `window.tickarena.frames`)
	p.WaitFor(fmt.Sprintf(`window.tickarena.frames >= %d`, f+n))
}

// tap presses and releases key k, holding it for two frames of the game.
func tap(t *testing.T, p *browsertest.Page, k rune) {
	t.Helper()
	sendKeyDown(t, p, k)
	waitFrames(p, 2)
	sendKeyUp(t, p, k)
	waitFrames(p, 1)
}

// clickAt clicks the page at (x, y) CSS pixels, holding the button for two
// frames of the game.
func clickAt(t *testing.T, p *browsertest.Page, x, y float64) {
	t.Helper()
	mouse := func(typ input.DispatchMouseEventType) {
		ctx, cancel := context.WithTimeout(p.Context(), 15*time.Second)
		defer cancel()
		if _, err := chromedp.Run(ctx, chromedp.MouseEvent(typ, x, y, chromedp.ButtonLeft, chromedp.ClickCount(1))); err != nil {
			t.Fatalf("mouse %s at (%v, %v): %v", typ, x, y, err)
		}
	}
	mouse(input.DispatchMouseEventTypeMouseMoved)
	mouse(input.DispatchMouseEventTypeMousePressed)
	waitFrames(p, 2)
	mouse(input.DispatchMouseEventTypeMouseReleased)
	waitFrames(p, 1)
}

// key returns the rune of a kb key constant.
func key(k string) rune { return []rune(k)[0] }

// TestReplayInTheBrowser plays a round with bots, follows the results
// screen's link to its replay, and watches it: ships move, a seek jumps in
// time and space in well under a second, F and a click on the scoreboard
// switch the followed ship, and the URL keeps the moment to share.
func TestReplayInTheBrowser(t *testing.T) {
	requireClient(t)
	srv := startServer(t, "-round-length", "20s")
	b := browsertest.New(t, browsertest.Options{Width: 1280, Height: 760, Timeout: 30 * time.Second})
	p := b.NewPage()

	// 1. Play until the round ends: the results screen links to its replay.
	enterFromLobby(t, p, srv.URL, "Watcher")
	p.WaitForWithin(`window.tickarena.phase === "intermission"`, 60*time.Second)
	// The link appears once the result is stored, off the room's goroutine.
	const linked = `(() => { const a = document.getElementById("replay-link"); return a && a.getAttribute("href"); })()`
	p.WaitForWithin(linked, 40*time.Second)
	href := browsertest.Eval[string](p, linked)
	p.Screenshot("results with the replay link")
	if !strings.HasPrefix(href, "/replay/") {
		t.Fatalf("the results screen links to %q; want /replay/{round}", href)
	}
	// In a short window the link stays on one line, under the results card
	// and over the health bar at the bottom.
	p.SetViewport(560, 360)
	waitFrames(p, 2)
	const rect = `(() => { const r = document.getElementById("replay-link").getBoundingClientRect(); return [r.top, r.bottom, r.left, r.right]; })()`
	if r := browsertest.Eval[[]float64](p, rect); len(r) != 4 || r[1]-r[0] > 40 || r[0] < 250 || r[1] > 330 || r[2] < 0 || r[3] > 560 {
		t.Errorf("the replay link in a 560×360 window spans %v (top, bottom, left, right); want one line (40 px at most) between y 250 and 330, inside the window", r)
	}
	p.Screenshot("results with the replay link, a short window")
	p.SetViewport(1280, 760)
	round := strings.TrimPrefix(href, "/replay/")
	playerID := browsertest.Eval[string](p, `localStorage.getItem("tickarena.player_id") || ""`)

	// 2. The replay page plays the round in the client.
	p.Navigate(srv.URL + href)
	p.WaitForWithin(`window.tickarena && window.tickarena.replay && window.tickarena.replay.duration > 0 && window.tickarena.frames > 10`, loadWithin)
	r0 := readReplay(p)
	if r0.Error != "" {
		t.Fatalf("the replay cannot play: %s", r0.Error)
	}
	if r0.Duration < 15 || r0.Duration > 21 {
		t.Errorf("the replay lasts %.1f s; want the 20 s round", r0.Duration)
	}
	if r0.Follow == 0 || r0.FollowName == "" {
		t.Errorf("the replay follows nobody at the start (%+v); want the round's winner", r0)
	}
	p.WaitForWithin(`window.tickarena.replay.time > 1.5`, 20*time.Second)
	a := readReplay(p)
	time.Sleep(1500 * time.Millisecond)
	bb := readReplay(p)
	if bb.Time <= a.Time || moved(a.Ships, bb.Ships) < 20 {
		t.Errorf("playing for 1.5 s took the time from %.2f to %.2f s and moved ships at most %.0f units; want time and ships moving", a.Time, bb.Time, moved(a.Ships, bb.Ships))
	}
	shot := p.Screenshot("replay playing")
	if n := distinctColors(t, shot); n < 40 {
		t.Errorf("the replay's screenshot has %d distinct colours; want a drawn arena", n)
	}

	// 3. Pause, then seek with → : the time jumps 5 s, ships jump with it,
	// and the seek takes well under a second.
	tap(t, p, ' ')
	p.WaitFor(`!window.tickarena.replay.playing`)
	before := readReplay(p)
	tap(t, p, key(kb.ArrowRight))
	p.WaitFor(fmt.Sprintf(`window.tickarena.replay.seeks > %d`, before.Seeks))
	after := readReplay(p)
	if d := after.Time - before.Time; math.Abs(d-5) > 0.2 {
		t.Errorf("→ moved the time from %.2f to %.2f s; want 5 s later", before.Time, after.Time)
	}
	if after.SeekMS >= 1000 {
		t.Errorf("the seek took %.0f ms; want well under a second", after.SeekMS)
	}
	if moved(before.Ships, after.Ships) < 50 {
		t.Errorf("after a 5 s seek the ships moved at most %.0f units; want them where the round had them 5 s later", moved(before.Ships, after.Ships))
	}
	t.Logf("seek %.2f → %.2f s in %.1f ms", before.Time, after.Time, after.SeekMS)
	// A seek back lands through the keyframe before it just as fast.
	tap(t, p, key(kb.Home))
	p.WaitFor(fmt.Sprintf(`window.tickarena.replay.seeks > %d`, after.Seeks))
	if h := readReplay(p); h.Time != 0 || h.SeekMS >= 1000 {
		t.Errorf("Home: time %.2f s after %.0f ms; want 0 in under a second", h.Time, h.SeekMS)
	}
	tap(t, p, key(kb.End))
	p.WaitFor(`window.tickarena.replay.ended`)
	if h := readReplay(p); h.SeekMS >= 1000 {
		t.Errorf("End: a seek to the end (%.1f s) took %.0f ms; want under a second", h.Time, h.SeekMS)
	}
	p.Screenshot("replay ended with the results")

	// 4. Switch the followed ship: F follows the next, the camera goes to it.
	tap(t, p, key(kb.Home))
	tap(t, p, ' ')
	p.WaitFor(`window.tickarena.replay.playing && window.tickarena.replay.time > 0.5`)
	first := readReplay(p).Follow
	tap(t, p, 'f')
	p.WaitFor(fmt.Sprintf(`window.tickarena.replay.follow !== %d && window.tickarena.replay.follow > 0`, first))
	p.WaitFor(`Math.hypot(window.tickarena.replay.camX - window.tickarena.replay.followX, window.tickarena.replay.camY - window.tickarena.replay.followY) < 30`)
	second := readReplay(p)
	t.Logf("F: followed ship %d → %d (%s)", first, second.Follow, second.FollowName)

	// A click on another scoreboard row follows that pilot. Paused first, so
	// that the standings cannot reorder (or the round end) under the pointer.
	tap(t, p, ' ')
	p.WaitFor(`!window.tickarena.replay.playing`)
	second = readReplay(p)
	ids := strings.Split(second.Board, ",")
	if len(ids) < 2 {
		t.Fatalf("the scoreboard lists %q; want the round's pilots", second.Board)
	}
	row := 0
	if ids[0] == strconv.Itoa(int(second.Follow)) {
		row = 1
	}
	clickAt(t, p, second.BoardX, second.BoardY+float64(row)*second.BoardRowH)
	p.WaitFor(fmt.Sprintf(`String(window.tickarena.replay.follow) === %s`, browsertest.JS(ids[row])))
	p.WaitFor(`Math.hypot(window.tickarena.replay.camX - window.tickarena.replay.followX, window.tickarena.replay.camY - window.tickarena.replay.followY) < 30`)
	shot = p.Screenshot("replay following from the scoreboard")

	// 5. The URL keeps the moment: reloading it lands there, following the
	// same ship. The replay is still paused from the click above (a space
	// here would play it again, to the round's end).
	p.WaitFor(`!window.tickarena.replay.playing`)
	want := readReplay(p)
	p.WaitFor(fmt.Sprintf(`location.search.includes("follow=%d")`, want.Follow))
	link := browsertest.Eval[string](p, `location.href`)
	if !strings.Contains(link, "/replay/"+round+"?") || !strings.Contains(link, "t=") {
		t.Errorf("the page's URL is %s; want the replay's with t= and follow=", link)
	}
	p.Navigate(link)
	p.WaitForWithin(`window.tickarena && window.tickarena.replay && window.tickarena.replay.duration > 0 && window.tickarena.frames > 5`, loadWithin)
	got := readReplay(p)
	if got.Follow != want.Follow || math.Abs(got.Time-want.Time) > 1.2 {
		t.Errorf("the shared link %s opened at %.1f s following %d; want %.1f s following %d", link, got.Time, got.Follow, want.Time, want.Follow)
	}
	keepScreenshot(t, shot, "replay.png")

	// 6. The player's page links the round to its replay.
	resp, err := http.Get(srv.URL + "/leaderboard/players/" + playerID)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `href="`+href+`"`) {
		t.Errorf("the player's page does not link to %s:\n%s", href, body)
	}

	// 7. An unknown round is a 404 page, not a blank canvas.
	resp, err = http.Get(srv.URL + "/replay/no-such-round")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(string(body), "Round not found") {
		t.Errorf("GET /replay/no-such-round = %d; want 404 saying the round is not found:\n%s", resp.StatusCode, body)
	}
}

// keepScreenshot copies a screenshot to docs/ as name when the environment
// variable TICKARENA_DOCS_SHOTS is set, to refresh the documentation's
// pictures.
func keepScreenshot(t *testing.T, shot, name string) {
	t.Helper()
	if os.Getenv("TICKARENA_DOCS_SHOTS") == "" {
		return
	}
	root, err := servertest.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(shot)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "docs", name), b, 0o644); err != nil {
		t.Fatal(err)
	}
}
