//go:build unix && !linux

package realtime

import "syscall"

// sendNow writes b to the non-blocking socket fd with one write(2);
// syscall.EAGAIN when its send buffer is full (see sockio_linux.go).
func sendNow(fd int, b []byte) (int, error) {
	for {
		n, err := syscall.Write(fd, b)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return 0, err
		}
		return n, nil
	}
}

// recvNow reads what the non-blocking socket fd holds into b with one
// read(2); syscall.EAGAIN when it holds nothing.
func recvNow(fd int, b []byte) (int, error) {
	for {
		n, err := syscall.Read(fd, b)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return 0, err
		}
		return n, nil
	}
}
