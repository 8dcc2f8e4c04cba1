package lobby

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tickarena/tickarena/server/session"
)

func TestRoomCreationIsBoundedPerPlayerAndAddress(t *testing.T) {
	tests := []struct {
		name              string
		perPlayer, perIP  int
		creators          []string // who posts, in order
		want              []int    // the status each gets
		wantMsg           string   // in the last refusal
		afterWait, wantOK string   // after waiting one interval, this player may create again
	}{
		{
			name: "one token flooding", perPlayer: 4, perIP: 1000,
			creators: []string{"ann", "ann", "ann", "ann", "ann", "bob"},
			want:     []int{201, 201, 429, 429, 429, 201},
			wantMsg:  "you create rooms faster", afterWait: "ann",
		},
		{
			name: "many tokens from one address", perPlayer: 1000, perIP: 6,
			creators: []string{"ann", "bob", "cat", "dan", "eve"},
			want:     []int{201, 201, 201, 429, 429},
			wantMsg:  "your address creates rooms faster", afterWait: "eve",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newFakeClock()
			local, err := NewLocal(newMemHost(), LocalOptions{MaxRooms: 200, Now: clock.Now, Logger: slog.New(slog.DiscardHandler)})
			if err != nil {
				t.Fatal(err)
			}
			issuer, err := session.NewIssuer(bytes.Repeat([]byte("k"), 32), session.IssuerOptions{Now: clock.Now})
			if err != nil {
				t.Fatal(err)
			}
			mux := http.NewServeMux()
			NewHandler(local, issuer, HandlerOptions{Now: clock.Now, Logger: slog.New(slog.DiscardHandler),
				CreatePerPlayer: tt.perPlayer, CreatePerAddr: tt.perIP}).Register(mux)
			srv := httptest.NewServer(mux)
			defer srv.Close()
			tl := &testLobby{url: srv.URL}
			tokens := map[string]string{}
			token := func(name string) string {
				if tokens[name] == "" {
					_, tok, err := issuer.Issue(name)
					if err != nil {
						t.Fatal(err)
					}
					tokens[name] = tok
				}
				return tokens[name]
			}
			var last answer
			for i, who := range tt.creators {
				a := tl.do(t, "POST", "/api/rooms", token(who), `{"public":false}`)
				if a.status != tt.want[i] {
					t.Fatalf("create %d by %s: %d %v, want %d", i, who, a.status, a.body, tt.want[i])
				}
				if a.status == http.StatusTooManyRequests {
					last = a
				}
			}
			if secs, err := strconv.Atoi(last.header.Get("Retry-After")); err != nil || secs < 1 {
				t.Errorf("429 with Retry-After %q, want whole seconds", last.header.Get("Retry-After"))
			}
			if !strings.Contains(last.str("error"), tt.wantMsg) {
				t.Errorf("429 says %q, want it to mention %q", last.str("error"), tt.wantMsg)
			}
			if n := len(local.host.Rooms()); n != countOf(tt.want, 201) {
				t.Errorf("%d rooms run, want one per 201", n)
			}
			clock.Advance(time.Minute / time.Duration(min(tt.perPlayer, tt.perIP)))
			if a := tl.do(t, "POST", "/api/rooms", token(tt.afterWait), `{}`); a.status != http.StatusCreated {
				t.Errorf("after waiting, %s's create: %d %v, want 201", tt.afterWait, a.status, a.body)
			}
		})
	}
}

func countOf(xs []int, x int) int {
	n := 0
	for _, v := range xs {
		if v == x {
			n++
		}
	}
	return n
}
