package clientaddr

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"
)

// v2 builds a version 2 header: command, family byte, addresses and TLVs.
func v2(cmd, fam byte, body []byte) []byte {
	h := append([]byte{}, v2Signature...)
	h = append(h, 0x20|cmd, fam)
	h = binary.BigEndian.AppendUint16(h, uint16(len(body)))
	return append(h, body...)
}

func v2IPv4(src, dst [4]byte, sport, dport uint16, tlvs []byte) []byte {
	b := append(src[:], dst[:]...)
	b = binary.BigEndian.AppendUint16(b, sport)
	b = binary.BigEndian.AppendUint16(b, dport)
	return append(b, tlvs...)
}

func v2IPv6(src, dst netip.Addr, sport, dport uint16) []byte {
	s, d := src.As16(), dst.As16()
	b := append(s[:], d[:]...)
	b = binary.BigEndian.AppendUint16(b, sport)
	return binary.BigEndian.AppendUint16(b, dport)
}

func TestReadProxyHeader(t *testing.T) {
	tlv := []byte{0x04, 0x00, 0x03, 'a', 'w', 's'} // a TLV the reader must skip
	tests := []struct {
		name    string
		in      []byte
		want    string // source address, "" when the header names no client
		wantErr error
	}{
		{"v1 TCP4", []byte("PROXY TCP4 198.51.100.7 10.0.0.1 56324 443\r\n"), "198.51.100.7:56324", nil},
		{"v1 TCP6", []byte("PROXY TCP6 2001:db8::7 2001:db8::1 4711 443\r\n"), "[2001:db8::7]:4711", nil},
		{"v1 UNKNOWN", []byte("PROXY UNKNOWN\r\n"), "", nil},
		{"v1 UNKNOWN with addresses", []byte("PROXY UNKNOWN ffff::1 ffff::2 1 2\r\n"), "", nil},
		{"v2 PROXY IPv4", v2(1, 0x11, v2IPv4([4]byte{198, 51, 100, 8}, [4]byte{10, 0, 0, 1}, 5000, 443, nil)), "198.51.100.8:5000", nil},
		{"v2 PROXY IPv4 with TLVs", v2(1, 0x11, v2IPv4([4]byte{198, 51, 100, 9}, [4]byte{10, 0, 0, 1}, 5001, 443, tlv)), "198.51.100.9:5001", nil},
		{"v2 PROXY IPv6", v2(1, 0x21, v2IPv6(netip.MustParseAddr("2001:db8::8"), netip.MustParseAddr("2001:db8::1"), 6000, 443)), "[2001:db8::8]:6000", nil},
		{"v2 LOCAL", v2(0, 0x00, nil), "", nil},
		{"v2 unix socket", v2(1, 0x31, make([]byte, 216)), "", nil},
		{"plain HTTP", []byte("GET / HTTP/1.1\r\n\r\n"), "", ErrNoProxyHeader},
		{"empty", nil, "", ErrNoProxyHeader},
		{"v1 without CRLF", []byte("PROXY TCP4 198.51.100.7 10.0.0.1 56324 443\n"), "", ErrBadProxyHeader},
		{"v1 too long", []byte("PROXY TCP4 " + strings.Repeat("1", 200) + "\r\n"), "", ErrBadProxyHeader},
		{"v1 cut short", []byte("PROXY TCP4 198.51.100.7"), "", ErrBadProxyHeader},
		{"v1 wrong family", []byte("PROXY TCP4 2001:db8::7 10.0.0.1 1 2\r\n"), "", ErrBadProxyHeader},
		{"v1 bad port", []byte("PROXY TCP4 198.51.100.7 10.0.0.1 70000 443\r\n"), "", ErrBadProxyHeader},
		{"v1 port with leading zero", []byte("PROXY TCP4 198.51.100.7 10.0.0.1 0080 443\r\n"), "", ErrBadProxyHeader},
		{"v1 UDP", []byte("PROXY UDP4 198.51.100.7 10.0.0.1 1 2\r\n"), "", ErrBadProxyHeader},
		{"v1 missing field", []byte("PROXY TCP4 198.51.100.7 10.0.0.1 1\r\n"), "", ErrBadProxyHeader},
		{"v2 version 3", append(append([]byte{}, v2Signature...), 0x31, 0x11, 0, 0), "", ErrBadProxyHeader},
		{"v2 command 2", append(append([]byte{}, v2Signature...), 0x22, 0x11, 0, 0), "", ErrBadProxyHeader},
		{"v2 IPv4 too short", v2(1, 0x11, make([]byte, 8)), "", ErrBadProxyHeader},
		{"v2 IPv6 too short", v2(1, 0x21, make([]byte, 20)), "", ErrBadProxyHeader},
		{"v2 unknown family", v2(1, 0x41, make([]byte, 12)), "", ErrBadProxyHeader},
		{"v2 length beyond the data", append(append([]byte{}, v2Signature...), 0x21, 0x11, 0, 200, 1, 2), "", ErrBadProxyHeader},
		{"v2 signature cut short", v2Signature[:7], "", ErrBadProxyHeader},
		{"CR then not a signature", []byte("\r\nGET / HTTP/1.1\r\n\r\n"), "", ErrNoProxyHeader},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			const after = "GET / HTTP/1.1\r\n"
			br := bufio.NewReader(io.MultiReader(bytes.NewReader(tt.in), strings.NewReader(after)))
			if tt.wantErr != nil {
				// An error case must not find the request that follows.
				br = bufio.NewReader(bytes.NewReader(tt.in))
			}
			src, ok, err := ReadProxyHeader(br)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("err %v", err)
			}
			got := ""
			if ok {
				got = src.String()
			}
			if got != tt.want {
				t.Errorf("source %q, want %q", got, tt.want)
			}
			rest, _ := io.ReadAll(br)
			if string(rest) != after {
				t.Errorf("after the header %q remains, want %q", rest, after)
			}
		})
	}
}

// FuzzReadProxyHeader: any bytes give a source, no source, or an error,
// never a panic, and never consume more than a header can hold.
func FuzzReadProxyHeader(f *testing.F) {
	f.Add([]byte("PROXY TCP4 198.51.100.7 10.0.0.1 56324 443\r\n"))
	f.Add(v2(1, 0x11, v2IPv4([4]byte{1, 2, 3, 4}, [4]byte{5, 6, 7, 8}, 1, 2, nil)))
	f.Fuzz(func(t *testing.T, in []byte) {
		br := bufio.NewReader(bytes.NewReader(in))
		src, ok, err := ReadProxyHeader(br)
		if err != nil && (ok || src.IsValid()) {
			t.Fatalf("error %v with a source %v", err, src)
		}
		if ok && !src.Addr().IsValid() {
			t.Fatal("ok without a source address")
		}
		used := len(in) - br.Buffered()
		if rest, _ := io.ReadAll(br); err == nil && used+len(rest) != len(in) {
			t.Fatalf("lost bytes: used %d, left %d of %d", used, len(rest), len(in))
		}
		if err == nil && used > 16+65535 {
			t.Fatalf("consumed %d bytes", used)
		}
	})
}

// TestListener runs real TCP connections through a Listener: a trusted peer's
// header becomes RemoteAddr, an untrusted peer's header is left as data, and
// a trusted peer without a header is cut.
func TestListener(t *testing.T) {
	for _, tc := range []struct {
		name, trusted, send, wantAddr, wantData string
		wantClosed                              bool
	}{
		{"trusted v1", "127.0.0.0/8", "PROXY TCP4 198.51.100.7 10.0.0.1 56324 443\r\nhello", "198.51.100.7:56324", "hello", false},
		{"trusted v2", "127.0.0.0/8", string(v2(1, 0x11, v2IPv4([4]byte{198, 51, 100, 8}, [4]byte{10, 0, 0, 1}, 5000, 443, nil))) + "hello", "198.51.100.8:5000", "hello", false},
		{"untrusted forges a header", "10.0.0.0/8", "PROXY TCP4 198.51.100.7 10.0.0.1 56324 443\r\n", "127.0.0.1", "PROXY TCP4 198.51.100.7 10.0.0.1 56324 443\r\n", false},
		{"trusted without header", "127.0.0.0/8", "GET / HTTP/1.1\r\n\r\n", "127.0.0.1", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inner, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			ln := &Listener{Listener: inner, Trusted: mustTrust(t, tc.trusted), HeaderTimeout: 5 * time.Second, Logger: slog.New(slog.DiscardHandler)}
			defer ln.Close()
			go func() {
				c, err := net.Dial("tcp", inner.Addr().String())
				if err != nil {
					return
				}
				defer c.Close()
				_, _ = c.Write([]byte(tc.send))
				_, _ = io.Copy(io.Discard, c)
			}()
			c, err := ln.Accept()
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			_ = c.SetDeadline(time.Now().Add(5 * time.Second))
			if got := c.RemoteAddr().String(); !strings.HasPrefix(got, tc.wantAddr) {
				t.Errorf("RemoteAddr %q, want %q", got, tc.wantAddr)
			}
			buf := make([]byte, max(len(tc.wantData), 1))
			_, err = io.ReadFull(c, buf)
			if tc.wantClosed {
				if !errors.Is(err, ErrNoProxyHeader) {
					t.Errorf("read %q err %v, want the connection refused for lack of a header", buf, err)
				}
				return
			}
			if err != nil || string(buf) != tc.wantData {
				t.Errorf("read %q err %v, want %q", buf, err, tc.wantData)
			}
		})
	}
}
