//go:build !linux

package main

import "github.com/lxzan/gws"

// pollLight reports false: read pollers are Linux's (lightpoll_linux.go),
// and elsewhere each light client runs gws's read loop.
func pollLight(*lightConn, *gws.Conn) bool { return false }

// lightPolled is empty where there are no read pollers.
type lightPolled struct{}

func (*lightConn) unpoll() {}
