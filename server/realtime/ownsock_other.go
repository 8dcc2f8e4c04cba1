//go:build !unix

package realtime

import (
	"errors"
	"net"
	"sync"
	"syscall"
)

// ownedFD is never made here: read pollers, which take sockets, are
// Linux's (ownsock_unix.go).
type ownedFD struct {
	mu sync.RWMutex
	fd int
}

func (o *ownedFD) close() error                    { return net.ErrClosed }
func (o *ownedFD) writeSome(b []byte) (int, error) { return 0, net.ErrClosed }
func (s *sockConn) promote() (net.Conn, error) {
	return nil, errors.New("realtime: no owned sockets here")
}
func (s *sockConn) take(*net.TCPConn, *sockRaw) error {
	return errors.New("realtime: no owned sockets here")
}

// sockRaw is the TCP connection's raw connection here.
type sockRaw struct{ rc syscall.RawConn }

func (r *sockRaw) Control(f func(uintptr)) error    { return r.rc.Control(f) }
func (r *sockRaw) Read(f func(uintptr) bool) error  { return r.rc.Read(f) }
func (r *sockRaw) Write(f func(uintptr) bool) error { return r.rc.Write(f) }
