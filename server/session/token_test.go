package session

import (
	"bytes"
	"encoding/base64"
	"errors"
	"regexp"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

var testSecret = []byte("0123456789abcdef0123456789abcdef")

func newTestIssuer(t testing.TB) *Issuer {
	t.Helper()
	is, err := NewIssuer(testSecret, IssuerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return is
}

func TestNewIssuerRejectsShortSecret(t *testing.T) {
	_, err := NewIssuer(make([]byte, MinSecretLen-1), IssuerOptions{})
	if !errors.Is(err, ErrShortSecret) {
		t.Fatalf("err = %v, want ErrShortSecret", err)
	}
	if len(GenerateSecret()) != MinSecretLen || bytes.Equal(GenerateSecret(), GenerateSecret()) {
		t.Fatal("GenerateSecret must return fresh random secrets of MinSecretLen bytes")
	}
}

func TestIssueVerifyRoundTrip(t *testing.T) {
	is := newTestIssuer(t)
	hexID := regexp.MustCompile(`^[0-9a-f]{16}$`)
	tests := []struct {
		name, in, want string
		maxLen         int
	}{
		{name: "ascii", in: "alice", want: "alice", maxLen: 80},
		{name: "longest ascii", in: strings.Repeat("w", 16), want: strings.Repeat("w", 16), maxLen: 90},
		{name: "longest cjk", in: strings.Repeat("日", 16), want: strings.Repeat("日", 16), maxLen: 120},
		{name: "cleaned", in: "  two  words ", want: "two words", maxLen: 80},
	}
	for _, tt := range tests {
		// In a bubble the clock stands still on a whole second, so the
		// token must say exactly when it was issued.
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s, tok, err := is.Issue(tt.in)
				if err != nil {
					t.Fatal(err)
				}
				if len(tok) > tt.maxLen {
					t.Errorf("token is %d chars, want at most %d", len(tok), tt.maxLen)
				}
				if !hexID.MatchString(s.PlayerID) || s.Name != tt.want || !s.IssuedAt.Equal(time.Now()) {
					t.Errorf("Issue at %v = %+v", time.Now(), s)
				}
				got, err := is.Verify(tok)
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				if got.PlayerID != s.PlayerID || got.Name != s.Name || !got.IssuedAt.Equal(s.IssuedAt) {
					t.Errorf("Verify = %+v, want %+v", got, s)
				}
			})
		})
	}
}

func TestIssueGivesDistinctPlayers(t *testing.T) {
	is := newTestIssuer(t)
	seen := map[string]bool{}
	for range 1000 {
		s, _, err := is.Issue("same")
		if err != nil {
			t.Fatal(err)
		}
		if seen[s.PlayerID] {
			t.Fatalf("player id %s issued twice", s.PlayerID)
		}
		seen[s.PlayerID] = true
	}
}

func TestIssueRejectsInvalidName(t *testing.T) {
	is := newTestIssuer(t)
	if _, _, err := is.Issue("a\u200bb"); !errors.Is(err, ErrInvalidName) {
		t.Fatalf("err = %v, want ErrInvalidName", err)
	}
}

func TestRenewKeepsPlayerID(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		is := newTestIssuer(t)
		s, _, _ := is.Issue("before")
		time.Sleep(time.Hour)
		r, tok, err := is.Renew(s, "after")
		if err != nil {
			t.Fatal(err)
		}
		got, err := is.Verify(tok)
		if err != nil {
			t.Fatal(err)
		}
		if got.PlayerID != s.PlayerID || got.Name != "after" || !got.IssuedAt.Equal(r.IssuedAt) || !r.IssuedAt.Equal(s.IssuedAt.Add(time.Hour)) {
			t.Fatalf("renewed an hour later = %+v from %+v; want the same player id, issued an hour later", got, s)
		}
	})
}

func TestVerifyRejects(t *testing.T) {
	is := newTestIssuer(t)
	_, tok, _ := is.Issue("alice")
	raw, _ := base64.RawURLEncoding.DecodeString(tok)
	flip := func(i int) string {
		b := append([]byte(nil), raw...)
		b[i] ^= 1
		return base64.RawURLEncoding.EncodeToString(b)
	}
	other, _ := NewIssuer(bytes.Repeat([]byte{7}, 32), IssuerOptions{})
	_, otherTok, _ := other.Issue("alice")
	tests := []struct {
		name  string
		token string
		want  error
	}{
		{name: "empty", token: "", want: ErrInvalidToken},
		{name: "not base64", token: "!!!!", want: ErrInvalidToken},
		{name: "padded", token: tok + "=", want: ErrInvalidToken},
		{name: "newline inside", token: tok[:10] + "\n" + tok[10:], want: ErrInvalidToken},
		{name: "standard base64 alphabet", token: strings.NewReplacer("-", "+", "_", "/").Replace(tok) + "+", want: ErrInvalidToken},
		{name: "truncated", token: tok[:len(tok)-2], want: ErrInvalidToken},
		{name: "too long", token: strings.Repeat("A", 400), want: ErrInvalidToken},
		{name: "version flipped", token: flip(0), want: ErrInvalidToken},
		{name: "player id flipped", token: flip(3), want: ErrInvalidToken},
		{name: "issued-at flipped", token: flip(15), want: ErrInvalidToken},
		{name: "name flipped", token: flip(len(raw) - macLen - 1), want: ErrInvalidToken},
		{name: "mac flipped", token: flip(len(raw) - 1), want: ErrInvalidToken},
		{name: "other secret", token: otherTok, want: ErrInvalidToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if s, err := is.Verify(tt.token); !errors.Is(err, tt.want) {
				t.Fatalf("Verify = %+v, %v; want %v", s, err, tt.want)
			}
		})
	}
}

func TestVerifyExpiry(t *testing.T) {
	tests := []struct {
		name  string
		after time.Duration // since the token was issued
		want  error
	}{
		{name: "fresh", after: 0},
		{name: "just before expiry", after: 48*time.Hour - time.Second},
		{name: "exactly at expiry", after: 48 * time.Hour},
		{name: "past expiry", after: 48*time.Hour + time.Second, want: ErrExpired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				is, _ := NewIssuer(testSecret, IssuerOptions{TTL: 48 * time.Hour})
				_, tok, _ := is.Issue("alice")
				time.Sleep(tt.after)
				_, err := is.Verify(tok)
				if !errors.Is(err, tt.want) && !(tt.want == nil && err == nil) {
					t.Fatalf("Verify after %v: %v, want %v", tt.after, err, tt.want)
				}
			})
		})
	}
}

func TestVerifyDefaultTTLIsThirtyDays(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		is := newTestIssuer(t)
		_, tok, _ := is.Issue("alice")
		time.Sleep(29 * 24 * time.Hour)
		if _, err := is.Verify(tok); err != nil {
			t.Fatalf("after 29 days: %v", err)
		}
		time.Sleep(2 * 24 * time.Hour)
		if _, err := is.Verify(tok); !errors.Is(err, ErrExpired) {
			t.Fatalf("after 31 days: %v, want ErrExpired", err)
		}
	})
}

func TestVerifyRejectsFutureToken(t *testing.T) {
	is := newTestIssuer(t)
	s, _, _ := is.Issue("alice")
	_, tok, _ := is.issueAt(s.PlayerID, s.Name, time.Now().Add(time.Hour))
	if _, err := is.Verify(tok); !errors.Is(err, ErrInvalidToken) {
		t.Fatalf("token from an hour ahead: %v, want ErrInvalidToken", err)
	}
}

// FuzzVerify feeds arbitrary tokens to Verify, and the same bytes as a
// correctly signed payload so that the parser behind the signature check is
// reached too. Whatever Verify accepts must be a well-formed session that
// encodes back to the same token.
func FuzzVerify(f *testing.F) {
	is := newTestIssuer(f)
	_, tok, _ := is.Issue("seed")
	f.Add(tok)
	f.Add("")
	f.Add("AQ")
	hexID := regexp.MustCompile(`^[0-9a-f]{16}$`)
	f.Fuzz(func(t *testing.T, token string) {
		check := func(tok string) {
			s, err := is.Verify(tok)
			if err != nil {
				if !errors.Is(err, ErrInvalidToken) && !errors.Is(err, ErrExpired) {
					t.Fatalf("Verify(%q) error %v wraps neither ErrInvalidToken nor ErrExpired", tok, err)
				}
				return
			}
			if !hexID.MatchString(s.PlayerID) {
				t.Fatalf("accepted player id %q", s.PlayerID)
			}
			if clean, err := ValidateName(s.Name); err != nil || clean != s.Name {
				t.Fatalf("accepted name %q", s.Name)
			}
			// Re-issuing at the same instant must give back the same bytes.
			_, tok2, err := is.issueAt(s.PlayerID, s.Name, s.IssuedAt)
			if err != nil || tok2 != tok {
				t.Fatalf("accepted %q but it re-encodes as %q (%v)", tok, tok2, err)
			}
		}
		check(token)
		check(base64.RawURLEncoding.EncodeToString(is.seal([]byte(token))))
	})
}
