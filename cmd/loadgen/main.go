// Command loadgen opens many real WebSocket clients against a running
// tickarena server (or the transport floor) and reports what they receive:
// updates per second per client, bytes per client, RTT, errors, and with
// -verify whether every client's mirror stayed consistent.
//
// Each client plays like a human: a random direction held for about a
// second, the aim sweeping, fire held part of the time. One goroutine sends
// every client's inputs at the tick rate, spread across the tick; a
// verifying client's connection has gws's read loop, and the light clients'
// sockets are read by a few read pollers (lightpoll_linux.go; gws's read
// loops elsewhere). The run stops by itself after -duration and talks only
// to the address it is given.
//
// A soak (-sample) also reads the server's RSS, Go heap and goroutines every
// -sample, prints them as a table, and fails unless the RSS stayed within
// ±10% of its first reading after -warmup and no client saw an error.
//
//	go run ./cmd/loadgen -api http://127.0.0.1:8080 -n 200 -duration 10s
//	go run ./cmd/loadgen -api http://127.0.0.1:8080 -pid 1234 -n 200 -duration 10m -sample 20s
//	go run ./cmd/loadgen -floor -url ws://127.0.0.1:8090/ -n 200 -duration 10s
//	go run ./cmd/loadgen -api http://127.0.0.1:8080 -n 4000 -verify-fraction 0.02 -duration 30s
//	go run ./cmd/loadgen -steps bin/loadtest-*.json
//	go run ./cmd/loadgen -compare bin/loadtest-ab-base-1000.json bin/loadtest-ab-this-1000.json
//
// With -verify-fraction below 1 most clients are light: they send the same
// inputs, acknowledge deltas and answer pings, and count frames and bytes
// without decoding them (light.go holds all their protocol code), so that
// one core drives thousands; the others run the full netcode and report
// prediction corrections and interpolation underflows per minute. With
// -verify-apart the verifying clients run in a child process of their own
// (apart.go), so that a core busy with the light clients does not delay
// them and their figures are the server's.
//
// Clients that never get to play are counted by cause: refused (HTTP 503 or
// 429, a refused upgrade, close 1013) apart from timed out, on HTTP and on
// the WebSocket. With -retry-full a refused client asks again after the
// server's Retry-After, as the lobby page does (retry.go), and the report
// says how many got in that way, after how long, and how many did not. A run is "held" when every client plays at p1 ≥ 29.5
// updates/s, nobody was refused, timed out or dropped, and the server's
// tick p99 is within -tick-budget. Against a game server that sends a
// frame every k ticks (its -send-rate), updates are frames and each delta
// covers k ticks: the loadgen also counts the ticks the deltas cover per
// client and second, and a held run has ticks/s p1 ≥ 29.5 (the state keeps
// pace) and updates/s p1 ≥ 29.5/30 of the send rate (-send-rate, or learned
// from the tick spacing of the first clients' first deltas).
//
// With -pid and the server pinned to CPUs of its own, the report also says
// how those CPUs spent the window, every process together, from
// /proc/stat (package server/cpustat): running, interrupts (on loopback, mostly the
// network stack's work for the processes there, which their own CPU time
// partly includes), stolen by the hypervisor (a slow spell of the virtual
// machine) and idle.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"
	"time"
)

func main() {
	var cfg config
	flag.StringVar(&cfg.URL, "url", "", "WebSocket URL (ws://host:port/path), or the server's http base")
	flag.StringVar(&cfg.API, "api", "", "server http base for POST /api/session and /api/play (needed when the server checks tokens)")
	flag.IntVar(&cfg.N, "n", 10, "number of clients")
	flag.DurationVar(&cfg.Duration, "duration", 0, "how long to play once every client is started (default 10s)")
	flag.Float64Var(&cfg.Ramp, "ramp", 200, "connections opened per second")
	flag.StringVar(&cfg.Name, "name", "load", "prefix of the players' names")
	flag.StringVar(&cfg.Room, "room", "", "room id to join (default: quick play)")
	flag.IntVar(&cfg.Rooms, "rooms", 0, "spread the clients over this many new rooms (needs -api)")
	flag.BoolVar(&cfg.Floor, "floor", false, "talk to the transport floor: count frames and bytes, decode nothing")
	flag.BoolVar(&cfg.Verify, "verify", false, "check that every verifying client's mirror stays consistent; exit 1 if not")
	flag.Float64Var(&cfg.VerifyFraction, "verify-fraction", 1, "share of the game clients that run the full netcode (mirror, prediction, interpolation) and report corrections and underflows; the others send the same inputs and only count frames and bytes (0.02: one in 50)")
	flag.BoolVar(&cfg.VerifyApart, "verify-apart", false, "with -verify-fraction below 1 (and no -rooms), run the verifying clients in a process of their own, so that the light clients' load on this one does not delay them and their netcode figures are the server's")
	nice := flag.Int("nice", 0, "set this process's nice value at start (Linux; negative needs privileges): -verify-apart starts its verifying clients' process at -5, so that the operating system wakes it before the busy light clients")
	flag.BoolVar(&cfg.RetryFull, "retry-full", false, "a client refused because the server is full (HTTP 503, a refused WebSocket upgrade, close 1013 before the welcome) asks again as the lobby page does: after the Retry-After the server gave (5s when it gives none or none readable, kept within 1s and 60s) plus up to 10% random jitter, until it is seated or the run ends; the report adds the clients seated only after a retry, the retries, the time from a client's first request to its seat (p50, p99, max), the clients still unseated at the end and every refusal received")
	flag.IntVar(&cfg.SendRate, "send-rate", 0, "the server's -send-rate, frames per second per client, that a held run's updates/s must reach (with ticks/s p1 ≥ 29.5); 0 learns it from the tick spacing of the first clients' first deltas, before the load")
	flag.DurationVar(&cfg.TickBudget, "tick-budget", 33*time.Millisecond, "server tick p99 up to which a run counts as held")
	flag.DurationVar(&cfg.Wait, "wait", 0, "wait this long for the server to accept connections before starting")
	flag.DurationVar(&cfg.Sample, "sample", 0, "soak: read the server's RSS, heap, goroutines and the updates/s this often; exit 1 unless RSS stays within ±10% after -warmup and no error occurred")
	flag.DurationVar(&cfg.Warmup, "warmup", 0, "soak: the start of the window that the RSS verdict ignores (default a fifth of -duration)")
	flag.IntVar(&cfg.PID, "pid", 0, "server process id: report its CPU use over the run (Linux)")
	baseline := flag.String("baseline", "", "a floor run's -json summary: state this run's figures as ratios to it")
	printPort := flag.Bool("free-port", false, "print a free TCP port on 127.0.0.1 and exit (for scripts)")
	jsonPath := flag.String("json", "", "also write the summary as JSON to this file")
	verbose := flag.Bool("v", false, "log connection events")
	failOnTimeouts := flag.Bool("fail-on-http-timeouts", false, "exit 1 when an API call (session, seat) was not answered in time: an overloaded server must refuse, not hang")
	steps := flag.Bool("steps", false, "read the -json summaries named as arguments (a stepped run, floor and server at each client count), print them side by side and the largest count each held")
	cpuProfile := flag.String("cpuprofile", "", "write this process's CPU profile to this file (go tool pprof), for work on the load generator itself")
	compare := flag.Bool("compare", false, "read two -json summaries named as arguments, a baseline and a run made at the same time on the same CPU (make loadtest with AB_BASE), and print each figure of both with their ratio")
	flag.Parse()

	if *compare {
		if flag.NArg() != 2 {
			fmt.Fprintln(os.Stderr, "loadgen: -compare takes two summaries: the baseline's and the run's")
			os.Exit(2)
		}
		if err := compareTable(os.Stdout, flag.Arg(0), flag.Arg(1)); err != nil {
			fmt.Fprintln(os.Stderr, "loadgen:", err)
			os.Exit(1)
		}
		return
	}
	if *steps {
		if _, _, err := stepTable(os.Stdout, flag.Args()); err != nil {
			fmt.Fprintln(os.Stderr, "loadgen:", err)
			os.Exit(1)
		}
		return
	}

	if *nice != 0 {
		if err := setNice(*nice); err != nil {
			fmt.Fprintln(os.Stderr, "loadgen: at the usual priority:", err)
		} else {
			cfg.Nice = *nice
		}
	}
	if *printPort {
		port, err := freePort()
		if err != nil {
			fmt.Fprintln(os.Stderr, "loadgen:", err)
			os.Exit(1)
		}
		fmt.Println(port)
		return
	}
	if *baseline != "" {
		b, err := readSummary(*baseline)
		if err != nil {
			fmt.Fprintln(os.Stderr, "loadgen:", err)
			os.Exit(1)
		}
		cfg.Baseline = b
	}
	level := slog.LevelWarn
	if *verbose {
		level = slog.LevelDebug
	}
	cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	cfg.Progress = os.Stdout

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	stopProfile := func() {}
	if *cpuProfile != "" {
		var err error
		if stopProfile, err = startCPUProfile(*cpuProfile); err != nil {
			fmt.Fprintln(os.Stderr, "loadgen:", err)
			os.Exit(2)
		}
	}
	sum, err := run(ctx, cfg)
	stopProfile()
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
	sum.print(os.Stdout)
	if *jsonPath != "" {
		if err := sum.writeJSON(*jsonPath); err != nil {
			fmt.Fprintln(os.Stderr, "loadgen:", err)
			os.Exit(1)
		}
	}
	if sum.Verified != nil && !*sum.Verified {
		os.Exit(1)
	}
	if t := sum.Failed.HTTPTimeouts; *failOnTimeouts && t > 0 {
		fmt.Fprintf(os.Stderr, "loadgen: %d API calls timed out (a full server must answer 503 at once)\n", t)
		os.Exit(1)
	}
	if why := sum.soakFailed(); why != "" {
		fmt.Fprintln(os.Stderr, "loadgen: soak failed:", why)
		os.Exit(1)
	}
}

// startCPUProfile starts writing the process's CPU profile to path and
// returns the function that ends it.
func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		_ = f.Close()
	}, nil
}
