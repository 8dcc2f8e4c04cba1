package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/url"
	"strings"
	"time"

	"github.com/tickarena/tickarena/client/netcode"
)

// config is everything a load run needs; flags fill it and nothing else reads
// flags. Zero fields take the defaults of withDefaults.
type config struct {
	// URL is the WebSocket URL to connect to, or the server's HTTP base, in
	// which case the WebSocket URL comes from the API.
	URL string
	// API is the server's HTTP base for POST /api/session and /api/play
	// (or /api/join with Room). Empty: connect to URL with made-up tokens.
	API string
	// N is the number of clients. Default 10.
	N int
	// Duration is how long the clients play after the last one connected.
	// Default 10 s.
	Duration time.Duration
	// Ramp is the number of connections opened per second. Default 200.
	Ramp float64
	// Room is a room id to join (the hello's room, and /api/join's).
	Room string
	// Rooms spreads the clients over this many rooms created through the API
	// (POST /api/rooms); 0 uses quick play.
	Rooms int
	// Floor talks to the transport floor: no decoding, frames and bytes counted.
	Floor bool
	// Verify checks that every verifying client's mirror stayed consistent.
	Verify bool
	// VerifyFraction is the share of the game clients, 0 to 1, that run the
	// full netcode (mirror, prediction, interpolation) and report
	// corrections and interpolation underflows; the others are light: they
	// send the same inputs and count frames and bytes only. One client in
	// round(1/VerifyFraction) verifies, the first one always. Default 1:
	// every client.
	VerifyFraction float64
	// VerifyApart runs the verifying clients (VerifyFraction below 1) in a
	// child process of their own, the load generator's own executable, so
	// that the light clients' load does not delay them (apart.go). A run
	// with Rooms keeps them in this process.
	VerifyApart bool
	// Nice is the nice value the process runs at, when it set one (-nice):
	// the summary says so.
	Nice int
	// lightOnly makes every client of this process light: the verifying
	// ones run apart.
	lightOnly bool
	// RetryFull makes a client that the server refused because it is full
	// (an HTTP 503, a refused WebSocket upgrade, a close 1013 before the
	// welcome) ask again after the Retry-After the server gave, as the
	// lobby page does, until it is seated or the run ends (retry.go).
	RetryFull bool
	// APITimeout bounds one API request; past it the client counts as timed
	// out. Default 10 s.
	APITimeout time.Duration
	// SendRate is the server's frames per second per client (its
	// -send-rate), which a held game run's updates/s must reach; 0 learns
	// it from the tick spacing of the first clients' first deltas.
	SendRate int
	// TickBudget is the server tick p99 up to which a run counts as held.
	// Default 33 ms, one tick at 30 Hz.
	TickBudget time.Duration
	// Name prefixes the players' names. Default "load".
	Name string
	// Wait is how long to wait for the server to accept connections before
	// starting; 0 does not wait.
	Wait time.Duration
	// PID is the server's process id, whose CPU time the summary reports
	// (Linux); 0 for none.
	PID int
	// Baseline is a floor run's summary: the summary then states its figures
	// as ratios to it.
	Baseline *summary
	// Seed seeds the simulated players' behaviour. Default 1.
	Seed uint64
	// Sample is the interval of the soak readings (server RSS, Go heap,
	// goroutines, updates/s) over the measured window; 0 takes none.
	Sample time.Duration
	// Warmup is the start of the window that the soak's RSS verdict ignores.
	// Default with Sample: a fifth of Duration.
	Warmup time.Duration
	// Progress is where the per-second progress lines go; nil prints none.
	Progress io.Writer
	// Logger receives connection errors. Default: discards below warnings.
	Logger *slog.Logger
}

func (c config) withDefaults() (config, error) {
	if c.N <= 0 {
		c.N = 10
	}
	if c.Duration <= 0 {
		c.Duration = 10 * time.Second
	}
	if c.Ramp <= 0 {
		c.Ramp = 200
	}
	if c.VerifyFraction <= 0 {
		c.VerifyFraction = 1
	}
	if c.VerifyFraction > 1 {
		return c, fmt.Errorf("-verify-fraction %v: want a share between 0 and 1", c.VerifyFraction)
	}
	if c.APITimeout <= 0 {
		c.APITimeout = 10 * time.Second
	}
	if c.TickBudget <= 0 {
		c.TickBudget = 33 * time.Millisecond
	}
	if c.Sample > 0 && c.Warmup <= 0 {
		c.Warmup = c.Duration / 5
	}
	if c.Sample > 0 && c.Warmup >= c.Duration {
		return c, fmt.Errorf("-warmup %v: must be shorter than -duration %v", c.Warmup, c.Duration)
	}
	if c.Name == "" {
		c.Name = "load"
	}
	if c.Seed == 0 {
		c.Seed = 1
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if c.URL == "" && c.API == "" {
		return c, errors.New("give -url or -api")
	}
	if strings.HasPrefix(c.URL, "http://") || strings.HasPrefix(c.URL, "https://") {
		if c.API == "" {
			c.API = c.URL
		}
		c.URL = ""
	}
	if c.URL != "" {
		u, err := url.Parse(c.URL)
		if err != nil || (u.Scheme != "ws" && u.Scheme != "wss") || u.Host == "" {
			return c, fmt.Errorf("-url %q: want ws://host:port/path or an http base", c.URL)
		}
	}
	if c.API != "" {
		u, err := url.Parse(c.API)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return c, fmt.Errorf("-api %q: want http://host:port", c.API)
		}
		c.API = strings.TrimRight(c.API, "/")
	}
	if c.Floor && c.URL == "" {
		return c, errors.New("-floor needs a ws:// -url")
	}
	return c, nil
}

// modeOf returns what client i runs: the floor's client, the full netcode
// (one in round(1/VerifyFraction), the first one always) or a light client.
func (c config) modeOf(i int) clientMode {
	if c.Floor {
		return modeFloor
	}
	if c.lightOnly {
		return modeLight
	}
	if i%c.verifyEvery() == 0 {
		return modeVerify
	}
	return modeLight
}

// verifyEvery is k when one client in k runs the full netcode.
func (c config) verifyEvery() int {
	return max(1, int(math.Round(1/c.VerifyFraction)))
}

// netcodeOptions are the options of a verifying client's netcode: the
// whole client but the rendering, so that it counts interpolation
// underflows as a browser would.
func (c config) netcodeOptions(p *player, url, token, room string) netcode.Options {
	return netcode.Options{URL: url, Token: token, Room: room, Dial: p.dial, Logger: c.Logger, Seed: c.Seed + uint64(p.id)}
}
