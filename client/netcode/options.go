package netcode

import (
	"log/slog"
	"time"
)

// Options configure a Client. The zero value of every field but Dial and URL
// takes the default given in its comment; defaults are filled in by
// withDefaults and nowhere else.
type Options struct {
	// URL is the WebSocket address of the real-time endpoint, passed to Dial.
	URL string
	// Token is the session token sent in the hello; the same token on a
	// reconnect gets the same ship back within the server's grace period.
	Token string
	// Room is the room to join; empty lets the server choose.
	Room string
	// Dial opens connections. Required.
	Dial Dialer
	// Logger receives connection events. Default slog.Default().
	Logger *slog.Logger
	// Spectate watches the room instead of playing (spectate.go): no ship,
	// no inputs. Follow is then the ship to follow first, 0 for the whole
	// arena. Default false: play.
	Spectate bool
	Follow   uint32

	// History is the number of snapshots kept for interpolation. Default 32
	// (about one second at 30 Hz).
	History int
	// MinInterpDelay is the least time other entities are drawn in the past.
	// The delay is the ticks a delta usually spans (Client.TickSpacing) and
	// half a tick more, plus the highest lateness of the deltas of the last
	// seconds (the jitter) or of the latest spikes while they recur (see
	// Client.InterpDelay), at least this. Default 0: no floor beyond the
	// spacing and its half tick (50 ms at 30 Hz with a delta every tick,
	// 117 ms with one every three ticks).
	MinInterpDelay time.Duration
	// MaxInterpDelay is the most the jitter widens the interpolation delay
	// to; the first 30 deltas of a connection (a second at a delta a tick),
	// while the jitter is measured, draw half of it in the past. Default 250 ms: without lag
	// compensation on the server, a player aims at ships drawn this far in
	// the past, and beyond it a few frames moved along their velocity or
	// held are the lesser harm. It is the cap for a delta every tick: a
	// server that sends every k ticks raises it by k−1 ticks (67 ms at
	// 30 Hz and k = 3), so that the jitter has as much room as with a
	// delta every tick. Never less than MinInterpDelay and one and a half
	// tick intervals.
	MaxInterpDelay time.Duration
	// BlendTime is how long the own ship's drawn position takes to reach a
	// corrected prediction. Default 100 ms.
	BlendTime time.Duration
	// SnapDistance is the correction, in world units, beyond which the own ship
	// jumps instead of blending. Default 200.
	SnapDistance float64
	// MaxPending bounds the inputs kept for replay; older ones are dropped.
	// Default 128.
	MaxPending int

	// BackoffMin and BackoffMax bound the wait before a reconnect attempt,
	// which doubles from BackoffMin up to BackoffMax, with ±25% jitter.
	// Defaults 250 ms and 8 s.
	BackoffMin, BackoffMax time.Duration
	// MaxAttempts is the number of reconnect attempts in a row before the
	// client gives up. Default 12; negative means never give up.
	MaxAttempts int
	// HandshakeTimeout bounds the time from dialling to the welcome. Default 10 s.
	HandshakeTimeout time.Duration
	// SilenceTimeout is how long a playing connection may stay silent before it
	// is considered dropped (the server sends a delta every tick or every
	// few). Default 10 s.
	SilenceTimeout time.Duration
	// PingInterval is the time between the client's own pings. Default 2 s.
	PingInterval time.Duration
	// Seed seeds the backoff jitter. Default: derived from Token.
	Seed uint64

	// MirrorOnly keeps only the mirror, prediction and statistics: no
	// interpolation history, bullets, effects or kill feed. For bots and the
	// load generator, where memory per client matters.
	MirrorOnly bool
	// KillFeedLines is the number of kill feed lines kept. Default 5.
	KillFeedLines int
	// MaxEffects bounds the effects queued for the renderer; the older half
	// is dropped when nobody drains them. Default 256.
	MaxEffects int
}

func (o Options) withDefaults() Options {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.History <= 0 {
		o.History = 32
	}
	o.History = max(o.History, 2)
	o.MinInterpDelay = max(o.MinInterpDelay, 0)
	if o.MaxInterpDelay <= 0 {
		o.MaxInterpDelay = 250 * time.Millisecond
	}
	if o.BlendTime <= 0 {
		o.BlendTime = 100 * time.Millisecond
	}
	if o.SnapDistance <= 0 {
		o.SnapDistance = 200
	}
	if o.MaxPending <= 0 {
		o.MaxPending = 128
	}
	if o.BackoffMin <= 0 {
		o.BackoffMin = 250 * time.Millisecond
	}
	if o.BackoffMax <= 0 {
		o.BackoffMax = 8 * time.Second
	}
	o.BackoffMax = max(o.BackoffMax, o.BackoffMin)
	if o.MaxAttempts == 0 {
		o.MaxAttempts = 12
	}
	if o.HandshakeTimeout <= 0 {
		o.HandshakeTimeout = 10 * time.Second
	}
	if o.SilenceTimeout <= 0 {
		o.SilenceTimeout = 10 * time.Second
	}
	if o.PingInterval <= 0 {
		o.PingInterval = 2 * time.Second
	}
	if o.Seed == 0 {
		o.Seed = fnv64(o.Token) | 1
	}
	if o.KillFeedLines <= 0 {
		o.KillFeedLines = 5
	}
	if o.MaxEffects <= 0 {
		o.MaxEffects = 256
	}
	return o
}

func fnv64(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}
