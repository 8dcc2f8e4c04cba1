package realtime

import (
	"testing"

	"github.com/tickarena/tickarena/game/wire"
)

// TestHelloWithoutRoom checks what a hello with an empty room gets, as the
// protocol documents it: the server's default room, the fullest public room
// with a free seat; and 4004 on a server without public rooms.
func TestHelloWithoutRoom(t *testing.T) {
	_, url := startServer(t, Options{Bots: -1, PublicRooms: 2, Capacity: 2})
	joins := []struct {
		token, room, want string
	}{
		{"tok-ann", "arena-2", "arena-2"},
		{"tok-bob", "", "arena-2"}, // the fullest with a free seat
		{"tok-cat", "", "arena-1"}, // arena-2 is full now
		{"tok-dan", "", "arena-1"},
	}
	for _, j := range joins {
		c := dial(t, url)
		if got := c.join(j.token, j.room).RoomID; got != j.want {
			t.Errorf("%s with room %q joined %q, want %q", j.token, j.room, got, j.want)
		}
	}
	c := dial(t, url)
	c.hello("tok-eve", "")
	if code, e := c.closed(); code != wire.CloseTryAgainLater || e == nil || e.Code != wire.ErrCodeRoomFull {
		t.Errorf("empty room with every public room full: close %d, error %+v; want %d and %d", code, e, wire.CloseTryAgainLater, wire.ErrCodeRoomFull)
	}

	_, bare := startServer(t, Options{Bots: -1, PublicRooms: -1})
	c = dial(t, bare)
	c.hello("tok-ann", "")
	if code, e := c.closed(); code != wire.ClosePolicy || e == nil || e.Code != wire.ErrCodeNoRoom {
		t.Errorf("empty room on a server without public rooms: close %d, error %+v; want %d and %d", code, e, wire.ClosePolicy, wire.ErrCodeNoRoom)
	}
}
