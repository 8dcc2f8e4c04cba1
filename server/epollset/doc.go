// Package epollset is an edge-triggered epoll set for a goroutine that
// reads many sockets itself (Linux).
//
// A goroutine per socket costs, for every message, a wake-up through Go's
// network poller and a read that finds the socket empty before it parks
// again. A Set lets one goroutine hold thousands of sockets instead: the
// set itself waits in Go's network poller, so that the goroutine parks like
// any other until one of its sockets has bytes (Wait), and each socket in
// it has a numbered slot with a generation, so that an event names its
// socket's value without a pointer in kernel memory and an event of a
// socket since removed is recognised (Lookup). The reading, and when to
// read again, is the caller's: with edge-triggered events, a socket is
// reported again only when new bytes come after it was read empty.
//
// A set made by NewUnparked is not in Go's network poller: its goroutine
// polls it at a pace of its own (Poll) instead of parking on it, so that a
// socket's readiness wakes no thread. Its sockets may be descriptors the
// caller owns and reads itself (AddFd).
package epollset
