package cluster

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/tickarena/tickarena/internal/redistest"
)

// TestSignedRequestsMustBeFresh: a node accepts a request signed by another
// node of its cluster whose clock is a little ahead or behind, and refuses one
// dated beyond the allowed skew either way: a captured request cannot be
// replayed later, and one dated in the future cannot be kept for replaying.
func TestSignedRequestsMustBeFresh(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	n, host := newTestNode(t, srv, "http://127.0.0.1:1")
	mux := http.NewServeMux()
	n.Register(mux)
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	ctx := context.Background()
	n.Run(ctx)
	t.Cleanup(func() { _ = n.Leave(ctx) })

	body := []byte(`{"name":"Remote","capacity":4,"round_seconds":60,"public":true}`)
	tests := []struct {
		name string
		skew time.Duration // signing clock minus the receiver's
		want int
	}{
		{"signer's clock 30 s behind", -30 * time.Second, http.StatusCreated},
		{"signer's clock 30 s ahead", 30 * time.Second, http.StatusCreated},
		{"dated two minutes ago", -2 * time.Minute, http.StatusUnauthorized},
		{"dated two minutes ahead", 2 * time.Minute, http.StatusUnauthorized},
		{"dated an hour ahead", time.Hour, http.StatusUnauthorized},
		{"dated a year ahead", 365 * 24 * time.Hour, http.StatusUnauthorized},
	}
	created := 0
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, ts.URL+"/internal/rooms", bytes.NewReader(body))
			req.Header.Set(signatureHeader, n.sign(http.MethodPost, "/internal/rooms", time.Now().Add(tt.skew), body))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Errorf("status = %d %s; want %d", resp.StatusCode, b, tt.want)
			}
			if tt.want == http.StatusCreated {
				created++
			}
		})
	}
	if got := len(host.Rooms()); got != created {
		t.Errorf("rooms created = %d; want %d (the fresh requests only)", got, created)
	}
}
