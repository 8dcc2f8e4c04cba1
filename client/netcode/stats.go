package netcode

import "time"

// Stats are a client's counters since it was made: what the load generator
// prints and what a debug overlay shows.
type Stats struct {
	// FramesIn, MessagesIn and BytesIn count server frames, the messages
	// in them and their bytes.
	FramesIn, MessagesIn, BytesIn uint64
	// Deltas counts deltas applied to the mirror.
	Deltas uint64
	// InputsSent and BytesOut count inputs made (each sent at least once)
	// and all bytes sent; InputMessages counts the input messages that
	// carried them, about one per two inputs.
	InputsSent, BytesOut uint64
	InputMessages        uint64
	// Corrections counts deltas after which the prediction of the own ship
	// differed from what was drawn; CorrectionSum and CorrectionMax are their
	// sizes in world units. Snaps counts corrections shown as a jump.
	Corrections   uint64
	CorrectionSum float64
	CorrectionMax float64
	Snaps         uint64
	// Frames counts frames rendered with at least two snapshots;
	// Underflows counts those where no snapshot was newer than the render time.
	Frames, Underflows uint64
	// StallUnderflows counts the Underflows on frames that came longer than
	// the interpolation delay after the previous one: the page itself
	// stalled (a browser runs no message handler while it does, so the
	// updates waited too), which no delay covers. The others are the
	// network's.
	StallUnderflows uint64
	// DelaySum is the sum of the interpolation delays of those Frames: over
	// Frames, the mean time other entities were drawn in the past.
	DelaySum time.Duration
	// Resyncs counts deltas that did not apply to the mirror (wrong base,
	// unknown entity) and forced a reconnect for a full snapshot.
	Resyncs uint64
	// DecodeErrors counts messages that did not decode.
	DecodeErrors uint64
	// Reconnects counts connection attempts after the first.
	Reconnects uint64
	// Welcomes counts welcomes received.
	Welcomes uint64
}
