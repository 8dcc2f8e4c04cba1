package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// api calls the server's HTTP endpoints that hand out sessions and seats.
type api struct {
	base   string
	client *http.Client
	// lat holds how long each answered request took, 429s and 503s
	// included; full holds the 503s' alone: how fast a full node says so.
	lat, full latencies
}

// newAPI returns an API client of base whose requests time out after timeout.
func newAPI(base string, timeout time.Duration) *api {
	return &api{base: base, client: &http.Client{Timeout: timeout, Transport: &http.Transport{
		MaxIdleConnsPerHost: 256, IdleConnTimeout: 30 * time.Second,
	}}}
}

// session creates a guest session and returns its token.
func (a *api) session(ctx context.Context, name string) (string, error) {
	var out struct {
		Token string `json:"token"`
	}
	if err := a.post(ctx, "/api/session", "", map[string]string{"name": name}, &out); err != nil {
		return "", err
	}
	if out.Token == "" {
		return "", fmt.Errorf("POST /api/session: no token in the answer")
	}
	return out.Token, nil
}

// seat is a room a player may now join.
type seat struct {
	ID    string `json:"id"`
	WSURL string `json:"ws_url"`
}

// play reserves a seat: in room when given, by quick play otherwise.
func (a *api) play(ctx context.Context, token, room string) (seat, error) {
	var s seat
	var err error
	if room != "" {
		err = a.post(ctx, "/api/join", token, map[string]string{"room": room}, &s)
	} else {
		err = a.post(ctx, "/api/play", token, struct{}{}, &s)
	}
	if err == nil && s.WSURL == "" {
		err = fmt.Errorf("no ws_url in the seat answer")
	}
	if err == nil {
		err = a.sameHost(s.WSURL)
	}
	return s, err
}

// sameHost refuses a WebSocket URL on another host than the API's: the load
// generator only ever targets the address it was given.
func (a *api) sameHost(wsURL string) error {
	u, err := url.Parse(wsURL)
	if err != nil {
		return fmt.Errorf("ws_url %q: %w", wsURL, err)
	}
	base, err := url.Parse(a.base)
	if err != nil {
		return fmt.Errorf("api %q: %w", a.base, err)
	}
	if u.Hostname() != base.Hostname() {
		return fmt.Errorf("ws_url %q is not on %s, the address given", wsURL, base.Hostname())
	}
	return nil
}

// createRoom makes a public room and returns its id.
func (a *api) createRoom(ctx context.Context, token, name string) (string, error) {
	var s seat
	if err := a.post(ctx, "/api/rooms", token, map[string]any{"name": name, "public": true}, &s); err != nil {
		return "", err
	}
	return s.ID, nil
}

// post sends body as JSON and decodes the answer into out. A 429 is retried
// after its Retry-After until ctx ends. Its errors are *httpError: a 503
// (or a 429 still refused when ctx ends) is a refusal, a request not
// answered within the client's timeout a time-out.
func (a *api) post(ctx context.Context, path, token string, body, out any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("POST %s: %w", path, err)
	}
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.base+path, bytes.NewReader(b))
		if err != nil {
			return fmt.Errorf("POST %s: %w", path, err)
		}
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		start := time.Now()
		resp, err := a.client.Do(req)
		if err != nil {
			return &httpError{kind: kindOf(err), err: fmt.Errorf("POST %s: %w", path, err)}
		}
		data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		if err != nil {
			return &httpError{kind: kindOf(err), err: fmt.Errorf("POST %s: read answer: %w", path, err)}
		}
		took := time.Since(start)
		a.lat.add(took)
		if resp.StatusCode == http.StatusServiceUnavailable {
			a.full.add(took)
		}
		if resp.StatusCode == http.StatusTooManyRequests {
			select {
			case <-ctx.Done():
				return &httpError{kind: failHTTPRefused, err: fmt.Errorf("POST %s: rate limited: %w", path, ctx.Err())}
			case <-time.After(retryAfter(resp.Header.Get("Retry-After"), time.Now())):
			}
			continue
		}
		if resp.StatusCode/100 != 2 {
			kind := failHTTPError
			if refusedStatus(resp.StatusCode) {
				kind = failHTTPRefused
			}
			return &httpError{kind: kind, status: resp.StatusCode, retryAfter: resp.Header.Get("Retry-After"),
				err: fmt.Errorf("POST %s: %s: %s", path, resp.Status, bytes.TrimSpace(data))}
		}
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("POST %s: decode answer: %w", path, err)
		}
		return nil
	}
}
