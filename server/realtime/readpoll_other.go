//go:build !linux

package realtime

import "time"

// canPollReads says whether this platform has read pollers: elsewhere than
// Linux every connection is read by gws's ReadLoop on a goroutine of its own.
const canPollReads = false

// readPoller is Linux's (readpoll_linux.go); here there is none.
type readPoller struct{}

// polled is a connection a read poller reads; here there is none.
type polled struct{ poller *readPoller }

// requestKind is what is asked of a read poller.
type requestKind uint8

const requestHandBack requestKind = 0

func newReadPoller(*Manager) (*readPoller, error) { return &readPoller{}, nil }
func (*readPoller) add(*client, handler) bool     { return false }
func (*readPoller) ask(*polled, requestKind) bool { return false }
func (*readPoller) stop()                         {}
func (*readPoller) behind(time.Time) bool         { return false }
