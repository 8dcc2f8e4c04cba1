package realtime

import (
	"syscall"
	"testing"
	"time"

	"github.com/tickarena/tickarena/server/epollset"
)

// TestLookTakesEveryReadySocket: a poller's look takes every socket that is
// ready, however many more than its first epoll_wait has room for, so that
// the pass after it reads them all and the poller is caught up when the pass
// ends. A look that took only the first pollEvents left the rest for the
// next look, and with a few thousand players the poller then counted as
// behind (and the node as full) while every input was read within
// milliseconds.
func TestLookTakesEveryReadySocket(t *testing.T) {
	for _, ready := range []int{1, 4, 5, 20, 3 * pollEvents} {
		set, err := epollset.New[polled]()
		if err != nil {
			t.Fatal(err)
		}
		p := &readPoller{set: set, events: make([]syscall.EpollEvent, 4)}
		sockets := make(map[*polled]bool, ready)
		for range ready {
			fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_NONBLOCK|syscall.SOCK_CLOEXEC, 0)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { syscall.Close(fds[0]); syscall.Close(fds[1]) })
			pc := &polled{}
			if err := set.AddFd(pc, fds[0]); err != nil {
				t.Fatal(err)
			}
			if _, err := syscall.Write(fds[1], []byte{0x82, 0}); err != nil {
				t.Fatal(err)
			}
			sockets[pc] = false
		}
		n, err := p.wait(time.Now().Add(time.Second))
		if err != nil {
			t.Fatal(err)
		}
		if n != ready {
			t.Errorf("%d sockets ready: a look took %d", ready, n)
		}
		for _, ev := range p.events[:n] {
			pc := set.Lookup(ev)
			if seen, ok := sockets[pc]; !ok || seen {
				t.Fatalf("%d sockets ready: the look named a socket twice or one not in the set", ready)
			}
			sockets[pc] = true
		}
		// The next look finds nothing: every ready socket was taken.
		if k, err := set.Poll(p.events); k != 0 || err != nil {
			t.Errorf("%d sockets ready: %d still ready after the look (%v)", ready, k, err)
		}
		if err := set.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
