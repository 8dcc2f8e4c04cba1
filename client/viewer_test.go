package client

import (
	"math"
	"testing"

	"github.com/tickarena/tickarena/client/netcode"
	"github.com/tickarena/tickarena/game/wire"
)

// viewerShips are three ships of a 4000-unit arena; ship 7 is dead.
func viewerShips() []netcode.RenderEntity {
	return []netcode.RenderEntity{
		{ID: 3, X: 1000, Y: 1000},
		{ID: 5, X: 2600, Y: 1500},
		{ID: 7, X: 2000, Y: 2000, Flags: wire.FlagDead},
		{ID: 9, X: 1100, Y: 1000},
	}
}

// newTestViewer returns a viewer over a 4000-unit arena on a 1280×800
// screen, after a first Update.
func newTestViewer() (*viewer, screen) {
	s := newScreen(1280, 800, 1)
	v := newViewer(4000)
	v.update(s, nil, 1.0/60)
	return v, s
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-6 }

func TestViewerFollowsAShip(t *testing.T) {
	v, s := newTestViewer()
	ships := viewerShips()
	v.followShip(5)
	c := v.update(s, ships, 1.0/60)
	if c.x == 2000 || c.x >= 2600 {
		t.Fatalf("after one frame the camera is at x=%v; want it gliding from 2000 toward 2600", c.x)
	}
	for range 120 {
		c = v.update(s, ships, 1.0/60)
	}
	if math.Abs(c.x-2600) > 1 || math.Abs(c.y-1500) > 1 {
		t.Fatalf("after 2 s the camera is at (%v, %v); want the ship at (2600, 1500)", c.x, c.y)
	}
	if sx, sy := c.toScreen(2600, 1500); math.Abs(sx-640) > 1 || math.Abs(sy-400) > 1 {
		t.Errorf("the followed ship is drawn at (%v, %v); want the screen's centre", sx, sy)
	}
	// Jump lands at once.
	v.followShip(3)
	v.jump()
	if c = v.update(s, ships, 1.0/60); c.x != 1000 || c.y != 1000 {
		t.Errorf("after Jump the camera is at (%v, %v); want (1000, 1000)", c.x, c.y)
	}
	// A ship that left leaves the camera where it was.
	if c = v.update(s, ships[1:], 1.0/60); c.x != 1000 || c.y != 1000 {
		t.Errorf("with the ship gone the camera moved to (%v, %v)", c.x, c.y)
	}
}

func TestViewerPickAndClick(t *testing.T) {
	v, s := newTestViewer()
	ships := viewerShips()
	v.moveTo(1000, 1000)
	c := v.update(s, ships, 0)
	tests := []struct {
		name   string
		wx, wy float64
		want   uint32
	}{
		{"on ship 3", 1000, 1000, 3},
		{"nearer ship 9", 1080, 1000, 9},
		{"a little off ship 3", 1020, 1015, 3},
		{"empty space", 1000, 1200, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sx, sy := c.toScreen(tt.wx, tt.wy)
			if got := v.pick(ships, sx, sy); got != tt.want {
				t.Errorf("Pick at world (%v, %v) = %d; want %d", tt.wx, tt.wy, got, tt.want)
			}
		})
	}
	// A dead ship cannot be picked.
	v.moveTo(2000, 2000)
	v.update(s, ships, 0)
	if got := v.pick(ships, 640, 400); got != 0 {
		t.Errorf("Pick on a dead ship = %d; want 0", got)
	}

	// A click (press and release in place) on a ship follows it.
	v.moveTo(1000, 1000)
	c = v.update(s, ships, 0)
	sx, sy := c.toScreen(1100, 1000)
	v.press(sx, sy)
	v.drag(sx+2, sy+1) // within the slop: still a click
	if id := v.release(ships, sx+2, sy+1); id != 9 || v.following() != 9 {
		t.Errorf("a click on ship 9 returned %d and follows %d; want 9", id, v.following())
	}
}

func TestViewerDragPansFree(t *testing.T) {
	v, s := newTestViewer()
	ships := viewerShips()
	v.followShip(3)
	v.jump()
	v.update(s, ships, 0)
	v.press(600, 400)
	v.drag(700, 350) // 100 px right, 50 up: the world moves with the pointer
	if v.following() != 0 {
		t.Fatalf("a drag kept following ship %d; want the free camera", v.following())
	}
	z := s.zoom
	if x, y := v.center(); !near(x, 1000-100/z) || !near(y, 1000+50/z) {
		t.Errorf("after the drag the centre is (%v, %v); want (%v, %v)", x, y, 1000-100/z, 1000+50/z)
	}
	if id := v.release(ships, 700, 350); id != 0 {
		t.Errorf("the end of a drag picked ship %d", id)
	}
	c := v.update(s, ships, 1)
	if x, _ := v.center(); !near(c.x, x) {
		t.Errorf("the free camera moved on its own to %v", c.x)
	}
}

func TestViewerKeysPan(t *testing.T) {
	v, s := newTestViewer()
	v.panKeys(1, 0, 0.5)
	x, y := v.center()
	want := 2000 + viewerKeySpeed*float64(s.w)*0.5/s.zoom
	if !near(x, want) || y != 2000 {
		t.Errorf("half a second of → moved the centre to (%v, %v); want (%v, 2000)", x, y, want)
	}
	// The centre stays in the arena.
	for range 100 {
		v.panKeys(1, 1, 1)
	}
	if x, y := v.center(); x != 4000 || y != 4000 {
		t.Errorf("panning far past the corner left the centre at (%v, %v); want (4000, 4000)", x, y)
	}
}

func TestViewerZoom(t *testing.T) {
	v, s := newTestViewer()
	// The point under the pointer stays under it.
	c := v.camera()
	wx, wy := c.toWorld(900, 200)
	v.zoomAt(0.5, 900, 200)
	c = v.update(s, nil, 0)
	if gx, gy := c.toWorld(900, 200); math.Abs(gx-wx) > 1e-6 || math.Abs(gy-wy) > 1e-6 {
		t.Errorf("zooming out moved the world under the pointer from (%v, %v) to (%v, %v)", wx, wy, gx, gy)
	}
	if v.zoomLevel() != 0.5 {
		t.Errorf("zoom %v; want 0.5", v.zoomLevel())
	}
	// Never further out than the whole arena, never past the maximum in.
	v.zoomAt(0.001, 640, 400)
	c = v.update(s, nil, 0)
	x0, y0, x1, y1 := c.view()
	if x1-x0 < 4000 || y1-y0 < 4000 {
		t.Errorf("fully zoomed out the view is %v×%v; want the whole 4000-unit arena", x1-x0, y1-y0)
	}
	if y1-y0 > 4000*1.2 {
		t.Errorf("fully zoomed out the view is %v high; want the arena to fill the screen's height", y1-y0)
	}
	v.zoomAt(1000, 640, 400)
	if v.zoomLevel() != viewerMaxZoom {
		t.Errorf("fully zoomed in: %v; want %v", v.zoomLevel(), viewerMaxZoom)
	}
}

func TestViewerOverviewToggles(t *testing.T) {
	v, s := newTestViewer()
	ships := viewerShips()
	v.followShip(5)
	v.overview()
	c := v.update(s, ships, 0)
	if v.following() != 0 || c.x != 2000 || c.y != 2000 {
		t.Fatalf("overview: follows %d, centre (%v, %v); want free over the middle", v.following(), c.x, c.y)
	}
	if x0, _, x1, _ := c.view(); x0 > 0 || x1 < 4000 {
		t.Errorf("overview shows x %v..%v; want the whole arena", x0, x1)
	}
	v.overview()
	if v.update(s, ships, 0); v.zoomLevel() != 1 {
		t.Errorf("a second overview left zoom %v; want a player's view (1)", v.zoomLevel())
	}
}

func TestViewerNext(t *testing.T) {
	v, _ := newTestViewer()
	ships := viewerShips()
	// Living ships in id order: 3, 5, 9 (7 is dead).
	for i, want := range []uint32{3, 5, 9, 3} {
		if got := v.next(ships, 1); got != want {
			t.Fatalf("Next #%d = %d; want %d", i+1, got, want)
		}
	}
	if got := v.next(ships, -1); got != 9 {
		t.Errorf("Next back from 3 = %d; want 9 (wrapping)", got)
	}
	if got := v.next(ships, -1); got != 5 {
		t.Errorf("Next back from 9 = %d; want 5", got)
	}
	v.free()
	if got := v.next(nil, 1); got != 0 || v.following() != 0 {
		t.Errorf("Next with no ships = %d, following %d; want 0 and free", got, v.following())
	}
}

func TestViewerTouchTapAndDrag(t *testing.T) {
	v, s := newTestViewer()
	ships := viewerShips()
	v.moveTo(1000, 1000)
	c := v.update(s, ships, 0)
	sx, sy := c.toScreen(1000, 1000)
	v.pressTouch(4, sx, sy)
	if id, ok := v.touch(); !ok || id != 4 {
		t.Fatalf("Touch() = %d, %v; want finger 4", id, ok)
	}
	if got := v.releaseTouch(ships, sx, sy); got != 3 || v.following() != 3 {
		t.Errorf("a tap on ship 3 returned %d, follows %d; want 3", got, v.following())
	}
	if _, ok := v.touch(); ok {
		t.Errorf("the finger still drives the camera after it lifted")
	}
	v.pressTouch(5, 100, 100)
	v.drag(160, 100)
	if got := v.releaseTouch(ships, 160, 100); got != 0 || v.following() != 0 {
		t.Errorf("a finger drag picked %d and follows %d; want the free camera", got, v.following())
	}
}
