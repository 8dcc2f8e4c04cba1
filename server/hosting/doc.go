// Package hosting holds the end-to-end tests of running tickarena on the
// public internet, each against the real server binary on loopback: behind a
// reverse proxy (forwarding headers, the PROXY protocol, a real nginx), with
// TLS in the binary, and backups of a live database. It has no code of its
// own; the features live in server/clientaddr, server/tlsconf, server/app and
// server/leaderboard/sqlitestore.
package hosting
