package servertest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/tickarena/tickarena/internal/testwait"
)

// Client calls a server's HTTP API: the real binary (Proc embeds one), an
// in-process server (Serve), or a handler called without a socket (Direct).
// Every call fails the test when the server does not answer.
type Client struct {
	// URL is the server's base URL, http://127.0.0.1:port.
	URL string
	// HTTP sends the requests. Nil: a client with a testwait.Default timeout.
	HTTP *http.Client
	// Header is added to every request (e.g. X-Forwarded-For); nil for none.
	Header http.Header
}

// Answer is an HTTP answer read whole.
type Answer struct {
	Status int
	Header http.Header
	Body   []byte
	// Closed is set when the server ends the connection after this answer
	// (it sent Connection: close) instead of keeping it for the next
	// request.
	Closed bool
}

// Decode decodes the JSON body into v, failing the test when it is not JSON.
func (a Answer) Decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(a.Body, v); err != nil {
		t.Fatalf("status %d: body %q is not the JSON wanted: %v", a.Status, a.Body, err)
	}
}

// Message returns the "error" field of a JSON error body, "" when there is none.
func (a Answer) Message() string {
	var e struct {
		Error string `json:"error"`
	}
	_ = json.Unmarshal(a.Body, &e)
	return e.Error
}

var defaultHTTP = &http.Client{Timeout: testwait.Default}

// Send sends r, whose URL may be a path relative to c.URL, and reads the answer.
func (c Client) Send(t testing.TB, r *http.Request) Answer {
	t.Helper()
	if r.URL.Host == "" {
		full, err := http.NewRequestWithContext(r.Context(), r.Method, c.URL+r.URL.RequestURI(), r.Body)
		if err != nil {
			t.Fatalf("%s %s: %v", r.Method, r.URL, err)
		}
		full.Header = r.Header
		r = full
	}
	for k, vs := range c.Header {
		for _, v := range vs {
			r.Header.Add(k, v)
		}
	}
	hc := c.HTTP
	if hc == nil {
		hc = defaultHTTP
	}
	resp, err := hc.Do(r)
	if err != nil {
		t.Fatalf("%s %s: %v", r.Method, r.URL.Path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read the answer: %v", r.Method, r.URL.Path, err)
	}
	return Answer{Status: resp.StatusCode, Header: resp.Header, Body: body, Closed: resp.Close}
}

// Do sends one request with the session token (none when ""), and body as
// JSON: a string or []byte is sent as it is, anything else is marshalled,
// nil sends no body.
func (c Client) Do(t testing.TB, method, path, token string, body any) Answer {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatalf("%s %s: encode the body: %v", method, path, err)
		}
		rd = bytes.NewReader(raw)
	}
	r, err := http.NewRequest(method, c.URL+path, rd)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	if rd != nil {
		r.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	return c.Send(t, r)
}

// Fetch gets path and returns the answer whatever its status.
func (c Client) Fetch(t testing.TB, path string) Answer {
	t.Helper()
	return c.Do(t, http.MethodGet, path, "", nil)
}

// Post posts body as JSON with the token (none when "") and decodes a JSON
// answer into out (when not nil and the answer is JSON); it returns the status.
func (c Client) Post(t testing.TB, path, token string, body, out any) int {
	t.Helper()
	a := c.Do(t, http.MethodPost, path, token, body)
	if out != nil {
		_ = json.Unmarshal(a.Body, out)
	}
	return a.Status
}

// Call posts body as JSON with the token (none when "") and returns the
// status and the JSON object answered (nil when the answer is not one).
func (c Client) Call(t testing.TB, path, token string, body any) (int, map[string]any) {
	t.Helper()
	var out map[string]any
	code := c.Post(t, path, token, body, &out)
	return code, out
}

// Text gets path and returns the status and the body as text.
func (c Client) Text(t testing.TB, path string) (int, string) {
	t.Helper()
	a := c.Fetch(t, path)
	return a.Status, string(a.Body)
}

// Get gets path and decodes a JSON answer into out (when not nil and the
// answer is JSON); it returns the status.
func (c Client) Get(t testing.TB, path string, out any) int {
	t.Helper()
	a := c.Do(t, http.MethodGet, path, "", nil)
	if out != nil {
		_ = json.Unmarshal(a.Body, out)
	}
	return a.Status
}

// Session creates a guest session named name and returns its token and player id.
func (c Client) Session(t testing.TB, name string) (token, playerID string) {
	t.Helper()
	var s struct {
		Token    string `json:"token"`
		PlayerID string `json:"player_id"`
	}
	if code := c.Post(t, "/api/session", "", map[string]string{"name": name}, &s); code != http.StatusCreated {
		t.Fatalf("session for %s on %s: status %d", name, c.URL, code)
	}
	return s.Token, s.PlayerID
}

// Metric returns the value of the first line of /metrics that starts with
// series (a name, with its labels if any) and a space; ok is false when there
// is none.
func (c Client) Metric(t testing.TB, series string) (v float64, ok bool) {
	t.Helper()
	a := c.Do(t, http.MethodGet, "/metrics", "", nil)
	for line := range strings.SplitSeq(string(a.Body), "\n") {
		if s, found := strings.CutPrefix(line, series+" "); found {
			f, err := strconv.ParseFloat(s, 64)
			return f, err == nil
		}
	}
	return 0, false
}

// WSURL returns the URL of the server's game endpoint, ws://host:port/ws.
func (c Client) WSURL() string {
	return "ws" + strings.TrimPrefix(c.URL, "http") + "/ws"
}

// Serve runs h on a real loopback server, closed when the test ends, and
// returns a Client of it.
func Serve(t testing.TB, h http.Handler) Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return Client{URL: srv.URL}
}

// Direct returns a Client that calls h's ServeHTTP without a socket, as
// from the address 127.0.0.1. It is for tests in a testing/synctest bubble,
// where a goroutine waiting on a socket would keep the fake clock from
// moving; everywhere else Serve is closer to the truth.
func Direct(h http.Handler) Client {
	return Client{URL: "http://direct.test", HTTP: &http.Client{Transport: direct{h}}}
}

// direct is a RoundTripper that serves each request with a handler.
type direct struct{ h http.Handler }

func (d direct) RoundTrip(r *http.Request) (*http.Response, error) {
	in := httptest.NewRequestWithContext(r.Context(), r.Method, r.URL.String(), r.Body)
	in.Header = r.Header.Clone()
	in.RemoteAddr = "127.0.0.1:40000"
	rec := httptest.NewRecorder()
	d.h.ServeHTTP(rec, in)
	return rec.Result(), nil
}
