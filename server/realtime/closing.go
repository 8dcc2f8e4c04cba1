package realtime

import (
	"time"

	"github.com/lxzan/gws"
	"github.com/tickarena/tickarena/game/wire"
)

// closeWith sends the client an error message with ec (none when ec is 0), then
// a close frame with code and reason, and closes the socket. Only the first
// call for a connection has any effect; it never blocks the caller. logReason
// is what logs and the Observer see.
func (c *client) closeWith(code uint16, ec wire.ErrorCode, reason, logReason string) {
	if !c.closing.CompareAndSwap(false, true) {
		return
	}
	c.reason.Store(&logReason)
	// A write stuck on a full socket must give up soon so that the close
	// frame, queued behind it, goes out or the socket dies.
	_ = c.conn.NetConn().SetWriteDeadline(time.Now().Add(time.Second))
	var msg []byte
	if ec != 0 {
		msg = wire.AppendError(nil, wire.Error{Code: ec, Reason: reason})
	}
	c.conn.Async(func() {
		if msg != nil {
			if err := c.conn.WriteMessage(gws.OpcodeBinary, msg); err == nil {
				c.m.opts.Observer.MessageSent(len(msg))
			}
		}
		_ = c.conn.WriteClose(code, []byte(reason))
	})
}
