package lobby

import (
	"math"
	"sync"
	"time"
)

// DefaultFullRetryBudget is how many "full" answers a second the players
// waiting for a seat should cause in all, when no other budget is given.
const DefaultFullRetryBudget = 100

// MaxRetryFullSeconds is the longest Retry-After of a "full" answer: the
// lobby page waits at most this long before it asks again.
const MaxRetryFullSeconds = 60

// retryWindow is how many seconds of "full" answers fullRetry counts: as
// long as the longest wait it asks for, so that every player waiting is
// seen in it at least once.
const retryWindow = MaxRetryFullSeconds

// fullRetry sizes the Retry-After of the answers "all arenas are full" to
// the crowd waiting for a seat. Every refused player comes back after the
// Retry-After it was given (the lobby page does so by itself), so a node
// that stays full while R seconds are asked of W players answers W/R
// refusals a second — each an HTTP request its core serves beside its
// players. Each refusal books the seconds it asks for; over the last
// retryWindow seconds, the seconds booked divided by the window are the
// players waiting on average (Little's law: arrivals a second times their
// wait), whatever mix of Retry-Afters they were given. fullRetry asks for
// waiting/budget seconds, RetryFullSeconds at least and MaxRetryFullSeconds
// at most, so that the waiting players ask about budget times a second in
// all however many they are: a few players wait RetryFullSeconds as before,
// a crowd of thousands waits longer between tries — as a node with no seat
// for them would make them wait anyway. It is safe for concurrent use.
type fullRetry struct {
	budget float64 // refusals a second in all; 0 or less: always RetryFullSeconds

	mu     sync.Mutex
	booked [retryWindow]int // seconds asked for by second: booked[s%retryWindow] for second s
	total  int              // the sum of booked
	second int64            // the second of the newest entry
}

func newFullRetry(budget int) *fullRetry { return &fullRetry{budget: float64(budget)} }

// next counts one refusal at now and returns the seconds to ask for.
func (f *fullRetry) next(now time.Time) int {
	if f.budget <= 0 {
		return RetryFullSeconds
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	sec := now.Unix()
	if gap := sec - f.second; gap > 0 {
		for i := int64(1); i <= min(gap, retryWindow); i++ {
			j := (f.second + i) % retryWindow
			f.total -= f.booked[j]
			f.booked[j] = 0
		}
		f.second = sec
	}
	waiting := float64(f.total) / retryWindow
	secs := int(math.Ceil(min(max(waiting/f.budget, RetryFullSeconds), MaxRetryFullSeconds)))
	f.booked[f.second%retryWindow] += secs // a clock stepped back books in the newest second
	f.total += secs
	return secs
}
