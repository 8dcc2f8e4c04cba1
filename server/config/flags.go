package config

import (
	"errors"
	"flag"
	"strconv"
	"strings"
	"time"

	"github.com/tickarena/tickarena/server/clientaddr"
)

// bind registers every flag of the server on fs, each writing into its
// field of c: the node's own, then one group per section. Adding a setting
// is a field in its package's options (doc and default there), a line here,
// a check in Validate and a row in README.md's flag table (a test compares
// the two).
func (c *Config) bind(fs *flag.FlagSet) {
	fs.StringVar(&c.Addr, "addr", c.Addr, "listen address for HTTP and WebSocket")
	fs.StringVar(&c.PublicURL, "public-url", c.PublicURL, "base URL players reach this node at; empty: from each request's Host")
	fs.StringVar(&c.RedisURL, "redis-url", c.RedisURL, "Redis URL shared by several nodes, e.g. redis://127.0.0.1:6379/0; empty: single node on SQLite")
	fs.StringVar(&c.Secret, "secret", c.Secret, "secret that signs session tokens, at least 32 bytes; empty: generated once and stored")
	fs.Var(listValue{&c.Origins}, "origins", "comma-separated extra origins allowed to open /ws (the server's own is always allowed; * for any)")
	fs.DurationVar(&c.DrainTimeout, "drain-timeout", c.DrainTimeout, "how long running rounds may go on after SIGTERM, 0-1h")
	fs.StringVar(&c.DebugAddr, "debug-addr", c.DebugAddr, "address for Go's profiler (/debug/pprof/), e.g. 127.0.0.1:6060; empty: off")
	fs.IntVar(&c.GCPercent, "gc-percent", c.GCPercent, "garbage collector target as GOGC: heap growth over the live heap before a collection, in percent, 10-1000; 0: Go's own (GOGC)")
	fs.TextVar(&c.LogLevel, "log-level", c.LogLevel, "log level: debug, info, warn or error")
	fs.StringVar(&c.LogFormat, "log-format", c.LogFormat, "log format: text or json")
	fs.Var(trustedValue{&c.TrustedProxies}, "trusted-proxies", "comma-separated CIDRs of reverse proxies whose X-Forwarded-For/Forwarded (and PROXY header) name the client; empty: none")
	fs.BoolVar(&c.ProxyProtocol, "proxy-protocol", c.ProxyProtocol, "require a PROXY protocol v1/v2 header on connections from -trusted-proxies (TCP load balancers)")
	fs.StringVar(&c.TLSCert, "tls-cert", c.TLSCert, "PEM certificate (chain) file: serve HTTPS and WSS; reloaded when it changes")
	fs.StringVar(&c.TLSKey, "tls-key", c.TLSKey, "PEM private key file of -tls-cert")
	fs.Var(listValue{&c.ACMEDomains}, "acme-domain", "comma-separated host names to get certificates for from Let's Encrypt (cached beside -db); needs port 443, and :80 for -http-redirect-addr")
	fs.StringVar(&c.ACMEEmail, "acme-email", c.ACMEEmail, "contact address given to Let's Encrypt")
	fs.StringVar(&c.HTTPRedirectAddr, "http-redirect-addr", c.HTTPRedirectAddr, "plain-HTTP address (e.g. :80) that only redirects to HTTPS and answers ACME challenges; empty: none")
	fs.StringVar(&c.BackupDir, "backup-dir", c.BackupDir, "directory that receives a copy of the SQLite database every -backup-interval; empty: none")
	fs.DurationVar(&c.BackupInterval, "backup-interval", c.BackupInterval, "time between two backups into -backup-dir, 1m-168h")
	fs.IntVar(&c.BackupKeep, "backup-keep", c.BackupKeep, "backups kept in -backup-dir, newest first")

	rt := &c.Realtime
	fs.IntVar(&rt.TickRate, "tick-rate", rt.TickRate, "simulation ticks per second, 10-60")
	fs.IntVar(&rt.SendRate, "send-rate", rt.SendRate, "frames per second sent to each player and spectator, each covering the ticks since the last; must divide -tick-rate (0: half the tick rate when it is even and at least 20, else the tick rate)")
	fs.IntVar(&rt.Capacity, "room-capacity", rt.Capacity, "human players per room, 2-200")
	fs.Var(noneValue{&rt.Bots}, "bots", "bots a room is filled up to, 0-room-capacity (0: none)")
	fs.Var(secondsValue{&rt.RoundSeconds}, "round-length", "length of a round, 5s-1h")
	fs.Var(noneValue{&rt.PublicRooms}, "public-rooms", "public rooms kept open even when empty (0: none)")
	fs.IntVar(&rt.MaxRooms, "max-rooms", rt.MaxRooms, "most rooms on this node")
	fs.IntVar(&rt.MaxConnections, "max-conns", rt.MaxConnections, "most WebSocket connections on this node")
	fs.IntVar(&rt.MaxConnectionsPerAddr, "max-conns-per-ip", rt.MaxConnectionsPerAddr, "most WebSocket connections from one remote address")
	fs.Var(noneValue{&rt.SeatRate}, "seat-rate", "most new seats this node hands out per second, a second's worth at once; past it quick play, joins and new rooms answer 503 \"full\" (0: no bound)")
	fs.Var(noneDurationValue{&rt.SchedLatency}, "sched-latency", "how long a goroutine may wait for a CPU before the wait counts as slow: a tenth of the wake-ups slow for 2 s makes the node full (503 to new players), 1ms-1s (0: never full for it, nor for its read pollers falling behind)")
	fs.Var(noneValue{&rt.CPUCeiling}, "cpu-ceiling", "percent of its CPUs (GOMAXPROCS) the node may use, over a second, before it is full (503 to new players) once its rooms or goroutines begin to wait, less the time the hypervisor took from them (Linux), 50-100 (0: never full for it)")
	fs.Var(noneValue{&rt.ReadPollers}, "read-pollers", "goroutines that read the players' plain TCP connections on Linux, each with an epoll set of its own, 1-256 (0: a goroutine per connection, as TLS connections always have)")
	fs.Var(noneDurationValue{&rt.ReconnectGrace}, "reconnect-grace", "how long a dropped player's ship waits for them, 0-10m (0: not at all)")
	fs.Var(noneValue{&rt.MaxSpectatorsPerRoom}, "max-spectators-per-room", "most spectators watching one room (they hold no seat), 0-10000 (0: rooms cannot be watched)")
	fs.Var(noneValue{&rt.MaxSpectators}, "max-spectators", "most spectators on this node, 0-100000 (0: no spectating)")
	fs.Var(noneDurationValue{&rt.SpectateDelay}, "spectate-delay", "how far behind the live room spectators see it, 0-1m (0: live)")

	lb := &c.Lobby
	fs.IntVar(&lb.CreatePerPlayer, "room-create-rate", lb.CreatePerPlayer, "rooms one player may create per minute (in any minute, all at once or spread out)")
	fs.Var(noneValue{&lb.FullRetryBudget}, "full-retry-rate", "\"full\" answers a second that the players waiting for a seat should cause in all: their Retry-After grows with the crowd refused, from 5 s to 60 s (0: always 5 s)")
	fs.IntVar(&lb.CreatePerAddr, "room-create-rate-per-ip", lb.CreatePerAddr, "rooms one remote address may create per minute, whatever the players (in any minute)")

	fs.IntVar(&c.Session.Limit.Max, "session-rate", c.Session.Limit.Max, "guest sessions one remote address may create in any minute")

	fs.StringVar(&c.Store.Path, "db", c.Store.Path, "path of the SQLite database file")
	fs.IntVar(&c.Store.ReplayKeep, "replay-keep", c.Store.ReplayKeep, "newest rounds whose replay the SQLite store keeps, beside those behind a current top-100 entry")
}

// noneValue is a count flag whose 0 means none: it writes 0 into its option
// field as -1, the options' "none" (their zero means the default).
type noneValue struct{ p *int }

func (v noneValue) String() string {
	if v.p == nil {
		return ""
	}
	return strconv.Itoa(max(*v.p, 0))
}

func (v noneValue) Set(s string) error {
	n, err := strconv.Atoi(s)
	switch {
	case err != nil:
		return errors.New("not a whole number")
	case n < 0:
		return errors.New("must not be negative")
	case n == 0:
		n = -1
	}
	*v.p = n
	return nil
}

// noneDurationValue is noneValue for durations: a duration flag whose 0 means
// none (no reconnect grace, no spectating delay), written into its option
// field as -1, the options' "none" (their zero means the default).
type noneDurationValue struct{ p *time.Duration }

func (v noneDurationValue) String() string {
	if v.p == nil {
		return ""
	}
	return max(*v.p, 0).String()
}

func (v noneDurationValue) Set(s string) error {
	d, err := time.ParseDuration(s)
	switch {
	case err != nil:
		return errors.New("not a duration such as 15s")
	case d < 0:
		return errors.New("must not be negative")
	case d == 0:
		d = -1
	}
	*v.p = d
	return nil
}

// secondsValue is a duration flag kept in an option field of whole seconds.
type secondsValue struct{ p *int }

func (v secondsValue) String() string {
	if v.p == nil {
		return ""
	}
	return (time.Duration(*v.p) * time.Second).String()
}

func (v secondsValue) Set(s string) error {
	d, err := time.ParseDuration(s)
	switch {
	case err != nil:
		return errors.New("not a duration such as 5m")
	case d%time.Second != 0:
		return errors.New("must be whole seconds")
	}
	*v.p = int(d / time.Second)
	return nil
}

// listValue is a comma-separated list; blanks are dropped, and so is a
// trailing slash (an origin written as a URL).
type listValue struct{ p *[]string }

func (v listValue) String() string {
	if v.p == nil {
		return ""
	}
	return strings.Join(*v.p, ",")
}

func (v listValue) Set(s string) error {
	*v.p = nil
	for _, e := range strings.Split(s, ",") {
		if e = strings.TrimSuffix(strings.TrimSpace(e), "/"); e != "" {
			*v.p = append(*v.p, e)
		}
	}
	return nil
}

// trustedValue is a comma-separated list of CIDRs.
type trustedValue struct{ p *clientaddr.Trusted }

func (v trustedValue) String() string {
	if v.p == nil {
		return ""
	}
	return v.p.String()
}

func (v trustedValue) Set(s string) error {
	t, err := clientaddr.ParseTrusted(s)
	if err != nil {
		return err
	}
	*v.p = t
	return nil
}
