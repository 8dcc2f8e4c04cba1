package session

import (
	"fmt"
	"testing"
	"time"
)

func TestRateLimiterBucket(t *testing.T) {
	type step struct {
		advance   time.Duration
		key       string
		wantOK    bool
		wantRetry time.Duration
	}
	tests := []struct {
		name  string
		opts  LimitOptions
		steps []step
	}{
		{
			name: "burst then refused",
			opts: LimitOptions{PerMinute: 10, Burst: 2},
			steps: []step{
				{key: "a", wantOK: true},
				{key: "a", wantOK: true},
				{key: "a", wantOK: false, wantRetry: 6 * time.Second},
				{advance: 5 * time.Second, key: "a", wantOK: false, wantRetry: time.Second},
				{advance: time.Second, key: "a", wantOK: true},
				{key: "a", wantOK: false, wantRetry: 6 * time.Second},
			},
		},
		{
			name: "keys are independent",
			opts: LimitOptions{PerMinute: 1, Burst: 1},
			steps: []step{
				{key: "a", wantOK: true},
				{key: "a", wantOK: false, wantRetry: time.Minute},
				{key: "b", wantOK: true},
			},
		},
		{
			name: "refill stops at burst",
			opts: LimitOptions{PerMinute: 60, Burst: 2},
			steps: []step{
				{key: "a", wantOK: true},
				{advance: time.Hour, key: "a", wantOK: true},
				{key: "a", wantOK: true},
				{key: "a", wantOK: false, wantRetry: time.Second},
			},
		},
		{
			name: "defaults are 10 per minute burst 5",
			steps: []step{
				{key: "a", wantOK: true}, {key: "a", wantOK: true}, {key: "a", wantOK: true},
				{key: "a", wantOK: true}, {key: "a", wantOK: true},
				{key: "a", wantOK: false, wantRetry: 6 * time.Second},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newFakeClock()
			tt.opts.Now = clock.Now
			l := NewRateLimiter(tt.opts)
			for i, s := range tt.steps {
				clock.Advance(s.advance)
				ok, retry := l.Allow(s.key)
				if ok != s.wantOK || retry != s.wantRetry {
					t.Fatalf("step %d: Allow(%q) = %v, %v; want %v, %v", i, s.key, ok, retry, s.wantOK, s.wantRetry)
				}
			}
		})
	}
}

func TestRateLimiterMemoryBounded(t *testing.T) {
	clock := newFakeClock()
	l := NewRateLimiter(LimitOptions{PerMinute: 1, Burst: 1, MaxKeys: 100, Now: clock.Now})
	for i := range 10_000 {
		l.Allow(fmt.Sprintf("10.0.%d.%d", i/256, i%256))
		if n := l.Len(); n > 100 {
			t.Fatalf("after %d keys the limiter holds %d, want at most 100", i+1, n)
		}
	}
	// A key that was refused keeps its empty bucket while the table has room.
	l2 := NewRateLimiter(LimitOptions{PerMinute: 1, Burst: 1, MaxKeys: 100, Now: clock.Now})
	l2.Allow("x")
	for i := range 50 {
		l2.Allow(fmt.Sprint(i))
	}
	if ok, _ := l2.Allow("x"); ok {
		t.Fatal("key x got a new bucket although the table was not full")
	}
}

func TestRateLimiterEvictsIdleKeysFirst(t *testing.T) {
	clock := newFakeClock()
	l := NewRateLimiter(LimitOptions{PerMinute: 60, Burst: 1, MaxKeys: 10, Now: clock.Now})
	for i := range 9 {
		l.Allow(fmt.Sprint("idle", i))
	}
	clock.Advance(time.Minute) // every idle bucket has refilled
	l.Allow("busy")
	l.Allow("new") // table full: the refilled buckets go, "busy" stays
	if ok, _ := l.Allow("busy"); ok {
		t.Fatal("busy key was evicted before idle ones")
	}
	if n := l.Len(); n != 2 {
		t.Fatalf("Len = %d, want 2 (busy and new)", n)
	}
}
