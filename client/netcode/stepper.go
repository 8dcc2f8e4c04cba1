package netcode

import "time"

// Stepper turns a variable frame rate into a fixed step rate with an
// accumulator: Steps says how many fixed steps are due at each frame. The
// game's Update runs at 60 FPS while inputs go out at the server's tick rate.
// Its zero value needs Interval set before use.
type Stepper struct {
	// Interval is the length of one step. Zero or negative steps never.
	Interval time.Duration
	// MaxSteps caps the steps of one call, so that a long pause (a hidden
	// browser tab) does not cause a burst of catch-up; the excess time is
	// dropped. Default 4.
	MaxSteps int

	last    time.Time
	acc     time.Duration
	started bool
}

// Steps returns the number of steps due at now since the previous call. The
// first call starts the clock and returns 1.
func (s *Stepper) Steps(now time.Time) int {
	if s.Interval <= 0 {
		return 0
	}
	if !s.started {
		s.started, s.last, s.acc = true, now, 0
		return 1
	}
	if dt := now.Sub(s.last); dt > 0 {
		s.acc += dt
	}
	s.last = now
	n := int(s.acc / s.Interval)
	s.acc -= time.Duration(n) * s.Interval
	if limit := s.maxSteps(); n > limit {
		n = limit
	}
	return n
}

// Alpha returns how far, from 0 to 1, the time is between the last step and
// the next one: the weight for drawing between the two last simulated states.
func (s *Stepper) Alpha() float64 {
	if s.Interval <= 0 {
		return 0
	}
	return min(float64(s.acc)/float64(s.Interval), 1)
}

// Reset forgets the clock; the next Steps call starts it again.
func (s *Stepper) Reset() { s.started, s.acc = false, 0 }

func (s *Stepper) maxSteps() int {
	if s.MaxSteps <= 0 {
		return 4
	}
	return s.MaxSteps
}
