// Package wsframe reads and writes the headers of WebSocket frames (RFC
// 6455 §5.2) for the tools and tests that speak the protocol without a
// WebSocket library: the load generator's light clients and the raw
// connections of the server's tests. The server itself reads and writes
// frames on its hot paths with code of its own (server/realtime).
package wsframe

import "encoding/binary"

// AppendClient appends to dst one whole (FIN) client frame of opcode op,
// its payload masked with key as RFC 6455 §5.3 asks of every frame a client
// sends, and returns the extended slice.
func AppendClient(dst []byte, op byte, payload []byte, key [4]byte) []byte {
	dst = append(dst, 0x80|op)
	switch n := len(payload); {
	case n < 126:
		dst = append(dst, 0x80|byte(n))
	case n <= 0xffff:
		dst = binary.BigEndian.AppendUint16(append(dst, 0x80|126), uint16(n))
	default:
		dst = binary.BigEndian.AppendUint64(append(dst, 0x80|127), uint64(n))
	}
	dst = append(dst, key[:]...)
	start := len(dst)
	dst = append(dst, payload...)
	for i := range len(payload) {
		dst[start+i] ^= key[i&3]
	}
	return dst
}

// Header reads the header of the frame at the start of b: its length (the
// mask key included when the frame is masked, which the key's last four
// bytes are then) and its payload's. ok is false while b does not hold the
// whole header. A length past 2^62 reads as 2^62.
func Header(b []byte) (head, size int, masked, ok bool) {
	if len(b) < 2 {
		return 0, 0, false, false
	}
	masked = b[1]&0x80 != 0
	switch l := b[1] & 0x7f; l {
	case 126:
		head, ok = 4, len(b) >= 4
		if ok {
			size = int(binary.BigEndian.Uint16(b[2:]))
		}
	case 127:
		head, ok = 10, len(b) >= 10
		if ok {
			size = int(min(binary.BigEndian.Uint64(b[2:]), 1<<62))
		}
	default:
		head, size, ok = 2, int(l), true
	}
	if masked {
		head += 4
		ok = ok && len(b) >= head
	}
	if !ok {
		return 0, 0, false, false
	}
	return head, size, masked, true
}
