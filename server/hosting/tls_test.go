package hosting

import (
	"crypto/tls"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tickarena/tickarena/internal/certtest"
	"github.com/tickarena/tickarena/internal/servertest"
	"github.com/tickarena/tickarena/internal/testwait"
)

// TestTLSInTheBinary: with -tls-cert the node serves HTTPS with HSTS, the
// lobby hands out wss:// URLs, a game connection over wss:// plays, and the
// plain-HTTP port only redirects.
func TestTLSInTheBinary(t *testing.T) {
	pair := certtest.Write(t, t.TempDir(), "node")
	redirect := servertest.FreeAddr(t)
	p := servertest.StartWith(t, servertest.Options{HTTPS: true, Args: []string{
		"-tls-cert", pair.CertFile, "-tls-key", pair.KeyFile, "-http-redirect-addr", redirect,
		"-db", t.TempDir() + "/t.db"}})
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pair.Pool()}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	resp, err := client.Get(p.URL + "/")
	if err != nil {
		t.Fatalf("GET / over HTTPS with the test's certificate trusted: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Strict-Transport-Security") == "" {
		t.Errorf("GET /: %d, HSTS %q; want 200 with HSTS", resp.StatusCode, resp.Header.Get("Strict-Transport-Security"))
	}

	// The lobby's room URL is wss:// since the page came over TLS.
	req, _ := http.NewRequest("POST", p.URL+"/api/session", strings.NewReader(`{"name":"Ace"}`))
	resp, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var sess struct{ Token string }
	_ = json.NewDecoder(resp.Body).Decode(&sess)
	resp.Body.Close()
	req, _ = http.NewRequest("POST", p.URL+"/api/play", strings.NewReader(`{}`))
	req.Header.Set("Authorization", "Bearer "+sess.Token)
	resp, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var room struct {
		ID    string `json:"id"`
		WSURL string `json:"ws_url"`
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	_ = json.Unmarshal(body, &room)
	if !strings.HasPrefix(room.WSURL, "wss://"+p.Addr+"/ws") {
		t.Fatalf("quick play over HTTPS gave ws_url %q (%s), want wss://%s/ws...", room.WSURL, body, p.Addr)
	}

	// Plain HTTP on the redirect port goes to HTTPS, path kept.
	resp, err = client.Get("http://" + redirect + "/leaderboard?x=1")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	_, port, _ := strings.Cut(p.Addr, ":")
	if want := "https://127.0.0.1:" + port + "/leaderboard?x=1"; resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != want {
		t.Errorf("plain HTTP: %d to %q, want 301 to %q", resp.StatusCode, resp.Header.Get("Location"), want)
	}
	// Plain HTTP on the TLS port is not served.
	if resp, err := (&http.Client{Timeout: 5 * time.Second}).Get("http://" + p.Addr + "/"); err == nil {
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			t.Error("plain HTTP on the TLS port answered 200")
		}
	}
}

// TestCertificateRenewalNeedsNoRestart replaces the certificate files of a
// running node; new connections get the new certificate.
func TestCertificateRenewalNeedsNoRestart(t *testing.T) {
	dir := t.TempDir()
	first := certtest.Write(t, dir, "node")
	p := servertest.StartWith(t, servertest.Options{HTTPS: true, Args: []string{
		"-tls-cert", first.CertFile, "-tls-key", first.KeyFile, "-db", t.TempDir() + "/t.db"}})
	serial := func() string {
		c, err := tls.Dial("tcp", p.Addr, &tls.Config{InsecureSkipVerify: true})
		if err != nil {
			t.Fatalf("TLS handshake: %v", err)
		}
		defer c.Close()
		return c.ConnectionState().PeerCertificates[0].SerialNumber.String()
	}
	if got := serial(); got != first.Serial.String() {
		t.Fatalf("serves %s, want the first certificate %s", got, first.Serial)
	}
	second := certtest.Write(t, dir, "node")
	// The node checks the files at most every 10 seconds.
	testwait.Until(t, 30*time.Second, "the renewed certificate to be served", func() bool {
		return serial() == second.Serial.String()
	})
	p.WaitLog(t, 10*time.Second, "certificate reloaded")
}
