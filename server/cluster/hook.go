package cluster

import (
	"context"
	"errors"
	"net"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
)

// MetricsHook is a go-redis hook that times every round trip to Redis by
// operation (the command's name, "pipeline" for a pipeline, "dial" for a
// new connection) and counts the failed ones. redis.Nil (no such key) is an
// answer, not a failure. Add it with client.AddHook.
type MetricsHook struct {
	// Seconds observes each round trip's latency, labelled by "op".
	Seconds *prometheus.HistogramVec
	// Errors counts failed round trips, labelled by "op".
	Errors *prometheus.CounterVec
}

var _ redis.Hook = MetricsHook{}

// DialHook times new connections.
func (h MetricsHook) DialHook(next redis.DialHook) redis.DialHook {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		start := time.Now()
		c, err := next(ctx, network, addr)
		h.observe("dial", start, err)
		return c, err
	}
}

// ProcessHook times one command.
func (h MetricsHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		start := time.Now()
		err := next(ctx, cmd)
		h.observe(strings.ToLower(cmd.Name()), start, err)
		return err
	}
}

// ProcessPipelineHook times one pipeline (or MULTI/EXEC) as a whole.
func (h MetricsHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		start := time.Now()
		err := next(ctx, cmds)
		h.observe("pipeline", start, err)
		return err
	}
}

func (h MetricsHook) observe(op string, start time.Time, err error) {
	if h.Seconds != nil {
		h.Seconds.WithLabelValues(op).Observe(time.Since(start).Seconds())
	}
	if err != nil && !errors.Is(err, redis.Nil) && h.Errors != nil {
		h.Errors.WithLabelValues(op).Inc()
	}
}
