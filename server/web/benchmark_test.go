package web_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/tickarena/tickarena/server/web"
)

// BenchmarkServe measures one request answered from memory, in-process,
// for the representations a browser asks for.
func BenchmarkServe(b *testing.B) {
	h, err := web.New(web.Options{FS: siteFS(b, true), Logger: quietLogger})
	if err != nil {
		b.Fatal(err)
	}
	first := httptest.NewRecorder()
	h.ServeHTTP(first, httptest.NewRequest(http.MethodGet, "/static/game.wasm", nil))
	etag := first.Header().Get("ETag")
	cases := []struct {
		name   string
		path   string
		header map[string]string
	}{
		{"page/gzip", "/", map[string]string{"Accept-Encoding": "gzip, deflate, br"}},
		{"wasm/gzip", "/static/game.wasm", map[string]string{"Accept-Encoding": "gzip"}},
		{"wasm/identity", "/static/game.wasm", nil},
		{"wasm/304", "/static/game.wasm", map[string]string{"If-None-Match": etag}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, c.path, nil)
			for k, v := range c.header {
				req.Header.Set(k, v)
			}
			var bytes int
			b.ReportAllocs()
			for b.Loop() {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, req)
				if w.Code != http.StatusOK && w.Code != http.StatusNotModified {
					b.Fatalf("status %d", w.Code)
				}
				bytes = w.Body.Len()
			}
			b.ReportMetric(float64(bytes), "B/response")
		})
	}
}
