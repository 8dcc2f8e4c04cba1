package session

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// MinSecretLen is the shortest secret, in bytes, that NewIssuer accepts.
const MinSecretLen = 32

// DefaultTokenTTL is how long a token stays valid when IssuerOptions.TTL is zero.
const DefaultTokenTTL = 30 * 24 * time.Hour

// Layout of a token before base64url encoding:
//
//	version (1) | player id (8) | issued-at, Unix seconds, big-endian (8) | name (UTF-8) | MAC (16)
//
// The MAC is HMAC-SHA256 over everything before it, truncated to 128 bits
// (half the hash, the shortest RFC 2104 recommends) to keep tokens short.
const (
	tokenVersion = 1
	idLen        = 8
	headerLen    = 1 + idLen + 8
	macLen       = 16
	maxNameBytes = MaxNameLen * utf8.UTFMax
	// maxTokenLen bounds the encoded token so that Verify never decodes
	// more than a token can hold.
	maxTokenLen = (headerLen + maxNameBytes + macLen + 2) / 3 * 4
	// clockSkew is how far in the future an issued-at may be, for a
	// server whose clock stepped back a little after issuing.
	clockSkew = 5 * time.Minute
)

var (
	// ErrShortSecret is returned by NewIssuer for a secret shorter than MinSecretLen.
	ErrShortSecret = errors.New("session secret is too short")
	// ErrInvalidToken is wrapped by Verify for a token that is malformed or
	// whose signature does not match.
	ErrInvalidToken = errors.New("invalid session token")
	// ErrExpired is wrapped by Verify for a well-signed token older than the TTL.
	ErrExpired = errors.New("session token expired")
)

// Session is the identity a token proves.
type Session struct {
	// PlayerID is 16 lowercase hex characters, random, stable across renames.
	PlayerID string
	// Name is the player's display name, valid under ValidateName.
	Name string
	// IssuedAt is when the token was issued, to the second.
	IssuedAt time.Time
}

// IssuerOptions tunes an Issuer. The zero value works.
type IssuerOptions struct {
	// TTL is how long a token is accepted after it was issued; default DefaultTokenTTL.
	TTL time.Duration
}

func (o IssuerOptions) withDefaults() IssuerOptions {
	if o.TTL <= 0 {
		o.TTL = DefaultTokenTTL
	}
	return o
}

// Issuer issues and verifies session tokens with one secret. It is safe for
// concurrent use.
type Issuer struct {
	secret []byte
	opts   IssuerOptions
}

// NewIssuer returns an Issuer signing with secret, which must hold at least
// MinSecretLen bytes. The secret is copied.
func NewIssuer(secret []byte, opts IssuerOptions) (*Issuer, error) {
	if len(secret) < MinSecretLen {
		return nil, fmt.Errorf("new issuer: %w: %d bytes, need %d", ErrShortSecret, len(secret), MinSecretLen)
	}
	return &Issuer{secret: append([]byte(nil), secret...), opts: opts.withDefaults()}, nil
}

// GenerateSecret returns MinSecretLen random bytes, for a server to store
// once and pass to NewIssuer on every start.
func GenerateSecret() []byte {
	b := make([]byte, MinSecretLen)
	_, _ = rand.Read(b) // crypto/rand.Read never fails since Go 1.24.
	return b
}

// TTL returns how long the Issuer accepts a token after issuing it.
func (is *Issuer) TTL() time.Duration { return is.opts.TTL }

// Issue creates a new player with a random id and the given name, and returns
// it with its token. The name is cleaned with ValidateName; an invalid name
// is an error wrapping ErrInvalidName.
func (is *Issuer) Issue(name string) (Session, string, error) {
	var id [idLen]byte
	_, _ = rand.Read(id[:])
	return is.issue(hex.EncodeToString(id[:]), name)
}

// Renew returns a fresh token for the player of prev under a new name,
// keeping the player id. prev should come from Verify.
func (is *Issuer) Renew(prev Session, name string) (Session, string, error) {
	return is.issue(prev.PlayerID, name)
}

func (is *Issuer) issue(playerID, name string) (Session, string, error) {
	return is.issueAt(playerID, name, time.Now())
}

// issueAt makes the token of playerID under name issued at the instant at.
func (is *Issuer) issueAt(playerID, name string, at time.Time) (Session, string, error) {
	clean, err := ValidateName(name)
	if err != nil {
		return Session{}, "", fmt.Errorf("issue token: %w", err)
	}
	id, err := hex.DecodeString(playerID)
	if err != nil || len(id) != idLen {
		return Session{}, "", fmt.Errorf("issue token: %w: player id %q", ErrInvalidToken, playerID)
	}
	now := at.Truncate(time.Second)
	buf := make([]byte, headerLen, headerLen+len(clean)+macLen)
	buf[0] = tokenVersion
	copy(buf[1:], id)
	binary.BigEndian.PutUint64(buf[1+idLen:], uint64(now.Unix()))
	buf = append(buf, clean...)
	buf = is.seal(buf)
	s := Session{PlayerID: strings.ToLower(playerID), Name: clean, IssuedAt: now}
	return s, base64.RawURLEncoding.EncodeToString(buf), nil
}

// seal appends the MAC of payload to it.
func (is *Issuer) seal(payload []byte) []byte {
	m := hmac.New(sha256.New, is.secret)
	m.Write(payload)
	return m.Sum(payload)[:len(payload)+macLen]
}

// Verify checks a token's format, signature (in constant time) and age, and
// returns the session it carries. Errors wrap ErrInvalidToken or ErrExpired.
func (is *Issuer) Verify(token string) (Session, error) {
	if len(token) > maxTokenLen {
		return Session{}, fmt.Errorf("verify: %w: too long", ErrInvalidToken)
	}
	// The decoder skips newlines; refusing them keeps one token per session.
	if !isBase64URL(token) {
		return Session{}, fmt.Errorf("verify: %w: not base64url", ErrInvalidToken)
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(token)
	if err != nil {
		return Session{}, fmt.Errorf("verify: %w: not base64url", ErrInvalidToken)
	}
	if len(raw) < headerLen+macLen {
		return Session{}, fmt.Errorf("verify: %w: too short", ErrInvalidToken)
	}
	payload, mac := raw[:len(raw)-macLen], raw[len(raw)-macLen:]
	m := hmac.New(sha256.New, is.secret)
	m.Write(payload)
	if !hmac.Equal(m.Sum(nil)[:macLen], mac) {
		return Session{}, fmt.Errorf("verify: %w: bad signature", ErrInvalidToken)
	}
	s, err := parsePayload(payload)
	if err != nil {
		return Session{}, fmt.Errorf("verify: %w", err)
	}
	now := time.Now()
	if s.IssuedAt.After(now.Add(clockSkew)) {
		return Session{}, fmt.Errorf("verify: %w: issued in the future", ErrInvalidToken)
	}
	if now.Sub(s.IssuedAt) > is.opts.TTL {
		return Session{}, fmt.Errorf("verify: %w: issued %s", ErrExpired, s.IssuedAt.UTC().Format(time.RFC3339))
	}
	return s, nil
}

// isBase64URL reports whether s holds only characters of the base64url alphabet.
func isBase64URL(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// parsePayload decodes a signed payload. Only payloads whose name is already
// in the cleaned form are accepted, so one session has one encoding.
func parsePayload(p []byte) (Session, error) {
	if len(p) < headerLen || p[0] != tokenVersion {
		return Session{}, fmt.Errorf("%w: unknown version", ErrInvalidToken)
	}
	secs := binary.BigEndian.Uint64(p[1+idLen:])
	if secs > 1<<40 {
		return Session{}, fmt.Errorf("%w: issued-at out of range", ErrInvalidToken)
	}
	name := string(p[headerLen:])
	clean, err := ValidateName(name)
	if err != nil || clean != name {
		return Session{}, fmt.Errorf("%w: bad name", ErrInvalidToken)
	}
	return Session{
		PlayerID: hex.EncodeToString(p[1 : 1+idLen]),
		Name:     name,
		IssuedAt: time.Unix(int64(secs), 0),
	}, nil
}
