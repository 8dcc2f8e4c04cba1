package e2e

import (
	"context"
	"image"
	"image/png"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/tickarena/tickarena/internal/browsertest"
)

// hook is the game's window.tickarena object (see wasm/hook.go).
type hook struct {
	State     string  `json:"state"`
	Reason    string  `json:"reason"`
	Tick      uint32  `json:"tick"`
	ShipID    uint32  `json:"shipId"`
	X         float64 `json:"x"`
	Y         float64 `json:"y"`
	Alive     bool    `json:"alive"`
	Visible   int     `json:"visible"`
	Others    string  `json:"others"`
	Map       string  `json:"map"`
	Round     uint32  `json:"round"`
	Phase     string  `json:"phase"`
	TimeLeft  float64 `json:"timeLeft"`
	Score     int32   `json:"score"`
	RTT       int     `json:"rtt"`
	Players   int     `json:"players"`
	Room      string  `json:"room"`
	WorldSize int     `json:"worldSize"`
	Frames    int     `json:"frames"`
}

// readHook returns the game's current state.
func readHook(p *browsertest.Page) hook {
	return browsertest.Eval[hook](p, `window.tickarena || {}`)
}

// playing is true once the game is connected and drives its ship.
const playing = `window.tickarena && window.tickarena.state === "playing" && window.tickarena.shipId > 0 && window.tickarena.x > 0`

// loadWithin bounds the wait for the game to download, compile and join: the
// WebAssembly client is large and SwiftShader is slow on a busy machine.
const loadWithin = 90 * time.Second

// enterFromLobby opens the lobby, types name and presses Play, then waits
// until the game plays.
func enterFromLobby(t *testing.T, p *browsertest.Page, base, name string) hook {
	t.Helper()
	p.Navigate(base + "/")
	p.Type("#name", name)
	p.Screenshot("lobby " + name)
	p.Click("#play")
	p.WaitFor(`location.pathname === "/play"`)
	p.WaitForWithin(playing, loadWithin)
	return readHook(p)
}

// sendKey dispatches the event of type typ of key k.
func sendKey(t *testing.T, p *browsertest.Page, k rune, typ input.DispatchKeyEventType) {
	t.Helper()
	ctx, cancel := context.WithTimeout(p.Context(), 15*time.Second)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		for _, ev := range kb.Encode(k) {
			if ev.Type == typ {
				if _, err := cdp.Call(ctx, tg, input.DispatchKeyEvent, *ev); err != nil {
					return err
				}
			}
		}
		return nil
	}))
	if err != nil {
		t.Fatalf("key %q %s: %v", k, typ, err)
	}
}

// distinctColors decodes the PNG at path and counts its distinct colours.
func distinctColors(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
	return countColors(img)
}

func countColors(img image.Image) int {
	seen := map[uint32]struct{}{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			seen[(r>>8)<<16|(g>>8)<<8|bl>>8] = struct{}{}
		}
	}
	return len(seen)
}

// mapPosition returns the minimap position of ship id in a hook's Map list.
func mapPosition(list string, id uint32) (x, y int, ok bool) {
	for _, item := range strings.Split(list, ",") {
		parts := strings.Split(item, ":")
		if len(parts) != 3 || parts[0] != strconv.FormatUint(uint64(id), 10) {
			continue
		}
		x, errX := strconv.Atoi(parts[1])
		y, errY := strconv.Atoi(parts[2])
		return x, y, errX == nil && errY == nil
	}
	return 0, 0, false
}
