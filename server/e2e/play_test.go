package e2e

import (
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp/kb"

	"github.com/tickarena/tickarena/internal/browsertest"
)

// browserOptions keep the canvas small: without a GPU, SwiftShader's frame
// rate falls with the number of pixels, and the game must run smoothly
// enough to send its inputs.
var browserOptions = browsertest.Options{Width: 960, Height: 600, Timeout: 30 * time.Second}

// TestPlayFromLobby follows one player: from the lobby into the arena (the
// canvas is drawn and the game plays), moving with the keyboard, back into
// the same ship after reloading the page, and out to the lobby with Escape.
func TestPlayFromLobby(t *testing.T) {
	requireClient(t)
	srv := startServer(t)
	b := browsertest.New(t, browserOptions)
	p := b.NewPage()

	// 1. The play view loads and draws the arena.
	start := enterFromLobby(t, p, srv.URL, "Ace")
	if !browsertest.Eval[bool](p, `document.getElementById("loading").hidden`) {
		t.Error("the loading panel is still shown while the game plays")
	}
	if tag := browsertest.Eval[string](p, `document.activeElement ? document.activeElement.tagName : ""`); tag != "CANVAS" {
		t.Errorf("the focused element is %q, want the game's CANVAS (keys would not reach the game)", tag)
	}
	shot := p.Screenshot("playing")
	if n := distinctColors(t, shot); n < 40 {
		t.Errorf("the game's screenshot has %d distinct colours, want a drawn arena (at least 40)", n)
	}
	t.Logf("playing: ship %d at (%.0f, %.0f) in room %s, %d pilots", start.ShipID, start.X, start.Y, start.Room, start.Players)

	// 2. Holding a movement key moves the own ship.
	moveAndCheck(t, p, "moving")

	// 5. Reloading the page during a round puts the player back in the same ship.
	before := readHook(p)
	p.Navigate(browsertest.Eval[string](p, `location.href`))
	p.WaitForWithin(playing, loadWithin)
	after := readHook(p)
	p.Screenshot("after reload")
	if after.ShipID != before.ShipID {
		t.Errorf("after a reload the ship is %d, want the same ship %d", after.ShipID, before.ShipID)
	}

	// Escape takes the player back to the lobby.
	p.Press(kb.Escape)
	p.WaitFor(`location.pathname === "/" && document.getElementById("play") !== null`)
	p.Screenshot("back in the lobby")
}

// moveAndCheck holds a movement key for a while, inside a round, and checks
// that the own ship moved that way by a clear margin. It moves right (D), or left (the left
// arrow) when the ship is too close to the right wall to go far.
func moveAndCheck(t *testing.T, p *browsertest.Page, shot string) {
	t.Helper()
	// Ships are frozen between rounds and respawn when the next starts: move
	// well inside a round, alive.
	p.WaitForWithin(`window.tickarena.phase === "playing" && window.tickarena.timeLeft > 4.5 && window.tickarena.alive`, 30*time.Second)
	h := readHook(p)
	key, sign := 'd', 1.0
	if h.WorldSize > 0 && h.X > float64(h.WorldSize)-700 {
		key, sign = []rune(kb.ArrowLeft)[0], -1.0
	}
	const margin = 150 // world units; a ship covers about 450 in the time the key is held
	sendKeyDown(t, p, key)
	time.Sleep(700 * time.Millisecond)
	p.Screenshot(shot)
	time.Sleep(800 * time.Millisecond)
	sendKeyUp(t, p, key)
	p.WaitForWithin(fmt.Sprintf(`(window.tickarena.x - %f) * %f >= %d`, h.X, sign, margin), 15*time.Second)
	got := readHook(p)
	t.Logf("moved from x=%.0f to x=%.0f holding %q", h.X, got.X, key)
}

func sendKeyDown(t *testing.T, p *browsertest.Page, k rune) {
	t.Helper()
	sendKey(t, p, k, "keyDown")
}

func sendKeyUp(t *testing.T, p *browsertest.Page, k rune) {
	t.Helper()
	sendKey(t, p, k, "keyUp")
}

// TestTwoPilots puts a second player, in a browser context of their own, in
// the first player's room through the lobby's room list: they see the first
// player's ship move; when the short round ends, the result screen shows and
// the players' names reach the leaderboard page.
func TestTwoPilots(t *testing.T) {
	requireClient(t)
	srv := startServer(t)
	b := browsertest.New(t, browserOptions)
	ace, bee := b.NewPage(), b.NewPage()

	a := enterFromLobby(t, ace, srv.URL, "Ace")

	// 3. The second pilot joins the same room from the lobby's list.
	bee.Navigate(srv.URL + "/")
	bee.Type("#name", "Bee")
	join := fmt.Sprintf(`li.room[data-room=%s] button`, browsertest.JS(a.Room))
	bee.WaitFor(fmt.Sprintf(`document.querySelector(%s) !== null`, browsertest.JS(join)))
	bee.Click(join)
	bee.WaitForWithin(playing, loadWithin)
	if h := readHook(bee); h.Room != a.Room {
		t.Fatalf("the second pilot is in room %q, want the first pilot's room %q", h.Room, a.Room)
	}
	bee.WaitForWithin(fmt.Sprintf(`window.tickarena.map.split(",").some(s => s.startsWith("%d:"))`, a.ShipID), 15*time.Second)
	seen := readHook(bee)
	x0, y0, _ := mapPosition(seen.Map, a.ShipID)
	moveAndCheck(t, ace, "first pilot moving")
	var moved bool
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline) && !moved; time.Sleep(250 * time.Millisecond) {
		x, y, ok := mapPosition(readHook(bee).Map, a.ShipID)
		moved = ok && math.Hypot(float64(x-x0), float64(y-y0)) >= 6
	}
	bee.Screenshot("second pilot's view")
	if !moved {
		t.Errorf("the second pilot's map shows ship %d still at (%d, %d), want it moved", a.ShipID, x0, y0)
	}

	// 4. The short round ends: the result screen shows, the leaderboard names the pilots.
	ace.WaitForWithin(`window.tickarena.phase === "intermission"`, 40*time.Second)
	ace.Screenshot("round result")
	bee.Navigate(srv.URL + "/leaderboard")
	bee.Screenshot("leaderboard")
	page := fetch(t, srv.URL+"/leaderboard")
	for _, name := range []string{"Ace", "Bee"} {
		if !strings.Contains(page, name) {
			t.Errorf("the leaderboard page does not name %q after the round", name)
		}
	}
}

// fetch returns the body of a GET of url.
func fetch(t *testing.T, url string) string {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d, %v", url, res.StatusCode, err)
	}
	return string(body)
}
