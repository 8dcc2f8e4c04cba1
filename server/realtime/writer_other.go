//go:build !unix

package realtime

import "errors"

// canTryWrite says that this platform has no fast path: every connection is
// written by its drain goroutine.
const canTryWrite = false

// tryOnce is never called where canTryWrite is false.
func (w *roomWriter) tryOnce(uintptr) bool {
	w.werr = errors.New("realtime: no non-blocking write on this platform")
	return true
}
