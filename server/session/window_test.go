package session

import (
	"fmt"
	"testing"
	"time"
)

func TestWindowLimiterKeysAreIndependent(t *testing.T) {
	clock := newFakeClock()
	l := NewWindowLimiter(WindowOptions{Max: 1, Now: clock.Now})
	if ok, _ := l.Allow("a"); !ok {
		t.Fatal("first request of a refused")
	}
	if ok, retry := l.Allow("a"); ok || retry != time.Minute {
		t.Fatalf("second request of a: %v, retry %v; want refused, retry 1m", ok, retry)
	}
	if ok, _ := l.Allow("b"); !ok {
		t.Fatal("b refused because of a")
	}
}

func TestWindowLimiterMemoryBounded(t *testing.T) {
	clock := newFakeClock()
	l := NewWindowLimiter(WindowOptions{Max: 3, MaxKeys: 100, Now: clock.Now})
	for i := range 10_000 {
		l.Allow(fmt.Sprintf("10.0.%d.%d", i/256, i%256))
		clock.Advance(time.Millisecond)
	}
	if n := l.Len(); n > 100 {
		t.Fatalf("remembers %d keys, want at most 100", n)
	}
	// A key's times are bounded by Max, however hard it tries.
	for range 1000 {
		l.Allow("flood")
	}
	l.mu.Lock()
	n := len(l.seen["flood"])
	l.mu.Unlock()
	if n != 3 {
		t.Fatalf("keeps %d times for one key, want 3", n)
	}
}

func TestWindowLimiterEvictsIdleKeysFirst(t *testing.T) {
	clock := newFakeClock()
	l := NewWindowLimiter(WindowOptions{Max: 1, MaxKeys: 10, Now: clock.Now})
	l.Allow("busy")
	clock.Advance(30 * time.Second)
	for i := range 9 {
		l.Allow(fmt.Sprintf("old-%d", i))
	}
	clock.Advance(31 * time.Second) // "busy" has left its window; the others have not
	l.Allow("new")
	if ok, _ := l.Allow("old-0"); ok {
		t.Fatal("a key still inside its window was evicted and allowed again")
	}
}
