package clientaddr

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"
)

// ErrNoProxyHeader means the connection did not begin with a PROXY protocol
// header of either version.
var ErrNoProxyHeader = errors.New("no PROXY protocol header")

// ErrBadProxyHeader means the connection began like a PROXY protocol header
// that then could not be read.
var ErrBadProxyHeader = errors.New("malformed PROXY protocol header")

// v2Signature opens every PROXY protocol version 2 header.
var v2Signature = []byte("\r\n\r\n\x00\r\nQUIT\n")

// maxV1 is the longest version 1 header the specification allows, CRLF included.
const maxV1 = 107

// ReadProxyHeader reads a PROXY protocol header, version 1 (text) or 2
// (binary), from the start of br and returns the source address it carries.
// ok is false for a well-formed header that names no client: version 1
// "UNKNOWN", a version 2 LOCAL command (the proxy's own health check), or an
// address family other than TCP/UDP over IPv4/IPv6; the peer is then the
// client. Version 2 TLVs are skipped. Nothing after the header is consumed.
func ReadProxyHeader(br *bufio.Reader) (src netip.AddrPort, ok bool, err error) {
	first, err := br.Peek(1)
	if err != nil {
		return netip.AddrPort{}, false, fmt.Errorf("%w: %w", ErrNoProxyHeader, err)
	}
	switch first[0] {
	case 'P':
		return readV1(br)
	case '\r':
		return readV2(br)
	}
	return netip.AddrPort{}, false, ErrNoProxyHeader
}

// readV1 reads "PROXY TCP4 192.0.2.1 192.0.2.2 56324 443\r\n".
func readV1(br *bufio.Reader) (netip.AddrPort, bool, error) {
	bad := func(format string, args ...any) (netip.AddrPort, bool, error) {
		return netip.AddrPort{}, false, fmt.Errorf("%w: v1: %s", ErrBadProxyHeader, fmt.Sprintf(format, args...))
	}
	var line []byte
	for len(line) < maxV1 {
		b, err := br.ReadByte()
		if err != nil {
			return bad("%v before the end of the line", err)
		}
		line = append(line, b)
		if b == '\n' {
			break
		}
	}
	if !bytes.HasPrefix(line, []byte("PROXY ")) {
		return netip.AddrPort{}, false, ErrNoProxyHeader
	}
	if !bytes.HasSuffix(line, []byte("\r\n")) {
		return bad("no CRLF within %d bytes", maxV1)
	}
	f := strings.Split(string(line[:len(line)-2]), " ")
	if len(f) >= 2 && f[1] == "UNKNOWN" {
		return netip.AddrPort{}, false, nil
	}
	if len(f) != 6 {
		return bad("%d fields, want 6", len(f))
	}
	src, err := netip.ParseAddr(f[2])
	if err != nil || src.Zone() != "" {
		return bad("source address %q", f[2])
	}
	dst, err := netip.ParseAddr(f[3])
	if err != nil || dst.Zone() != "" {
		return bad("destination address %q", f[3])
	}
	switch f[1] {
	case "TCP4":
		if !src.Is4() || !dst.Is4() {
			return bad("TCP4 with addresses %s and %s", f[2], f[3])
		}
	case "TCP6":
		if !src.Is6() || !dst.Is6() {
			return bad("TCP6 with addresses %s and %s", f[2], f[3])
		}
	default:
		return bad("protocol %q", f[1])
	}
	sport, err1 := parsePort(f[4])
	_, err2 := parsePort(f[5])
	if err1 != nil || err2 != nil {
		return bad("ports %q %q", f[4], f[5])
	}
	return netip.AddrPortFrom(src.Unmap(), sport), true, nil
}

// parsePort parses a decimal port 0-65535 without sign or leading zeros.
func parsePort(s string) (uint16, error) {
	if s == "" || len(s) > 5 || (len(s) > 1 && s[0] == '0') || s[0] == '+' || s[0] == '-' {
		return 0, errors.New("bad port")
	}
	n, err := strconv.ParseUint(s, 10, 16)
	return uint16(n), err
}

// readV2 reads the binary header: signature, version and command, family,
// length, addresses, TLVs.
func readV2(br *bufio.Reader) (netip.AddrPort, bool, error) {
	bad := func(format string, args ...any) (netip.AddrPort, bool, error) {
		return netip.AddrPort{}, false, fmt.Errorf("%w: v2: %s", ErrBadProxyHeader, fmt.Sprintf(format, args...))
	}
	var head [16]byte
	if n, err := io.ReadFull(br, head[:]); err != nil {
		if k := min(n, len(v2Signature)); bytes.Equal(head[:k], v2Signature[:k]) {
			return bad("%v in the first 16 bytes", err)
		}
		return netip.AddrPort{}, false, ErrNoProxyHeader
	}
	if !bytes.Equal(head[:12], v2Signature) {
		return netip.AddrPort{}, false, ErrNoProxyHeader
	}
	verCmd, fam := head[12], head[13]
	length := int(binary.BigEndian.Uint16(head[14:16]))
	if verCmd>>4 != 2 {
		return bad("version %d", verCmd>>4)
	}
	cmd := verCmd & 0x0f
	if cmd > 1 {
		return bad("command %d", cmd)
	}
	body := make([]byte, length)
	if _, err := io.ReadFull(br, body); err != nil {
		return bad("%v in the %d bytes of addresses", err, length)
	}
	if cmd == 0 { // LOCAL: the proxy speaking for itself
		return netip.AddrPort{}, false, nil
	}
	switch fam >> 4 {
	case 1: // IPv4
		if len(body) < 12 {
			return bad("IPv4 addresses in %d bytes", len(body))
		}
		src := netip.AddrFrom4([4]byte(body[0:4]))
		return netip.AddrPortFrom(src, binary.BigEndian.Uint16(body[8:10])), true, nil
	case 2: // IPv6
		if len(body) < 36 {
			return bad("IPv6 addresses in %d bytes", len(body))
		}
		src := netip.AddrFrom16([16]byte(body[0:16])).Unmap()
		return netip.AddrPortFrom(src, binary.BigEndian.Uint16(body[32:34])), true, nil
	case 0, 3: // unspecified, unix sockets: no client address
		return netip.AddrPort{}, false, nil
	}
	return bad("address family %d", fam>>4)
}
