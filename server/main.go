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
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/tickarena/tickarena/server/app"
	"github.com/tickarena/tickarena/server/config"
	"github.com/tickarena/tickarena/server/leaderboard/sqlitestore"
)

func main() {
	os.Exit(run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// run is main with its inputs and outputs as arguments; it returns the exit code.
func run(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) > 0 && (args[0] == "backup" || args[0] == "restore") {
		return runStoreCommand(args[0], args[1:], getenv, stdout, stderr)
	}
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
	if cfg.GCPercent > 0 {
		debug.SetGCPercent(cfg.GCPercent)
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
	if cfg.HTTPRedirectAddr != "" {
		rln, err := net.Listen("tcp", cfg.HTTPRedirectAddr)
		if err != nil {
			log.Error("cannot listen", "addr", cfg.HTTPRedirectAddr, "err", err)
			_ = a.Drain(context.Background())
			return 1
		}
		go func() {
			if err := a.ServeRedirect(rln); err != nil {
				log.Error("redirect listener stopped", "err", err)
			}
		}()
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

// runStoreCommand runs `tickarena backup [-db FILE] BACKUP` (a consistent copy
// of the database, safe while the server runs) or `tickarena restore [-db
// FILE] [-force] BACKUP` (put a backup in place, with the server stopped).
func runStoreCommand(name string, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("tickarena "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := config.Default().Store.Path
	if v := getenv(config.EnvName("db")); v != "" {
		db = v
	}
	fs.StringVar(&db, "db", db, "the server's SQLite database file (default from "+config.EnvName("db")+")")
	force := false
	if name == "restore" {
		fs.BoolVar(&force, "force", false, "restore even though the database's write-ahead log exists (the server must be stopped)")
	}
	fs.Usage = func() {
		if name == "backup" {
			fmt.Fprintln(stderr, "Usage: tickarena backup [-db FILE] BACKUP\n\nWrites a consistent copy of the live database to BACKUP (which must not exist)\nwithout stopping the server.")
		} else {
			fmt.Fprintln(stderr, "Usage: tickarena restore [-db FILE] [-force] BACKUP\n\nChecks BACKUP and puts it in place of the database. Stop the server first.")
		}
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	file := fs.Arg(0)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	var err error
	if name == "backup" {
		err = sqlitestore.BackupFile(ctx, db, file)
	} else {
		err = sqlitestore.Restore(ctx, file, db, force)
	}
	if err != nil {
		fmt.Fprintln(stderr, "tickarena:", err)
		return 1
	}
	if name == "backup" {
		fmt.Fprintf(stdout, "backed up %s to %s\n", db, file)
	} else {
		fmt.Fprintf(stdout, "restored %s from %s\n", db, file)
	}
	return 0
}
