package pacedaccept

import (
	"errors"
	"io"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tickarena/tickarena/internal/testwait"
)

func listen(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln
}

// acceptInBackground runs Accept once and hands over what it returned.
func acceptInBackground(ln net.Listener) <-chan error {
	done := make(chan error, 1)
	go func() {
		c, err := ln.Accept()
		if err == nil {
			_, err = c.Write([]byte("hi"))
			c.Close()
		}
		done <- err
	}()
	return done
}

func TestAcceptsBusyOrNot(t *testing.T) {
	for _, tc := range []struct {
		name string
		busy bool
	}{{"idle", false}, {"busy", true}} {
		t.Run(tc.name, func(t *testing.T) {
			ln := New(listen(t), Options{Busy: func() bool { return tc.busy }, Interval: time.Millisecond, IdleCheck: time.Millisecond})
			if _, ok := ln.(*Listener); !ok {
				t.Fatalf("New returned %T, want *Listener", ln)
			}
			done := acceptInBackground(ln)
			// Let several deadlines pass with nobody dialing: they must
			// not end Accept.
			time.Sleep(20 * time.Millisecond)
			c, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			got, err := io.ReadAll(c)
			if err != nil || string(got) != "hi" {
				t.Fatalf("read %q, %v from the accepted connection; want \"hi\"", got, err)
			}
			if err := testwait.Recv(t, testwait.Default, "Accept to return", done); err != nil {
				t.Fatalf("Accept: %v", err)
			}
		})
	}
}

func TestBusyListenerAsksOnATimer(t *testing.T) {
	var calls atomic.Int64
	ln := New(listen(t), Options{Busy: func() bool { calls.Add(1); return true }, Interval: time.Millisecond})
	done := acceptInBackground(ln)
	// Nobody dials: a busy Listener keeps waking to ask again, where a
	// plain one would sleep in the poller until a connection came.
	testwait.Until(t, testwait.Default, "a busy Listener to ask Busy again and again while nobody dials", func() bool { return calls.Load() >= 20 })
	ln.Close()
	if err := testwait.Recv(t, testwait.Default, "Accept to return after Close", done); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("Accept after Close: %v, want net.ErrClosed", err)
	}
}

func TestCloseEndsAccept(t *testing.T) {
	for _, busy := range []bool{false, true} {
		ln := New(listen(t), Options{Busy: func() bool { return busy }})
		done := acceptInBackground(ln)
		time.Sleep(5 * time.Millisecond)
		ln.Close()
		if err := testwait.Recv(t, testwait.Default, "Accept to return after Close", done); !errors.Is(err, net.ErrClosed) {
			t.Fatalf("busy=%v: Accept after Close: %v, want net.ErrClosed", busy, err)
		}
	}
}

// plainListener hides the TCP listener's SetDeadline.
type plainListener struct{ net.Listener }

func TestNewLeavesWhatItCannotPace(t *testing.T) {
	ln := listen(t)
	busy := func() bool { return true }
	for _, tc := range []struct {
		name string
		ln   net.Listener
		o    Options
	}{
		{"no deadline", plainListener{ln}, Options{Busy: busy}},
		{"no Busy", ln, Options{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := New(tc.ln, tc.o); got != tc.ln {
				t.Fatalf("New returned %T, want the listener it was given", got)
			}
		})
	}
}
