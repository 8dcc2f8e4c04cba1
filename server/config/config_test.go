package config

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestParse(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		env   map[string]string
		check func(t *testing.T, c Config)
	}{
		{"defaults", nil, nil, func(t *testing.T, c Config) {
			d := Default()
			if c.Addr != d.Addr || c.TickRate != 30 || c.RoomCapacity != 50 || c.RoundLength != 5*time.Minute || c.DB != "tickarena.db" {
				t.Errorf("got %+v, want defaults", c)
			}
		}},
		{"flags", []string{"-addr", "127.0.0.1:9000", "-tick-rate", "60", "-round-length", "10s", "-origins", "https://a.example, http://b.example:8080/"}, nil, func(t *testing.T, c Config) {
			if c.Addr != "127.0.0.1:9000" || c.TickRate != 60 || c.RoundLength != 10*time.Second {
				t.Errorf("got %+v", c)
			}
			if strings.Join(c.Origins, " ") != "https://a.example http://b.example:8080" {
				t.Errorf("origins %q", c.Origins)
			}
		}},
		{"environment", nil, map[string]string{"TICKARENA_ADDR": ":7000", "TICKARENA_TICK_RATE": "20", "TICKARENA_LOG_LEVEL": "debug", "TICKARENA_LOG_FORMAT": "json"}, func(t *testing.T, c Config) {
			if c.Addr != ":7000" || c.TickRate != 20 || c.LogLevel != slog.LevelDebug || c.LogFormat != "json" {
				t.Errorf("got %+v", c)
			}
		}},
		{"flag wins over environment", []string{"-tick-rate", "40"}, map[string]string{"TICKARENA_TICK_RATE": "20"}, func(t *testing.T, c Config) {
			if c.TickRate != 40 {
				t.Errorf("tick rate %d, want 40", c.TickRate)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			c, err := Parse(tt.args, envOf(tt.env), &out)
			if err != nil {
				t.Fatalf("Parse: %v (output %q)", err, out.String())
			}
			tt.check(t, c)
		})
	}
}

func TestParseRejects(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string // must appear in the error: the flag's name
	}{
		{"tick rate too high", []string{"-tick-rate", "61"}, nil, "-tick-rate"},
		{"tick rate too low", []string{"-tick-rate", "9"}, nil, "-tick-rate"},
		{"tick rate not a number", []string{"-tick-rate", "fast"}, nil, "tick-rate"},
		{"bad env names the variable", nil, map[string]string{"TICKARENA_TICK_RATE": "x"}, "TICKARENA_TICK_RATE"},
		{"capacity", []string{"-room-capacity", "1"}, nil, "-room-capacity"},
		{"bots over capacity", []string{"-room-capacity", "10", "-bots", "11"}, nil, "-bots"},
		{"round too short", []string{"-round-length", "1s"}, nil, "-round-length"},
		{"replay keep zero", []string{"-replay-keep", "0"}, nil, "-replay-keep"},
		{"replay keep from env", nil, map[string]string{"TICKARENA_REPLAY_KEEP": "2000000"}, "-replay-keep"},
		{"negative spectators per room", []string{"-max-spectators-per-room", "-1"}, nil, "-max-spectators-per-room"},
		{"spectators from env", nil, map[string]string{"TICKARENA_MAX_SPECTATORS": "100001"}, "-max-spectators"},
		{"spectate delay over a minute", []string{"-spectate-delay", "2m"}, nil, "-spectate-delay"},
		{"negative spectate delay from env", nil, map[string]string{"TICKARENA_SPECTATE_DELAY": "-1s"}, "-spectate-delay"},
		{"short secret", []string{"-secret", "abc"}, nil, "-secret"},
		{"public url", []string{"-public-url", "ftp://x"}, nil, "-public-url"},
		{"redis url", []string{"-redis-url", "http://x"}, nil, "-redis-url"},
		{"origin with path", []string{"-origins", "https://a.example/x"}, nil, "-origins"},
		{"log level", []string{"-log-level", "loud"}, nil, "-log-level"},
		{"log format", []string{"-log-format", "xml"}, nil, "-log-format"},
		{"max conns", []string{"-max-conns", "0"}, nil, "-max-conns"},
		{"unknown flag", []string{"-nope"}, nil, "nope"},
		{"stray argument", []string{"extra"}, nil, "extra"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			_, err := Parse(tt.args, envOf(tt.env), &out)
			if err == nil {
				t.Fatal("Parse accepted an invalid configuration")
			}
			if !strings.Contains(err.Error()+out.String(), tt.want) {
				t.Errorf("error %q does not name %q", err, tt.want)
			}
		})
	}
}

func TestHelpAndVersion(t *testing.T) {
	var out bytes.Buffer
	if _, err := Parse([]string{"-help"}, envOf(nil), &out); !errors.Is(err, ErrHelp) {
		t.Fatalf("help: %v", err)
	}
	for _, want := range []string{"-tick-rate", "TICKARENA_TICK_RATE", "TICKARENA_DB", "-origins"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("usage lacks %q:\n%s", want, out.String())
		}
	}
	if _, err := Parse([]string{"-version"}, envOf(nil), &out); !errors.Is(err, ErrVersion) {
		t.Fatalf("version: %v", err)
	}
}

func TestLogAttrsHideSecrets(t *testing.T) {
	c := Default()
	c.Secret = strings.Repeat("s", 40)
	c.RedisURL = "redis://user:hunter2@127.0.0.1:6379/0"
	var b strings.Builder
	for _, a := range c.LogAttrs() {
		b.WriteString(a.String() + " ")
	}
	if strings.Contains(b.String(), "hunter2") || strings.Contains(b.String(), c.Secret) {
		t.Errorf("log attributes leak a secret: %s", b.String())
	}
}
