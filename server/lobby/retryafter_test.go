package lobby

import (
	"bytes"
	"log/slog"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/tickarena/tickarena/internal/servertest"
	"github.com/tickarena/tickarena/server/session"
)

// TestFullRetryFollowsTheCrowd plays players who are refused and come back
// after the Retry-After they were given, as the lobby page does, on a node
// that stays full: a few wait RetryFullSeconds between tries; a crowd is
// asked to wait long enough that all of them together ask about the budget
// (100) times a second, never longer than MaxRetryFullSeconds; with the
// budget off every answer says RetryFullSeconds.
func TestFullRetryFollowsTheCrowd(t *testing.T) {
	tests := []struct {
		name     string
		players  int
		budget   int
		wantSecs [2]int // the Retry-After of the last minute, least and most
		wantRate [2]int // refusals a second over the last minute, least and most
	}{
		{"a few players", 50, 100, [2]int{5, 5}, [2]int{9, 11}},
		{"a crowd of 2,300", 2300, 100, [2]int{21, 26}, [2]int{85, 115}},
		{"a crowd past what a minute spreads", 20000, 100, [2]int{60, 60}, [2]int{320, 350}},
		{"the budget off", 2300, -1, [2]int{5, 5}, [2]int{440, 480}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFullRetry(tt.budget)
			t0 := time.Unix(1_000_000, 0)
			next := make([]time.Duration, tt.players) // when each player asks again
			for i := range next {
				next[i] = time.Duration(i) * 5 * time.Second / time.Duration(tt.players) // they arrived over 5 s
			}
			const step, run, last = 10 * time.Millisecond, 5 * time.Minute, time.Minute
			least, most, refusals := MaxRetryFullSeconds+1, 0, 0
			for now := time.Duration(0); now < run; now += step {
				for i, at := range next {
					if at > now {
						continue
					}
					secs := f.next(t0.Add(now))
					next[i] = now + time.Duration(secs)*time.Second
					if now >= run-last {
						least, most, refusals = min(least, secs), max(most, secs), refusals+1
					}
				}
			}
			rate := refusals / int(last/time.Second)
			if least < tt.wantSecs[0] || most > tt.wantSecs[1] || rate < tt.wantRate[0] || rate > tt.wantRate[1] {
				t.Errorf("%d players retrying for %v: Retry-After %d-%d s and %d refusals a second in the last minute; want %d-%d s and %d-%d a second",
					tt.players, run, least, most, rate, tt.wantSecs[0], tt.wantSecs[1], tt.wantRate[0], tt.wantRate[1])
			}
		})
	}
}

// fullGate is a Gate that is always full.
type fullGate struct{}

func (fullGate) Full() string { return "cpu ceiling" }

// TestFullAnswersAskACrowdToWaitLonger: quick play on a full node answers 503
// with Retry-After 5 to its first refusals, and a longer one once thousands
// have been refused in the same seconds.
func TestFullAnswersAskACrowdToWaitLonger(t *testing.T) {
	issuer, err := session.NewIssuer(bytes.Repeat([]byte("k"), 32), session.IssuerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	local, err := NewLocal(newMemHost(), LocalOptions{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	NewHandler(local, issuer, HandlerOptions{Gate: fullGate{}, Logger: slog.New(slog.DiscardHandler)}).Register(mux)
	tl := &testLobby{issuer: issuer}
	api := servertest.Direct(mux)
	tl.url, tl.http = api.URL, api.HTTP
	_, token := tl.login(t, "Ada")
	var first, last string
	for i := range 8000 {
		a := tl.do(t, http.MethodPost, "/api/play", token, `{}`)
		if a.status != http.StatusServiceUnavailable {
			t.Fatalf("quick play %d on a full node: %d, want 503", i+1, a.status)
		}
		if i == 0 {
			first = a.header.Get("Retry-After")
		}
		last = a.header.Get("Retry-After")
	}
	if secs, err := strconv.Atoi(last); first != strconv.Itoa(RetryFullSeconds) || err != nil || secs <= RetryFullSeconds || secs > MaxRetryFullSeconds {
		t.Errorf("Retry-After of the first refusal %q and of the 8,000th %q; want %d, then more than that and at most %d",
			first, last, RetryFullSeconds, MaxRetryFullSeconds)
	}
}
