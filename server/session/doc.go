// Package session gives players a guest identity: a checked display name and
// a signed token that carries a random player id.
//
// The token is issued by POST /api/session and presented again in the
// WebSocket hello, where the real-time server checks it with Issuer.Verify.
// Tokens are stateless: the server keeps only the secret, so they survive a
// restart when the secret is stored. The package never stores players and
// never trusts a name or id that did not come out of a verified token.
package session
