package session

import (
	"fmt"
	"testing"
	"testing/synctest"
	"time"
)

// TestWindowLimiterRules states the one rule of the limiter, "at most Max in
// any Window", as a player meets it: all at once or spread out, never one
// more, and a refusal says exactly how long until the oldest request leaves
// the window. The clock is synctest's, so each step happens at the instant
// the table says.
func TestWindowLimiterRules(t *testing.T) {
	type step struct {
		at        time.Duration // since the first request
		key       string
		wantOK    bool
		wantRetry time.Duration
	}
	tests := []struct {
		name  string
		opts  WindowOptions
		steps []step
	}{
		{
			name: "all at once, then none until the first is a window old",
			opts: WindowOptions{Max: 3},
			steps: []step{
				{at: 0, key: "a", wantOK: true},
				{at: 0, key: "a", wantOK: true},
				{at: 0, key: "a", wantOK: true},
				{at: 0, key: "a", wantRetry: time.Minute},
				{at: 59 * time.Second, key: "a", wantRetry: time.Second},
				{at: time.Minute, key: "a", wantOK: true},
				{at: time.Minute, key: "a", wantOK: true},
				{at: time.Minute, key: "a", wantOK: true},
				{at: time.Minute, key: "a", wantRetry: time.Minute},
			},
		},
		{
			name: "spread out, the window slides request by request",
			opts: WindowOptions{Max: 2, Window: 10 * time.Second},
			steps: []step{
				{at: 0, key: "a", wantOK: true},
				{at: 4 * time.Second, key: "a", wantOK: true},
				{at: 6 * time.Second, key: "a", wantRetry: 4 * time.Second},
				{at: 10 * time.Second, key: "a", wantOK: true}, // the request of 0 s left
				{at: 12 * time.Second, key: "a", wantRetry: 2 * time.Second},
				{at: 14 * time.Second, key: "a", wantOK: true}, // the request of 4 s left
				{at: 15 * time.Second, key: "a", wantRetry: 5 * time.Second},
			},
		},
		{
			name: "keys are independent",
			opts: WindowOptions{Max: 1},
			steps: []step{
				{at: 0, key: "a", wantOK: true},
				{at: 0, key: "a", wantRetry: time.Minute},
				{at: 0, key: "b", wantOK: true},
			},
		},
		{
			name: "refusals do not count",
			opts: WindowOptions{Max: 1, Window: 10 * time.Second},
			steps: []step{
				{at: 0, key: "a", wantOK: true},
				{at: 5 * time.Second, key: "a", wantRetry: 5 * time.Second},
				{at: 10 * time.Second, key: "a", wantOK: true},
			},
		},
		{
			name: "defaults are 10 in any minute",
			steps: []step{
				{key: "a", wantOK: true}, {key: "a", wantOK: true}, {key: "a", wantOK: true},
				{key: "a", wantOK: true}, {key: "a", wantOK: true}, {key: "a", wantOK: true},
				{key: "a", wantOK: true}, {key: "a", wantOK: true}, {key: "a", wantOK: true},
				{key: "a", wantOK: true},
				{key: "a", wantRetry: time.Minute},
				{at: time.Minute, key: "a", wantOK: true},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				l := NewWindowLimiter(tt.opts)
				start := time.Now()
				for i, s := range tt.steps {
					time.Sleep(time.Until(start.Add(s.at)))
					ok, retry := l.Allow(s.key)
					if ok != s.wantOK || retry != s.wantRetry {
						t.Fatalf("step %d at %v: Allow(%q) = %v, %v; want %v, %v", i, s.at, s.key, ok, retry, s.wantOK, s.wantRetry)
					}
				}
			})
		})
	}
}

// limited returns how many of keys are refused a request right now.
func limited(l *WindowLimiter, keys []string) int {
	n := 0
	for _, k := range keys {
		if ok, _ := l.Allow(k); !ok {
			n++
		}
	}
	return n
}

// TestWindowLimiterMemoryBounded: however many clients come, the limiter
// remembers at most MaxKeys of them, and at most Max times for one key.
func TestWindowLimiterMemoryBounded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := NewWindowLimiter(WindowOptions{Max: 3, MaxKeys: 100})
		for i := range 10_000 {
			l.Allow(fmt.Sprintf("10.0.%d.%d", i/256, i%256))
			time.Sleep(time.Millisecond)
			if n := l.Len(); n > 100 {
				t.Fatalf("after %d keys the limiter holds %d, want at most 100", i+1, n)
			}
		}
		for range 1000 {
			l.Allow("flood")
		}
		l.mu.Lock()
		n := len(l.seen["flood"])
		l.mu.Unlock()
		if n != 3 {
			t.Fatalf("keeps %d times for one key, want 3", n)
		}
	})
}

// TestWindowLimiterForgetsNoClientBeforeItIsFull: while fewer than MaxKeys
// clients are remembered, a new client makes none of the others forgotten:
// every client that used up its requests stays limited.
func TestWindowLimiterForgetsNoClientBeforeItIsFull(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := NewWindowLimiter(WindowOptions{Max: 1, MaxKeys: 100})
		var keys []string
		for i := range 95 {
			keys = append(keys, fmt.Sprint("ip", i))
			l.Allow(keys[i])
		}
		l.Allow("newcomer")
		if n := limited(l, keys); n != 95 {
			t.Fatalf("%d of 95 clients still limited after a 96th arrived; want all (MaxKeys 100)", n)
		}
	})
}

// TestWindowLimiterFullTableForgetsATenth: when MaxKeys clients are
// remembered, all limited, a new one makes the limiter forget a tenth of them
// (so that a flood of new clients costs one scan per tenth) and no more.
func TestWindowLimiterFullTableForgetsATenth(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := NewWindowLimiter(WindowOptions{Max: 1, MaxKeys: 20})
		var keys []string
		for i := range 20 {
			keys = append(keys, fmt.Sprint("ip", i))
			l.Allow(keys[i])
		}
		l.Allow("newcomer")
		if n := l.Len(); n != 19 {
			t.Errorf("remembers %d clients, want 19 (20 - 2 forgotten + the newcomer)", n)
		}
		remembered := 0
		for _, k := range keys {
			if _, ok := l.seen[k]; ok {
				remembered++
			}
		}
		if remembered != 18 {
			t.Errorf("%d of the 20 limited clients still remembered, want 18: exactly a tenth forgotten", remembered)
		}
	})
}

// TestWindowLimiterEvictsIdleKeysFirst: when the table is full, a key whose
// requests have all left the window goes before one still inside it.
func TestWindowLimiterEvictsIdleKeysFirst(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := NewWindowLimiter(WindowOptions{Max: 1, MaxKeys: 10})
		l.Allow("busy")
		time.Sleep(30 * time.Second)
		for i := range 9 {
			l.Allow(fmt.Sprintf("old-%d", i))
		}
		time.Sleep(31 * time.Second) // "busy" has left its window; the others have not
		l.Allow("new")
		if ok, _ := l.Allow("old-0"); ok {
			t.Fatal("a key still inside its window was evicted and allowed again")
		}
		if n := l.Len(); n != 10 {
			t.Fatalf("Len = %d, want 10: only the idle key made room", n)
		}
	})
}
