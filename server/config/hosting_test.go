package config

import (
	"bytes"
	"strings"
	"testing"
)

// TestHostingFlags covers the flags of running on the public internet.
func TestHostingFlags(t *testing.T) {
	var out bytes.Buffer
	c, err := Parse([]string{"-trusted-proxies", "10.0.0.0/8, 127.0.0.1", "-proxy-protocol"}, envOf(nil), &out)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if got := c.TrustedProxies.String(); got != "10.0.0.0/8,127.0.0.1/32" || !c.ProxyProtocol {
		t.Errorf("trusted %q proxy protocol %v", got, c.ProxyProtocol)
	}
	c, err = Parse(nil, envOf(map[string]string{"TICKARENA_TRUSTED_PROXIES": "fd00::/8"}), &out)
	if err != nil || c.TrustedProxies.String() != "fd00::/8" {
		t.Errorf("from the environment: %q, %v", c.TrustedProxies.String(), err)
	}
	if c, _ := Parse(nil, envOf(nil), &out); !c.TrustedProxies.Empty() || c.TLS() {
		t.Error("a proxy is trusted, or TLS is on, by default")
	}
	c, err = Parse([]string{"-db", "/var/lib/tickarena/t.db", "-acme-domain", "arena.example, www.arena.example", "-http-redirect-addr", ":80"}, envOf(nil), &out)
	if err != nil {
		t.Fatalf("Parse ACME: %v", err)
	}
	if !c.TLS() || len(c.ACMEDomains) != 2 || c.ACMECacheDir() != "/var/lib/tickarena/acme" {
		t.Errorf("ACME: TLS %v, domains %q, cache %q", c.TLS(), c.ACMEDomains, c.ACMECacheDir())
	}
}

func TestHostingFlagsRejected(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"trusted proxy not a CIDR", []string{"-trusted-proxies", "proxy.example"}, "-trusted-proxies"},
		{"PROXY protocol without trusted proxies", []string{"-proxy-protocol"}, "-proxy-protocol"},
		{"certificate without key", []string{"-tls-cert", "a.crt"}, "-tls-key"},
		{"files and ACME", []string{"-tls-cert", "a.crt", "-tls-key", "a.key", "-acme-domain", "a.example"}, "-acme-domain"},
		{"ACME domain with a scheme", []string{"-acme-domain", "https://a.example"}, "-acme-domain"},
		{"redirect without TLS", []string{"-http-redirect-addr", ":80"}, "-http-redirect-addr"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			_, err := Parse(tt.args, envOf(nil), &out)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one naming %s", err, tt.want)
			}
		})
	}
}
