package session

import (
	"sync"
	"time"
)

// WindowOptions tunes a WindowLimiter. The zero value works.
type WindowOptions struct {
	// Max is how many requests a key may make in any Window; zero means 10.
	Max int
	// Window is the length of the sliding window; zero means one minute.
	Window time.Duration
	// MaxKeys bounds the number of keys remembered; default 10000. Past it,
	// keys with no request in the last Window are dropped first, then
	// arbitrary ones.
	MaxKeys int
}

func (o WindowOptions) withDefaults() WindowOptions {
	if o.Max <= 0 {
		o.Max = 10
	}
	if o.Window <= 0 {
		o.Window = time.Minute
	}
	if o.MaxKeys <= 0 {
		o.MaxKeys = 10000
	}
	return o
}

// WindowLimiter allows each key (such as a client IP) at most Max requests in
// any Window: "10 per minute" means 10 in every 60 seconds, all at once if
// the client likes, and never an 11th before the first of them is a minute
// old. It is the server's one rate limiter: guest sessions per address, and
// room creations per player and per address (lobby). It keeps the times of each key's requests in the last Window, so its
// memory grows with the requests actually made, up to Max times per key and
// MaxKeys keys. It is safe for concurrent use.
type WindowLimiter struct {
	opts WindowOptions
	mu   sync.Mutex
	seen map[string][]int64 // key -> Unix nanoseconds of its allowed requests, oldest first
}

// NewWindowLimiter returns a WindowLimiter with opts, defaults filled in.
func NewWindowLimiter(opts WindowOptions) *WindowLimiter {
	return &WindowLimiter{opts: opts.withDefaults(), seen: make(map[string][]int64)}
}

// Allow counts one request of key. When key already made Max requests in the
// last Window it returns false and how long until the oldest of them leaves
// the window.
func (l *WindowLimiter) Allow(key string) (ok bool, retryAfter time.Duration) {
	now := time.Now().UnixNano()
	since := now - int64(l.opts.Window)
	l.mu.Lock()
	defer l.mu.Unlock()
	times, found := l.seen[key]
	if !found && len(l.seen) >= l.opts.MaxKeys {
		l.evict(since)
	}
	expired := 0
	for expired < len(times) && times[expired] <= since {
		expired++
	}
	if expired > 0 {
		times = append(times[:0], times[expired:]...)
	}
	if len(times) >= l.opts.Max {
		l.seen[key] = times
		return false, time.Duration(times[0] - since)
	}
	l.seen[key] = append(times, now)
	return true, 0
}

// Len returns how many keys the limiter remembers.
func (l *WindowLimiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.seen)
}

// evict frees room for new keys: first every key with no request after
// since (it behaves exactly like a new one); if that frees less than a tenth
// of MaxKeys, arbitrary keys until it has, so that a flood of new keys pays
// for one scan per tenth of MaxKeys rather than per key.
func (l *WindowLimiter) evict(since int64) {
	for k, times := range l.seen {
		if len(times) == 0 || times[len(times)-1] <= since {
			delete(l.seen, k)
		}
	}
	target := l.opts.MaxKeys - max(1, l.opts.MaxKeys/10)
	for k := range l.seen {
		if len(l.seen) <= target {
			return
		}
		delete(l.seen, k)
	}
}
