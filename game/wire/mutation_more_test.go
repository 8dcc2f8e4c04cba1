package wire

import (
	"testing"

	"github.com/tickarena/tickarena/game"
)

// TestEventsNearReachEveryEdge: a client is told of an event anywhere in its
// area grown by the margin, on all four sides alike, and of nothing one unit
// beyond: a pellet eaten at the left edge of the screen disappears with its
// pickup just as one at the right edge does.
func TestEventsNearReachEveryEdge(t *testing.T) {
	const cx, cy = 2000 * game.Sub, 2000 * game.Sub
	a := Area{HalfW: 100, HalfH: 50, Margin: 10}
	const w, h = (100 + 10) * game.Sub, (50 + 10) * game.Sub
	tests := []struct {
		name string
		x, y int32
		want bool
	}{
		{"left edge", cx - w, cy, true},
		{"past the left edge", cx - w - 1, cy, false},
		{"right edge", cx + w, cy, true},
		{"past the right edge", cx + w + 1, cy, false},
		{"top edge", cx, cy - h, true},
		{"past the top edge", cx, cy - h - 1, false},
		{"bottom edge", cx, cy + h, true},
		{"past the bottom edge", cx, cy + h + 1, false},
		{"top-left corner", cx - w, cy - h, true},
		{"bottom-right corner", cx + w, cy + h, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ev := game.Event{Kind: game.Pickup, A: 5, B: 3, X: tc.x, Y: tc.y}
			got := a.EventsNear(nil, []game.Event{ev}, cx, cy, 7)
			if (len(got) == 1) != tc.want {
				t.Fatalf("pickup at (%+d, %+d) Sub units from the centre of an area of ±%d×±%d: told = %v, want %v",
					tc.x-cx, tc.y-cy, w, h, len(got) == 1, tc.want)
			}
		})
	}
}
