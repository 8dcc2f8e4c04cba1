// Package epollset is an edge-triggered epoll set for a goroutine that
// reads many sockets itself (Linux).
//
// A goroutine per socket costs, for every message, a wake-up through Go's
// network poller and a read that finds the socket empty before it parks
// again. A Set lets one goroutine hold thousands of sockets instead. The
// set is not in Go's network poller: its goroutine looks at it at a pace of
// its own (Poll), so that a socket's readiness wakes no thread, and when
// there is nothing to read its thread waits in epoll_wait (PollFor). Each
// socket in it has a numbered slot with a generation, so that an event
// names its socket's value without a pointer in kernel memory and an event
// of a socket since removed is recognised (Lookup). The sockets may be
// descriptors the caller owns and reads itself (AddFd). The reading, and
// when to read again, is the caller's: with edge-triggered events, a socket
// is reported again only when new bytes come after it was read empty.
package epollset
