package realtime

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tickarena/tickarena/game/wire"
	"github.com/tickarena/tickarena/internal/servertest"
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
		c := servertest.MustDial(t, url)
		if got := c.Join(t, j.token, j.room).RoomID; got != j.want {
			t.Errorf("%s with room %q joined %q, want %q", j.token, j.room, got, j.want)
		}
	}
	c := servertest.MustDial(t, url)
	c.Hello("tok-eve", "")
	if code, e := c.WaitClosed(t); code != wire.CloseTryAgainLater || e == nil || e.Code != wire.ErrCodeRoomFull {
		t.Errorf("empty room with every public room full: close %d, error %+v; want %d and %d", code, e, wire.CloseTryAgainLater, wire.ErrCodeRoomFull)
	}

	_, bare := startServer(t, Options{Bots: -1, PublicRooms: -1})
	c = servertest.MustDial(t, bare)
	c.Hello("tok-ann", "")
	if code, e := c.WaitClosed(t); code != wire.ClosePolicy || e == nil || e.Code != wire.ErrCodeNoRoom {
		t.Errorf("empty room on a server without public rooms: close %d, error %+v; want %d and %d", code, e, wire.ClosePolicy, wire.ErrCodeNoRoom)
	}
}

// TestOldClientGetsVersionError: a client of protocol version 1 (a browser
// tab that loaded the game before an upgrade) says hello as before, to play
// or to spectate (spectating is part of version 2); it gets error 4001 with
// a reason that names both versions and close 1008, and nothing else: no
// welcome, no delta in a format it cannot read.
func TestOldClientGetsVersionError(t *testing.T) {
	_, url := startServer(t, Options{Bots: -1})
	c := servertest.MustDial(t, url)
	c.Hello("tok-ann", "arena-1") // the current version works
	c.Next(t, wire.TypeWelcome)

	for _, tc := range []struct {
		name  string
		hello wire.Hello
	}{
		{"player", wire.Hello{Version: 1, Token: "tok-bob", Room: "arena-1"}},
		{"spectator", wire.Hello{Version: 1, Token: "tok-cat", Room: "arena-1", Spectate: true, Follow: 1024}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			old := servertest.MustDial(t, url)
			old.Send(wire.AppendHello(nil, tc.hello))
			code, e := old.WaitClosed(t)
			if code != wire.ClosePolicy || e == nil || e.Code != wire.ErrCodeVersion {
				t.Fatalf("version 1 hello: close %d, error %+v; want %d and %d", code, e, wire.ClosePolicy, wire.ErrCodeVersion)
			}
			if want := fmt.Sprintf("protocol version 1 is not supported (this server speaks %d)", wire.Version); !strings.Contains(e.Reason, want) {
				t.Errorf("reason %q, want it to say %q", e.Reason, want)
			}
			if old.CloseReason() != e.Reason {
				t.Errorf("close frame reason %q, want the error's %q", old.CloseReason(), e.Reason)
			}
			for len(old.Messages()) > 0 {
				if typ := wire.PeekType(<-old.Messages()); typ != wire.TypeError {
					t.Errorf("the old client got a message of type %d, want only the error", typ)
				}
			}
		})
	}
}
