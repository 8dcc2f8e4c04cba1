// Package clientaddr decides the one address a request comes from: the key of
// every per-address limit and the address in every log line.
//
// The TCP peer is the client unless the peer is a trusted proxy (a list of
// CIDRs the host configures; none by default). Only from a trusted peer are
// the forwarding headers (Forwarded, else X-Forwarded-For) believed, and then
// the client is the rightmost hop that is not itself a trusted proxy: a hop
// further left was written by whoever sent the request and may be forged. The
// PROXY protocol header of TCP load balancers is read by Listener, again only
// from trusted peers, before HTTP sees the connection.
//
// The package never trusts a header from an untrusted peer and never fails a
// request: an unreadable header leaves the last address it could trust.
package clientaddr

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Trusted is a set of networks whose peers are proxies allowed to say who
// the client is. The zero value trusts nobody.
type Trusted struct {
	nets []netip.Prefix
}

// ParseTrusted parses a comma-separated list of CIDRs ("10.0.0.0/8") or single
// addresses ("127.0.0.1", read as /32 or /128). An empty list trusts nobody.
func ParseTrusted(list string) (Trusted, error) {
	var t Trusted
	for _, s := range strings.Split(list, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if !strings.Contains(s, "/") {
			a, err := netip.ParseAddr(s)
			if err != nil {
				return Trusted{}, fmt.Errorf("%q is neither a CIDR nor an IP address", s)
			}
			a = a.Unmap()
			t.nets = append(t.nets, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return Trusted{}, fmt.Errorf("%q is not a CIDR such as 10.0.0.0/8", s)
		}
		if p.Addr().Is4In6() {
			p = netip.PrefixFrom(p.Addr().Unmap(), max(p.Bits()-96, 0))
		}
		t.nets = append(t.nets, p.Masked())
	}
	return t, nil
}

// Contains reports whether a is in one of the trusted networks.
func (t Trusted) Contains(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range t.nets {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// Empty reports whether nobody is trusted.
func (t Trusted) Empty() bool { return len(t.nets) == 0 }

// String returns the networks as a comma-separated list.
func (t Trusted) String() string {
	s := make([]string, len(t.nets))
	for i, p := range t.nets {
		s[i] = p.String()
	}
	return strings.Join(s, ",")
}

// Info is what is known of a request's client.
type Info struct {
	// Addr is the client's IP address; invalid when the peer address could
	// not be parsed (then RemoteAddr is used as it is).
	Addr netip.Addr
	// Secure is true when the client reached us over TLS: this server's own,
	// or a trusted proxy's that says so (Forwarded proto=https or
	// X-Forwarded-Proto: https).
	Secure bool
}

// Resolve returns the client of r as the trusted networks see it.
func (t Trusted) Resolve(r *http.Request) Info {
	peer, ok := peerAddr(r.RemoteAddr)
	info := Info{Addr: peer, Secure: r.TLS != nil}
	if !ok || !t.Contains(peer) {
		return info
	}
	var hops []hop
	if fwd := r.Header.Values("Forwarded"); len(fwd) > 0 {
		hops = parseForwarded(fwd)
	} else if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
		hops = parseXFF(xff, lastValue(r.Header.Values("X-Forwarded-Proto")))
	} else {
		return info
	}
	// Walk from the proxy nearest us towards the client; stop at the first
	// hop that is not a trusted proxy, or one that cannot be read.
	for i := len(hops) - 1; i >= 0; i-- {
		h := hops[i]
		if !h.addr.IsValid() {
			break
		}
		info.Addr = h.addr
		if h.proto != "" {
			info.Secure = strings.EqualFold(h.proto, "https")
		}
		if !t.Contains(h.addr) {
			break
		}
	}
	return info
}

// peerAddr parses the IP of a RemoteAddr ("1.2.3.4:5678" or "[::1]:5678").
func peerAddr(remote string) (netip.Addr, bool) {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}

type ctxKey struct{}

// Middleware resolves each request's client once and keeps it in the
// request's context for From and Secure.
func (t Trusted) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info := t.Resolve(r)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, info)))
	})
}

// InfoOf returns what Middleware resolved for r; without the middleware, the
// peer address with no proxy trusted.
func InfoOf(r *http.Request) Info {
	if info, ok := r.Context().Value(ctxKey{}).(Info); ok {
		return info
	}
	return Trusted{}.Resolve(r)
}

// From returns the client address of r as a string: the key of per-address
// limits and the "addr"/"ip" of log lines.
func From(r *http.Request) string {
	info := InfoOf(r)
	if !info.Addr.IsValid() {
		return r.RemoteAddr
	}
	return info.Addr.String()
}

// Secure reports whether the client reached the server over TLS (see Info.Secure).
func Secure(r *http.Request) bool { return InfoOf(r).Secure }
