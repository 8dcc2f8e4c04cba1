// Package delayproxy is a TCP proxy for tests that delays everything it
// forwards, as a long network path would: each chunk read from one side is
// written to the other a fixed delay later, give or take a random jitter,
// and never before the chunk read ahead of it, so that the stream stays in
// order as TCP keeps it.
//
// A browser test points the browser at the proxy's address instead of the
// server's to play at, say, 100 ms of round trip on loopback.
package delayproxy

import (
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"sync"
	"testing"
	"time"
)

// Options configure a Proxy. Target is required.
type Options struct {
	// Target is the address, host:port, that connections are forwarded to.
	Target string
	// Delay is the one-way delay added in each direction, so that a round
	// trip takes twice as long. Zero forwards at once.
	Delay time.Duration
	// Jitter is the most by which one chunk's delay differs from Delay,
	// either way, uniformly distributed. Zero means none.
	Jitter time.Duration
	// Seed seeds the jitter. Default 1.
	Seed uint64
}

// Proxy is a running delaying proxy on a loopback port.
type Proxy struct {
	opts Options
	ln   net.Listener

	mu     sync.Mutex
	rng    *rand.Rand
	conns  map[net.Conn]struct{}
	closed bool
	wg     sync.WaitGroup
}

// Start listens on a free loopback port, forwards every connection to
// opts.Target with the delays opts say, and stops when the test ends.
func Start(t testing.TB, opts Options) *Proxy {
	t.Helper()
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("delayproxy: listen: %v", err)
	}
	p := &Proxy{opts: opts, ln: ln, rng: rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x9e3779b97f4a7c15)), conns: map[net.Conn]struct{}{}}
	p.wg.Add(1)
	go p.accept()
	t.Cleanup(p.Close)
	return p
}

// Addr returns the proxy's address, 127.0.0.1:port.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// URL returns http://Addr().
func (p *Proxy) URL() string { return "http://" + p.Addr() }

// Close stops accepting, cuts every connection and waits for them to end.
func (p *Proxy) Close() {
	p.ln.Close()
	p.mu.Lock()
	p.closed = true
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		client, err := p.ln.Accept()
		if err != nil {
			return // closed
		}
		server, err := net.Dial("tcp", p.opts.Target)
		if err != nil {
			client.Close()
			continue
		}
		if !p.track(client, server) {
			return
		}
		p.wg.Add(2)
		go p.pipe(server, client)
		go p.pipe(client, server)
	}
}

// track remembers the pair of connections so that Close can cut them; it
// reports false, closing them, when the proxy is already closed.
func (p *Proxy) track(a, b net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		a.Close()
		b.Close()
		return false
	}
	p.conns[a], p.conns[b] = struct{}{}, struct{}{}
	return true
}

// chunk is bytes read from one side, due on the other at due.
type chunk struct {
	b   []byte
	due time.Time
}

// delay returns the delay of the next chunk.
func (p *Proxy) delay() time.Duration {
	d := p.opts.Delay
	if j := p.opts.Jitter; j > 0 {
		p.mu.Lock()
		d += time.Duration(p.rng.Int64N(int64(2*j)+1)) - j
		p.mu.Unlock()
	}
	return max(d, 0)
}

// pipe forwards from src to dst with the delay: a reader stamps each chunk
// with its due time, a writer sends it then. When src ends, dst's write
// side is closed after the last chunk, so that a half-close passes through.
func (p *Proxy) pipe(dst, src net.Conn) {
	defer p.wg.Done()
	queue := make(chan chunk, 4096)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for c := range queue {
			if wait := time.Until(c.due); wait > 0 {
				time.Sleep(wait)
			}
			if _, err := dst.Write(c.b); err != nil {
				src.Close()
				for range queue { // let the reader finish
				}
				return
			}
		}
		if tc, ok := dst.(*net.TCPConn); ok {
			tc.CloseWrite()
		} else {
			dst.Close()
		}
	}()
	var last time.Time
	for {
		buf := make([]byte, 32<<10)
		n, err := src.Read(buf)
		if n > 0 {
			due := time.Now().Add(p.delay())
			if due.Before(last) {
				due = last
			}
			last = due
			queue <- chunk{b: buf[:n], due: due}
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				dst.Close()
			}
			break
		}
	}
	close(queue)
	<-done
}
