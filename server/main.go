// Command tickarena is the host binary: one process that serves the lobby, the
// leaderboard, the browser client and the real-time game over WebSockets.
//
// Every flag has an environment variable of the same meaning (see -help).
// SIGTERM or SIGINT starts a drain: readiness turns 503, running rounds may
// finish until -drain-timeout, results are written, clients get close 1001, and
// the process exits 0.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/tickarena/tickarena/server/app"
	"github.com/tickarena/tickarena/server/config"
)

func main() {
	os.Exit(run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// run is main with its inputs and outputs as arguments; it returns the exit code.
func run(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cfg, err := config.Parse(args, getenv, stderr)
	switch {
	case errors.Is(err, config.ErrHelp):
		return 0
	case errors.Is(err, config.ErrVersion):
		fmt.Fprintln(stdout, "tickarena", app.Version())
		return 0
	case err != nil:
		fmt.Fprintln(stderr, "tickarena:", err)
		return 2
	}
	log := app.NewLogger(cfg, stderr)
	attrs := []any{}
	for _, a := range cfg.LogAttrs() {
		attrs = append(attrs, a)
	}
	log.Info("starting tickarena", append(attrs, "version", app.Version())...)

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	a, err := app.New(ctx, cfg, log)
	if err != nil {
		log.Error("cannot start", "err", err)
		return 1
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		log.Error("cannot listen", "addr", cfg.Addr, "err", err)
		_ = a.Drain(context.Background())
		return 1
	}
	if cfg.DebugAddr != "" {
		go serveDebug(cfg.DebugAddr, log)
	}
	served := make(chan error, 1)
	go func() { served <- a.Serve(ln) }()

	select {
	case err := <-served:
		log.Error("server stopped", "err", err)
		_ = a.Drain(context.Background())
		return 1
	case <-ctx.Done():
	}
	stop() // a second signal kills the process at once
	log.Info("signal received, draining")
	drainCtx, cancel := context.WithTimeout(context.Background(), cfg.DrainTimeout+15*time.Second)
	defer cancel()
	if err := a.Drain(drainCtx); err != nil {
		log.Error("drain incomplete", "err", err)
		return 1
	}
	<-served
	log.Info("stopped")
	return 0
}

// serveDebug serves Go's profiler on its own address, away from players.
func serveDebug(addr string, log *slog.Logger) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	log.Info("profiler listening", "addr", addr)
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	if err := srv.ListenAndServe(); err != nil {
		log.Error("profiler stopped", "err", err)
	}
}
