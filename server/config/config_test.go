package config

import (
	"bytes"
	"errors"
	"log/slog"
	"runtime"
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
			if c.Addr != d.Addr || c.Realtime.TickRate != 30 || c.Realtime.Capacity != 50 || c.Realtime.RoundSeconds != 300 || c.Store.Path != "tickarena.db" {
				t.Errorf("got %+v, want defaults", c)
			}
		}},
		{"flags", []string{"-addr", "127.0.0.1:9000", "-tick-rate", "60", "-round-length", "10s", "-origins", "https://a.example, http://b.example:8080/"}, nil, func(t *testing.T, c Config) {
			if c.Addr != "127.0.0.1:9000" || c.Realtime.TickRate != 60 || c.Realtime.RoundSeconds != 10 {
				t.Errorf("got %+v", c)
			}
			if strings.Join(c.Origins, " ") != "https://a.example http://b.example:8080" {
				t.Errorf("origins %q", c.Origins)
			}
		}},
		{"environment", nil, map[string]string{"TICKARENA_ADDR": ":7000", "TICKARENA_TICK_RATE": "20", "TICKARENA_LOG_LEVEL": "debug", "TICKARENA_LOG_FORMAT": "json"}, func(t *testing.T, c Config) {
			if c.Addr != ":7000" || c.Realtime.TickRate != 20 || c.LogLevel != slog.LevelDebug || c.LogFormat != "json" {
				t.Errorf("got %+v", c)
			}
		}},
		{"send rate", []string{"-send-rate", "15"}, map[string]string{"TICKARENA_TICK_RATE": "30"}, func(t *testing.T, c Config) {
			if c.Realtime.SendRate != 15 {
				t.Errorf("send rate %d, want 15", c.Realtime.SendRate)
			}
		}},
		{"flag wins over environment", []string{"-tick-rate", "40"}, map[string]string{"TICKARENA_TICK_RATE": "20"}, func(t *testing.T, c Config) {
			if c.Realtime.TickRate != 40 {
				t.Errorf("tick rate %d, want 40", c.Realtime.TickRate)
			}
		}},
		{"zero means none", []string{"-bots", "0", "-public-rooms", "0", "-reconnect-grace", "0", "-sched-latency", "0", "-read-pollers", "0", "-cpu-ceiling", "0"}, nil, func(t *testing.T, c Config) {
			if rt := c.Realtime; rt.Bots >= 0 || rt.PublicRooms >= 0 || rt.ReconnectGrace >= 0 || rt.SchedLatency >= 0 || rt.ReadPollers >= 0 || rt.CPUCeiling >= 0 {
				t.Errorf("bots %d, public rooms %d, grace %s, scheduling latency %s, read pollers %d, cpu ceiling %d: want each negative (none), not zero (the default)", rt.Bots, rt.PublicRooms, rt.ReconnectGrace, rt.SchedLatency, rt.ReadPollers, rt.CPUCeiling)
			}
		}},
		{"read pollers by default: one per CPU", nil, nil, func(t *testing.T, c Config) {
			if got, want := c.Realtime.ReadPollers, runtime.GOMAXPROCS(0); got != want {
				t.Errorf("read pollers %d, want %d (GOMAXPROCS)", got, want)
			}
		}},
		{"spectators: zero means none", []string{"-max-spectators-per-room", "0", "-max-spectators", "0", "-spectate-delay", "0"}, nil, func(t *testing.T, c Config) {
			if rt := c.Realtime; rt.MaxSpectatorsPerRoom >= 0 || rt.MaxSpectators >= 0 || rt.SpectateDelay >= 0 {
				t.Errorf("spectators per room %d, per node %d, delay %s: want each negative (none), not zero (the default)", rt.MaxSpectatorsPerRoom, rt.MaxSpectators, rt.SpectateDelay)
			}
		}},
		{"spectators: the flags and their defaults", []string{"-max-spectators", "7", "-spectate-delay", "1500ms"}, nil, func(t *testing.T, c Config) {
			if rt := c.Realtime; rt.MaxSpectatorsPerRoom != 50 || rt.MaxSpectators != 7 || rt.SpectateDelay != 1500*time.Millisecond {
				t.Errorf("spectators per room %d, per node %d, delay %s; want 50 (the default), 7, 1.5s", rt.MaxSpectatorsPerRoom, rt.MaxSpectators, rt.SpectateDelay)
			}
		}},
		{"gc percent: the default", nil, nil, func(t *testing.T, c Config) {
			if c.GCPercent != 50 {
				t.Errorf("gc percent %d, want the default 50", c.GCPercent)
			}
		}},
		{"gc percent: GOGC in the environment is left to the runtime", nil, map[string]string{"GOGC": "200"}, func(t *testing.T, c Config) {
			if c.GCPercent != 0 {
				t.Errorf("gc percent %d with GOGC=200 and no flag, want 0 (the runtime's GOGC)", c.GCPercent)
			}
		}},
		{"gc percent: the flag wins over GOGC", []string{"-gc-percent", "80"}, map[string]string{"GOGC": "200"}, func(t *testing.T, c Config) {
			if c.GCPercent != 80 {
				t.Errorf("gc percent %d, want 80 from the flag", c.GCPercent)
			}
		}},
		{"gc percent: its variable wins over GOGC", nil, map[string]string{"GOGC": "200", "TICKARENA_GC_PERCENT": "30"}, func(t *testing.T, c Config) {
			if c.GCPercent != 30 {
				t.Errorf("gc percent %d, want 30 from TICKARENA_GC_PERCENT", c.GCPercent)
			}
		}},
		{"sections take the flags", []string{"-bots", "3", "-max-conns-per-ip", "5", "-session-rate", "7", "-room-create-rate", "2", "-replay-keep", "9", "-db", "x.db"}, nil, func(t *testing.T, c Config) {
			if c.Realtime.Bots != 3 || c.Realtime.MaxConnectionsPerAddr != 5 || c.Session.Limit.Max != 7 ||
				c.Lobby.CreatePerPlayer != 2 || c.Store.ReplayKeep != 9 || c.Store.Path != "x.db" {
				t.Errorf("got %+v", c)
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
		{"tick rate zero is not the default", []string{"-tick-rate", "0"}, nil, "-tick-rate"},
		{"send rate that does not divide the tick rate", []string{"-send-rate", "20"}, nil, "-send-rate"},
		{"send rate above the tick rate", []string{"-tick-rate", "20", "-send-rate", "40"}, nil, "-send-rate"},
		{"negative send rate", []string{"-send-rate", "-15"}, nil, "-send-rate"},
		{"send rate from env", nil, map[string]string{"TICKARENA_SEND_RATE": "7"}, "-send-rate"},
		{"negative bots", []string{"-bots", "-1"}, nil, "bots"},
		{"round of fractional seconds", []string{"-round-length", "10.5s"}, nil, "round-length"},
		{"grace too long", []string{"-reconnect-grace", "11m"}, nil, "-reconnect-grace"},
		{"too many read pollers", []string{"-read-pollers", "257"}, nil, "-read-pollers"},
		{"cpu ceiling too low", []string{"-cpu-ceiling", "49"}, nil, "-cpu-ceiling"},
		{"cpu ceiling past all the CPUs", []string{"-cpu-ceiling", "101"}, nil, "-cpu-ceiling"},
		{"scheduling latency too short", []string{"-sched-latency", "500us"}, nil, "-sched-latency"},
		{"scheduling latency too long", []string{"-sched-latency", "2s"}, nil, "-sched-latency"},
		{"max rooms zero", []string{"-max-rooms", "0"}, nil, "-max-rooms"},
		{"bots over capacity", []string{"-room-capacity", "10", "-bots", "11"}, nil, "-bots"},
		{"round too short", []string{"-round-length", "1s"}, nil, "-round-length"},
		{"replay keep zero", []string{"-replay-keep", "0"}, nil, "-replay-keep"},
		{"replay keep from env", nil, map[string]string{"TICKARENA_REPLAY_KEEP": "2000000"}, "-replay-keep"},
		{"negative spectators per room", []string{"-max-spectators-per-room", "-1"}, nil, "-max-spectators-per-room"},
		{"spectators from env", nil, map[string]string{"TICKARENA_MAX_SPECTATORS": "100001"}, "-max-spectators"},
		{"spectators per room over the bound", []string{"-max-spectators-per-room", "10001"}, nil, "-max-spectators-per-room"},
		{"spectate delay over a minute", []string{"-spectate-delay", "2m"}, nil, "-spectate-delay"},
		{"negative spectate delay from env", nil, map[string]string{"TICKARENA_SPECTATE_DELAY": "-1s"}, "-spectate-delay"},
		{"short secret", []string{"-secret", "abc"}, nil, "-secret"},
		{"public url", []string{"-public-url", "ftp://x"}, nil, "-public-url"},
		{"redis url", []string{"-redis-url", "http://x"}, nil, "-redis-url"},
		{"origin with path", []string{"-origins", "https://a.example/x"}, nil, "-origins"},
		{"log level", []string{"-log-level", "loud"}, nil, "-log-level"},
		{"log format", []string{"-log-format", "xml"}, nil, "-log-format"},
		{"max conns", []string{"-max-conns", "0"}, nil, "-max-conns"},
		{"gc percent too low", []string{"-gc-percent", "5"}, nil, "-gc-percent"},
		{"gc percent too high from env", nil, map[string]string{"TICKARENA_GC_PERCENT": "1001"}, "-gc-percent"},
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
	c.Realtime.Bots = -1
	c.RedisURL = "redis://user:hunter2@127.0.0.1:6379/0"
	var b strings.Builder
	for _, a := range c.LogAttrs() {
		b.WriteString(a.String() + " ")
	}
	if strings.Contains(b.String(), "hunter2") || strings.Contains(b.String(), c.Secret) {
		t.Errorf("log attributes leak a secret: %s", b.String())
	}
	for _, want := range []string{"secret_set=true", "tick_rate=30", "bots=0", "max_conns_per_ip=64", "db=tickarena.db"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("log attributes lack %q: %s", want, b.String())
		}
	}
}
