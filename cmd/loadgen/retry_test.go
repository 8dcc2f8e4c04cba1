package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lxzan/gws"
	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/wire"
	"github.com/tickarena/tickarena/server/httpjson"
)

func TestRetryAfter(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		header string
		want   time.Duration
	}{
		{"missing: the server's default", "", 5 * time.Second},
		{"seconds", "1", time.Second},
		{"seconds with spaces", " 3 ", 3 * time.Second},
		{"the lobby's own", "5", 5 * time.Second},
		{"zero waits the least", "0", time.Second},
		{"negative is unreadable", "-2", 5 * time.Second},
		{"fraction is unreadable", "1.5", 5 * time.Second},
		{"words are unreadable", "soon", 5 * time.Second},
		{"too large for an int", "99999999999999999999999", 5 * time.Second},
		{"an hour waits the most", "3600", time.Minute},
		{"an HTTP date", now.Add(7 * time.Second).Format(http.TimeFormat), 7 * time.Second},
		{"an HTTP date passed", now.Add(-time.Hour).Format(http.TimeFormat), time.Second},
		{"an HTTP date far ahead", now.Add(24 * time.Hour).Format(http.TimeFormat), time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := retryAfter(tt.header, now); got != tt.want {
				t.Errorf("retryAfter(%q) = %v, want %v", tt.header, got, tt.want)
			}
		})
	}
}

func TestJittered(t *testing.T) {
	tests := []struct {
		name string
		d    time.Duration
		u    float64
		want time.Duration
	}{
		{"none", 5 * time.Second, 0, 5 * time.Second},
		{"half", 5 * time.Second, 0.5, 5250 * time.Millisecond},
		{"all: a tenth", time.Second, 1, 1100 * time.Millisecond},
		{"below the range", time.Second, -3, time.Second},
		{"above the range", time.Second, 7, 1100 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := jittered(tt.d, tt.u); got != tt.want {
				t.Errorf("jittered(%v, %v) = %v, want %v", tt.d, tt.u, got, tt.want)
			}
		})
	}
	// Across its range, the jitter spreads clients refused together over
	// the tenth after the wait.
	seen := map[time.Duration]bool{}
	for i := range 100 {
		got := jittered(time.Second, float64(i)/100)
		if got < time.Second || got > 1100*time.Millisecond {
			t.Fatalf("jittered(1s, %v) = %v, out of [1s, 1.1s]", float64(i)/100, got)
		}
		seen[got] = true
	}
	if len(seen) < 100 {
		t.Errorf("%d distinct waits from 100 draws, want 100", len(seen))
	}
}

// refusal is how fullServer refuses a client.
type refusal int

const (
	fullSeat    refusal = iota // POST /api/play answered 503 with Retry-After
	fullUpgrade                // the WebSocket upgrade answered 503 with Retry-After
	fullClose                  // the hello answered with close 1013
)

// fullServer is full for a while: it refuses each client's first refusals
// attempts (all of them when negative), the way how says, then seats and
// welcomes it. It records, per client, when each seat request arrived and
// when each refusal was sent.
type fullServer struct {
	gws.BuiltinEventHandler
	ts       *httptest.Server
	up       *gws.Upgrader
	how      refusal
	refusals int
	after    string // the Retry-After of a 503

	mu       sync.Mutex
	sessions int
	clients  map[string]*fullClient // by token
}

type fullClient struct {
	plays   []time.Time // seat requests, as they arrived
	refused []time.Time // refusals, as they were about to be sent
}

func startFullServer(t *testing.T, how refusal, refusals int, after string) *fullServer {
	s := &fullServer{how: how, refusals: refusals, after: after, clients: map[string]*fullClient{}}
	s.up = gws.NewUpgrader(s, &gws.ServerOption{ReadMaxPayloadSize: wire.MaxClientMessage})
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/session", func(w http.ResponseWriter, r *http.Request) {
		var req struct{ Name string }
		if err := httpjson.Decode(w, r, httpjson.MaxBody, &req); err != nil {
			httpjson.WriteDecodeError(w, err)
			return
		}
		s.mu.Lock()
		s.sessions++
		s.mu.Unlock()
		httpjson.Write(w, http.StatusCreated, map[string]string{"token": "tok-" + req.Name})
	})
	mux.HandleFunc("POST /api/play", func(w http.ResponseWriter, r *http.Request) {
		token := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		s.mu.Lock()
		c := s.client(token)
		c.plays = append(c.plays, time.Now())
		refuse := s.how == fullSeat && s.refuses(c)
		s.mu.Unlock()
		if refuse {
			w.Header().Set("Retry-After", s.after)
			httpjson.WriteError(w, http.StatusServiceUnavailable, "all arenas are full (test); try again in a few seconds", "")
			return
		}
		httpjson.Write(w, http.StatusOK, map[string]string{"id": "r1", "ws_url": "ws" + strings.TrimPrefix(s.ts.URL, "http") + "/ws?t=" + token})
	})
	mux.HandleFunc("GET /ws", func(w http.ResponseWriter, r *http.Request) {
		token := r.URL.Query().Get("t")
		s.mu.Lock()
		refuse := s.how == fullUpgrade && s.refuses(s.client(token))
		s.mu.Unlock()
		if refuse {
			w.Header().Set("Retry-After", s.after)
			httpjson.WriteError(w, http.StatusServiceUnavailable, "too many connections", "")
			return
		}
		c, err := s.up.Upgrade(w, r)
		if err != nil {
			return
		}
		c.Session().Store("token", token)
		go c.ReadLoop()
	})
	s.ts = httptest.NewServer(mux)
	t.Cleanup(s.ts.Close)
	return s
}

// client returns the record of token. The caller holds mu.
func (s *fullServer) client(token string) *fullClient {
	c := s.clients[token]
	if c == nil {
		c = &fullClient{}
		s.clients[token] = c
	}
	return c
}

// refuses reports whether c is to be refused now, and records the refusal
// if so. The caller holds mu.
func (s *fullServer) refuses(c *fullClient) bool {
	if s.refusals >= 0 && len(c.refused) >= s.refusals {
		return false
	}
	c.refused = append(c.refused, time.Now())
	return true
}

// OnMessage answers a hello: with close 1013 while refusing, else with a
// welcome.
func (s *fullServer) OnMessage(c *gws.Conn, m *gws.Message) {
	defer m.Close()
	if wire.PeekType(m.Bytes()) != wire.TypeHello {
		return
	}
	token, _ := c.Session().Load("token")
	s.mu.Lock()
	refuse := s.how == fullClose && s.refuses(s.client(token.(string)))
	s.mu.Unlock()
	if refuse {
		_ = c.WriteClose(wire.CloseTryAgainLater, []byte("room full"))
		return
	}
	_ = c.WriteMessage(gws.OpcodeBinary, wire.AppendWelcome(nil, wire.Welcome{Ship: 1, RoomID: "r1", Rules: game.Default()}))
}

// records returns a copy of the clients' records and the sessions made.
func (s *fullServer) records() (map[string]fullClient, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]fullClient{}
	for k, c := range s.clients {
		out[k] = fullClient{plays: slices.Clone(c.plays), refused: slices.Clone(c.refused)}
	}
	return out, s.sessions
}

// With -retry-full a client refused by a full server, by a 503 to its seat,
// a refused upgrade or a close 1013, waits at least the Retry-After given
// (5 s when none) and asks for a seat again, with its session, until it is
// seated; the report counts it among the clients playing, and apart as
// seated after a retry. Each run has a verifying and a light client.
// Without the flag a refused client is counted refused and never asks again.
func TestRetryFull(t *testing.T) {
	const n = 2
	tests := []struct {
		name     string
		how      refusal
		refusals int    // per client
		after    string // Retry-After of the 503s
		wait     time.Duration
		duration time.Duration // the measured window: past the retries' waits
		retry    bool
	}{
		{name: "seat answered 503", how: fullSeat, refusals: 2, after: "1", wait: time.Second, duration: 5 * time.Second, retry: true},
		{name: "upgrade answered 503", how: fullUpgrade, refusals: 1, after: "1", wait: time.Second, duration: 4 * time.Second, retry: true},
		{name: "close 1013 gives no Retry-After", how: fullClose, refusals: 1, wait: retryFullDefault, duration: 8 * time.Second, retry: true},
		{name: "without the flag", how: fullSeat, refusals: 1, after: "1", duration: time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel() // they mostly wait
			s := startFullServer(t, tt.how, tt.refusals, tt.after)
			var progress bytes.Buffer
			sum, err := run(context.Background(), config{API: s.ts.URL, N: n, VerifyFraction: 0.5, Duration: tt.duration,
				RetryFull: tt.retry, Progress: &progress, Logger: quietLog()})
			if err != nil {
				t.Fatal(err)
			}
			var out strings.Builder
			sum.print(&out)
			t.Log(out.String())
			path := filepath.Join(t.TempDir(), "s.json")
			if err := sum.writeJSON(path); err != nil {
				t.Fatal(err)
			}
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			records, sessions := s.records()
			if len(records) != n || sessions != n {
				t.Fatalf("%d clients asked for seats with %d sessions, want %d and %d", len(records), sessions, n, n)
			}

			if !tt.retry {
				if sum.Retry != nil || sum.Failed != (failures{HTTPRefused: n}) || sum.Connected != 0 {
					t.Errorf("retries %+v, failures %+v, %d playing; want no retries and %d clients refused", sum.Retry, sum.Failed, sum.Connected, n)
				}
				for token, c := range records {
					if len(c.plays) != 1 {
						t.Errorf("%s asked for a seat %d times, want once", token, len(c.plays))
					}
				}
				for what, text := range map[string]string{"summary": out.String(), "JSON": string(raw), "progress": progress.String()} {
					if strings.Contains(text, "retr") {
						t.Errorf("%s speaks of retries without -retry-full:\n%s", what, text)
					}
				}
				return
			}

			k := tt.refusals
			for token, c := range records {
				if len(c.refused) != k || len(c.plays) != k+1 {
					t.Errorf("%s refused %d times and asked for a seat %d times, want %d and %d", token, len(c.refused), len(c.plays), k, k+1)
					continue
				}
				for i, at := range c.refused {
					if waited := c.plays[i+1].Sub(at); waited < tt.wait {
						t.Errorf("%s asked again %v after refusal %d, before the %v it was told", token, waited, i+1, tt.wait)
					}
				}
			}
			if sum.Connected != n || sum.Failed != (failures{}) {
				t.Errorf("%d of %d playing, failures %+v (%v); want everyone in", sum.Connected, n, sum.Failed, sum.FailedExample)
			}
			r := sum.Retry
			if r == nil {
				t.Fatal("no retries in the summary")
			}
			http503, ws := n*k, 0
			if tt.how != fullSeat {
				http503, ws = 0, n*k
			}
			want := retryReport{Seated: n, Retries: uint64(n * k), HTTPRefusals: http503, WSRefusals: uint64(ws)}
			got := *r
			got.SeatMsP50, got.SeatMsP99, got.SeatMsMax = 0, 0, 0
			if got != want {
				t.Errorf("retries %+v, want %+v", got, want)
			}
			if least := float64(time.Duration(k)*tt.wait) / float64(time.Millisecond); r.SeatMsP50 < least || r.SeatMsMax < r.SeatMsP99 || r.SeatMsP99 < r.SeatMsP50 {
				t.Errorf("first request to seat p50 %.0f ms, p99 %.0f ms, max %.0f ms; want p50 at least %.0f ms and in order", r.SeatMsP50, r.SeatMsP99, r.SeatMsMax, least)
			}
			if sum.FullAnswers != http503 {
				t.Errorf("%d answers 503 timed, want %d", sum.FullAnswers, http503)
			}
			if sum.Held || !slices.Contains(sum.NotHeld, fmt.Sprintf("%d seated only after a retry", n)) {
				t.Errorf("held %v (%q), want not held: clients were seated only after a retry", sum.Held, sum.NotHeld)
			}
			for _, line := range []string{
				"not in: http refused 0  http timed out 0  http errors 0  ws refused 0",
				fmt.Sprintf("retry-full: refused %d times in all (%d answers 503, %d on the WebSocket), %d retries; %d clients seated only after a retry, 0 still unseated at the end", n*k, http503, ws, n*k, n),
				"first request to seat, clients seated after a retry: p50 ",
			} {
				if !strings.Contains(out.String(), line) {
					t.Errorf("report lacks %q", line)
				}
			}
			back, err := readSummary(path)
			if err != nil {
				t.Fatal(err)
			}
			if back.Retry == nil || *back.Retry != *r || !strings.Contains(string(raw), `"seated_after_retry": 2`) {
				t.Errorf("JSON retries %+v, want %+v:\n%s", back.Retry, *r, raw)
			}
			lines := strings.Split(strings.TrimSpace(progress.String()), "\n")
			if last := lines[len(lines)-1]; !strings.HasSuffix(last, fmt.Sprintf("  retries %d  seated after a retry %d  503 answers %d", n*k, n, http503)) {
				t.Errorf("last progress line %q, want the retries at its end", last)
			}
		})
	}
}

// The run's end ends a refused client's wait: with a Retry-After longer
// than the run, it never asks again, and the report counts it unseated
// and refused.
func TestRetryFullRunEndEndsTheWait(t *testing.T) {
	const n = 2
	s := startFullServer(t, fullSeat, -1, "60")
	sum, err := run(context.Background(), config{API: s.ts.URL, N: n, VerifyFraction: 0.5, Duration: time.Second, RetryFull: true, Logger: quietLog()})
	if err != nil {
		t.Fatal(err)
	}
	records, _ := s.records()
	for token, c := range records {
		if len(c.plays) != 1 {
			t.Errorf("%s asked for a seat %d times, want once: the run ended first", token, len(c.plays))
		}
	}
	want := retryReport{Unseated: n, HTTPRefusals: n}
	if sum.Retry == nil || *sum.Retry != want {
		t.Errorf("retries %+v, want %+v", sum.Retry, want)
	}
	if sum.Failed != (failures{HTTPRefused: n}) || sum.Connected != 0 {
		t.Errorf("failures %+v, %d playing; want the %d clients refused", sum.Failed, sum.Connected, n)
	}
	var out strings.Builder
	sum.print(&out)
	if line := "retry-full: refused 2 times in all (2 answers 503, 0 on the WebSocket), 0 retries; 0 clients seated only after a retry, 2 still unseated at the end"; !strings.Contains(out.String(), line) {
		t.Errorf("report lacks %q:\n%s", line, out.String())
	}
}

// The verifying clients' process's retries add to the light clients'.
func TestRetryReportAdd(t *testing.T) {
	tests := []struct {
		name  string
		light retryReport
		v     retryReport
		want  retryReport
	}{
		{
			name:  "both seated some",
			light: retryReport{Seated: 90, Unseated: 5, Retries: 200, SeatMsP50: 5000, SeatMsP99: 10000, SeatMsMax: 10500, HTTPRefusals: 300, WSRefusals: 4},
			v:     retryReport{Seated: 2, Unseated: 1, Retries: 5, SeatMsP50: 6000, SeatMsP99: 11000, SeatMsMax: 11000, HTTPRefusals: 6, WSRefusals: 1},
			want:  retryReport{Seated: 92, Unseated: 6, Retries: 205, SeatMsP50: 5000, SeatMsP99: 11000, SeatMsMax: 11000, HTTPRefusals: 306, WSRefusals: 5},
		},
		{
			name:  "only the verifying clients seated any",
			light: retryReport{Unseated: 3, Retries: 6, HTTPRefusals: 9},
			v:     retryReport{Seated: 1, Retries: 1, SeatMsP50: 5200, SeatMsP99: 5200, SeatMsMax: 5200, HTTPRefusals: 1},
			want:  retryReport{Seated: 1, Unseated: 3, Retries: 7, SeatMsP50: 5200, SeatMsP99: 5200, SeatMsMax: 5200, HTTPRefusals: 10},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			light := summary{Clients: 98, Retry: &tt.light}
			light.addVerifiers(&summary{Clients: 2, Retry: &tt.v})
			if *light.Retry != tt.want {
				t.Errorf("retries %+v, want %+v", *light.Retry, tt.want)
			}
		})
	}
	s := summary{Clients: 98}
	s.addVerifiers(&summary{Clients: 2})
	if s.Retry != nil {
		t.Errorf("retries %+v from runs without -retry-full", s.Retry)
	}
	if args := (config{API: "http://127.0.0.1:1", N: 100, VerifyFraction: 0.02, RetryFull: true}).verifierArgs("s.json"); !slices.Contains(args, "-retry-full") {
		t.Errorf("verifying clients' process started with %q, without -retry-full", args)
	}
}

// -compare has rows for the retries when a run retried, and only then.
func TestCompareRetryRows(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, s summary) string { return writeSummary(t, dir, name, s) }
	plain := summary{Mode: "game", Clients: 1000, Connected: 1000, Seconds: 10}
	retried := plain
	retried.Retry = &retryReport{Seated: 300, Unseated: 200}
	fewer := plain
	fewer.Retry = &retryReport{Seated: 450, Unseated: 50}
	tests := []struct {
		name       string
		base, cur  summary
		want, lack []string
	}{
		{name: "neither retried", base: plain, cur: plain, lack: []string{"after a retry", "unseated"}},
		{name: "both retried", base: retried, cur: fewer, want: []string{
			"clients seated only after a retry 300 450 ×1.50", // neither better nor worse
			"refused clients still unseated at the end 200 50 ×0.25 better",
		}},
		{name: "one retried", base: plain, cur: retried, want: []string{
			"clients seated only after a retry 0 300 —",
			"refused clients still unseated at the end 0 200 — worse",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out strings.Builder
			if err := compareTable(&out, write("base.json", tt.base), write("cur.json", tt.cur)); err != nil {
				t.Fatal(err)
			}
			// The rows, their columns one space apart.
			var rows []string
			for _, line := range strings.Split(out.String(), "\n") {
				rows = append(rows, strings.Join(strings.Fields(line), " "))
			}
			for _, w := range tt.want {
				if !slices.Contains(rows, w) {
					t.Errorf("table lacks the row %q:\n%s", w, out.String())
				}
			}
			for _, l := range tt.lack {
				if strings.Contains(out.String(), l) {
					t.Errorf("table has %q:\n%s", l, out.String())
				}
			}
		})
	}
}
