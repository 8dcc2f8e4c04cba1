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
