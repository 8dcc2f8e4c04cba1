package testwait

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"
)

// recorder is a testing.TB whose Fatalf records the message and stops the
// goroutine like the real one does, so that a test can watch a wait give up.
type recorder struct {
	testing.TB
	msg string
}

func (r *recorder) Helper() {}

func (r *recorder) Fatalf(format string, args ...any) {
	r.msg = fmt.Sprintf(format, args...)
	panic(r)
}

// run calls f with a recorder and returns what it failed with ("" when it did not).
func run(t *testing.T, f func(tb testing.TB)) (msg string) {
	r := &recorder{TB: t}
	defer func() {
		if v := recover(); v != nil && v != any(r) {
			panic(v)
		}
		msg = r.msg
	}()
	f(r)
	return ""
}

func TestGivesUpNamingWhatItWaitedFor(t *testing.T) {
	tests := []struct {
		name string
		wait func(tb testing.TB)
	}{
		{"Until", func(tb testing.TB) { Until(tb, 30*time.Millisecond, "the door to open", func() bool { return false }) }},
		{"Recv", func(tb testing.TB) { Recv(tb, 30*time.Millisecond, "the door to open", make(chan int)) }},
		{"Deadline", func(tb testing.TB) {
			expired := Deadline(tb, 30*time.Millisecond, "the door to open")
			for !expired() {
				time.Sleep(time.Millisecond)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			msg := run(t, tc.wait)
			if want := "gave up after 30ms waiting for the door to open"; msg != want {
				t.Errorf("failed with %q, want %q", msg, want)
			}
			if time.Since(start) < 30*time.Millisecond {
				t.Errorf("gave up after %v, before its deadline", time.Since(start))
			}
		})
	}
}

func TestReturnsOnceTheWaitIsOver(t *testing.T) {
	var n atomic.Int32
	if msg := run(t, func(tb testing.TB) {
		Until(tb, 10*time.Second, "three checks", func() bool { return n.Add(1) == 3 })
	}); msg != "" {
		t.Fatalf("Until failed: %s", msg)
	}
	ch := make(chan string, 1)
	go func() { time.Sleep(5 * time.Millisecond); ch <- "hello" }()
	var got string
	if msg := run(t, func(tb testing.TB) { got = Recv(tb, 10*time.Second, "a greeting", ch) }); msg != "" || got != "hello" {
		t.Fatalf("Recv = %q, failure %q; want hello and no failure", got, msg)
	}
	if msg := run(t, func(tb testing.TB) {
		if Deadline(tb, 10*time.Second, "nothing")() {
			tb.Fatalf("expired at once")
		}
	}); msg != "" {
		t.Fatalf("Deadline: %s", msg)
	}
}
