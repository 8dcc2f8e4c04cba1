package realtime

import (
	"encoding/binary"
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
	_ = c.sock.SetWriteDeadline(time.Now().Add(time.Second))
	if ec != 0 {
		c.queueOff(outMsg{data: wire.AppendError(nil, wire.Error{Code: ec, Reason: reason}), op: gws.OpcodeBinary, kind: msgError})
	}
	// Not gws's WriteClose, which closes the socket right after the frame:
	// the read loop goes on (discarding) until the peer answers with its own
	// close frame, then gws closes the socket, or until closeLinger (see
	// client.done).
	c.queueOff(outMsg{data: closePayload(code, reason), op: gws.OpcodeCloseConnection, kind: msgClose})
}

// closeLinger is how long a connection keeps reading after its close frame
// for the peer's answer. Closing a socket with the peer's messages still
// unread (a flood) makes the kernel reset the connection, and the reset can
// destroy the error message and close frame before the peer reads them: it
// would see a bare 1006 instead of the reason.
const closeLinger = 2 * time.Second

// closePayload is the body of a close frame: the code, then the reason cut
// to what a control frame holds (125 bytes in all).
func closePayload(code uint16, reason string) []byte {
	b := binary.BigEndian.AppendUint16(make([]byte, 0, 2+len(reason)), code)
	return append(b, reason[:min(len(reason), 123)]...)
}
