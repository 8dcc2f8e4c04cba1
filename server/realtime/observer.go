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
	// Tick is called after every tick of a room with the time it took,
	// unless the Observer implements RoomObservers.
	Tick(room string, d time.Duration)
	// LateTicks is called when a room ran n catch-up ticks back to back (late)
	// and dropped dropped more because it was too far behind, unless the
	// Observer implements RoomObservers.
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
	// InputsLate is called about once a second by a room whose players'
	// inputs came late: late is the number of ticks in which a ship ran on
	// its previous input because its player's next one had not arrived (each
	// usually costs that player a prediction correction), trimmed the inputs
	// dropped to shorten a player's queue after a calm spell or while their
	// ship could not move.
	InputsLate(late, trimmed int)
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

// InputsLate does nothing.
func (NopObserver) InputsLate(int, int) {}

// RoomPlayers does nothing.
func (NopObserver) RoomPlayers(string, int, int) {}

// RoomObserver receives the timings of one room, from that room's
// goroutine. It is made once, when the room opens, so that a tick reports
// to it without looking anything up; its methods must not block or allocate.
type RoomObserver interface {
	// Tick is called after every tick of the room with the time it took.
	Tick(d time.Duration)
	// LateTicks is called when the room ran late catch-up ticks back to
	// back and dropped dropped more because it was too far behind.
	LateTicks(late, dropped int)
}

// RoomObservers is implemented by an Observer that gives every room its
// own RoomObserver. The Manager calls OpenRoom once per room, before its
// first tick, and then reports that room's ticks to the handle instead of
// to the Observer's Tick and LateTicks. An Observer without it gets those
// calls with the room's id.
type RoomObservers interface {
	// OpenRoom returns the handle of room id, public or private.
	OpenRoom(id string, public bool) RoomObserver
}

// observerRoom is the RoomObserver of an Observer that does not implement
// RoomObservers: it passes the room's id along.
type observerRoom struct {
	o  Observer
	id string
}

func (r observerRoom) Tick(d time.Duration)        { r.o.Tick(r.id, d) }
func (r observerRoom) LateTicks(late, dropped int) { r.o.LateTicks(r.id, late, dropped) }

// roomObserver returns the handle room id reports its ticks to.
func roomObserver(o Observer, id string, public bool) RoomObserver {
	if ro, ok := o.(RoomObservers); ok {
		return ro.OpenRoom(id, public)
	}
	return &observerRoom{o: o, id: id}
}
