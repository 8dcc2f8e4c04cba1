// Package testwait bounds every wait of a test. A test that waits for
// something to happen (a condition to hold, a value on a channel) calls one of
// these with a deadline and a few words saying what it waits for; when the
// deadline passes first the test fails with those words, instead of hanging
// until go test's own timeout kills the whole binary without saying why.
//
// A deadline here is a bound on a hang, not an assertion on speed: choose it
// generously (seconds, not milliseconds) so that a loaded machine still passes.
package testwait

import (
	"testing"
	"time"
)

// Default is the deadline tests use when nothing shorter is meaningful: long
// enough for a loaded CI machine, short enough to fail well before go test's
// own timeout.
const Default = 15 * time.Second

// maxPoll is the longest pause between two checks of a condition.
const maxPoll = 20 * time.Millisecond

// Until checks cond, at first every millisecond and then every 20 ms at most,
// until it holds. When within passes first it fails t with
// "gave up after <within> waiting for <what>".
func Until(t testing.TB, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	pause := time.Millisecond
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up after %v waiting for %s", within, what)
			return
		}
		time.Sleep(pause)
		pause = min(2*pause, maxPoll)
	}
}

// Recv receives one value from ch (the zero value when ch is closed). When
// within passes first it fails t with "gave up after <within> waiting for <what>".
func Recv[T any](t testing.TB, within time.Duration, what string, ch <-chan T) T {
	t.Helper()
	timer := time.NewTimer(within)
	defer timer.Stop()
	select {
	case v := <-ch:
		return v
	case <-timer.C:
		t.Fatalf("gave up after %v waiting for %s", within, what)
		var zero T
		return zero
	}
}

// Deadline returns a function that reports whether within has passed since the
// call, failing t with "gave up after <within> waiting for <what>" when it has.
// It bounds loops that do their own waiting, e.g. reading messages until one
// of them is the one wanted:
//
//	expired := testwait.Deadline(t, 10*time.Second, "the delta that acknowledges seq 6")
//	for !expired() && c.next().LastSeq != 6 {
//	}
func Deadline(t testing.TB, within time.Duration, what string) func() bool {
	t.Helper()
	deadline := time.Now().Add(within)
	return func() bool {
		t.Helper()
		if time.Now().After(deadline) {
			t.Fatalf("gave up after %v waiting for %s", within, what)
			return true
		}
		return false
	}
}
