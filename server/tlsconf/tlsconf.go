// Package tlsconf gives the server its TLS: a certificate and key from files,
// reloaded when the files change so that a renewed certificate needs no
// restart, or certificates obtained and renewed automatically from an ACME CA
// (Let's Encrypt) by golang.org/x/crypto/acme/autocert. It also answers the
// plain-HTTP port: ACME challenges, and a redirect to HTTPS for everything else.
//
// Connections speak HTTP/1.1 only: the game's WebSocket needs it, and a page
// fetched over HTTP/2 would gain little.
package tlsconf

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"sync"
	"time"

	"golang.org/x/crypto/acme"
	"golang.org/x/crypto/acme/autocert"
)

// DefaultReloadCheck is how often, at most, the certificate files are checked
// for a change.
const DefaultReloadCheck = 10 * time.Second

// HSTS is the Strict-Transport-Security value sent over TLS: browsers keep to
// HTTPS for this host for a year.
const HSTS = "max-age=31536000"

// Options say where certificates come from: files (CertFile and KeyFile) or
// ACME (ACMEDomains), not both.
type Options struct {
	// CertFile and KeyFile are PEM files of the certificate chain and its key.
	CertFile, KeyFile string
	// ReloadCheck is how often, at most, the files are checked for a change
	// (on a handshake, not by a timer). Zero means DefaultReloadCheck.
	ReloadCheck time.Duration
	// ACMEDomains are the host names to obtain certificates for.
	ACMEDomains []string
	// ACMECacheDir keeps the ACME account key and certificates. Required with ACMEDomains.
	ACMECacheDir string
	// ACMEEmail is the contact address given to the CA; empty gives none.
	ACMEEmail string
	// ACMEDirectory is the CA's directory URL. Empty means Let's Encrypt.
	ACMEDirectory string
	// Logger gets a line per reload and failed reload. Nil means slog.Default().
	Logger *slog.Logger
}

// TLS is a running TLS configuration.
type TLS struct {
	config *tls.Config
	acme   *autocert.Manager // nil with files
}

// New checks the options and, with files, loads them once: a missing or
// invalid pair is an error at start, not at the first handshake.
func New(opts Options) (*TLS, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	files := opts.CertFile != "" || opts.KeyFile != ""
	switch {
	case files && len(opts.ACMEDomains) > 0:
		return nil, errors.New("tls: certificate files and ACME are exclusive")
	case files:
		if opts.CertFile == "" || opts.KeyFile == "" {
			return nil, errors.New("tls: a certificate needs both its file and its key's")
		}
		r := &reloader{cert: opts.CertFile, key: opts.KeyFile, every: opts.ReloadCheck, log: opts.Logger}
		if r.every <= 0 {
			r.every = DefaultReloadCheck
		}
		if err := r.load(); err != nil {
			return nil, err
		}
		return &TLS{config: &tls.Config{
			MinVersion:     tls.VersionTLS12,
			GetCertificate: r.getCertificate,
			NextProtos:     []string{"http/1.1"},
		}}, nil
	case len(opts.ACMEDomains) > 0:
		if opts.ACMECacheDir == "" {
			return nil, errors.New("tls: ACME needs a cache directory")
		}
		if err := os.MkdirAll(opts.ACMECacheDir, 0o700); err != nil {
			return nil, fmt.Errorf("tls: ACME cache: %w", err)
		}
		m := &autocert.Manager{
			Prompt:     autocert.AcceptTOS,
			HostPolicy: autocert.HostWhitelist(opts.ACMEDomains...),
			Cache:      autocert.DirCache(opts.ACMECacheDir),
			Email:      opts.ACMEEmail,
		}
		if opts.ACMEDirectory != "" {
			m.Client = &acme.Client{DirectoryURL: opts.ACMEDirectory}
		}
		return &TLS{acme: m, config: &tls.Config{
			MinVersion:     tls.VersionTLS12,
			GetCertificate: m.GetCertificate,
			NextProtos:     []string{"http/1.1", acme.ALPNProto},
		}}, nil
	}
	return nil, errors.New("tls: neither certificate files nor ACME domains")
}

// Config returns the server's tls.Config.
func (t *TLS) Config() *tls.Config { return t.config }

// ACME reports whether certificates come from an ACME CA.
func (t *TLS) ACME() bool { return t.acme != nil }

// Listener wraps ln so that every connection is TLS.
func (t *TLS) Listener(ln net.Listener) net.Listener { return tls.NewListener(ln, t.config) }

// RedirectHandler answers the plain-HTTP port: ACME http-01 challenges when
// certificates come from ACME, and for everything else a permanent redirect
// to the same path on httpsBase (scheme://host[:port]) or, when it is empty,
// on https:// and the request's host with httpsPort ("" or "443" for none).
func (t *TLS) RedirectHandler(httpsBase, httpsPort string) http.Handler {
	redirect := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := r.Host
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		base := httpsBase
		if base == "" {
			if httpsPort != "" && httpsPort != "443" {
				host = net.JoinHostPort(host, httpsPort)
			}
			base = (&url.URL{Scheme: "https", Host: host}).String()
		}
		w.Header().Set("Connection", "close")
		http.Redirect(w, r, base+r.URL.RequestURI(), http.StatusMovedPermanently)
	})
	if t.acme != nil {
		return t.acme.HTTPHandler(redirect)
	}
	return redirect
}

// HSTSHandler adds Strict-Transport-Security to every answer sent over TLS.
func HSTSHandler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.TLS != nil {
			w.Header().Set("Strict-Transport-Security", HSTS)
		}
		next.ServeHTTP(w, r)
	})
}

// reloader serves a certificate pair from files and reloads it when either
// file's size or modification time changes. A pair that fails to load (a
// renewal half written) keeps the previous one until the next check.
type reloader struct {
	cert, key string
	every     time.Duration
	log       *slog.Logger

	mu      sync.Mutex
	current *tls.Certificate
	stamp   string // size and mtime of both files when current was loaded
	checked time.Time
}

func fileStamp(paths ...string) (string, error) {
	s := ""
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			return "", err
		}
		s += fmt.Sprintf("%d/%d;", fi.Size(), fi.ModTime().UnixNano())
	}
	return s, nil
}

// load reads the pair; the caller holds mu or is New.
func (r *reloader) load() error {
	stamp, err := fileStamp(r.cert, r.key)
	if err != nil {
		return fmt.Errorf("tls: %w", err)
	}
	pair, err := tls.LoadX509KeyPair(r.cert, r.key)
	if err != nil {
		return fmt.Errorf("tls: load %s and %s: %w", r.cert, r.key, err)
	}
	r.current, r.stamp, r.checked = &pair, stamp, time.Now()
	return nil
}

func (r *reloader) getCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if time.Since(r.checked) < r.every {
		return r.current, nil
	}
	r.checked = time.Now()
	stamp, err := fileStamp(r.cert, r.key)
	if err != nil || stamp == r.stamp {
		return r.current, nil
	}
	if err := r.load(); err != nil {
		r.log.Warn("tls: certificate changed but does not load; keeping the previous one", "err", err)
		return r.current, nil
	}
	r.log.Info("tls: certificate reloaded", "cert", r.cert, "not_after", r.current.Leaf.NotAfter)
	return r.current, nil
}
