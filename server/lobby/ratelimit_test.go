package lobby

import (
	"bytes"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tickarena/tickarena/internal/servertest"
	"github.com/tickarena/tickarena/server/session"
)

// TestRoomCreationIsBoundedPerPlayerAndAddress: -room-create-rate N lets a
// player create N rooms in any minute and -room-create-rate-per-ip M lets an
// address create M, all at once or spread out; the next is refused with 429,
// Retry-After and a message saying which limit it hit, until the first
// creation is a minute old. The clock is synctest's.
func TestRoomCreationIsBoundedPerPlayerAndAddress(t *testing.T) {
	tests := []struct {
		name             string
		perPlayer, perIP int
		creators         []string // who posts, in order
		want             []int    // the status each gets
		wantMsg          string   // in the last refusal
		limited          string   // refused until the first creation is a minute old
	}{
		{
			name: "one token flooding", perPlayer: 4, perIP: 1000,
			creators: []string{"ann", "ann", "ann", "ann", "ann", "ann", "bob"},
			want:     []int{201, 201, 201, 201, 429, 429, 201},
			wantMsg:  "you create rooms faster", limited: "ann",
		},
		{
			name: "many tokens from one address", perPlayer: 1000, perIP: 6,
			creators: []string{"ann", "bob", "cat", "dan", "eve", "fay", "gus", "hal"},
			want:     []int{201, 201, 201, 201, 201, 201, 429, 429},
			wantMsg:  "your address creates rooms faster", limited: "hal",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				local, err := NewLocal(newMemHost(), LocalOptions{Logger: slog.New(slog.DiscardHandler)})
				if err != nil {
					t.Fatal(err)
				}
				issuer, err := session.NewIssuer(bytes.Repeat([]byte("k"), 32), session.IssuerOptions{})
				if err != nil {
					t.Fatal(err)
				}
				mux := http.NewServeMux()
				NewHandler(local, issuer, HandlerOptions{Logger: slog.New(slog.DiscardHandler),
					CreatePerPlayer: tt.perPlayer, CreatePerAddr: tt.perIP}).Register(mux)
				api := servertest.Direct(mux)
				tl := &testLobby{url: api.URL, http: api.HTTP}
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
				start := time.Now()
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
				if got := last.header.Get("Retry-After"); got != "60" {
					t.Errorf("429 at once with Retry-After %q, want 60 (the first creation leaves the window in a minute)", got)
				}
				if !strings.Contains(last.str("error"), tt.wantMsg) {
					t.Errorf("429 says %q, want it to mention %q", last.str("error"), tt.wantMsg)
				}
				if n := len(local.host.Rooms()); n != countOf(tt.want, 201) {
					t.Errorf("%d rooms run, want one per 201", n)
				}
				time.Sleep(time.Until(start.Add(59 * time.Second)))
				if a := tl.do(t, "POST", "/api/rooms", token(tt.limited), `{}`); a.status != http.StatusTooManyRequests || a.header.Get("Retry-After") != "1" {
					t.Errorf("59 s later, %s's create: %d, Retry-After %q; want 429, 1", tt.limited, a.status, a.header.Get("Retry-After"))
				}
				time.Sleep(time.Second)
				if a := tl.do(t, "POST", "/api/rooms", token(tt.limited), `{}`); a.status != http.StatusCreated {
					t.Errorf("a minute later, %s's create: %d %v, want 201", tt.limited, a.status, a.body)
				}
			})
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
