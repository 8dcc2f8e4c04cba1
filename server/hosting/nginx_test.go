package hosting

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tickarena/tickarena/internal/certtest"
	"github.com/tickarena/tickarena/internal/servertest"
	"github.com/tickarena/tickarena/internal/testwait"
)

// startNginx runs nginx with deploy/nginx/tickarena.conf, its ports, server
// address and certificate paths replaced by the test's, after `nginx -t`
// accepted it. It returns the HTTPS and HTTP addresses.
func startNginx(t *testing.T, upstream string, pair certtest.Pair) (httpsAddr, httpAddr string) {
	t.Helper()
	bin, err := exec.LookPath("nginx")
	if err != nil {
		for _, p := range []string{"/usr/sbin/nginx", "/usr/local/sbin/nginx"} {
			if _, serr := os.Stat(p); serr == nil {
				bin, err = p, nil
			}
		}
	}
	if err != nil {
		if os.Getenv("CI") == "" {
			t.Skip("nginx is not installed (apt-get install nginx-light)")
		}
		t.Fatal("nginx is not installed and CI is set: apt-get install nginx-light")
	}
	dir := t.TempDir()
	httpsAddr, httpAddr = servertest.FreeAddr(t), servertest.FreeAddr(t)
	site := readDeploy(t, "nginx/tickarena.conf")
	for old, repl := range map[string]string{
		"    listen [::]:80;\n":      "",
		"    listen [::]:443 ssl;\n": "",
		"listen 80;":                 "listen " + httpAddr + ";",
		"listen 443 ssl;":            "listen " + httpsAddr + " ssl;",
		"/etc/letsencrypt/live/arena.example.com/fullchain.pem": pair.CertFile,
		"/etc/letsencrypt/live/arena.example.com/privkey.pem":   pair.KeyFile,
		"server 127.0.0.1:8080;":                                "server " + upstream + ";",
	} {
		if !strings.Contains(site, old) {
			t.Fatalf("deploy/nginx/tickarena.conf no longer holds %q, which the test replaces", old)
		}
		site = strings.ReplaceAll(site, old, repl)
	}
	main := fmt.Sprintf(`daemon off;
worker_processes 1;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log info;
events { worker_connections 256; }
http {
    access_log %[1]s/access.log;
    client_body_temp_path %[1]s/body;
    proxy_temp_path %[1]s/proxy;
    fastcgi_temp_path %[1]s/fastcgi;
    uwsgi_temp_path %[1]s/uwsgi;
    scgi_temp_path %[1]s/scgi;
    include %[1]s/site.conf;
}
`, dir)
	for name, text := range map[string]string{"site.conf": site, "nginx.conf": main} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	conf := filepath.Join(dir, "nginx.conf")
	if out, err := exec.Command(bin, "-t", "-p", dir, "-c", conf).CombinedOutput(); err != nil {
		t.Fatalf("nginx -t refuses the configuration: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "-p", dir, "-c", conf)
	if err := cmd.Start(); err != nil {
		t.Fatalf("start nginx: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			b, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Logf("nginx error log:\n%s", b)
		}
	})
	testwait.Until(t, 10*time.Second, "nginx to listen on "+httpsAddr, func() bool {
		c, err := net.Dial("tcp", httpsAddr)
		if err == nil {
			c.Close()
		}
		return err == nil
	})
	return httpsAddr, httpAddr
}

// clientFrom is an HTTPS client that connects from the loopback address src
// and trusts pair.
func clientFrom(src string, pair certtest.Pair) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}, Timeout: 5 * time.Second}
	return &http.Client{Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport: &http.Transport{DialContext: func(ctx context.Context, n, a string) (net.Conn, error) { return d.DialContext(ctx, n, a) },
			TLSClientConfig: &tls.Config{RootCAs: pair.Pool()}}}
}

// TestPlayThroughNginx plays through a real nginx on loopback with the
// configuration of deploy/nginx: TLS at nginx, the WebSocket upgraded
// through it, two players behind it counted apart by the node, and plain
// HTTP redirected.
func TestPlayThroughNginx(t *testing.T) {
	pair := certtest.Write(t, t.TempDir(), "nginx")
	upstream := servertest.FreeAddr(t)
	httpsAddr := ""
	p := servertest.StartWith(t, servertest.Options{Flags: func(addr string) []string {
		upstream = addr
		return []string{"-trusted-proxies", "127.0.0.1", "-session-rate", "1", "-db", t.TempDir() + "/t.db"}
	}})
	httpsAddr, httpAddr := startNginx(t, upstream, pair)
	base := "https://" + httpsAddr

	// Two players from two addresses, one proxy: each gets its own session;
	// the first player's second session is over its own rate.
	var token string
	for i, src := range []string{"127.0.0.2", "127.0.0.3", "127.0.0.2"} {
		req, _ := http.NewRequest("POST", base+"/api/session", strings.NewReader(`{"name":"Ace"}`))
		resp, err := clientFrom(src, pair).Do(req)
		if err != nil {
			t.Fatalf("session through nginx from %s: %v", src, err)
		}
		var s struct{ Token string }
		_ = json.NewDecoder(resp.Body).Decode(&s)
		resp.Body.Close()
		if i == 2 {
			if resp.StatusCode != http.StatusTooManyRequests {
				t.Errorf("second session from %s through nginx: %d, want 429", src, resp.StatusCode)
			}
			break
		}
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("session from %s through nginx: %d, want 201 (players behind one proxy counted apart)", src, resp.StatusCode)
		}
		token = s.Token
	}
	p.WaitLog(t, 5*time.Second, "ip=127.0.0.2")

	// Quick play: the lobby saw https (X-Forwarded-Proto) and hands out wss://.
	req, _ := http.NewRequest("POST", base+"/api/play", strings.NewReader(`{}`))
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := clientFrom("127.0.0.3", pair).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var room struct {
		ID    string `json:"id"`
		WSURL string `json:"ws_url"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&room)
	resp.Body.Close()
	host, _, _ := net.SplitHostPort(httpsAddr)
	if !strings.HasPrefix(room.WSURL, "wss://"+host) {
		t.Fatalf("ws_url %q, want wss://%s... behind a TLS proxy", room.WSURL, host)
	}

	// The game over wss:// through nginx: welcome, then deltas keep coming.
	pl, resp, err := servertest.DialTLS(t, "wss://"+httpsAddr+"/ws?room="+room.ID, nil, &tls.Config{RootCAs: pair.Pool(), ServerName: "127.0.0.1"})
	if err != nil {
		t.Fatalf("WebSocket through nginx: %v (%v)", err, resp)
	}
	w := pl.Join(t, token, room.ID)
	pl.Fly()
	testwait.Until(t, 10*time.Second, "60 deltas through nginx", func() bool { return pl.Deltas() >= 60 })
	t.Logf("playing through nginx as ship %d, %d deltas", w.Ship, pl.Deltas())

	// Plain HTTP at nginx redirects.
	resp, err = clientFrom("127.0.0.2", pair).Get("http://" + httpAddr + "/leaderboard")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMovedPermanently || !strings.HasPrefix(resp.Header.Get("Location"), "https://") {
		t.Errorf("plain HTTP at nginx: %d to %q, want 301 to https://", resp.StatusCode, resp.Header.Get("Location"))
	}
}
