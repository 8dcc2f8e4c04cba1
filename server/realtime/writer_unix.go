//go:build unix

package realtime

import "syscall"

// canTryWrite says that this platform has the fast path's non-blocking write.
const canTryWrite = true

// tryOnce is the callback of roomWriter.try: one non-blocking send of
// w.buf on the socket fd (sendNow). It returns true so that the runtime never
// waits for the socket to become writable.
func (w *roomWriter) tryOnce(fd uintptr) bool {
	n, err := sendNow(int(fd), w.buf)
	switch err {
	case nil:
		w.wrote = n
	case syscall.EAGAIN:
		// The send buffer is full: nothing written.
	default:
		w.werr = err
	}
	return true
}
