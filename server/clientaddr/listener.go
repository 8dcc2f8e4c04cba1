package clientaddr

import (
	"bufio"
	"log/slog"
	"net"
	"sync"
	"time"
)

// DefaultHeaderTimeout bounds the wait for a PROXY protocol header.
const DefaultHeaderTimeout = 5 * time.Second

// Listener wraps a listener so that a connection from a trusted peer must
// begin with a PROXY protocol header (version 1 or 2), whose source address
// becomes the connection's RemoteAddr. Connections from other peers are
// passed through untouched: a header they send is not believed, it is just
// bytes that HTTP will refuse. A trusted peer's connection without a valid
// header is closed and logged.
//
// The header is read on the connection's first Read or RemoteAddr call,
// which net/http makes on the connection's own goroutine, so a slow proxy
// never holds up Accept.
type Listener struct {
	net.Listener
	// Trusted are the peers whose header is read. Zero: nobody, and the
	// listener changes nothing.
	Trusted Trusted
	// HeaderTimeout bounds the wait for the header. Zero means DefaultHeaderTimeout.
	HeaderTimeout time.Duration
	// Logger gets one line per refused header. Nil means slog.Default().
	Logger *slog.Logger
}

// Accept waits for the next connection.
func (l *Listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	peer, ok := peerAddr(c.RemoteAddr().String())
	if !ok || !l.Trusted.Contains(peer) {
		return c, nil
	}
	timeout := l.HeaderTimeout
	if timeout <= 0 {
		timeout = DefaultHeaderTimeout
	}
	log := l.Logger
	if log == nil {
		log = slog.Default()
	}
	return &proxyConn{Conn: c, timeout: timeout, log: log}, nil
}

// proxyConn is a connection from a trusted peer whose PROXY header is read
// on first use.
type proxyConn struct {
	net.Conn
	timeout time.Duration
	log     *slog.Logger

	once   sync.Once
	br     *bufio.Reader
	remote net.Addr
	err    error
}

func (c *proxyConn) init() {
	c.once.Do(func() {
		c.remote = c.Conn.RemoteAddr()
		c.br = bufio.NewReader(c.Conn)
		_ = c.Conn.SetReadDeadline(time.Now().Add(c.timeout))
		src, ok, err := ReadProxyHeader(c.br)
		_ = c.Conn.SetReadDeadline(time.Time{})
		if err != nil {
			c.err = err
			c.log.Warn("connection refused: PROXY protocol header expected from a trusted proxy", "peer", c.remote.String(), "err", err)
			_ = c.Conn.Close()
			return
		}
		if ok {
			c.remote = net.TCPAddrFromAddrPort(src)
		}
	})
}

// Read reads after the header.
func (c *proxyConn) Read(p []byte) (int, error) {
	c.init()
	if c.err != nil {
		return 0, c.err
	}
	return c.br.Read(p)
}

// RemoteAddr is the client the header named, else the peer.
func (c *proxyConn) RemoteAddr() net.Addr {
	c.init()
	return c.remote
}

// NetConn returns the connection under the PROXY header, as tls.Conn does,
// so that socket options (such as the send buffer) reach the TCP socket.
func (c *proxyConn) NetConn() net.Conn { return c.Conn }

var _ interface {
	NetConn() net.Conn
	WritesThrough()
} = (*proxyConn)(nil) // the WebSocket writer's fast path looks for both

// WritesThrough says that what is written to c reaches the connection under
// it unchanged, so that a writer may write to that one directly.
func (c *proxyConn) WritesThrough() {}
