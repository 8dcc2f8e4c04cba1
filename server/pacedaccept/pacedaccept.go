// Package pacedaccept wraps a listener so that a busy process still accepts
// connections promptly.
//
// Go's scheduler runs a goroutine woken by a timer as soon as a processor is
// free, but a goroutine woken by the network only when some processor asks
// the network poller, which a processor that always has runnable goroutines
// (a game node at full load) rarely does: a connection can then wait tens or
// hundreds of milliseconds in the accept queue before Accept returns it, and
// the request on it as long again. A deadline is a timer. While the process
// is busy, the Listener accepts with a short deadline, so that its goroutine
// is woken by a timer every Interval, asks for a connection, and goes back to
// sleep if there is none: a connection waits about an Interval and then for
// the goroutine running (a goroutine a timer woke goes ahead of those
// queued), not for the poller. While the process is not busy it checks
// Busy again every IdleCheck, which costs nothing measurable.
package pacedaccept

import (
	"errors"
	"net"
	"os"
	"time"
)

// Defaults of Options.
const (
	// DefaultInterval is how often a busy Listener asks for a connection.
	DefaultInterval = 2 * time.Millisecond
	// DefaultIdleCheck is how often a Listener that is not busy asks Busy
	// again while no connection arrives.
	DefaultIdleCheck = 20 * time.Millisecond
)

// Options configure a Listener. The zero value of every field but Busy
// takes its default.
type Options struct {
	// Busy reports whether the process is busy now. It is called before
	// every Accept and every Interval or IdleCheck while none arrives, so
	// it must be cheap and must not block. Required: New returns the
	// listener it is given when Busy is nil.
	Busy func() bool
	// Interval is how often a busy Listener asks for a connection.
	// Default DefaultInterval.
	Interval time.Duration
	// IdleCheck is how often a Listener that is not busy asks Busy again
	// while no connection arrives. Default DefaultIdleCheck.
	IdleCheck time.Duration
}

// deadliner is a listener whose Accept can time out: *net.TCPListener and
// *net.UnixListener.
type deadliner interface {
	net.Listener
	SetDeadline(t time.Time) error
}

// Listener is a net.Listener whose Accept is paced by a timer while Busy
// reports true. Accept must be called from one goroutine at a time, as
// net/http does.
type Listener struct {
	deadliner
	opts Options
}

// New returns ln paced by o. It returns ln itself when ln cannot take an
// accept deadline or o.Busy is nil.
func New(ln net.Listener, o Options) net.Listener {
	d, ok := ln.(deadliner)
	if !ok || o.Busy == nil {
		return ln
	}
	if o.Interval <= 0 {
		o.Interval = DefaultInterval
	}
	if o.IdleCheck <= 0 {
		o.IdleCheck = DefaultIdleCheck
	}
	return &Listener{deadliner: d, opts: o}
}

// Accept waits for the next connection. It returns the listener's own
// errors, never a deadline it set itself.
func (l *Listener) Accept() (net.Conn, error) {
	for {
		wait := l.opts.IdleCheck
		if l.opts.Busy() {
			wait = l.opts.Interval
		}
		if err := l.deadliner.SetDeadline(time.Now().Add(wait)); err != nil {
			return nil, err
		}
		c, err := l.deadliner.Accept()
		if err == nil {
			return c, nil
		}
		if !errors.Is(err, os.ErrDeadlineExceeded) {
			return nil, err
		}
	}
}
