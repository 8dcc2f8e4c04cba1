// Package config is the host's configuration of a tickarena server: one struct
// made of the node's own settings and one section per package, of that
// package's own option type with its defaults (see Config), filled from
// command-line flags (flags.go), each of which has an environment variable of
// the same meaning (TICKARENA_ plus the flag's name in upper case, dashes as
// underscores). A flag given on the command line wins over its variable.
// Validate rejects a value out of range with a message naming its flag; no
// package below clamps one. Nothing else in the server reads flags or the
// environment.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/server/clientaddr"
	"github.com/tickarena/tickarena/server/leaderboard/sqlitestore"
	"github.com/tickarena/tickarena/server/lobby"
	"github.com/tickarena/tickarena/server/realtime"
	"github.com/tickarena/tickarena/server/session"
)

// Config is everything a host can set: the node's own settings, and one
// section per package that has options, of that package's own option type.
// Flags write into the fields; a field no flag sets keeps the package's
// default. The zero value is not meant to be used: start from Default.
//
// In every section, zero means the package's default and, where a setting
// can be "none", a negative value means none. A flag's 0 means none where
// none makes sense (-bots 0, -public-rooms 0, -reconnect-grace 0), and is
// written into its field as a negative value.
type Config struct {
	// Addr is the listen address of HTTP and WebSocket. Default ":8080".
	Addr string
	// PublicURL is the base URL players reach this node at, e.g.
	// "https://arena.example.com"; the lobby builds WebSocket URLs from it. Empty
	// means: from each request's Host header.
	PublicURL string
	// RedisURL, when set, makes the node share rooms and scores with others
	// through Redis (redis://host:6379/0). Empty means single node on SQLite.
	RedisURL string
	// Secret signs session tokens. Empty means: generated once and kept in the store.
	Secret string
	// Origins lists the extra origins (scheme://host[:port]) allowed to open /ws;
	// the server's own origin is always allowed. "*" allows any.
	Origins []string
	// DrainTimeout bounds how long a drain lets running rounds finish after
	// SIGTERM before clients are closed, 0–1h; zero closes them at once.
	// Default 30s.
	DrainTimeout time.Duration
	// DebugAddr, when set, serves Go's profiler (/debug/pprof/) on this separate
	// address, e.g. 127.0.0.1:6060. Empty (the default) serves none.
	DebugAddr string
	// GCPercent is the Go garbage collector's target, as GOGC: how far, in
	// percent of the live heap, the heap grows before the next collection,
	// 10-1000. Default 50, half of Go's own 100: a connection then costs
	// about 4 KB less, and at 1,000 clients the GC runs every ~4 s instead of
	// ~7 s, about 0.3 % of a core more (docs/performance.md). Zero leaves the
	// runtime's setting alone, and so does a GOGC environment variable when
	// the flag is not given.
	GCPercent int
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
	// directory beside the database. Empty (the default): none.
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
	// ones are deleted. At least 1; default 14.
	BackupKeep int

	// Realtime is the real-time server's section: rooms, connections, bots,
	// rounds, spectators. Its hooks (Auth, Admission, Observer, …) are the app's to set;
	// its UnjoinedRoomTimeout is Lobby.ReservationTTL.
	Realtime realtime.Options
	// Lobby is the lobby's HTTP section: room creation rates and how long a
	// reserved seat is held (ReservationTTL, for every seat of the node).
	// Its Limits are made from Realtime's capacity and round length.
	Lobby lobby.HandlerOptions
	// Session is the guest sessions' HTTP section.
	Session session.HandlerOptions
	// Store is the SQLite store's section, unused with RedisURL.
	Store sqlitestore.Options
}

// TLS reports whether the node serves HTTPS itself.
func (c Config) TLS() bool { return c.TLSCert != "" || c.TLSKey != "" || len(c.ACMEDomains) > 0 }

// ACMECacheDir is where ACME keys and certificates are kept: beside the database.
func (c Config) ACMECacheDir() string { return filepath.Join(filepath.Dir(c.Store.Path), "acme") }

// Default returns the configuration of a server started with no flags: the
// node's own defaults, and each section's from its package.
func Default() Config {
	return Config{
		Addr:           ":8080",
		DrainTimeout:   30 * time.Second,
		BackupInterval: 6 * time.Hour,
		BackupKeep:     14,
		GCPercent:      50,
		LogLevel:       slog.LevelInfo,
		LogFormat:      "text",
		Realtime:       realtime.DefaultOptions(),
		Lobby:          lobby.DefaultHandlerOptions(),
		Session:        session.DefaultHandlerOptions(),
		Store:          sqlitestore.DefaultOptions(),
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
	c.bind(fs)
	var version bool
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
	if getenv("GOGC") != "" && !given(fs, "gc-percent") {
		c.GCPercent = 0 // the runtime has read GOGC
	}
	return c, c.Validate()
}

// given reports whether the flag name was set on the command line or by its
// environment variable.
func given(fs *flag.FlagSet, name string) bool {
	found := false
	fs.Visit(func(f *flag.Flag) { found = found || f.Name == name })
	return found
}

// Validate checks every field and names the flag of the first invalid one.
func (c Config) Validate() error {
	bad := func(flagName string, format string, args ...any) error {
		return fmt.Errorf("invalid -%s (%s): %s", flagName, EnvName(flagName), fmt.Sprintf(format, args...))
	}
	rt := c.Realtime
	switch {
	case c.Addr == "":
		return bad("addr", "must not be empty")
	case c.Store.Path == "" && c.RedisURL == "":
		return bad("db", "must not be empty")
	case c.Secret != "" && len(c.Secret) < 32:
		return bad("secret", "must be at least 32 bytes, got %d", len(c.Secret))
	case rt.TickRate < game.MinTickRate || rt.TickRate > game.MaxTickRate:
		return bad("tick-rate", "%d is outside %d-%d", rt.TickRate, game.MinTickRate, game.MaxTickRate)
	case !realtime.SendRateDivides(rt.SendRate, rt.TickRate):
		return bad("send-rate", "%d does not divide the tick rate %d (at 30 ticks/s: 30, 15, 10, 6, 5, 3, 2 or 1; 0: the default, 15 at 30 ticks/s)", rt.SendRate, rt.TickRate)
	case rt.Capacity < 2 || rt.Capacity > 200:
		return bad("room-capacity", "%d is outside 2-200", rt.Capacity)
	case rt.Bots > rt.Capacity:
		return bad("bots", "%d is outside 0-%d (the room capacity)", rt.Bots, rt.Capacity)
	case rt.RoundSeconds < 5 || rt.RoundSeconds > 3600:
		return bad("round-length", "%s is outside 5s-1h", time.Duration(rt.RoundSeconds)*time.Second)
	case rt.MaxRooms < 1:
		return bad("max-rooms", "must be at least 1")
	case rt.PublicRooms > rt.MaxRooms:
		return bad("public-rooms", "%d is outside 0-%d (max rooms)", rt.PublicRooms, rt.MaxRooms)
	case rt.MaxConnections < 1:
		return bad("max-conns", "must be at least 1")
	case rt.MaxConnectionsPerAddr < 1:
		return bad("max-conns-per-ip", "must be at least 1")
	case c.Session.Limit.Max < 1:
		return bad("session-rate", "must be at least 1")
	case c.Lobby.CreatePerPlayer < 1:
		return bad("room-create-rate", "must be at least 1")
	case c.Lobby.CreatePerAddr < 1:
		return bad("room-create-rate-per-ip", "must be at least 1")
	case rt.SchedLatency > 0 && (rt.SchedLatency < time.Millisecond || rt.SchedLatency > time.Second):
		return bad("sched-latency", "%s is outside 1ms-1s (0: never full for it)", rt.SchedLatency)
	case rt.CPUCeiling > 0 && (rt.CPUCeiling < 50 || rt.CPUCeiling > 100):
		return bad("cpu-ceiling", "%d is outside 50-100 (0: never full for it)", rt.CPUCeiling)
	case rt.ReadPollers > 256:
		return bad("read-pollers", "%d is outside 1-256 (0: a goroutine per connection)", rt.ReadPollers)
	case rt.ReconnectGrace > 10*time.Minute:
		return bad("reconnect-grace", "%s is outside 0-10m", rt.ReconnectGrace)
	case c.DrainTimeout < 0 || c.DrainTimeout > time.Hour:
		return bad("drain-timeout", "%s is outside 0-1h", c.DrainTimeout)
	case c.GCPercent != 0 && (c.GCPercent < 10 || c.GCPercent > 1000):
		return bad("gc-percent", "%d is outside 10-1000 (0: the runtime's own)", c.GCPercent)
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
	case c.Store.ReplayKeep < 1 || c.Store.ReplayKeep > 1000000:
		return bad("replay-keep", "%d is outside 1-1000000", c.Store.ReplayKeep)
	case rt.MaxSpectatorsPerRoom > 10000:
		return bad("max-spectators-per-room", "%d is outside 0-10000", rt.MaxSpectatorsPerRoom)
	case rt.MaxSpectators > 100000:
		return bad("max-spectators", "%d is outside 0-100000", rt.MaxSpectators)
	case rt.SpectateDelay > time.Minute:
		return bad("spectate-delay", "%s is outside 0-1m", rt.SpectateDelay)
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

// LogAttrs returns the effective configuration, one attribute per flag
// (its name with underscores), secrets left out.
func (c Config) LogAttrs() []slog.Attr {
	fs := flag.NewFlagSet("", flag.ContinueOnError)
	c.bind(fs)
	var attrs []slog.Attr
	fs.VisitAll(func(f *flag.Flag) {
		name, v := f.Name, f.Value.String()
		switch name {
		case "secret":
			name, v = "secret-set", strconv.FormatBool(v != "")
		case "redis-url":
			if u, err := url.Parse(v); err == nil && u.User != nil {
				u.User = url.User("***")
				v = u.String()
			}
		}
		attrs = append(attrs, slog.String(strings.ReplaceAll(name, "-", "_"), v))
	})
	return attrs
}
