package realtime

import "time"

// Observer receives the server's counters and timings. Its methods are called
// from many goroutines, some of them hot; implementations must be safe for
// concurrent use and fast. Embed NopObserver to implement only some methods.
type Observer interface {
	// ConnOpened is called when a WebSocket upgrade succeeds.
	ConnOpened()
	// ConnClosed is called once per connection with the reason it ended, e.g.
	// "leave", "too slow", "flood", "bad message", "shutdown".
	ConnClosed(reason string)
	// ConnRejected is called when an upgrade is refused before it happens,
	// with the reason ("limit", "addr limit", "shutting down").
	ConnRejected(reason string)
	// Tick is called after every tick of a room with the time it took.
	Tick(room string, d time.Duration)
	// LateTicks is called when a room ran n catch-up ticks back to back (late)
	// and dropped dropped more because it was too far behind.
	LateTicks(room string, late, dropped int)
	// MessageSent is called for every message handed to a socket, with its size in bytes.
	MessageSent(bytes int)
	// MessageReceived is called for every data message read, with its size in bytes.
	MessageReceived(bytes int)
	// DeltaSkipped is called when a slow client is skipped for a tick.
	DeltaSkipped(room string)
	// InputRejected is called for every dropped input, with the reason
	// ("replayed", "too many", "not joined").
	InputRejected(reason string)
	// RoomPlayers is called about once a second with a room's head count; rooms
	// that closed report 0 and 0 once.
	RoomPlayers(room string, humans, bots int)
}

// NopObserver is an Observer that does nothing; embed it to override only some methods.
type NopObserver struct{}

// ConnOpened does nothing.
func (NopObserver) ConnOpened() {}

// ConnClosed does nothing.
func (NopObserver) ConnClosed(string) {}

// ConnRejected does nothing.
func (NopObserver) ConnRejected(string) {}

// Tick does nothing.
func (NopObserver) Tick(string, time.Duration) {}

// LateTicks does nothing.
func (NopObserver) LateTicks(string, int, int) {}

// MessageSent does nothing.
func (NopObserver) MessageSent(int) {}

// MessageReceived does nothing.
func (NopObserver) MessageReceived(int) {}

// DeltaSkipped does nothing.
func (NopObserver) DeltaSkipped(string) {}

// InputRejected does nothing.
func (NopObserver) InputRejected(string) {}

// RoomPlayers does nothing.
func (NopObserver) RoomPlayers(string, int, int) {}
