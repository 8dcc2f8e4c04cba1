package netcode

import "time"

// rttWindow is the number of round-trip samples kept for the mean and the
// jitter: about half a minute at the default ping interval.
const rttWindow = 16

// rttSamples keeps the latest round-trip times, oldest first once full.
type rttSamples struct {
	buf  [rttWindow]time.Duration
	n    int // samples held, at most rttWindow
	next int // where the next sample goes
}

func (r *rttSamples) add(d time.Duration) {
	r.buf[r.next] = d
	r.next = (r.next + 1) % rttWindow
	r.n = min(r.n+1, rttWindow)
}

// at returns the i-th sample held, 0 being the oldest.
func (r *rttSamples) at(i int) time.Duration {
	return r.buf[(r.next-r.n+i+rttWindow)%rttWindow]
}

// mean returns the mean of the samples, 0 when there are none.
func (r *rttSamples) mean() time.Duration {
	if r.n == 0 {
		return 0
	}
	var sum time.Duration
	for i := range r.n {
		sum += r.at(i)
	}
	return sum / time.Duration(r.n)
}

// min returns the lowest sample, 0 when there are none: the path's round
// trip with the least waiting added by a busy page.
func (r *rttSamples) min() time.Duration {
	var m time.Duration
	for i := range r.n {
		if d := r.at(i); i == 0 || d < m {
			m = d
		}
	}
	return m
}

// jitter returns the mean difference between consecutive samples, 0 with
// fewer than two.
func (r *rttSamples) jitter() time.Duration {
	if r.n < 2 {
		return 0
	}
	var sum time.Duration
	for i := 1; i < r.n; i++ {
		d := r.at(i) - r.at(i-1)
		sum += max(d, -d)
	}
	return sum / time.Duration(r.n-1)
}
