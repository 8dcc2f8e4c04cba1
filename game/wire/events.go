package wire

import "github.com/tickarena/tickarena/game"

// EventsNear appends to dst the events of events that matter to the client whose
// ship is self and whose view is centred on (cx, cy), and returns it. An event
// matters when it involves self (as the ship acted on or the acting ship), when
// its position lies in the area (margin included), or, for a shot, when the
// bullet's flight path crosses the area, so that a bullet fired from outside
// is drawn before it arrives. The order of events is kept.
func (a Area) EventsNear(dst []game.Event, events []game.Event, cx, cy int32, self uint32) []game.Event {
	x0, x1 := int64(cx)-int64(a.HalfW+a.Margin)*game.Sub, int64(cx)+int64(a.HalfW+a.Margin)*game.Sub
	y0, y1 := int64(cy)-int64(a.HalfH+a.Margin)*game.Sub, int64(cy)+int64(a.HalfH+a.Margin)*game.Sub
	for i := range events {
		ev := &events[i]
		if a.eventNear(ev, self, x0, y0, x1, y1) {
			dst = append(dst, *ev)
		}
	}
	return dst
}

func (a Area) eventNear(ev *game.Event, self uint32, x0, y0, x1, y1 int64) bool {
	if self != 0 && involves(ev, self) {
		return true
	}
	x, y := int64(ev.X), int64(ev.Y)
	if x >= x0 && x <= x1 && y >= y0 && y <= y1 {
		return true
	}
	if ev.Kind != game.Shot {
		return false
	}
	// The farthest point the bullet can reach; the segment test below is exact
	// for a straight flight.
	ex := x + int64(game.Cos(ev.Angle))*game.BulletRange*game.Sub/game.TrigOne
	ey := y + int64(game.Sin(ev.Angle))*game.BulletRange*game.Sub/game.TrigOne
	return segmentMeetsRect(x, y, ex, ey, x0, y0, x1, y1)
}

// involves reports whether ship id is one of the ships an event names.
func involves(ev *game.Event, id uint32) bool {
	switch ev.Kind {
	case game.Shot:
		return ev.B == id
	case game.Hit, game.Death:
		return ev.A == id || ev.B == id
	case game.Pickup, game.Spawn:
		return ev.A == id
	}
	return false
}

// segmentMeetsRect reports whether the segment from (ax, ay) to (bx, by) touches
// the rectangle [x0,x1]×[y0,y1], by clipping the segment's parameter range
// against each slab (Liang–Barsky) in exact rational arithmetic.
func segmentMeetsRect(ax, ay, bx, by, x0, y0, x1, y1 int64) bool {
	// The segment is a + t(b-a) with t in [lo, hi] = [0, 1], kept as
	// fractions num/den with den > 0.
	loN, loD, hiN, hiD := int64(0), int64(1), int64(1), int64(1)
	clip := func(p, q int64) bool { // the constraint p*t <= q
		switch {
		case p == 0:
			return q >= 0
		case p < 0: // t >= q/p
			n, d := -q, -p
			if n*loD > loN*d {
				loN, loD = n, d
			}
		default: // t <= q/p
			if q*hiD < hiN*p {
				hiN, hiD = q, p
			}
		}
		return loN*hiD <= hiN*loD
	}
	dx, dy := bx-ax, by-ay
	return clip(-dx, ax-x0) && clip(dx, x1-ax) && clip(-dy, ay-y0) && clip(dy, y1-ay)
}
