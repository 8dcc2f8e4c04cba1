package cluster

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// SharedSecret returns the session secret every node of the cluster uses:
// the value stored under prefix+"secret", first stored from generate when
// there is none (SET NX), so that nodes started at once agree on one.
func SharedSecret(ctx context.Context, rdb redis.UniversalClient, prefix string, generate func() []byte) ([]byte, error) {
	if prefix == "" {
		prefix = "tickarena:"
	}
	key := prefix + "secret"
	if _, err := rdb.SetNX(ctx, key, generate(), 0).Result(); err != nil {
		return nil, fmt.Errorf("store shared secret: %w", err)
	}
	v, err := rdb.Get(ctx, key).Bytes()
	if err != nil {
		return nil, fmt.Errorf("read shared secret: %w", err)
	}
	return v, nil
}
