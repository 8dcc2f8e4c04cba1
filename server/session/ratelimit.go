package session

import (
	"sync"
	"time"
)

// LimitOptions tunes a RateLimiter. The zero value works.
type LimitOptions struct {
	// PerMinute is how many requests a key earns per minute; default 10.
	PerMinute float64
	// Burst is how many requests a key may make at once; default 5.
	Burst int
	// MaxKeys bounds the number of keys remembered; default 10000. Past it,
	// idle keys are dropped first, then arbitrary ones.
	MaxKeys int
	// Now is the clock; default time.Now.
	Now func() time.Time
}

func (o LimitOptions) withDefaults() LimitOptions {
	if o.PerMinute <= 0 {
		o.PerMinute = 10
	}
	if o.Burst <= 0 {
		o.Burst = 5
	}
	if o.MaxKeys <= 0 {
		o.MaxKeys = 10000
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// RateLimiter is a token bucket per key (such as a client IP). It is safe for
// concurrent use and its memory is bounded by LimitOptions.MaxKeys.
//
// Each bucket is kept as one time, the instant at which it would be full
// again (the generic cell rate algorithm), so refills are exact integer
// arithmetic and an idle bucket is recognised at a glance.
type RateLimiter struct {
	opts     LimitOptions
	interval time.Duration // time to earn one token
	mu       sync.Mutex
	full     map[string]time.Time // key -> when its bucket is full again
}

// NewRateLimiter returns a RateLimiter with opts, defaults filled in.
func NewRateLimiter(opts LimitOptions) *RateLimiter {
	opts = opts.withDefaults()
	return &RateLimiter{
		opts:     opts,
		interval: time.Duration(float64(time.Minute) / opts.PerMinute),
		full:     make(map[string]time.Time),
	}
}

// Allow takes one token from key's bucket. When the bucket is empty it
// returns false and how long until a token is available.
func (l *RateLimiter) Allow(key string) (ok bool, retryAfter time.Duration) {
	now := l.opts.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	full, found := l.full[key]
	if !found && len(l.full) >= l.opts.MaxKeys {
		l.evict(now)
	}
	if full.Before(now) {
		full = now
	}
	next := full.Add(l.interval)
	// The bucket holds Burst tokens when full; taking one is allowed while
	// it would still be full again within Burst intervals.
	if earliest := next.Add(-time.Duration(l.opts.Burst) * l.interval); now.Before(earliest) {
		return false, earliest.Sub(now)
	}
	l.full[key] = next
	return true, 0
}

// Len returns how many keys the limiter remembers.
func (l *RateLimiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.full)
}

// evict frees room for new keys: first it drops every bucket that has
// refilled (it behaves exactly like a new one); if that frees less than a
// tenth of MaxKeys, it drops arbitrary buckets until it has, so that a flood
// of new keys pays for one scan per tenth of MaxKeys rather than per key.
func (l *RateLimiter) evict(now time.Time) {
	for k, full := range l.full {
		if !full.After(now) {
			delete(l.full, k)
		}
	}
	target := l.opts.MaxKeys - max(1, l.opts.MaxKeys/10)
	for k := range l.full {
		if len(l.full) <= target {
			return
		}
		delete(l.full, k)
	}
}
