// Package config is the host's configuration of a tickarena server: one struct,
// filled from command-line flags, each of which has an environment variable of
// the same meaning (TICKARENA_ plus the flag's name in upper case, dashes as
// underscores). A flag given on the command line wins over its variable.
// Nothing else in the server reads flags or the environment.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/tickarena/tickarena/server/clientaddr"
)

// Config is everything a host can set. The zero value is not meant to be used:
// start from Default.
type Config struct {
	// Addr is the listen address of HTTP and WebSocket. Default ":8080".
	Addr string
	// PublicURL is the base URL players reach this node at, e.g.
	// "https://arena.example.com"; the lobby builds WebSocket URLs from it. Empty
	// means: from each request's Host header.
	PublicURL string
	// DB is the path of the SQLite database file. Default "tickarena.db".
	DB string
	// RedisURL, when set, makes the node share rooms and scores with others
	// through Redis (redis://host:6379/0). Empty means single node on SQLite.
	RedisURL string
	// Secret signs session tokens. Empty means: generated once and kept in the store.
	Secret string
	// TickRate is the simulation rate in ticks per second, 10–60. Default 30.
	TickRate int
	// RoomCapacity is the number of human players a room holds, 2–200. Default 50.
	RoomCapacity int
	// Bots is the number of bots a room is filled up to, 0–RoomCapacity. Default 10.
	Bots int
	// RoundLength is the length of a round, 5s–1h. Default 5m.
	RoundLength time.Duration
	// PublicRooms is the number of public rooms that stay open even when empty. Default 1.
	PublicRooms int
	// MaxRooms caps the rooms of this node. Default 200.
	MaxRooms int
	// MaxConns caps the WebSocket connections of this node. Default 10000.
	MaxConns int
	// MaxConnsPerIP caps the WebSocket connections from one remote address. Default 64.
	MaxConnsPerIP int
	// SessionRate is how many guest sessions one remote address may create in
	// any minute (a sliding window: all at once or spread out, never more).
	// Default 10.
	SessionRate int
	// ReconnectGrace is how long a dropped player's ship waits for them. Default 15s.
	ReconnectGrace time.Duration
	// RoomCreateRate is how many rooms one player may create per minute
	// (in any minute: all at once or spread out, never more). Default 6.
	RoomCreateRate int
	// RoomCreateRatePerIP is how many rooms one remote address may create per
	// minute, whatever the players (in any minute). Default 30.
	RoomCreateRatePerIP int
	// Origins lists the extra origins (scheme://host[:port]) allowed to open /ws;
	// the server's own origin is always allowed. "*" allows any.
	Origins []string
	// DrainTimeout bounds how long a drain lets running rounds finish after
	// SIGTERM before clients are closed. Default 30s.
	DrainTimeout time.Duration
	// DebugAddr, when set, serves Go's profiler (/debug/pprof/) on this separate
	// address, e.g. 127.0.0.1:6060. Empty (the default) serves none.
	DebugAddr string
	// LogLevel is debug, info, warn or error. Default info.
	LogLevel slog.Level
	// LogFormat is text or json. Default text.
	LogFormat string
	// TrustedProxies are the peers (CIDRs) whose X-Forwarded-For, Forwarded
	// and PROXY protocol headers say who the client is. Zero (the default)
	// trusts nobody: the peer address is the client.
	TrustedProxies clientaddr.Trusted
	// ProxyProtocol makes connections from TrustedProxies begin with a PROXY
	// protocol v1/v2 header (TCP load balancers). Default false.
	ProxyProtocol bool
	// TLSCert and TLSKey are PEM files of a certificate and its key; set,
	// Addr serves HTTPS (and WSS), and the files are reloaded when they
	// change. Empty (the default): plain HTTP.
	TLSCert, TLSKey string
	// ACMEDomains, when set, serve HTTPS with certificates obtained and
	// renewed from Let's Encrypt for these names, cached in the "acme"
	// directory beside DB. Empty (the default): none.
	ACMEDomains []string
	// ACMEEmail is the contact address given to the CA. Empty: none.
	ACMEEmail string
	// HTTPRedirectAddr, when set with TLS, is a plain-HTTP listen address
	// (":80") that only redirects to HTTPS and answers ACME challenges.
	// Empty (the default): none.
	HTTPRedirectAddr string
	// BackupDir, when set, receives a consistent copy of the SQLite database
	// every BackupInterval while the node runs. Empty (the default): none.
	BackupDir string
	// BackupInterval is the time between two backups into BackupDir, 1m–1w. Default 6h.
	BackupInterval time.Duration
	// BackupKeep is how many backups BackupDir keeps, newest first; older
	// ones are deleted. Default 14.
	BackupKeep int
	// ReplayKeep is how many of the newest rounds keep their replay in the
	// SQLite store, 1–1000000; older rounds keep theirs only while they hold a
	// current top-100 entry. Default 1000.
	ReplayKeep int
	// MaxSpectatorsPerRoom caps the spectators of one room, 0–10000; they
	// hold no seat. 0 means rooms cannot be watched. Default 50.
	MaxSpectatorsPerRoom int
	// MaxSpectators caps the spectators of this node, 0–100000. 0 means no
	// spectating on this node. Default 500.
	MaxSpectators int
	// SpectateDelay is how far behind the live room spectators see it, 0–1m,
	// so that they cannot relay positions to players. 0 means live. Default 3s.
	SpectateDelay time.Duration
}

// TLS reports whether the node serves HTTPS itself.
func (c Config) TLS() bool { return c.TLSCert != "" || c.TLSKey != "" || len(c.ACMEDomains) > 0 }

// ACMECacheDir is where ACME keys and certificates are kept: beside the database.
func (c Config) ACMECacheDir() string { return filepath.Join(filepath.Dir(c.DB), "acme") }

// Default returns the configuration of a server started with no flags.
func Default() Config {
	return Config{
		Addr:           ":8080",
		DB:             "tickarena.db",
		TickRate:       30,
		RoomCapacity:   50,
		Bots:           10,
		RoundLength:    5 * time.Minute,
		PublicRooms:    1,
		MaxRooms:       200,
		MaxConns:       10000,
		MaxConnsPerIP:  64,
		SessionRate:    10,
		ReconnectGrace: 15 * time.Second,
		DrainTimeout:   30 * time.Second,
		BackupInterval: 6 * time.Hour,
		BackupKeep:     14,
		ReplayKeep:     1000,
		LogLevel:       slog.LevelInfo,
		LogFormat:      "text",

		RoomCreateRate:      6,
		RoomCreateRatePerIP: 30,

		MaxSpectatorsPerRoom: 50,
		MaxSpectators:        500,
		SpectateDelay:        3 * time.Second,
	}
}

// ErrHelp is returned by Parse when -help or -h was asked for; the usage was written.
var ErrHelp = flag.ErrHelp

// ErrVersion is returned by Parse when -version was asked for.
var ErrVersion = errors.New("version requested")

// EnvName returns the environment variable that stands for a flag.
func EnvName(flagName string) string {
	return "TICKARENA_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// Parse fills a Config from args (without the program name) and from the
// environment through getenv, and validates it. Usage and errors are written to
// out. An invalid value yields an error that names the flag and its variable.
func Parse(args []string, getenv func(string) string, out io.Writer) (Config, error) {
	c := Default()
	fs := flag.NewFlagSet("tickarena", flag.ContinueOnError)
	fs.SetOutput(out)
	var origins, level, trusted, acmeDomains string
	var version bool
	fs.StringVar(&c.Addr, "addr", c.Addr, "listen address for HTTP and WebSocket")
	fs.StringVar(&c.PublicURL, "public-url", c.PublicURL, "base URL players reach this node at; empty: from each request's Host")
	fs.StringVar(&c.DB, "db", c.DB, "path of the SQLite database file")
	fs.StringVar(&c.RedisURL, "redis-url", c.RedisURL, "Redis URL shared by several nodes, e.g. redis://127.0.0.1:6379/0; empty: single node on SQLite")
	fs.StringVar(&c.Secret, "secret", c.Secret, "secret that signs session tokens, at least 32 bytes; empty: generated once and stored")
	fs.IntVar(&c.TickRate, "tick-rate", c.TickRate, "simulation ticks per second, 10-60")
	fs.IntVar(&c.RoomCapacity, "room-capacity", c.RoomCapacity, "human players per room, 2-200")
	fs.IntVar(&c.Bots, "bots", c.Bots, "bots a room is filled up to, 0-room-capacity")
	fs.DurationVar(&c.RoundLength, "round-length", c.RoundLength, "length of a round, 5s-1h")
	fs.IntVar(&c.PublicRooms, "public-rooms", c.PublicRooms, "public rooms kept open even when empty")
	fs.IntVar(&c.MaxRooms, "max-rooms", c.MaxRooms, "most rooms on this node")
	fs.IntVar(&c.MaxConns, "max-conns", c.MaxConns, "most WebSocket connections on this node")
	fs.IntVar(&c.MaxConnsPerIP, "max-conns-per-ip", c.MaxConnsPerIP, "most WebSocket connections from one remote address")
	fs.IntVar(&c.SessionRate, "session-rate", c.SessionRate, "guest sessions one remote address may create in any minute")
	fs.DurationVar(&c.ReconnectGrace, "reconnect-grace", c.ReconnectGrace, "how long a dropped player's ship waits for them")
	fs.IntVar(&c.RoomCreateRate, "room-create-rate", c.RoomCreateRate, "rooms one player may create per minute (in any minute, all at once or spread out)")
	fs.IntVar(&c.RoomCreateRatePerIP, "room-create-rate-per-ip", c.RoomCreateRatePerIP, "rooms one remote address may create per minute, whatever the players (in any minute)")
	fs.StringVar(&origins, "origins", "", "comma-separated extra origins allowed to open /ws (the server's own is always allowed; * for any)")
	fs.DurationVar(&c.DrainTimeout, "drain-timeout", c.DrainTimeout, "how long running rounds may go on after SIGTERM")
	fs.StringVar(&c.DebugAddr, "debug-addr", c.DebugAddr, "address for Go's profiler (/debug/pprof/), e.g. 127.0.0.1:6060; empty: off")
	fs.StringVar(&level, "log-level", "info", "log level: debug, info, warn or error")
	fs.StringVar(&c.LogFormat, "log-format", c.LogFormat, "log format: text or json")
	fs.StringVar(&trusted, "trusted-proxies", "", "comma-separated CIDRs of reverse proxies whose X-Forwarded-For/Forwarded (and PROXY header) name the client; empty: none")
	fs.BoolVar(&c.ProxyProtocol, "proxy-protocol", c.ProxyProtocol, "require a PROXY protocol v1/v2 header on connections from -trusted-proxies (TCP load balancers)")
	fs.StringVar(&c.TLSCert, "tls-cert", c.TLSCert, "PEM certificate (chain) file: serve HTTPS and WSS; reloaded when it changes")
	fs.StringVar(&c.TLSKey, "tls-key", c.TLSKey, "PEM private key file of -tls-cert")
	fs.StringVar(&acmeDomains, "acme-domain", "", "comma-separated host names to get certificates for from Let's Encrypt (cached beside -db); needs port 443, and :80 for -http-redirect-addr")
	fs.StringVar(&c.ACMEEmail, "acme-email", c.ACMEEmail, "contact address given to Let's Encrypt")
	fs.StringVar(&c.HTTPRedirectAddr, "http-redirect-addr", c.HTTPRedirectAddr, "plain-HTTP address (e.g. :80) that only redirects to HTTPS and answers ACME challenges; empty: none")
	fs.StringVar(&c.BackupDir, "backup-dir", c.BackupDir, "directory that receives a copy of the SQLite database every -backup-interval; empty: none")
	fs.DurationVar(&c.BackupInterval, "backup-interval", c.BackupInterval, "time between two backups into -backup-dir, 1m-168h")
	fs.IntVar(&c.BackupKeep, "backup-keep", c.BackupKeep, "backups kept in -backup-dir, newest first")
	fs.IntVar(&c.ReplayKeep, "replay-keep", c.ReplayKeep, "newest rounds whose replay the SQLite store keeps, beside those behind a current top-100 entry")
	fs.IntVar(&c.MaxSpectatorsPerRoom, "max-spectators-per-room", c.MaxSpectatorsPerRoom, "most spectators watching one room (they hold no seat); 0: rooms cannot be watched")
	fs.IntVar(&c.MaxSpectators, "max-spectators", c.MaxSpectators, "most spectators on this node; 0: no spectating")
	fs.DurationVar(&c.SpectateDelay, "spectate-delay", c.SpectateDelay, "how far behind the live room spectators see it, 0-1m; 0: live")
	fs.BoolVar(&version, "version", false, "print the version and exit")
	fs.Usage = func() {
		fmt.Fprintf(out, "Usage: tickarena [flags]\n       tickarena backup [-db FILE] BACKUP\n       tickarena restore [-db FILE] BACKUP\n\nEvery flag can also be set by the environment variable named after it\n(-tick-rate is %s); a flag on the command line wins.\n\nFlags:\n", EnvName("tick-rate"))
		fs.VisitAll(func(f *flag.Flag) {
			if f.Name == "version" {
				fmt.Fprintf(out, "  -version\n    \t%s\n", f.Usage)
				return
			}
			fmt.Fprintf(out, "  -%s (%s)\n    \t%s (default %q)\n", f.Name, EnvName(f.Name), f.Usage, f.DefValue)
		})
	}

	// Environment first, so that flags parsed afterwards override it.
	var envErr error
	fs.VisitAll(func(f *flag.Flag) {
		if envErr != nil || f.Name == "version" {
			return
		}
		if v := getenv(EnvName(f.Name)); v != "" {
			if err := fs.Set(f.Name, v); err != nil {
				envErr = fmt.Errorf("invalid value %q for %s (flag -%s): %v", v, EnvName(f.Name), f.Name, err)
			}
		}
	})
	if envErr != nil {
		return c, envErr
	}
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if version {
		return c, ErrVersion
	}
	var err error
	if err := c.LogLevel.UnmarshalText([]byte(level)); err != nil {
		return c, fmt.Errorf("invalid -log-level %q: want debug, info, warn or error", level)
	}
	if c.TrustedProxies, err = clientaddr.ParseTrusted(trusted); err != nil {
		return c, fmt.Errorf("invalid -trusted-proxies (%s): %v", EnvName("trusted-proxies"), err)
	}
	for _, d := range strings.Split(acmeDomains, ",") {
		if d = strings.TrimSpace(d); d != "" {
			c.ACMEDomains = append(c.ACMEDomains, d)
		}
	}
	for _, o := range strings.Split(origins, ",") {
		if o = strings.TrimSpace(o); o != "" {
			c.Origins = append(c.Origins, strings.TrimSuffix(o, "/"))
		}
	}
	return c, c.Validate()
}

// Validate checks every field and names the flag of the first invalid one.
func (c Config) Validate() error {
	bad := func(flagName string, format string, args ...any) error {
		return fmt.Errorf("invalid -%s (%s): %s", flagName, EnvName(flagName), fmt.Sprintf(format, args...))
	}
	switch {
	case c.Addr == "":
		return bad("addr", "must not be empty")
	case c.DB == "" && c.RedisURL == "":
		return bad("db", "must not be empty")
	case c.Secret != "" && len(c.Secret) < 32:
		return bad("secret", "must be at least 32 bytes, got %d", len(c.Secret))
	case c.TickRate < 10 || c.TickRate > 60:
		return bad("tick-rate", "%d is outside 10-60", c.TickRate)
	case c.RoomCapacity < 2 || c.RoomCapacity > 200:
		return bad("room-capacity", "%d is outside 2-200", c.RoomCapacity)
	case c.Bots < 0 || c.Bots > c.RoomCapacity:
		return bad("bots", "%d is outside 0-%d (the room capacity)", c.Bots, c.RoomCapacity)
	case c.RoundLength < 5*time.Second || c.RoundLength > time.Hour:
		return bad("round-length", "%s is outside 5s-1h", c.RoundLength)
	case c.PublicRooms < 0 || c.PublicRooms > c.MaxRooms:
		return bad("public-rooms", "%d is outside 0-%d (max rooms)", c.PublicRooms, c.MaxRooms)
	case c.MaxRooms < 1:
		return bad("max-rooms", "must be at least 1")
	case c.MaxConns < 1:
		return bad("max-conns", "must be at least 1")
	case c.MaxConnsPerIP < 1:
		return bad("max-conns-per-ip", "must be at least 1")
	case c.SessionRate < 1:
		return bad("session-rate", "must be at least 1")
	case c.RoomCreateRate < 1:
		return bad("room-create-rate", "must be at least 1")
	case c.RoomCreateRatePerIP < 1:
		return bad("room-create-rate-per-ip", "must be at least 1")
	case c.ReconnectGrace < 0 || c.ReconnectGrace > 10*time.Minute:
		return bad("reconnect-grace", "%s is outside 0-10m", c.ReconnectGrace)
	case c.DrainTimeout < 0 || c.DrainTimeout > time.Hour:
		return bad("drain-timeout", "%s is outside 0-1h", c.DrainTimeout)
	case c.LogFormat != "text" && c.LogFormat != "json":
		return bad("log-format", "%q is neither text nor json", c.LogFormat)
	case c.ProxyProtocol && c.TrustedProxies.Empty():
		return bad("proxy-protocol", "needs -trusted-proxies: the header is only read from trusted peers")
	case (c.TLSCert == "") != (c.TLSKey == ""):
		return bad("tls-key", "-tls-cert and -tls-key go together")
	case c.TLSCert != "" && len(c.ACMEDomains) > 0:
		return bad("acme-domain", "cannot be used with -tls-cert: certificates come from files or from ACME")
	case c.HTTPRedirectAddr != "" && !c.TLS():
		return bad("http-redirect-addr", "needs TLS (-tls-cert or -acme-domain)")
	case c.HTTPRedirectAddr != "" && c.HTTPRedirectAddr == c.Addr:
		return bad("http-redirect-addr", "must differ from -addr")
	case c.BackupDir != "" && c.RedisURL != "":
		return bad("backup-dir", "backs up the SQLite database, which a node on -redis-url does not use (see docs/hosting.md for Redis)")
	case c.BackupInterval < time.Minute || c.BackupInterval > 168*time.Hour:
		return bad("backup-interval", "%s is outside 1m-168h", c.BackupInterval)
	case c.BackupKeep < 1:
		return bad("backup-keep", "must be at least 1")
	case c.ReplayKeep < 1 || c.ReplayKeep > 1000000:
		return bad("replay-keep", "%d is outside 1-1000000", c.ReplayKeep)
	case c.MaxSpectatorsPerRoom < 0 || c.MaxSpectatorsPerRoom > 10000:
		return bad("max-spectators-per-room", "%d is outside 0-10000", c.MaxSpectatorsPerRoom)
	case c.MaxSpectators < 0 || c.MaxSpectators > 100000:
		return bad("max-spectators", "%d is outside 0-100000", c.MaxSpectators)
	case c.SpectateDelay < 0 || c.SpectateDelay > time.Minute:
		return bad("spectate-delay", "%s is outside 0-1m", c.SpectateDelay)
	}
	if c.PublicURL != "" {
		u, err := url.Parse(c.PublicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return bad("public-url", "%q is not an http(s) URL with a host", c.PublicURL)
		}
	}
	if c.RedisURL != "" {
		u, err := url.Parse(c.RedisURL)
		if err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") || u.Host == "" {
			return bad("redis-url", "%q is not a redis:// URL with a host", c.RedisURL)
		}
	}
	for _, d := range c.ACMEDomains {
		if strings.ContainsAny(d, ":/ *") || !strings.Contains(d, ".") {
			return bad("acme-domain", "%q is not a host name such as arena.example.com", d)
		}
	}
	for _, o := range c.Origins {
		if o == "*" {
			continue
		}
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" {
			return bad("origins", "%q is not an origin like https://example.com", o)
		}
	}
	return nil
}

// LogAttrs returns the effective configuration as log attributes, secrets left out.
func (c Config) LogAttrs() []slog.Attr {
	redis := c.RedisURL
	if u, err := url.Parse(redis); err == nil && u.User != nil {
		u.User = url.User("***")
		redis = u.String()
	}
	return []slog.Attr{
		slog.String("addr", c.Addr),
		slog.String("public_url", c.PublicURL),
		slog.String("db", c.DB),
		slog.String("redis_url", redis),
		slog.Bool("secret_set", c.Secret != ""),
		slog.Int("tick_rate", c.TickRate),
		slog.Int("room_capacity", c.RoomCapacity),
		slog.Int("bots", c.Bots),
		slog.Duration("round_length", c.RoundLength),
		slog.Int("public_rooms", c.PublicRooms),
		slog.Int("max_rooms", c.MaxRooms),
		slog.Int("max_conns", c.MaxConns),
		slog.Int("max_conns_per_ip", c.MaxConnsPerIP),
		slog.Int("session_rate", c.SessionRate),
		slog.Duration("reconnect_grace", c.ReconnectGrace),
		slog.Int("room_create_rate", c.RoomCreateRate),
		slog.Int("room_create_rate_per_ip", c.RoomCreateRatePerIP),
		slog.String("origins", strings.Join(c.Origins, ",")),
		slog.Duration("drain_timeout", c.DrainTimeout),
		slog.String("debug_addr", c.DebugAddr),
		slog.String("log_level", c.LogLevel.String()),
		slog.String("log_format", c.LogFormat),
		slog.String("trusted_proxies", c.TrustedProxies.String()),
		slog.Bool("proxy_protocol", c.ProxyProtocol),
		slog.String("tls_cert", c.TLSCert),
		slog.String("acme_domains", strings.Join(c.ACMEDomains, ",")),
		slog.String("http_redirect_addr", c.HTTPRedirectAddr),
		slog.String("backup_dir", c.BackupDir),
		slog.Duration("backup_interval", c.BackupInterval),
		slog.Int("backup_keep", c.BackupKeep),
		slog.Int("replay_keep", c.ReplayKeep),
		slog.Int("max_spectators_per_room", c.MaxSpectatorsPerRoom),
		slog.Int("max_spectators", c.MaxSpectators),
		slog.Duration("spectate_delay", c.SpectateDelay),
	}
}
