package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"sort"
	"sync"
	"time"

	"github.com/tickarena/tickarena/game/wire"
)

// failKind is why a client never got to play: the server refused it (a
// clear 503 or 429 over HTTP, a 503 or 429 upgrade answer or close 1013 on
// the WebSocket), it did not answer in time, or something else went wrong.
type failKind int32

const (
	failNone failKind = iota
	failHTTPRefused
	failHTTPTimeout
	failHTTPError
	failWSRefused
	failWSTimeout
	failWSError
	// failNotStarted: the load generator ran out of connecting time first.
	failNotStarted
)

// String names the cause as the report does.
func (k failKind) String() string {
	switch k {
	case failHTTPRefused:
		return "http refused"
	case failHTTPTimeout:
		return "http timed out"
	case failHTTPError:
		return "http error"
	case failWSRefused:
		return "ws refused"
	case failWSTimeout:
		return "ws timed out"
	case failWSError:
		return "ws error"
	case failNotStarted:
		return "not started"
	}
	return "none"
}

// failures counts the clients by failKind.
type failures struct {
	HTTPRefused  uint64 `json:"http_refused"`
	HTTPTimeouts uint64 `json:"http_timeouts"`
	HTTPErrors   uint64 `json:"http_errors"`
	WSRefused    uint64 `json:"ws_refused"`
	WSTimeouts   uint64 `json:"ws_timeouts"`
	WSErrors     uint64 `json:"ws_errors"`
	NotStarted   uint64 `json:"not_started"`
}

func (f *failures) add(k failKind) {
	switch k {
	case failHTTPRefused:
		f.HTTPRefused++
	case failHTTPTimeout:
		f.HTTPTimeouts++
	case failHTTPError:
		f.HTTPErrors++
	case failWSRefused:
		f.WSRefused++
	case failWSTimeout:
		f.WSTimeouts++
	case failWSError:
		f.WSErrors++
	case failNotStarted:
		f.NotStarted++
	}
}

// total is the number of clients that failed to get in, whatever the cause.
func (f failures) total() uint64 {
	return f.HTTPRefused + f.HTTPTimeouts + f.HTTPErrors + f.WSRefused + f.WSTimeouts + f.WSErrors + f.NotStarted
}

// httpError is a failed API call, classified. An answer that was not a
// success also keeps its status and its Retry-After header.
type httpError struct {
	kind       failKind
	status     int    // the answer's HTTP status; 0 for a request not answered
	retryAfter string // the answer's Retry-After header, as given
	err        error
}

func (e *httpError) Error() string { return e.err.Error() }
func (e *httpError) Unwrap() error { return e.err }

// kindOf returns the failKind of an API call's error.
func kindOf(err error) failKind {
	var he *httpError
	if errors.As(err, &he) {
		return he.kind
	}
	if isTimeout(err) {
		return failHTTPTimeout
	}
	return failHTTPError
}

// refusedStatus reports whether an HTTP status is the server saying "full,
// come back later" rather than an error.
func refusedStatus(code int) bool {
	return code == http.StatusServiceUnavailable || code == http.StatusTooManyRequests
}

// isTimeout reports whether err is a deadline that passed: a dial, a
// handshake or a request the server did not answer in time.
func isTimeout(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// wsFailed records a WebSocket dial or upgrade that failed; resp is the
// server's answer to the upgrade, if it gave one. Before the client ever
// played, it is why the client did not get in.
// gen is the connection's generation: one that a retry (-retry-full) has
// replaced no longer speaks for the client.
func (p *player) wsFailed(gen uint32, err error, resp *http.Response) {
	if p.connGen.Load() != gen {
		return
	}
	p.dialErrs.Add(1)
	switch {
	case p.everWelcomed():
		// A reconnect of a client that played: a dial error, not a client
		// kept out.
		p.lastErr.Store(fmt.Sprintf("websocket dial: %v", err))
	case resp != nil && refusedStatus(resp.StatusCode):
		e := fmt.Errorf("websocket upgrade refused: %s: %w", resp.Status, err)
		p.fail(failWSRefused, e)
		p.retry.wsRefused(p, resp.Header.Get("Retry-After"), e)
	case isTimeout(err):
		p.fail(failWSTimeout, fmt.Errorf("websocket dial: %w", err))
	default:
		p.fail(failWSError, fmt.Errorf("websocket dial: %w", err))
	}
}

// wsClosed records a close the client did not ask for: before the welcome
// it is a refusal (1013 try again later) or an error; after it, a drop. gen
// is the connection's generation, as for wsFailed.
func (p *player) wsClosed(gen uint32, code int, reason string, err error) {
	if p.connGen.Load() != gen {
		return
	}
	if p.everWelcomed() {
		p.closes.Add(1)
		if err != nil {
			p.lastErr.Store(err.Error())
		}
		return
	}
	e := fmt.Errorf("closed before the welcome: %d %s", code, reason)
	if code == wire.CloseTryAgainLater {
		p.fail(failWSRefused, e)
		p.retry.wsRefused(p, "", e) // a close gives no Retry-After
	} else {
		p.fail(failWSError, e)
	}
}

// fail records why the client did not get in; the first reason counts.
func (p *player) fail(k failKind, err error) {
	if p.failure.CompareAndSwap(int32(failNone), int32(k)) {
		p.lastErr.Store(err.Error())
	}
}

// setFailure makes k the reason the client is out now, whatever was
// recorded before: a client that asks again after a refusal (-retry-full)
// is out for the last reason it was given.
func (p *player) setFailure(k failKind, err error) {
	p.failure.Store(int32(k))
	p.lastErr.Store(err.Error())
}

// latencies collects the durations of API calls, safe for concurrent use.
type latencies struct {
	mu sync.Mutex
	ms []float64
}

func (l *latencies) add(d time.Duration) {
	l.mu.Lock()
	l.ms = append(l.ms, float64(d)/float64(time.Millisecond))
	l.mu.Unlock()
}

// count returns how many durations l holds.
func (l *latencies) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.ms)
}

// quantiles returns the p50, p99 and largest duration in milliseconds.
func (l *latencies) quantiles() (p50, p99, maxMS float64) {
	l.mu.Lock()
	v := append([]float64(nil), l.ms...)
	l.mu.Unlock()
	if len(v) == 0 {
		return 0, 0, 0
	}
	sort.Float64s(v)
	return percentile(v, 0.5), percentile(v, 0.99), v[len(v)-1]
}
