package clientaddr

import (
	"net/netip"
	"strings"
)

// hop is one address of a forwarding chain, client side first.
type hop struct {
	addr  netip.Addr // invalid when the hop is "unknown", obfuscated or malformed
	proto string     // the scheme this hop used to reach the next, if said
}

// maxHops bounds the work a long forged header can cause; hops beyond it,
// counted from the right, are never reached by the walk anyway.
const maxHops = 64

// parseForwarded reads RFC 7239 Forwarded header lines, e.g.
// `for=192.0.2.60;proto=https, for="[2001:db8::1]:4711"`.
func parseForwarded(lines []string) []hop {
	var hops []hop
	for _, line := range lines {
		for _, elem := range splitQuoted(line, ',') {
			var h hop
			for _, pair := range splitQuoted(elem, ';') {
				k, v, _ := strings.Cut(pair, "=")
				v = unquote(strings.TrimSpace(v))
				switch strings.ToLower(strings.TrimSpace(k)) {
				case "for":
					h.addr = parseNode(v)
				case "proto":
					h.proto = v
				}
			}
			hops = appendBounded(hops, h)
		}
	}
	return hops
}

// parseXFF reads X-Forwarded-For lines ("client, proxy1, proxy2"); proto,
// the last X-Forwarded-Proto, belongs to the hop nearest us.
func parseXFF(lines []string, proto string) []hop {
	var hops []hop
	for _, line := range lines {
		for _, s := range strings.Split(line, ",") {
			hops = appendBounded(hops, hop{addr: parseNode(strings.TrimSpace(s))})
		}
	}
	if n := len(hops); n > 0 {
		hops[n-1].proto = proto
	}
	return hops
}

// appendBounded keeps the last maxHops hops.
func appendBounded(hops []hop, h hop) []hop {
	if len(hops) == maxHops {
		copy(hops, hops[1:])
		hops = hops[:maxHops-1]
	}
	return append(hops, h)
}

// lastValue returns the rightmost comma-separated value of header lines.
func lastValue(lines []string) string {
	if len(lines) == 0 {
		return ""
	}
	line := lines[len(lines)-1]
	if i := strings.LastIndexByte(line, ','); i >= 0 {
		line = line[i+1:]
	}
	return strings.TrimSpace(line)
}

// parseNode parses a node: "192.0.2.60", "192.0.2.60:80", "[2001:db8::1]",
// "[2001:db8::1]:4711" or a bare IPv6 address. Anything else is invalid.
func parseNode(s string) netip.Addr {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap()
	}
	s = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return netip.Addr{}
	}
	return a.Unmap()
}

// splitQuoted splits s at sep outside double quotes.
func splitQuoted(s string, sep byte) []string {
	var parts []string
	quoted, start := false, 0
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\' && quoted:
			i++
		case s[i] == '"':
			quoted = !quoted
		case s[i] == sep && !quoted:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

// unquote removes the double quotes of a quoted-string and its escapes.
func unquote(s string) string {
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return s
	}
	s = s[1 : len(s)-1]
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
