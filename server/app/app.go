// Package app wires a tickarena node together: configuration, storage,
// sessions, the lobby, the real-time server, the leaderboard, the web files,
// metrics, health and the drain on shutdown. server/main.go only parses flags
// and signals; tests build an App on a random loopback port.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tickarena/tickarena/server/apidoc"
	"github.com/tickarena/tickarena/server/clientaddr"
	"github.com/tickarena/tickarena/server/cluster"
	"github.com/tickarena/tickarena/server/config"
	"github.com/tickarena/tickarena/server/httpjson"
	"github.com/tickarena/tickarena/server/leaderboard"
	"github.com/tickarena/tickarena/server/leaderboard/sqlitestore"
	"github.com/tickarena/tickarena/server/lobby"
	"github.com/tickarena/tickarena/server/metrics"
	"github.com/tickarena/tickarena/server/realtime"
	"github.com/tickarena/tickarena/server/session"
	"github.com/tickarena/tickarena/server/tlsconf"
	"github.com/tickarena/tickarena/server/web"
)

// secretKey is the settings key under which the generated token secret is kept.
const secretKey = "session_secret"

// App is one running node.
type App struct {
	cfg      config.Config
	log      *slog.Logger
	started  time.Time
	version  string
	store    leaderboard.Store
	rdb      *redis.Client // nil on a single node
	node     *cluster.Node // nil on a single node
	writer   *leaderboard.Writer
	health   *leaderboard.Health // the store's permanent failure, if any
	rt       *realtime.Manager
	metrics  *metrics.Metrics
	obs      *observer
	handler  http.Handler
	mux      *http.ServeMux // the routes, for the OpenAPI test
	draining atomic.Bool
	server   *http.Server
	// readyChecks are the conditions of readiness (see readiness.go).
	readyChecks []readyCheck
	tls         *tlsconf.TLS // nil on plain HTTP
	redirect    *http.Server // the plain-HTTP redirect listener, if any
	backups     context.CancelFunc
	backupWG    sync.WaitGroup
}

// buildVersion is the version stamped by the linker (`make build` and `make
// run` pass -ldflags "-X github.com/tickarena/tickarena/server/app.buildVersion=…"
// with `git describe`); empty in a plain `go build`.
var buildVersion string

// Version returns the version of this build: the one stamped by the linker,
// else the module's build information.
func Version() string {
	if buildVersion != "" {
		return buildVersion
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := info.Main.Version
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v += " " + s.Value[:12]
		}
	}
	return v
}

// New opens the store and builds every part of the node. It does not listen yet.
// With cfg.RedisURL set, the node joins a cluster: rooms, seats and the
// leaderboard live in Redis (see server/cluster) and the SQLite file is not used.
func New(ctx context.Context, cfg config.Config, log *slog.Logger) (*App, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.Default()
	}
	a := &App{cfg: cfg, log: log, started: time.Now(), version: Version()}
	a.metrics = metrics.New(a.version)
	secret, err := a.openStore(ctx)
	if err != nil {
		return nil, err
	}
	if err := a.build(secret); err != nil {
		if a.rt != nil {
			_ = a.rt.Shutdown(ctx)
		}
		a.closeStore()
		return nil, err
	}
	return a, nil
}

// build makes every part of the node on the opened store, in the order
// they need each other: sessions and results, then the rooms and the
// lobby's directory over them, then the routes and the HTTP server.
func (a *App) build(secret []byte) error {
	a.startBackups()
	issuer, err := session.NewIssuer(secret, session.IssuerOptions{})
	if err != nil {
		return fmt.Errorf("session issuer: %w", err)
	}
	a.startWriter()
	dir, err := a.newRooms(issuer, secret)
	if err != nil {
		return err
	}
	a.baseReadyChecks()
	a.saturationReadyCheck()
	a.stolenCPUMetric()
	a.metrics.GaugeFunc("tickarena_rooms", "Rooms open on this node.", func() float64 { return float64(len(a.rt.Rooms())) })
	a.metrics.GaugeFunc("tickarena_spectators", "Spectators watching a room of this node.", func() float64 { return float64(a.rt.Spectators()) })
	if a.mux, err = a.routes(issuer, dir); err != nil {
		return err
	}
	a.handler = a.cfg.TrustedProxies.Middleware(a.metrics.Middleware(a.refuseWhileDraining(a.mux)))
	if a.cfg.TLS() {
		cfg := a.cfg
		a.tls, err = tlsconf.New(tlsconf.Options{CertFile: cfg.TLSCert, KeyFile: cfg.TLSKey,
			ACMEDomains: cfg.ACMEDomains, ACMECacheDir: cfg.ACMECacheDir(), ACMEEmail: cfg.ACMEEmail, Logger: a.log})
		if err != nil {
			return err
		}
		a.handler = tlsconf.HSTSHandler(a.handler)
	}
	a.handler = a.closeWhileFull(a.handler)
	// Made here rather than in Serve, so that a Drain racing a Serve that has
	// not started yet shuts down the same server.
	a.server = &http.Server{
		Handler:           a.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
	}
	return nil
}

// startBackups copies the SQLite database into cfg.BackupDir now and then,
// when one is set.
func (a *App) startBackups() {
	store, ok := a.store.(*sqlitestore.Store)
	if !ok || a.cfg.BackupDir == "" {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	a.backups = cancel
	a.backupWG.Go(func() { a.runBackups(ctx, store) })
}

// startWriter starts the queue that writes round results to the store off
// the rooms' goroutines, and the store's health it reports to.
func (a *App) startWriter() {
	a.health = leaderboard.NewHealth(func(err error) {
		a.metrics.StoreFailures.Inc()
		a.log.Error("leaderboard store failed: round results are no longer recorded and /readyz answers 503; repair the database and restart", "err", err)
	})
	opts := leaderboard.WriterOptions{Logger: a.log, Health: a.health}
	if a.rdb != nil {
		// Redis outages are expected to be short: retry often enough that
		// the board is current soon after Redis returns.
		opts.MaxBackoff = 2 * time.Second
	}
	a.writer = leaderboard.NewWriter(&timedRecorder{store: a.store, m: a.metrics}, opts)
	a.metrics.GaugeFunc("tickarena_leaderboard_queue_depth", "Round results waiting to be written.", func() float64 { return float64(a.writer.Depth()) })
	a.metrics.CounterFunc("tickarena_leaderboard_results_lost_total", "Round results not recorded: rejected, refused or dropped after a store failure, or abandoned at shutdown.", func() float64 { return float64(a.writer.Dropped()) })
	a.metrics.CounterFunc("tickarena_replays_left_out_total", "Rounds recorded without their replay: too many recordings waiting, or the file too large.", func() float64 { return float64(a.writer.ReplaysLeftOut()) })
}

// newRooms starts the real-time server and returns the lobby's directory
// over its rooms. The seats that admit players are made first (this node's
// ledger, or the cluster's in Redis), so that the rooms consult them from
// the start and the directory is built on rooms that exist.
func (a *App) newRooms(issuer *session.Issuer, secret []byte) (lobby.Directory, error) {
	cfg := a.cfg
	rt := a.realtimeOptions(issuer)
	var clusterSeats *cluster.Seats
	var localSeats *lobby.Seats
	if a.rdb != nil {
		var err error
		clusterSeats, err = cluster.NewSeats(cluster.Options{
			Redis: a.rdb, PublicURL: cfg.PublicURL, Secret: secret, Limits: a.roomLimits(),
			MaxRooms: cfg.Realtime.MaxRooms, ReservationTTL: cfg.Lobby.ReservationTTL, Logger: a.log,
		})
		if err != nil {
			return nil, fmt.Errorf("cluster: %w", err)
		}
		rt.Admission, rt.Ships, rt.RoomIDPrefix = lobbyAdmission{clusterSeats}, clusterSeats, clusterSeats.ID()+"-"
	} else {
		localSeats = lobby.NewSeats(lobby.SeatsOptions{TTL: cfg.Lobby.ReservationTTL})
		rt.Admission = lobbyAdmission{localSeats}
	}
	var err error
	if a.rt, err = realtime.New(rt); err != nil {
		return nil, fmt.Errorf("realtime: %w", err)
	}
	if clusterSeats != nil {
		if a.node, err = cluster.New(clusterSeats, lobbyHost{a.rt}, fleet{a.rt}); err != nil {
			return nil, fmt.Errorf("cluster: %w", err)
		}
		return a.node, nil
	}
	local, err := lobby.NewLocal(lobbyHost{a.rt}, lobby.LocalOptions{
		Seats: localSeats, PublicURL: cfg.PublicURL, Logger: a.log, Limits: a.roomLimits(),
	})
	if err != nil {
		return nil, fmt.Errorf("lobby: %w", err)
	}
	return local, nil
}

// realtimeOptions are the real-time server's section of the configuration
// with the node's hooks in it, Admission and Ships aside.
func (a *App) realtimeOptions(issuer *session.Issuer) realtime.Options {
	a.obs = newObserver(a.metrics)
	o := a.cfg.Realtime
	o.Auth = issuerAuth{issuer}
	o.Observer = a.obs
	o.Logger = a.log
	o.OnRoundEnd = a.recordRound
	o.UnjoinedRoomTimeout = a.cfg.Lobby.ReservationTTL // a room lives as long as its creator's seat
	o.RecordReplays = a.keepsReplays()
	return o
}

// roomLimits bounds the rooms players create: up to the node's room
// capacity, by default its capacity and round length.
func (a *App) roomLimits() lobby.Limits {
	rt := a.cfg.Realtime
	return lobby.Limits{MaxCapacity: rt.Capacity, DefaultCapacity: rt.Capacity, DefaultRoundSeconds: rt.RoundSeconds, MinRoundSeconds: min(30, rt.RoundSeconds)}
}

// routes registers every endpoint of the node.
func (a *App) routes(issuer *session.Issuer, dir lobby.Directory) (*http.ServeMux, error) {
	cfg := a.cfg
	mux := http.NewServeMux()
	sessionOpts := cfg.Session
	sessionOpts.Logger = a.log
	session.NewHandler(issuer, sessionOpts).Register(mux)
	lobbyOpts := cfg.Lobby
	lobbyOpts.Logger, lobbyOpts.Limits = a.log, a.roomLimits()
	if a.node == nil {
		// In a cluster, quick play and room creation pass over saturated
		// nodes instead (lobbyHost's Saturated, see cluster.Saturation).
		lobbyOpts.Gate = nodeGate{rt: a.rt}
	}
	lobbyOpts.OnFull = countRefusedFull(a.metrics)
	if a.node != nil {
		lobbyOpts.CreateLimit = a.node // counted once for the whole cluster
	}
	lobby.NewHandler(dir, issuer, lobbyOpts).Register(mux)
	if a.node != nil {
		a.node.Register(mux)
	}
	site, err := web.New(web.Options{Logger: a.log})
	if err != nil {
		return nil, fmt.Errorf("web files: %w", err)
	}
	leaderboard.NewHandler(a.store, leaderboard.HandlerOptions{Logger: a.log, Health: a.health,
		ReplayPage: site.Page(web.ReplayPage)}).Register(mux)
	apidoc.Register(mux)
	site.Register(mux)
	mux.Handle("GET /ws", newOriginCheck(cfg.Origins, cfg.PublicURL).wrap(a.rt))
	mux.Handle("GET /metrics", a.metrics.Handler())
	mux.HandleFunc("GET /healthz", a.healthz)
	mux.HandleFunc("GET /readyz", a.readyz)
	mux.HandleFunc("GET /status", a.status)
	return mux, nil
}

// openStore opens the leaderboard store, SQLite or Redis, and returns the
// session secret: cfg.Secret, or the one kept in the store.
func (a *App) openStore(ctx context.Context) ([]byte, error) {
	cfg := a.cfg
	if cfg.RedisURL != "" {
		return a.openRedis(ctx)
	}
	opts := cfg.Store
	opts.Logger = a.log
	store, err := sqlitestore.Open(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", opts.Path, err)
	}
	a.store = store
	if cfg.Secret != "" {
		return []byte(cfg.Secret), nil
	}
	secret, err := store.GetOrCreateSetting(ctx, secretKey, func() ([]byte, error) { return session.GenerateSecret(), nil })
	if err != nil {
		store.Close()
		return nil, fmt.Errorf("load session secret: %w", err)
	}
	return secret, nil
}

// closeStore closes the store and, in a cluster, the Redis client.
func (a *App) closeStore() error {
	if a.backups != nil {
		a.backups()
		a.backupWG.Wait()
	}
	var errs []error
	if a.store != nil {
		errs = append(errs, a.store.Close())
	}
	if a.rdb != nil {
		errs = append(errs, a.rdb.Close())
	}
	return errors.Join(errs...)
}

// Handler returns the node's HTTP handler (API, pages, WebSocket, metrics).
func (a *App) Handler() http.Handler { return a.handler }

// Serve answers HTTP on ln until Drain. It returns nil after a drain.
func (a *App) Serve(ln net.Listener) error {
	ln = a.acceptWhileFull(ln)
	if a.cfg.ProxyProtocol {
		ln = &clientaddr.Listener{Listener: ln, Trusted: a.cfg.TrustedProxies, Logger: a.log}
	}
	if a.tls != nil {
		ln = a.tls.Listener(ln)
	}
	if a.node != nil {
		a.node.Run(context.Background())
	}
	a.log.Info("listening", "addr", ln.Addr().String(), "tls", a.tls != nil, "version", a.version)
	if err := a.server.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// ServeRedirect answers plain HTTP on ln with redirects to HTTPS (and ACME
// challenges) until Drain; it needs TLS. It returns nil after a drain.
func (a *App) ServeRedirect(ln net.Listener) error {
	if a.tls == nil {
		return errors.New("redirect to HTTPS: TLS is not configured")
	}
	_, port, _ := net.SplitHostPort(a.cfg.Addr)
	base := ""
	if u, err := url.Parse(a.cfg.PublicURL); err == nil && u.Scheme == "https" {
		base = "https://" + u.Host
	}
	a.redirect = &http.Server{
		Handler:           a.cfg.TrustedProxies.Middleware(a.tls.RedirectHandler(base, port)),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       30 * time.Second,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
	}
	a.log.Info("redirecting plain HTTP to HTTPS", "addr", ln.Addr().String())
	if err := a.redirect.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve redirect: %w", err)
	}
	return nil
}

// recordRound turns a room's round into a leaderboard result and queues it; it
// runs on the room's goroutine and never blocks.
func (a *App) recordRound(rec realtime.RoundRecord) {
	a.metrics.RoundsEnded.Inc()
	res := leaderboard.RoundResult{
		ID:       fmt.Sprintf("%s-%d-%d", rec.RoomID, rec.EndedAt.UnixNano(), rec.Round),
		RoomID:   rec.RoomID,
		RoomName: rec.RoomName,
		Round:    uint32(rec.Round),
		EndedAt:  rec.EndedAt,
	}
	if rec.Private {
		res.ID, res.RoomID = privateRoundID(res.ID), "" // public pages must not leak a private room's id
	}
	res.Players = rec.Players
	if res.RoomID != "" {
		// Encoded by the writer, off this goroutine. A private room's
		// recording names the room, so it is not kept.
		res.Recording = rec.Replay
	}
	if err := a.writer.Enqueue(res); err != nil && !errors.Is(err, leaderboard.ErrStoreFailed) { // a store failure is logged once
		a.log.Error("round result not queued", "room", rec.RoomID, "round", rec.Round, "err", err)
	}
}

// keepsReplays reports whether the store keeps replays, so that rooms record
// their rounds only when the recordings will be kept.
func (a *App) keepsReplays() bool {
	_, ok := a.store.(leaderboard.RoundStore)
	return ok
}

// timedRecorder records results and reports how long each write took.
type timedRecorder struct {
	store leaderboard.Store
	m     *metrics.Metrics
}

func (t *timedRecorder) Record(ctx context.Context, r leaderboard.RoundResult) error {
	start := time.Now()
	err := t.store.Record(ctx, r)
	t.m.StoreWrite.Observe(time.Since(start).Seconds())
	if err != nil {
		t.m.StoreErrors.Inc()
	}
	return err
}

func (a *App) healthz(w http.ResponseWriter, r *http.Request) {
	httpjson.Write(w, http.StatusOK, map[string]string{"status": "ok"})
}

// refuseWhileDraining answers 503 to requests that would start something new
// (sessions, rooms, quick play, joins) once a drain has begun.
func (a *App) refuseWhileDraining(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a.draining.Load() && r.Method == http.MethodPost {
			w.Header().Set("Retry-After", "10")
			httpjson.WriteError(w, http.StatusServiceUnavailable, "server is shutting down", "")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// Drain stops the node without losing anything: readiness turns 503 at once,
// nothing new starts, running rounds may finish until the drain timeout, then
// clients get close 1001, queued results are written and the store is closed.
// ctx bounds the whole drain.
func (a *App) Drain(ctx context.Context) error {
	if !a.draining.CompareAndSwap(false, true) {
		return nil
	}
	a.log.Info("drain started", "round_deadline", a.cfg.DrainTimeout)
	var errs []error
	if a.node != nil {
		if err := a.node.Leave(ctx); err != nil {
			a.log.Warn("rooms not removed from the cluster directory; they expire within the TTL", "err", err)
		}
	}
	roundCtx, cancel := context.WithTimeout(ctx, a.cfg.DrainTimeout)
	if err := a.rt.Drain(roundCtx); err != nil {
		a.log.Warn("rounds did not all finish before the drain deadline", "err", err)
	}
	cancel()
	if err := a.rt.Shutdown(ctx); err != nil {
		errs = append(errs, err)
	}
	if a.server != nil {
		if err := a.server.Shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("http shutdown: %w", err))
		}
	}
	if a.redirect != nil {
		_ = a.redirect.Close()
	}
	if err := a.writer.Close(ctx); err != nil {
		errs = append(errs, fmt.Errorf("flush results: %w", err))
	}
	if err := a.closeStore(); err != nil {
		errs = append(errs, fmt.Errorf("close store: %w", err))
	}
	a.log.Info("drain finished", "results_written", a.writer.Written(), "errors", len(errs))
	return errors.Join(errs...)
}
