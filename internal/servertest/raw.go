package servertest

import (
	"bufio"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/tickarena/tickarena/game/wire"
	"github.com/tickarena/tickarena/internal/testwait"
	"github.com/tickarena/tickarena/internal/wsframe"
)

// WebSocket opcodes of the frames a RawConn sends and reads (RFC 6455).
const (
	OpText   byte = 0x1
	OpBinary byte = 0x2
	OpClose  byte = 0x8
)

// RawConn is a WebSocket client written by hand, for what a WebSocket
// library will not do: send half a frame, never read, or read the frames
// exactly as the server wrote them. Read returns the bytes after the
// handshake, frames and all.
type RawConn struct {
	net.Conn
	br *bufio.Reader
}

// DialRaw opens a TCP connection to wsURL (ws://host:port/path) and makes
// the WebSocket handshake, failing the test when it is refused. A positive
// rcvBuf sets the socket's receive buffer, in bytes, so that a client that
// never reads fills it soon. The connection is closed when the test ends.
func DialRaw(t testing.TB, wsURL string, rcvBuf int) *RawConn {
	t.Helper()
	u, err := url.Parse(wsURL)
	if err != nil {
		t.Fatalf("dial %s: %v", wsURL, err)
	}
	conn, err := net.DialTimeout("tcp", u.Host, testwait.Default)
	if err != nil {
		t.Fatalf("dial %s: %v", wsURL, err)
	}
	if rcvBuf > 0 {
		_ = conn.(*net.TCPConn).SetReadBuffer(rcvBuf)
	}
	t.Cleanup(func() { _ = conn.Close() })
	var key [16]byte
	_, _ = rand.Read(key[:])
	path := u.RequestURI()
	req := fmt.Sprintf("GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n", path, u.Host, base64.StdEncoding.EncodeToString(key[:]))
	_ = conn.SetDeadline(time.Now().Add(testwait.Default)) // the handshake
	if _, err := io.WriteString(conn, req); err != nil {
		t.Fatalf("write the upgrade request: %v", err)
	}
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("read the upgrade response: %v", err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("upgrade status %d, want 101", resp.StatusCode)
	}
	_ = conn.SetDeadline(time.Time{})
	return &RawConn{Conn: conn, br: br}
}

// Read reads what the server sent after the handshake.
func (c *RawConn) Read(b []byte) (int, error) { return c.br.Read(b) }

// Send writes one whole client frame with opcode (OpBinary, OpText, …)
// around payload.
func (c *RawConn) Send(opcode byte, payload []byte) error {
	_, err := c.Write(ClientFrame(opcode, payload))
	return err
}

// ReadFrame reads one server frame (unmasked, as a server sends them) and
// returns its opcode and payload.
func (c *RawConn) ReadFrame() (opcode byte, payload []byte, err error) {
	var hdr [2]byte
	if _, err := io.ReadFull(c.br, hdr[:]); err != nil {
		return 0, nil, fmt.Errorf("read a frame header: %w", err)
	}
	n := uint64(hdr[1] & 0x7f)
	switch n {
	case 126:
		var b [2]byte
		if _, err := io.ReadFull(c.br, b[:]); err != nil {
			return 0, nil, fmt.Errorf("read a frame length: %w", err)
		}
		n = uint64(binary.BigEndian.Uint16(b[:]))
	case 127:
		var b [8]byte
		if _, err := io.ReadFull(c.br, b[:]); err != nil {
			return 0, nil, fmt.Errorf("read a frame length: %w", err)
		}
		n = binary.BigEndian.Uint64(b[:])
	}
	payload = make([]byte, n)
	if _, err := io.ReadFull(c.br, payload); err != nil {
		return 0, nil, fmt.Errorf("read a frame of %d bytes: %w", n, err)
	}
	return hdr[0] & 0x0f, payload, nil
}

// ReadUntilClose reads server frames until a close frame and returns its
// code (0 when it has none) and the code of the last error message before
// it (0 if none). It fails the test when the connection ends first or no
// close frame comes within within.
func (c *RawConn) ReadUntilClose(t testing.TB, within time.Duration) (uint16, wire.ErrorCode) {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(within))
	var ec wire.ErrorCode
	for {
		op, payload, err := c.ReadFrame()
		if err != nil {
			t.Fatalf("read until the close frame: %v", err)
		}
		switch op {
		case OpClose:
			if len(payload) < 2 {
				return 0, ec
			}
			return binary.BigEndian.Uint16(payload), ec
		case OpBinary:
			var m wire.ServerMsg
			if wire.PeekType(payload) == wire.TypeError && wire.DecodeServer(payload, &m) == nil {
				ec = m.Error.Code
			}
		}
	}
}

// ClientFrame returns a whole, masked client frame with opcode around payload.
func ClientFrame(opcode byte, payload []byte) []byte {
	return wsframe.AppendClient(nil, opcode, payload, [4]byte{1, 2, 3, 4})
}
