//go:build unix

package realtime

import "syscall"

// canTryWrite says that this platform has the fast path's non-blocking write.
const canTryWrite = true

// tryOnce is the callback of roomWriter.try: one write(2) of w.buf on the
// non-blocking descriptor fd. It returns true so that the runtime never
// waits for the socket to become writable.
func (w *roomWriter) tryOnce(fd uintptr) bool {
	for {
		n, err := syscall.Write(int(fd), w.buf)
		switch err {
		case nil:
			w.wrote = n
		case syscall.EINTR:
			continue
		case syscall.EAGAIN:
			// The send buffer is full: nothing written.
		default:
			w.werr = err
		}
		return true
	}
}
