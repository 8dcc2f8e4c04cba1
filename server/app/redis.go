package app

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tickarena/tickarena/server/cluster"
	"github.com/tickarena/tickarena/server/leaderboard/redisstore"
	"github.com/tickarena/tickarena/server/session"
)

// openRedis connects to the cluster's Redis, with the round-trip metrics
// hook, opens the Redis leaderboard store and returns the session secret:
// cfg.Secret, or the one the first node stored in Redis.
func (a *App) openRedis(ctx context.Context) ([]byte, error) {
	cfg := a.cfg
	if cfg.PublicURL == "" {
		return nil, fmt.Errorf("-public-url (TICKARENA_PUBLIC_URL) is required with -redis-url: players and the other nodes reach this node's rooms there")
	}
	opts, err := redis.ParseURL(cfg.RedisURL)
	if err != nil {
		return nil, fmt.Errorf("redis URL: %w", err)
	}
	// Fail fast when Redis is away, so that the lobby answers 503 at once
	// and the results wait in the writer's queue; the URL may override these.
	if opts.DialTimeout == 0 {
		opts.DialTimeout = 2 * time.Second
	}
	if opts.ReadTimeout == 0 {
		opts.ReadTimeout = time.Second
	}
	if opts.WriteTimeout == 0 {
		opts.WriteTimeout = time.Second
	}
	if opts.MaxRetries == 0 {
		opts.MaxRetries = 1
	}
	if opts.DialerRetries == 0 {
		opts.DialerRetries = 2
	}
	opts.ContextTimeoutEnabled = true
	a.rdb = redis.NewClient(opts)
	a.rdb.AddHook(cluster.MetricsHook{Seconds: a.metrics.RedisSeconds, Errors: a.metrics.RedisErrors})
	pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := a.rdb.Ping(pingCtx).Err(); err != nil {
		a.rdb.Close()
		return nil, fmt.Errorf("redis %s unreachable: %w", opts.Addr, err)
	}
	a.store = redisstore.New(a.rdb, redisstore.Options{Logger: a.log})
	if cfg.Secret != "" {
		return []byte(cfg.Secret), nil
	}
	secret, err := cluster.SharedSecret(ctx, a.rdb, "", session.GenerateSecret)
	if err != nil {
		a.rdb.Close()
		return nil, fmt.Errorf("load session secret: %w", err)
	}
	return secret, nil
}
