package leaderboard

import (
	"errors"
	"sync/atomic"
)

// ErrStoreFailed marks a store failure that retrying cannot fix: the database
// is read-only, corrupt, or its disk is full. Backends mark such errors with
// Permanent; every other error is taken as transient (a lock, a busy
// database, the network) and retried.
var ErrStoreFailed = errors.New("leaderboard store failed")

// Permanent marks err as a failure that retrying cannot fix: errors.Is(err,
// ErrStoreFailed) holds for the result, and its message is err's.
func Permanent(err error) error {
	if err == nil || errors.Is(err, ErrStoreFailed) {
		return err
	}
	return &permanentError{err}
}

type permanentError struct{ err error }

func (e *permanentError) Error() string   { return e.err.Error() }
func (e *permanentError) Unwrap() []error { return []error{ErrStoreFailed, e.err} }

// IsPermanent reports whether err is a failure that retrying cannot fix.
func IsPermanent(err error) bool { return errors.Is(err, ErrStoreFailed) }

// Health remembers the first permanent failure of a store. The Writer stops
// taking results once there is one (they could not be recorded), the Handler
// says so on its pages, and the host turns its readiness to 503. It stays
// failed until the process restarts: a read-only, corrupt or full database
// needs the host's hands. Make it with NewHealth; it is safe for concurrent use.
type Health struct {
	failed atomic.Pointer[error]
	onFail func(error)
}

// NewHealth returns a healthy Health that calls onFail (when not nil) once,
// with the first permanent failure reported, so that it is logged and
// counted once.
func NewHealth(onFail func(error)) *Health { return &Health{onFail: onFail} }

// Report notes err and reports whether it is permanent. The first permanent
// error turns the store failed.
func (h *Health) Report(err error) bool {
	if !IsPermanent(err) {
		return false
	}
	if h.failed.CompareAndSwap(nil, &err) && h.onFail != nil {
		h.onFail(err)
	}
	return true
}

// Err returns the permanent failure that turned the store failed, or nil
// while it is healthy. The error satisfies errors.Is(err, ErrStoreFailed).
func (h *Health) Err() error {
	if p := h.failed.Load(); p != nil {
		return *p
	}
	return nil
}
