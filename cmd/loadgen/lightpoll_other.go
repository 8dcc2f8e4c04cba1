//go:build !linux

package main

import (
	"net"

	"github.com/lxzan/gws"
)

// ownLight reports false: owned sockets and read pollers are Linux's
// (lightpoll_linux.go), and elsewhere each light client runs gws's read
// loop and gws writes.
func ownLight(*lightConn, *gws.Conn, net.Conn, []byte) bool { return false }

// lightPolled is empty where clients do not own their sockets.
type lightPolled struct{}

// owned reports false: no client owns its socket here.
func (*lightConn) owned() bool { return false }

// sendOwned reports false: no client owns its socket here.
func (*lightConn) sendOwned(gws.Opcode, []byte) bool { return false }

// flushOwned does nothing: gws's writes leave nothing pending.
func (*lightConn) flushOwned() {}

// closeOwned reports false: no client owns its socket here.
func (*lightConn) closeOwned() bool { return false }
