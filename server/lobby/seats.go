package lobby

import (
	"sync"
	"time"
)

// DefaultReservationTTL is how long a reserved seat waits for its player
// when no other duration is given.
const DefaultReservationTTL = 20 * time.Second

// DefaultArrivalGrace is how long an admitted player is still counted by
// Seats, until the host's published count of humans includes them.
const DefaultArrivalGrace = 3 * time.Second

// SeatsOptions tunes Seats. The zero value works.
type SeatsOptions struct {
	// TTL is how long a reservation lasts when Reserve gets ttl <= 0;
	// default DefaultReservationTTL.
	TTL time.Duration
	// ArrivalGrace is how long a player admitted by Admit keeps a seat
	// counted for Reserve; it must exceed how late the humans passed to
	// Reserve may be. Default DefaultArrivalGrace.
	ArrivalGrace time.Duration
}

func (o SeatsOptions) withDefaults() SeatsOptions {
	if o.TTL <= 0 {
		o.TTL = DefaultReservationTTL
	}
	if o.ArrivalGrace <= 0 {
		o.ArrivalGrace = DefaultArrivalGrace
	}
	return o
}

// Seats is the seat ledger of the rooms of one node: the reservations held
// for players on their way into a room. It keeps a room's humans plus its
// live reservations within its capacity, so that a player with a
// reservation is always let in, and reservations expire after their TTL.
// Seats is safe for concurrent use; no method waits on anything but its
// own mutex.
//
// The lobby calls Reserve with the humans the host last reported, which
// may lag; the room calls Admit with its exact count when a new player
// says hello. Players admitted in the last ArrivalGrace are counted by
// Reserve on top of the reported humans, so that the lag never lets the
// lobby promise a seat that a newcomer has just taken.
type Seats struct {
	opts  SeatsOptions
	mu    sync.Mutex
	rooms map[string]*roomSeats
	held  map[string]string // player id -> room of their reservation
	epoch uint64
}

type roomSeats struct {
	reserved map[string]time.Time // player id -> expiry of their reservation
	arrived  map[string]time.Time // player id -> end of their arrival grace
	epoch    uint64               // Seats.epoch when this entry was made
	// next is no later than the earliest time in reserved and arrived (zero
	// when both were empty at the last expire), so that expire skips the
	// scan until then: the lobby counts every room's seats for every quick
	// play, and a crowd arriving fills the maps.
	next time.Time
}

// due notes an entry that ends at t.
func (r *roomSeats) due(t time.Time) {
	if r.next.IsZero() || t.Before(r.next) {
		r.next = t
	}
}

// NewSeats returns an empty ledger.
func NewSeats(opts SeatsOptions) *Seats {
	return &Seats{
		opts:  opts.withDefaults(),
		rooms: make(map[string]*roomSeats),
		held:  make(map[string]string),
	}
}

// Reserve holds a seat in the room for the player until ttl from now
// (SeatsOptions.TTL when ttl <= 0), given the room's capacity and its
// humans as last reported. It renews the player's reservation if they hold
// one there, succeeds without reserving if they were just admitted there,
// and otherwise releases any reservation they hold in another room. It
// returns ErrRoomFull when no seat is free.
func (s *Seats) Reserve(roomID, playerID string, humans, capacity int, ttl time.Duration) error {
	if ttl <= 0 {
		ttl = s.opts.TTL
	}
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.room(roomID, now)
	defer s.dropIfEmpty(roomID, r)
	if _, ok := r.arrived[playerID]; ok {
		return nil
	}
	if _, ok := r.reserved[playerID]; ok {
		r.reserved[playerID] = now.Add(ttl)
		r.due(now.Add(ttl))
		return nil
	}
	if humans+len(r.arrived)+len(r.reserved) >= capacity {
		return ErrRoomFull
	}
	s.release(playerID)
	r.reserved[playerID] = now.Add(ttl)
	r.due(now.Add(ttl))
	s.held[playerID] = roomID
	return nil
}

// Admit decides whether a new player may take a seat in a room that holds
// humans players out of capacity; it has the shape of the real-time
// server's admission hook. A player holding a live reservation there is
// admitted and the reservation becomes their seat. Anyone else is admitted
// only to an open room (public, or private and named by its join code),
// and only while a seat is neither taken nor reserved. It returns nil,
// ErrNotFound (a private room entered without a reservation: to this player
// the room does not exist) or ErrRoomFull.
func (s *Seats) Admit(roomID, playerID string, humans, capacity int, open bool) error {
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.room(roomID, now)
	defer s.dropIfEmpty(roomID, r)
	_, reserved := r.reserved[playerID]
	switch {
	case reserved:
	case !open:
		return ErrNotFound
	case humans+len(r.reserved) >= capacity:
		return ErrRoomFull
	}
	// Count the arrival before releasing the reservation, so that the
	// release never finds the room empty and drops it.
	r.arrived[playerID] = now.Add(s.opts.ArrivalGrace)
	r.due(now.Add(s.opts.ArrivalGrace))
	s.release(playerID)
	return nil
}

// Count returns the room's live reservations and the players admitted
// within the arrival grace.
func (s *Seats) Count(roomID string) (reserved, arriving int) {
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.count(roomID, now)
}

// count is Count for a caller that holds s.mu.
func (s *Seats) count(roomID string, now time.Time) (reserved, arriving int) {
	r, ok := s.rooms[roomID]
	if !ok {
		return 0, 0
	}
	s.expire(roomID, r, now)
	reserved, arriving = len(r.reserved), len(r.arrived)
	s.dropIfEmpty(roomID, r)
	return reserved, arriving
}

// countEach returns the live reservations of n rooms, room i's id being
// id(i), as Count would one by one, under one lock and one reading of the
// clock.
func (s *Seats) countEach(n int, id func(int) string) []int {
	reserved := make([]int, n)
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range n {
		reserved[i], _ = s.count(id(i), now)
	}
	return reserved
}

// Holding returns the room in which the player holds a live reservation.
func (s *Seats) Holding(playerID string) (roomID string, ok bool) {
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	roomID, ok = s.held[playerID]
	if !ok {
		return "", false
	}
	r, exists := s.rooms[roomID]
	if !exists {
		delete(s.held, playerID)
		return "", false
	}
	s.expire(roomID, r, now)
	s.dropIfEmpty(roomID, r)
	roomID, ok = s.held[playerID]
	return roomID, ok
}

// Forget drops everything known about a room, for a room that closed.
func (s *Seats) Forget(roomID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, ok := s.rooms[roomID]; ok {
		s.drop(roomID, r)
	}
}

// Epoch returns a mark to pass to Prune later: rooms first seen after it
// are kept by that Prune.
func (s *Seats) Epoch() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.epoch
}

// Prune forgets every room that is not live and was first seen before the
// epoch mark, so that a list of running rooms fetched after calling Epoch
// cannot drop a room created while it was being fetched.
func (s *Seats) Prune(live map[string]bool, mark uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, r := range s.rooms {
		if !live[id] && r.epoch < mark {
			s.drop(id, r)
		}
	}
}

// room returns the room's entry, made if needed, with expired entries
// removed. The caller holds s.mu.
func (s *Seats) room(roomID string, now time.Time) *roomSeats {
	r, ok := s.rooms[roomID]
	if !ok {
		r = &roomSeats{
			reserved: make(map[string]time.Time),
			arrived:  make(map[string]time.Time),
			epoch:    s.epoch,
		}
		s.epoch++
		s.rooms[roomID] = r
		return r
	}
	s.expire(roomID, r, now)
	return r
}

// expire removes the room's entries that have ended by now. The caller
// holds s.mu.
func (s *Seats) expire(roomID string, r *roomSeats, now time.Time) {
	if !r.next.IsZero() && now.Before(r.next) {
		return
	}
	var next time.Time
	for p, until := range r.reserved {
		if !now.Before(until) {
			delete(r.reserved, p)
			if s.held[p] == roomID {
				delete(s.held, p)
			}
		} else if next.IsZero() || until.Before(next) {
			next = until
		}
	}
	for p, until := range r.arrived {
		if !now.Before(until) {
			delete(r.arrived, p)
		} else if next.IsZero() || until.Before(next) {
			next = until
		}
	}
	r.next = next
}

// release cancels the player's reservation, wherever it is.
func (s *Seats) release(playerID string) {
	roomID, ok := s.held[playerID]
	if !ok {
		return
	}
	delete(s.held, playerID)
	if r, ok := s.rooms[roomID]; ok {
		delete(r.reserved, playerID)
		s.dropIfEmpty(roomID, r)
	}
}

// dropIfEmpty removes a room with nothing reserved and nobody arriving, so
// that memory follows the rooms in use.
func (s *Seats) dropIfEmpty(roomID string, r *roomSeats) {
	if len(r.reserved) == 0 && len(r.arrived) == 0 && s.rooms[roomID] == r {
		delete(s.rooms, roomID)
	}
}

func (s *Seats) drop(roomID string, r *roomSeats) {
	for p := range r.reserved {
		if s.held[p] == roomID {
			delete(s.held, p)
		}
	}
	delete(s.rooms, roomID)
}
