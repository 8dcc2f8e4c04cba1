package realtime

import (
	"syscall"
	"unsafe"
)

// sendNow writes b to the socket fd with one send(2) that does not wait
// (MSG_DONTWAIT) and raises no SIGPIPE on a closed peer (MSG_NOSIGNAL): the
// fast path's write of a tick frame. It returns syscall.EAGAIN when the
// socket's send buffer is full. send(2) on a socket skips the file layer
// that write(2) goes through, which at thousands of players a core is a few
// percent of it (docs/performance.md).
func sendNow(fd int, b []byte) (int, error) {
	return sockCall(syscall.SYS_SENDTO, fd, b, syscall.MSG_DONTWAIT|syscall.MSG_NOSIGNAL)
}

// recvNow reads what the socket fd holds into b with one recv(2) that does
// not wait; syscall.EAGAIN when it holds nothing, and 0 at the end of the
// stream.
func recvNow(fd int, b []byte) (int, error) {
	return sockCall(syscall.SYS_RECVFROM, fd, b, syscall.MSG_DONTWAIT)
}

// sockCall makes the system call trap (sendto or recvfrom, without an
// address) on fd with b and flags, again when a signal interrupted it.
func sockCall(trap uintptr, fd int, b []byte, flags uintptr) (int, error) {
	for {
		n, _, errno := syscall.Syscall6(trap, uintptr(fd), uintptr(unsafe.Pointer(unsafe.SliceData(b))), uintptr(len(b)), flags, 0, 0)
		switch errno {
		case 0:
			return int(n), nil
		case syscall.EINTR:
			continue
		default:
			return 0, errno
		}
	}
}
