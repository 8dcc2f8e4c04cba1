package realtime

import (
	"testing"
	"time"
)

func TestCatchUp(t *testing.T) {
	const dt = 10 * time.Millisecond
	next := time.Unix(1000, 0)
	tests := []struct {
		name        string
		now         time.Time
		steps, drop int
		after       time.Time
	}{
		{"early: nothing due", next.Add(-time.Millisecond), 0, 0, next},
		{"on time: one step", next, 1, 0, next.Add(dt)},
		{"a little late: still one step", next.Add(dt - 1), 1, 0, next.Add(dt)},
		{"two and a half ticks late: three steps", next.Add(2*dt + dt/2), 3, 0, next.Add(3 * dt)},
		{"exactly five due: five steps", next.Add(4 * dt), 5, 0, next.Add(5 * dt)},
		{"eleven due: five run, six dropped", next.Add(10 * dt), 5, 6, next.Add(11 * dt)},
		{"a long pause: backlog dropped, schedule ahead of now", next.Add(time.Minute), 5, 5996, next.Add(time.Minute + dt)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			steps, drop, after := catchUp(tc.now, next, dt, 5)
			if steps != tc.steps || drop != tc.drop || !after.Equal(tc.after) {
				t.Errorf("catchUp = %d steps, %d dropped, next at +%v; want %d, %d, +%v",
					steps, drop, after.Sub(next), tc.steps, tc.drop, tc.after.Sub(next))
			}
			if !after.After(tc.now) {
				t.Errorf("next step due at +%v, not after now (+%v)", after.Sub(next), tc.now.Sub(next))
			}
		})
	}
}

// A room yields before its tick only when its wake-up came more than an
// eighth of a tick late: an on-time room keeps its place.
func TestWokeLate(t *testing.T) {
	const dt = 32 * time.Millisecond
	next := time.Unix(1000, 0)
	tests := []struct {
		name string
		now  time.Time
		want bool
	}{
		{"woken early (a timer may fire a little ahead)", next.Add(-time.Millisecond), false},
		{"on time", next, false},
		{"an eighth of a tick late", next.Add(dt / 8), false},
		{"just past an eighth", next.Add(dt/8 + time.Microsecond), true},
		{"a whole tick late", next.Add(dt), true},
	}
	for _, tc := range tests {
		if got := wokeLate(tc.now, next, dt); got != tc.want {
			t.Errorf("%s: wokeLate = %v, want %v", tc.name, got, tc.want)
		}
	}
}
