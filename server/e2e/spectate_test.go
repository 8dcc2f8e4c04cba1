package e2e

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"

	"github.com/tickarena/tickarena/internal/browsertest"
)

// spectateHook is what window.tickarena says about the ship a page follows:
// its own ship for a player, the followed one for a spectator, as the
// server's latest state (at tick) has it.
type spectateHook struct {
	State      string  `json:"state"`
	Tick       uint32  `json:"tick"`
	ShipID     uint32  `json:"shipId"`
	Spectating bool    `json:"spectating"`
	Follow     uint32  `json:"follow"`
	DelayMs    int     `json:"delayMs"`
	HasServer  bool    `json:"hasServer"`
	ServerX    float64 `json:"serverX"`
	ServerY    float64 `json:"serverY"`
	Frames     int     `json:"frames"`
	Dead       string  `json:"dead"`
}

func readSpectateHook(p *browsertest.Page) spectateHook {
	return browsertest.Eval[spectateHook](p, `window.tickarena || {}`)
}

// tapKey presses k, releases it two frames later and waits two frames more:
// the game sees a key only in a frame it is down in, and a starved page
// draws few frames. A press that follows the release within one frame is
// no press at all, as the game never saw the key up.
func tapKey(t *testing.T, p *browsertest.Page, k rune) {
	t.Helper()
	for _, typ := range []input.DispatchKeyEventType{"keyDown", "keyUp"} {
		frames := readSpectateHook(p).Frames
		sendKey(t, p, k, typ)
		p.WaitForWithin(fmt.Sprintf(`window.tickarena.frames >= %d`, frames+2), 20*time.Second)
	}
}

// destroyed reports whether the ids joined by commas in list (a hook's
// dead) hold ship.
func destroyed(list string, ship uint32) bool {
	return slices.Contains(strings.Split(list, ","), strconv.FormatUint(uint64(ship), 10))
}

// TestSpectateLiveRoom watches a live room from the lobby's Watch button:
// the spectator gets no ship, switches with F to the ship of a player in the
// room, and sees it, tick for tick, where the player's own page has it, the
// spectate delay later. The screenshot of the spectator is docs/spectate.png.
func TestSpectateLiveRoom(t *testing.T) {
	requireClient(t)
	const delay = 1500 * time.Millisecond
	srv := startServer(t, "-round-length", "5m", "-spectate-delay", delay.String())
	// Two pages draw at once: small canvases keep SwiftShader's share of a
	// busy machine small enough for both to keep up.
	b := browsertest.New(t, browsertest.Options{Width: 640, Height: 400, Timeout: browserOptions.Timeout})
	player, watcher := b.NewPage(), b.NewPage()

	// The spectator presses Watch on the room in the lobby first: a page
	// that compiles the game starves the other, and a starved spectator
	// only falls behind, where a starved player is closed as too slow.
	watcher.Navigate(srv.URL + "/")
	watcher.Type("#name", "Watcher")
	watcher.WaitFor(`document.querySelector(".room .watch") !== null`)
	browsertest.Eval[bool](watcher, `(() => { document.querySelector(".room").scrollIntoView({block: "center"}); return true })()`)
	watcher.Screenshot("lobby with Watch")
	// The lobby rebuilds its room list on every refresh, which can remove
	// the node a driver-side click looked up before it lands ("Could not
	// find node with given id"): the page finds and clicks it in one go.
	browsertest.Eval[bool](watcher, `(() => { document.querySelector(".room .watch").click(); return true })()`)
	watcher.WaitFor(`location.pathname === "/play" && new URLSearchParams(location.search).get("spectate") === "1"`)
	watcher.WaitForWithin(`window.tickarena && window.tickarena.state === "playing" && window.tickarena.spectating && window.tickarena.tick > 0`, loadWithin)
	if h := readSpectateHook(watcher); h.ShipID != 0 || h.DelayMs != int(delay/time.Millisecond) || h.Follow != 0 {
		t.Fatalf("the spectator has ship %d, follows %d, %d ms behind; want no ship, the whole arena, %v behind", h.ShipID, h.Follow, h.DelayMs, delay)
	}
	pilot := enterFromLobby(t, player, srv.URL, "Pilot")

	// F goes through the room's living ships (the roster's) until it
	// follows the pilot's. The pilot does not steer yet and a bot may shoot
	// it down: the spectator then sees it destroyed, the delay later, and F
	// rightly skips it until it is back 3 s on. So each press waits for the
	// spectator's roster to have the pilot's ship in play; a roster that
	// keeps it destroyed fails here. A page starved of frames may still miss
	// a press: one that changes nothing is pressed again.
	watcher.WaitForWithin(`window.tickarena.state === "playing" && window.tickarena.players >= 4`, 60*time.Second)
	for i := 0; readSpectateHook(watcher).Follow != pilot.ShipID; i++ {
		if i == 12 {
			t.Fatalf("12 presses of F never followed the pilot's ship %d (following %d)", pilot.ShipID, readSpectateHook(watcher).Follow)
		}
		for end := time.Now().Add(30 * time.Second); destroyed(readSpectateHook(watcher).Dead, pilot.ShipID); time.Sleep(50 * time.Millisecond) {
			if time.Now().After(end) {
				t.Fatalf("the spectator (%s) has had the pilot's ship %d destroyed for 30 s, when a ship is back 3 s after (alive on the pilot's page: %v)",
					readSpectateHook(watcher).State, pilot.ShipID, readHook(player).Alive)
			}
		}
		before := readSpectateHook(watcher).Follow
		tapKey(t, watcher, 'f')
		for end := time.Now().Add(5 * time.Second); time.Now().Before(end) && readSpectateHook(watcher).Follow == before; {
			time.Sleep(50 * time.Millisecond)
		}
		h := readSpectateHook(watcher)
		t.Logf("F: following %d, then %d (destroyed in the spectator's roster: %q)", before, h.Follow, h.Dead)
	}
	watcher.WaitForWithin(`window.tickarena.hasServer`, 20*time.Second)

	// The pilot flies right, then down; both pages are sampled meanwhile.
	seen := map[uint32][2]float64{} // tick -> where the pilot's page has its ship
	type sample struct {
		tick, pilotTick uint32
		x, y            float64
	}
	var watched []sample
	keys := []rune{'d', 's'}
	var shot string
	for i, k := range keys {
		sendKey(t, player, k, "keyDown")
		end := time.Now().Add(5 * time.Second)
		for time.Now().Before(end) {
			if i == 1 && shot == "" && time.Until(end) < 3*time.Second {
				shot = watcher.Screenshot("spectating the pilot")
			}
			if p := readSpectateHook(player); p.HasServer {
				seen[p.Tick] = [2]float64{p.ServerX, p.ServerY}
			}
			w := readSpectateHook(watcher)
			if w.HasServer && w.Follow == pilot.ShipID {
				watched = append(watched, sample{w.Tick, readSpectateHook(player).Tick, w.ServerX, w.ServerY})
			}
			time.Sleep(20 * time.Millisecond)
		}
		sendKey(t, player, k, "keyUp")
	}
	// Past the delay, the pilot's page has published every tick the
	// spectator saw; sample it a little longer for the last ones.
	for end := time.Now().Add(delay); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if p := readSpectateHook(player); p.HasServer {
			seen[p.Tick] = [2]float64{p.ServerX, p.ServerY}
		}
	}
	matched, moved := 0, false
	lags := make([]int, 0, len(watched))
	for i, s := range watched {
		lags = append(lags, int(s.pilotTick)-int(s.tick))
		if i > 0 && (s.x != watched[0].x || s.y != watched[0].y) {
			moved = true
		}
		want, ok := seen[s.tick]
		if !ok {
			continue
		}
		matched++
		if math.Abs(want[0]-s.x) > 0.01 || math.Abs(want[1]-s.y) > 0.01 {
			t.Errorf("tick %d: the spectator sees the pilot at (%.2f, %.2f), the pilot's page at (%.2f, %.2f)", s.tick, s.x, s.y, want[0], want[1])
		}
	}
	slices.Sort(lags)
	median := 0
	if len(lags) > 0 {
		median = lags[len(lags)/2]
	}
	t.Logf("%d spectator samples, %d at ticks the pilot's page published too; the spectator was %v ticks behind the pilot's page; screenshot %s", len(watched), matched, lags, shot)
	if matched < 5 {
		t.Fatalf("only %d of the spectator's %d samples fell on a tick the pilot's page published", matched, len(watched))
	}
	if !moved {
		t.Fatalf("the followed ship never moved: the comparison proves nothing")
	}
	// At 30 Hz the delay is 45 ticks. Each page's figures are a frame old,
	// and a page starved of frames falls further behind the server now and
	// then, the pilot's too: the median lag must show the delay.
	if want := int(delay / (time.Second / 30)); median < want*2/3 {
		t.Errorf("the spectator was a median %d ticks behind the pilot's page, want about %d (%v)", median, want, delay)
	}
}
