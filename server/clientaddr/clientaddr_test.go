package clientaddr

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func mustTrust(t *testing.T, list string) Trusted {
	t.Helper()
	tr, err := ParseTrusted(list)
	if err != nil {
		t.Fatalf("ParseTrusted(%q): %v", list, err)
	}
	return tr
}

func TestParseTrusted(t *testing.T) {
	tr := mustTrust(t, " 10.0.0.0/8, 127.0.0.1 ,::1, fd00::/8, ::ffff:192.168.0.0/112")
	if got, want := tr.String(), "10.0.0.0/8,127.0.0.1/32,::1/128,fd00::/8,192.168.0.0/16"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	for _, bad := range []string{"10.0.0.0/33", "localhost", "10.0.0.0/8,nope", "1.2.3.4/"} {
		if _, err := ParseTrusted(bad); err == nil {
			t.Errorf("ParseTrusted(%q) accepted it", bad)
		} else if !strings.Contains(err.Error(), "CIDR") {
			t.Errorf("ParseTrusted(%q) error %q does not say what is wanted", bad, err)
		}
	}
	if !mustTrust(t, "").Empty() {
		t.Error("an empty list trusts somebody")
	}
}

func TestResolve(t *testing.T) {
	tests := []struct {
		name       string
		trusted    string
		peer       string
		tls        bool
		header     map[string][]string
		want       string
		wantSecure bool
	}{
		{"no proxy trusted: the peer, headers ignored", "", "203.0.113.9:4000",
			false, map[string][]string{"X-Forwarded-For": {"198.51.100.1"}, "X-Forwarded-Proto": {"https"}}, "203.0.113.9", false},
		{"untrusted peer forges a header", "10.0.0.0/8", "203.0.113.9:4000",
			false, map[string][]string{"X-Forwarded-For": {"10.0.0.5, 198.51.100.1"}, "Forwarded": {"for=198.51.100.2"}}, "203.0.113.9", false},
		{"trusted proxy, one hop", "10.0.0.0/8", "10.0.0.2:4000",
			false, map[string][]string{"X-Forwarded-For": {"198.51.100.1"}}, "198.51.100.1", false},
		{"trusted proxy, no header: the proxy", "10.0.0.0/8", "10.0.0.2:4000",
			false, nil, "10.0.0.2", false},
		{"client forges the left of the chain", "10.0.0.0/8", "10.0.0.2:4000",
			false, map[string][]string{"X-Forwarded-For": {"1.1.1.1, 198.51.100.1"}}, "198.51.100.1", false},
		{"two trusted proxies", "10.0.0.0/8", "10.0.0.2:4000",
			false, map[string][]string{"X-Forwarded-For": {"198.51.100.1, 10.0.0.7"}}, "198.51.100.1", false},
		{"header on two lines", "10.0.0.0/8", "10.0.0.2:4000",
			false, map[string][]string{"X-Forwarded-For": {"1.1.1.1", "198.51.100.1, 10.0.0.7"}}, "198.51.100.1", false},
		{"all hops trusted: the leftmost", "10.0.0.0/8", "10.0.0.2:4000",
			false, map[string][]string{"X-Forwarded-For": {"10.1.1.1, 10.0.0.7"}}, "10.1.1.1", false},
		{"garbage hop stops the walk", "10.0.0.0/8", "10.0.0.2:4000",
			false, map[string][]string{"X-Forwarded-For": {"198.51.100.1, nonsense, 10.0.0.7"}}, "10.0.0.7", false},
		{"X-Forwarded-Proto https", "10.0.0.0/8", "10.0.0.2:4000",
			false, map[string][]string{"X-Forwarded-For": {"198.51.100.1"}, "X-Forwarded-Proto": {"https"}}, "198.51.100.1", true},
		{"Forwarded wins over X-Forwarded-For", "10.0.0.0/8", "10.0.0.2:4000",
			false, map[string][]string{"Forwarded": {`for=198.51.100.3;proto=https`}, "X-Forwarded-For": {"198.51.100.1"}}, "198.51.100.3", true},
		{"Forwarded with IPv6, port and quotes", "10.0.0.0/8,fd00::/8", "[fd00::1]:4000",
			false, map[string][]string{"Forwarded": {`for="[2001:db8:cafe::17]:4711";proto=http, for=10.0.0.9`}}, "2001:db8:cafe::17", false},
		{"Forwarded unknown hop", "10.0.0.0/8", "10.0.0.2:4000",
			false, map[string][]string{"Forwarded": {`for=unknown, for=10.0.0.9`}}, "10.0.0.9", false},
		{"Forwarded with a comma in a quoted value", "10.0.0.0/8", "10.0.0.2:4000",
			false, map[string][]string{"Forwarded": {`for=198.51.100.4;by="a,b"`}}, "198.51.100.4", false},
		{"IPv4-mapped peer matches an IPv4 network", "127.0.0.1", "[::ffff:127.0.0.1]:4000",
			false, map[string][]string{"X-Forwarded-For": {"198.51.100.1"}}, "198.51.100.1", false},
		{"own TLS", "", "203.0.113.9:4000", true, nil, "203.0.113.9", true},
		{"unparsable peer", "10.0.0.0/8", "@", false, nil, "@", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tt.peer
			if tt.tls {
				r.TLS = &tls.ConnectionState{}
			}
			for k, vs := range tt.header {
				for _, v := range vs {
					r.Header.Add(k, v)
				}
			}
			var got string
			var secure bool
			mustTrust(t, tt.trusted).Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got, secure = From(r), Secure(r)
			})).ServeHTTP(httptest.NewRecorder(), r)
			if got != tt.want || secure != tt.wantSecure {
				t.Errorf("client %q secure %v, want %q secure %v", got, secure, tt.want, tt.wantSecure)
			}
		})
	}
}

// TestFromWithoutMiddleware: a handler tested alone still gets the peer.
func TestFromWithoutMiddleware(t *testing.T) {
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "192.0.2.1:1234"
	r.Header.Set("X-Forwarded-For", "198.51.100.1")
	if got := From(r); got != "192.0.2.1" {
		t.Errorf("From = %q, want the peer 192.0.2.1", got)
	}
}

// TestLongChain: a forged chain of thousands of hops costs bounded work and
// still yields the hop the trusted proxy added.
func TestLongChain(t *testing.T) {
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "10.0.0.2:1"
	r.Header.Set("X-Forwarded-For", strings.Repeat("1.2.3.4, ", 5000)+"198.51.100.1")
	if got := mustTrust(t, "10.0.0.0/8").Resolve(r).Addr.String(); got != "198.51.100.1" {
		t.Errorf("client %q, want 198.51.100.1", got)
	}
}

// FuzzResolve feeds forwarding headers from a trusted proxy: Resolve never
// panics, always names a client, and names the peer when the headers hold
// no address.
func FuzzResolve(f *testing.F) {
	f.Add("198.51.100.1, 10.0.0.7", `for=198.51.100.3;proto=https`, "https")
	f.Add("", `for="[2001:db8::1]:4711", for=unknown`, "")
	f.Add(`"[::1]"`, `for=";;,,"`, "http, https")
	tr, _ := ParseTrusted("10.0.0.0/8")
	f.Fuzz(func(t *testing.T, xff, fwd, proto string) {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = "10.0.0.2:1"
		if xff != "" {
			r.Header.Set("X-Forwarded-For", xff)
		}
		if fwd != "" {
			r.Header.Set("Forwarded", fwd)
		}
		r.Header.Set("X-Forwarded-Proto", proto)
		info := tr.Resolve(r)
		if !info.Addr.IsValid() {
			t.Fatalf("no client address for xff %q forwarded %q", xff, fwd)
		}
		if got := info.Addr.String(); got != "10.0.0.2" && !strings.ContainsAny(xff+fwd, "0123456789:") {
			t.Errorf("client %s is not the peer, yet the headers %q %q hold no address", got, xff, fwd)
		}
	})
}
