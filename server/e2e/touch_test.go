package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/tickarena/tickarena/internal/browsertest"
)

// finger is one touch point, in CSS pixels.
type finger struct {
	id   float64
	x, y float64
}

// touch dispatches a touch event of type typ with the fingers on the screen.
func touch(t *testing.T, p *browsertest.Page, typ input.DispatchTouchEventType, fingers ...finger) {
	t.Helper()
	points := make([]*input.TouchPoint, 0, len(fingers))
	for _, f := range fingers {
		id := f.id
		points = append(points, &input.TouchPoint{X: f.x, Y: f.y, ID: &id})
	}
	ctx, cancel := context.WithTimeout(p.Context(), 15*time.Second)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, input.DispatchTouchEvent, input.DispatchTouchEventParams{Type: typ, TouchPoints: points})
		return err
	}))
	if err != nil {
		t.Fatalf("touch %s: %v", typ, err)
	}
}

// TestTouch plays on a phone: a 360×640 viewport with touch emulation. A
// thumb on the left half is the virtual stick and moves the ship; a thumb
// on the right half aims and fires. The screenshot of both thumbs down is
// the one in docs/touch.png.
func TestTouch(t *testing.T) {
	requireClient(t)
	srv := startServer(t, "-round-length", "60s") // the screenshot shows a round, not its results
	b := browsertest.New(t, browsertest.Options{Width: 360, Height: 640, Timeout: browserOptions.Timeout})
	p := b.NewPage()
	_, err := chromedp.Run(p.Context(), chromedp.EmulateViewport(360, 640, chromedp.EmulateTouch))
	if err != nil {
		t.Fatalf("emulate a phone: %v", err)
	}
	enterFromLobby(t, p, srv.URL, "Thumb")
	p.WaitForWithin(`window.tickarena.phase === "playing" && window.tickarena.timeLeft > 4.5 && window.tickarena.alive`, 40*time.Second)
	h := readHook(p)

	// The stick: press low on the left, slide toward the side with room.
	dir := 1.0
	if h.WorldSize > 0 && h.X > float64(h.WorldSize)/2 {
		dir = -1
	}
	stick := finger{id: 1, x: 90, y: 520}
	touch(t, p, input.DispatchTouchEventTypeTouchStart, stick)
	stick.x += 50 * dir
	touch(t, p, input.DispatchTouchEventTypeTouchMove, stick)
	// The fire button: a second thumb on the right half, held.
	fire := finger{id: 2, x: 280, y: 420}
	touch(t, p, input.DispatchTouchEventTypeTouchStart, stick, fire)
	fire.y -= 30
	touch(t, p, input.DispatchTouchEventTypeTouchMove, stick, fire)
	p.WaitForWithin(`window.tickarena.firing === true`, 15*time.Second)
	p.WaitForWithin(fmt.Sprintf(`(window.tickarena.x - %f) * %f >= 120`, h.X, dir), 20*time.Second)
	shot := p.Screenshot("touch controls")
	touch(t, p, input.DispatchTouchEventTypeTouchEnd)
	got := readHook(p)
	t.Logf("the stick moved the ship from x=%.0f to x=%.0f; screenshot %s", h.X, got.X, shot)
	p.WaitForWithin(`window.tickarena.firing === false`, 15*time.Second)
}
