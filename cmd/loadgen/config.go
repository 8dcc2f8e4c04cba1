package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"time"
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
	// Verify checks that every client's mirror stayed consistent.
	Verify bool
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
