package cluster

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"

	"github.com/redis/go-redis/v9"

	"github.com/tickarena/tickarena/server/lobby"
)

// Seats is a node's admission in a cluster: it decides the hellos of the
// node's rooms against the seats reserved in Redis (Admit) and keeps each
// player to one ship across the nodes (Claim). It needs nothing of the
// rooms, so that it is made first, handed to the real-time server, and the
// Node that lists the rooms is built on it afterwards (see New). It is safe
// for concurrent use.
type Seats struct {
	opts Options
	rdb  redis.UniversalClient
	log  *slog.Logger
	key  []byte // signs internal requests
}

var _ lobby.Admission = (*Seats)(nil)

// NewSeats returns the Seats of a node. It fails when a required option is
// missing or PublicURL is not an http(s) URL.
func NewSeats(opts Options) (*Seats, error) {
	switch {
	case opts.Redis == nil:
		return nil, errors.New("cluster: Options.Redis is required")
	case len(opts.Secret) == 0:
		return nil, errors.New("cluster: Options.Secret is required")
	case opts.MaxRooms <= 0:
		return nil, errors.New("cluster: Options.MaxRooms is required")
	}
	u, err := url.Parse(opts.PublicURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("cluster: public URL %q must be an http(s) URL with a host: other nodes and players reach this node there", opts.PublicURL)
	}
	opts = opts.withDefaults()
	return &Seats{
		opts: opts,
		rdb:  opts.Redis,
		log:  opts.Logger.With("node", opts.NodeID),
		key:  internalKey(opts.Secret),
	}, nil
}

// ID returns the node's id, which starts the ids of its rooms.
func (n *Seats) ID() string { return n.opts.NodeID }

// Admit decides a hello in one of this node's rooms; see lobby.Admission.
// It runs on the connection's goroutine and asks Redis within AdmitTimeout.
// When Redis does not answer, it admits the player to a free seat of an
// open room: a player sent here by the lobby must not be turned away by an
// outage, at the cost of a seat that another reservation may have counted
// on. A private room named by its id stays shut (lobby.ErrUnavailable):
// without Redis nobody can tell a reservation from a leaked id.
func (n *Seats) Admit(roomID, playerID string, humans, capacity int, open bool) error {
	ctx, cancel := context.WithTimeout(context.Background(), n.opts.AdmitTimeout)
	defer cancel()
	got, err := admitScript.Run(ctx, n.rdb, nil, n.opts.Prefix, roomID, playerID, humans, capacity,
		n.opts.ArrivalGrace.Milliseconds(), boolArg(open)).Int()
	switch {
	case err != nil && open:
		n.log.Warn("cluster: admission without Redis", "room", roomID, "player", playerID, "err", err)
		if humans >= capacity {
			return fmt.Errorf("admit to room %q: %w", roomID, lobby.ErrRoomFull)
		}
		return nil
	case err != nil:
		return unavailable("admit to private room "+roomID, err)
	case got == admitNoTicket:
		return fmt.Errorf("admit to private room %q without a reservation: %w", roomID, lobby.ErrNotFound)
	case got == admitFull:
		return fmt.Errorf("admit to room %q: %w", roomID, lobby.ErrRoomFull)
	}
	return nil
}

// unavailable marks an error from Redis as the directory being unreachable.
func unavailable(what string, err error) error {
	return fmt.Errorf("%s: %w: %w", what, lobby.ErrUnavailable, err)
}
