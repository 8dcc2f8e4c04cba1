package cluster

import (
	"cmp"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tickarena/tickarena/server/lobby"
)

// Options configures a node's Seats and the Node built on them. Redis,
// PublicURL, Secret and MaxRooms are required; every other field has a default, and the zero value of each
// means that default.
type Options struct {
	// Redis is the shared Redis. The caller owns it.
	Redis redis.UniversalClient
	// PublicURL is this node's base URL as players and other nodes reach
	// it, e.g. http://10.0.0.5:8080; WebSocket URLs of its rooms are made from it.
	PublicURL string
	// Secret is the shared session secret; internal requests between nodes
	// are signed with a key derived from it.
	Secret []byte
	// NodeID names this node; it must be unique in the cluster and start
	// the ids of the node's rooms. Default: 6 random hex digits (see NewNodeID).
	NodeID string
	// Prefix starts every Redis key. Default "tickarena:".
	Prefix string
	// Limits bounds the specs of created rooms; zero fields take their defaults.
	Limits lobby.Limits
	// MaxRooms is the most rooms this node runs, as its host bounds them
	// (realtime.Options.MaxRooms); other nodes read it to place rooms.
	// Required.
	MaxRooms int
	// QuickPlay is the spec of rooms made by quick play; its Name gets a
	// number appended. Zero Name, Capacity and RoundSeconds take "Match",
	// Limits.DefaultCapacity and Limits.DefaultRoundSeconds, and zero Bots
	// the host's default. Always public.
	QuickPlay lobby.RoomSpec
	// Heartbeat is how often the node publishes its rooms and load. Default 1 s.
	Heartbeat time.Duration
	// TTL is how long a published room or node lives without a heartbeat.
	// Default 5 s.
	TTL time.Duration
	// ReservationTTL is how long a reserved seat waits for its player when
	// Reserve gets no duration. Default lobby.DefaultReservationTTL (20 s).
	ReservationTTL time.Duration
	// ArrivalGrace is how long an admitted player keeps a seat counted on
	// top of the published humans; it must exceed Heartbeat. Default 3 s.
	ArrivalGrace time.Duration
	// AdmitTimeout bounds the Redis call that Admit and Claim each make from
	// a connection's goroutine at hello. Default 250 ms.
	AdmitTimeout time.Duration
	// EvictTimeout bounds the request Claim makes to the node that held a
	// player's ship, at hello. Default 1 s.
	EvictTimeout time.Duration
	// HTTPClient makes the internal requests to other nodes. Default: a
	// client with a 5 s timeout.
	HTTPClient *http.Client
	// Logger receives the node's log lines. Default slog.Default().
	Logger *slog.Logger
}

func (o Options) withDefaults() Options {
	if o.NodeID == "" {
		o.NodeID = NewNodeID()
	}
	if o.Prefix == "" {
		o.Prefix = "tickarena:"
	}
	if o.QuickPlay.Name == "" {
		o.QuickPlay.Name = "Match"
	}
	if o.QuickPlay.Capacity == 0 {
		o.QuickPlay.Capacity = cmp.Or(o.Limits.DefaultCapacity, o.Limits.MaxCapacity, 50)
	}
	if o.QuickPlay.RoundSeconds == 0 {
		o.QuickPlay.RoundSeconds = cmp.Or(o.Limits.DefaultRoundSeconds, 300)
	}
	o.QuickPlay.Public = true
	if o.Heartbeat <= 0 {
		o.Heartbeat = time.Second
	}
	if o.TTL <= 0 {
		o.TTL = 5 * time.Second
	}
	if o.ReservationTTL <= 0 {
		o.ReservationTTL = lobby.DefaultReservationTTL
	}
	if o.ArrivalGrace <= 0 {
		o.ArrivalGrace = 3 * time.Second
	}
	if o.AdmitTimeout <= 0 {
		o.AdmitTimeout = 250 * time.Millisecond
	}
	if o.EvictTimeout <= 0 {
		o.EvictTimeout = time.Second
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: 5 * time.Second}
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

// NewNodeID returns a random node id of 6 hex digits.
func NewNodeID() string {
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
