package tlsconf

import (
	"crypto/tls"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tickarena/tickarena/internal/certtest"
	"github.com/tickarena/tickarena/internal/testwait"
)

var quiet = slog.New(slog.DiscardHandler)

// serial connects to addr over TLS and returns the serial of the certificate served.
func serial(t *testing.T, addr string) *big.Int {
	t.Helper()
	c, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", addr, &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatalf("TLS handshake with %s: %v", addr, err)
	}
	defer c.Close()
	return c.ConnectionState().PeerCertificates[0].SerialNumber
}

// TestReloadOnChange: a renewed certificate written over the files is served
// to new connections without a restart; a broken renewal keeps the old one.
func TestReloadOnChange(t *testing.T) {
	dir := t.TempDir()
	first := certtest.Write(t, dir, "site")
	tl, err := New(Options{CertFile: first.CertFile, KeyFile: first.KeyFile, ReloadCheck: 50 * time.Millisecond, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})}
	go srv.Serve(tl.Listener(inner))
	defer srv.Close()
	addr := inner.Addr().String()

	if got := serial(t, addr); got.Cmp(first.Serial) != 0 {
		t.Fatalf("serves serial %v, want the first certificate's %v", got, first.Serial)
	}
	second := certtest.Write(t, dir, "site")
	waitSerial(t, addr, second.Serial, "the renewed certificate")

	// A half-written renewal (a key that does not match) is not served.
	third := certtest.Write(t, t.TempDir(), "other")
	key, _ := os.ReadFile(third.KeyFile)
	if err := os.WriteFile(first.KeyFile, key, 0o600); err != nil {
		t.Fatal(err)
	}
	time.Sleep(150 * time.Millisecond)
	if got := serial(t, addr); got.Cmp(second.Serial) != 0 {
		t.Errorf("after a broken renewal serves %v, want the previous %v", got, second.Serial)
	}
}

func waitSerial(t *testing.T, addr string, want *big.Int, what string) {
	t.Helper()
	testwait.Until(t, 5*time.Second, what+" to be served", func() bool { return serial(t, addr).Cmp(want) == 0 })
}

func TestNewRejects(t *testing.T) {
	dir := t.TempDir()
	p := certtest.Write(t, dir, "site")
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"nothing", Options{}, "neither"},
		{"cert without key", Options{CertFile: p.CertFile}, "both"},
		{"both sources", Options{CertFile: p.CertFile, KeyFile: p.KeyFile, ACMEDomains: []string{"a.example"}}, "exclusive"},
		{"missing file", Options{CertFile: filepath.Join(dir, "nope.crt"), KeyFile: p.KeyFile}, "nope.crt"},
		{"key is not a key", Options{CertFile: p.CertFile, KeyFile: p.CertFile}, "load"},
		{"ACME without cache", Options{ACMEDomains: []string{"a.example"}}, "cache"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err %v, want one saying %q", err, tt.want)
			}
		})
	}
}

// TestACMEWiring checks what can be checked without reaching a CA: the
// cache directory is created, tls-alpn-01 is offered, the HTTP port answers
// challenge paths itself and redirects the rest, and a name outside the
// list is refused at the handshake without asking any CA.
func TestACMEWiring(t *testing.T) {
	cache := filepath.Join(t.TempDir(), "acme")
	tl, err := New(Options{ACMEDomains: []string{"arena.example"}, ACMECacheDir: cache, ACMEDirectory: "http://127.0.0.1:1/directory", Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(cache); err != nil || !fi.IsDir() {
		t.Errorf("cache directory not created: %v", err)
	}
	if !tl.ACME() || !strings.Contains(strings.Join(tl.Config().NextProtos, " "), "acme-tls/1") {
		t.Errorf("ACME %v, ALPN %v: want tls-alpn-01 offered", tl.ACME(), tl.Config().NextProtos)
	}
	h := tl.RedirectHandler("", "443")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "http://arena.example/.well-known/acme-challenge/abc", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("unknown challenge token: %d, want 404 from the ACME handler (not a redirect)", rec.Code)
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "http://evil.example/.well-known/acme-challenge/abc", nil))
	if rec.Code != http.StatusForbidden {
		t.Errorf("challenge for a host not listed: %d, want 403", rec.Code)
	}
	if _, err := tl.Config().GetCertificate(&tls.ClientHelloInfo{ServerName: "evil.example"}); err == nil {
		t.Error("a certificate was attempted for a host not listed")
	}
}

func TestRedirectHandler(t *testing.T) {
	dir := t.TempDir()
	p := certtest.Write(t, dir, "site")
	tl, err := New(Options{CertFile: p.CertFile, KeyFile: p.KeyFile, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, base, port, url, want string
	}{
		{"default port", "", "443", "http://arena.example/play?room=a", "https://arena.example/play?room=a"},
		{"other port", "", "8443", "http://arena.example:8080/", "https://arena.example:8443/"},
		{"public URL", "https://arena.example", "8443", "http://10.0.0.1/leaderboard", "https://arena.example/leaderboard"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			tl.RedirectHandler(tt.base, tt.port).ServeHTTP(rec, httptest.NewRequest("GET", tt.url, nil))
			if rec.Code != http.StatusMovedPermanently || rec.Header().Get("Location") != tt.want {
				t.Errorf("%d to %q, want 301 to %q", rec.Code, rec.Header().Get("Location"), tt.want)
			}
		})
	}
}

func TestHSTSOnlyOverTLS(t *testing.T) {
	h := HSTSHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "http://a.example/", nil))
	if rec.Header().Get("Strict-Transport-Security") != "" {
		t.Error("HSTS sent over plain HTTP")
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "https://a.example/", nil))
	if rec.Header().Get("Strict-Transport-Security") != HSTS {
		t.Error("no HSTS over TLS")
	}
}
