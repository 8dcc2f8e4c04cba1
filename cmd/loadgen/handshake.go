package main

import (
	"bytes"
	"net"
	"time"

	"github.com/lxzan/gws"
)

// What a light client's handshake read past its end.
//
// gws reads the server's handshake response through a buffered reader, and
// a read may take the first WebSocket frames with it when the server sends
// them right behind its 101. gws's read loop finds them in that buffer; a
// light client that takes its socket from gws (lightsock_linux.go) would
// lose them. So the connection records what is read through it until the
// handshake is over, and the client handles what came after the response
// (recordingConn.stop) before it reads its socket.

// lightDialTimeout bounds a light client's TCP connect.
const lightDialTimeout = 10 * time.Second

// recordingDialer dials TCP connections that record what is read through
// them (recordingConn).
type recordingDialer struct{ conn *recordingConn }

// Dial implements gws.Dialer.
func (d *recordingDialer) Dial(network, addr string) (net.Conn, error) {
	c, err := (&net.Dialer{Timeout: lightDialTimeout}).Dial(network, addr)
	if err != nil {
		return nil, err
	}
	d.conn = &recordingConn{Conn: c, recording: true}
	return d.conn, nil
}

var _ gws.Dialer = (*recordingDialer)(nil)

// recordingConn is a connection that keeps a copy of the bytes read
// through it until stop. Only the goroutine that dials and does the
// handshake reads it while it records.
type recordingConn struct {
	net.Conn
	recording bool
	read      []byte
}

// Read implements net.Conn.
func (c *recordingConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if c.recording {
		c.read = append(c.read, b[:n]...)
	}
	return n, err
}

// stop ends the recording and returns the bytes read after the handshake
// response, whose header ends at the first empty line (a 101 has no body).
func (c *recordingConn) stop() []byte {
	c.recording = false
	read := c.read
	c.read = nil
	i := bytes.Index(read, []byte("\r\n\r\n"))
	if i < 0 {
		return nil
	}
	return read[i+4:]
}
