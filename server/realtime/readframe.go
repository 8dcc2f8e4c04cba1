package realtime

import (
	"encoding/binary"

	"github.com/lxzan/gws"
	"github.com/tickarena/tickarena/game/wire"
)

// The frames a read poller (readpoll_linux.go) reads itself: what a game
// client sends nearly always, one whole binary message per frame, masked as
// RFC 6455 requires of a client, no larger than wire.MaxClientMessage.
// Everything else — control frames (ping, pong, close), text, fragments,
// reserved bits, unmasked or oversized frames — is left to gws, which reads
// the connection from that frame on with the same rules and close codes as
// before.

// frameKind is what nextFrame found at the start of a buffer.
type frameKind uint8

const (
	frameShort frameKind = iota // not a whole frame yet: read more
	frameFast                   // a whole binary message the poller handles
	frameOther                  // anything else: gws reads from here on
)

// Frame header bits (RFC 6455 section 5.2).
const (
	frameFin    = 0x80
	frameRSV    = 0x70
	frameOpcode = 0x0f
	frameMasked = 0x80
	frameLen    = 0x7f
)

// nextFrame looks at the frame at the start of b. For frameFast it unmasks
// the payload in place and returns it, with the frame's whole size.
func nextFrame(b []byte) (kind frameKind, payload []byte, size int) {
	if len(b) < 2 {
		return frameShort, nil, 0
	}
	b0, b1 := b[0], b[1]
	if b0&(frameFin|frameRSV|frameOpcode) != frameFin|byte(gws.OpcodeBinary) || b1&frameMasked == 0 {
		return frameOther, nil, 0
	}
	n, head := int(b1&frameLen), 2
	switch n {
	case 127:
		return frameOther, nil, 0 // 64-bit length: far over any client message
	case 126:
		if len(b) < 4 {
			return frameShort, nil, 0
		}
		n, head = int(binary.BigEndian.Uint16(b[2:4])), 4
	}
	if n > wire.MaxClientMessage {
		return frameOther, nil, 0
	}
	size = head + 4 + n
	if len(b) < size {
		return frameShort, nil, 0
	}
	mask := b[head : head+4]
	payload = b[head+4 : size]
	for i := range payload {
		payload[i] ^= mask[i&3]
	}
	return frameFast, payload, size
}
