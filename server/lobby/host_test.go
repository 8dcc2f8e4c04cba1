package lobby

import (
	"crypto/rand"
	"fmt"
	"sync"
	"time"
)

// codeAlphabet is the alphabet of the memHost's join codes, the same as the
// real-time server's: no 0/O, no 1/I.
const codeAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// memHost is an in-memory Host for tests: rooms are records, not tick loops.
type memHost struct {
	// createDelay makes CreateRoom as slow as starting a real room, so
	// that concurrent requests overlap it.
	createDelay time.Duration
	// maxRooms, when set, refuses rooms past it as the real-time server does.
	maxRooms int

	mu     sync.Mutex
	seq    int
	rooms  map[string]*RoomStats
	scores map[string][]ScoreLine
}

func newMemHost() *memHost {
	return &memHost{rooms: map[string]*RoomStats{}, scores: map[string][]ScoreLine{}}
}

func (h *memHost) CreateRoom(spec RoomSpec) (string, string, error) {
	time.Sleep(h.createDelay)
	var b [6]byte
	rand.Read(b[:])
	for i := range b {
		b[i] = codeAlphabet[int(b[i])%len(codeAlphabet)]
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.maxRooms > 0 && len(h.rooms) >= h.maxRooms {
		return "", "", ErrTooManyRooms
	}
	h.seq++
	id := fmt.Sprintf("room%03d", h.seq)
	h.rooms[id] = &RoomStats{ID: id, Name: spec.Name, Public: spec.Public, Code: string(b[:]), Bots: max(spec.Bots, 0),
		Capacity: spec.Capacity, RoundSecondsLeft: spec.RoundSeconds}
	return id, string(b[:]), nil
}

// hello plays a room receiving a new player's hello: it asks the
// admission hook with its exact count and seats the player when allowed,
// publishing the new count at once as the real-time server does.
func (h *memHost) hello(a Admission, roomID, playerID string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	r := h.rooms[roomID]
	if r.Humans >= r.Capacity || a.Admit(roomID, playerID, r.Humans, r.Capacity, r.Public) != nil {
		return false
	}
	r.Humans++
	return true
}

func (h *memHost) Rooms() []RoomStats {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]RoomStats, 0, len(h.rooms))
	for _, r := range h.rooms {
		out = append(out, *r)
	}
	return out
}

func (h *memHost) Scoreboard(id string) ([]ScoreLine, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.rooms[id]; !ok {
		return nil, false
	}
	return append([]ScoreLine(nil), h.scores[id]...), true
}

func (h *memHost) setHumans(id string, n int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.rooms[id].Humans = n
}

func (h *memHost) setScores(id string, lines []ScoreLine) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.scores[id] = lines
}

func (h *memHost) closeRoom(id string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.rooms, id)
	delete(h.scores, id)
}

func (h *memHost) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.rooms)
}
