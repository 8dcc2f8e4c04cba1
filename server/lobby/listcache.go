package lobby

import (
	"context"
	"sync"
	"time"
)

// listCache keeps the room list for a short time, and lets concurrent
// requests that find it stale share one fetch instead of each asking the
// Directory. No lock is held while fetching.
type listCache struct {
	ttl time.Duration

	mu       sync.Mutex
	rooms    []RoomInfo // sorted; never modified once stored
	at       time.Time
	valid    bool
	inflight chan struct{} // closed when the fetch in progress ends
}

// get returns the cached list, or fetches it when stale.
func (c *listCache) get(ctx context.Context, fetch func(context.Context) ([]RoomInfo, error)) ([]RoomInfo, error) {
	for {
		c.mu.Lock()
		if c.valid && time.Since(c.at) < c.ttl {
			rooms := c.rooms
			c.mu.Unlock()
			return rooms, nil
		}
		if wait := c.inflight; wait != nil {
			c.mu.Unlock()
			select {
			case <-wait:
				continue
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		done := make(chan struct{})
		c.inflight = done
		c.mu.Unlock()

		rooms, err := fetch(ctx)
		c.mu.Lock()
		c.inflight = nil
		if err == nil {
			c.rooms, c.at, c.valid = rooms, time.Now(), true
		}
		c.mu.Unlock()
		close(done)
		return rooms, err
	}
}

// invalidate makes the next get fetch, so that a player who just created
// or joined a room sees it.
func (c *listCache) invalidate() {
	c.mu.Lock()
	c.valid = false
	c.mu.Unlock()
}
