//go:build unix && !linux

package realtime

import "syscall"

// sendNow writes b to the non-blocking socket fd with one write(2);
// syscall.EAGAIN when its send buffer is full (see sockio_linux.go).
func sendNow(fd int, b []byte) (int, error) { return sockCall(syscall.Write, fd, b) }

// recvNow reads what the non-blocking socket fd holds into b with one
// read(2); syscall.EAGAIN when it holds nothing.
func recvNow(fd int, b []byte) (int, error) { return sockCall(syscall.Read, fd, b) }

// sockCall makes the system call call on fd with b, again when a signal
// interrupted it.
func sockCall(call func(int, []byte) (int, error), fd int, b []byte) (int, error) {
	for {
		n, err := call(fd, b)
		switch err {
		case nil:
			return n, nil
		case syscall.EINTR:
			continue
		default:
			return 0, err
		}
	}
}
