package lobby

import (
	"testing"
	"time"
)

// TestSeatsMemoryFollowsRoomsInUse: the ledger of reservations keeps no room
// nobody holds a seat in and no player whose room is gone, so that its
// memory follows the rooms in use rather than every room ever seen.
func TestSeatsMemoryFollowsRoomsInUse(t *testing.T) {
	s := NewSeats(SeatsOptions{})
	size := func() (rooms, players int) {
		s.mu.Lock()
		defer s.mu.Unlock()
		return len(s.rooms), len(s.held)
	}
	if err := s.Reserve("a", "p", 0, 4, time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := s.Reserve("b", "p", 0, 4, time.Minute); err != nil { // moves p from a to b
		t.Fatal(err)
	}
	if rooms, players := size(); rooms != 1 || players != 1 {
		t.Errorf("after a player moved from a to b: %d rooms and %d players remembered, want 1 and 1", rooms, players)
	}
	s.Forget("b")
	if rooms, players := size(); rooms != 0 || players != 0 {
		t.Errorf("after the last room closed: %d rooms and %d players remembered, want none", rooms, players)
	}
}

// TestSeatsPruneDropsEveryClosedRoom: Prune forgets every room that was seen
// before the mark and is no longer running, however many there are.
func TestSeatsPruneDropsEveryClosedRoom(t *testing.T) {
	s := NewSeats(SeatsOptions{})
	for _, r := range []string{"c1", "c2", "c3", "open"} {
		if err := s.Reserve(r, "p-"+r, 0, 4, time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	mark := s.Epoch()
	s.Prune(map[string]bool{"open": true}, mark)
	for room, want := range map[string]int{"c1": 0, "c2": 0, "c3": 0, "open": 1} {
		if n, _ := s.Count(room); n != want {
			t.Errorf("after Prune, room %s has %d reservations, want %d", room, n, want)
		}
	}
}
