package realtime

import (
	"sync/atomic"
	"testing"

	"github.com/tickarena/tickarena/game/wire"
	"github.com/tickarena/tickarena/internal/servertest"
)

// admitAll is an Admission that lets everyone in, like a cluster's seat
// count that has not yet seen the room fill up.
type admitAll struct{ asked atomic.Int64 }

func (a *admitAll) Admit(roomID, playerID string, humans, capacity int, open bool) error {
	a.asked.Add(1)
	return nil
}

// TestRoomCapacityHasTheLastWord: the Admission is asked on the
// connection's goroutine, but the room's own capacity check decides: a
// player the Admission let in finds the room full and is closed with 1013
// and "room full", and the room holds no more players than its capacity.
func TestRoomCapacityHasTheLastWord(t *testing.T) {
	adm := &admitAll{}
	m, url := startServer(t, Options{Bots: -1, Capacity: 1, Admission: adm})
	ann := servertest.MustDial(t, url)
	ann.Join(t, "tok-ann", "arena-1")
	bob := servertest.MustDial(t, url)
	bob.Hello("tok-bob", "arena-1")
	if code, e := bob.WaitClosed(t); code != wire.CloseTryAgainLater || e == nil || e.Code != wire.ErrCodeRoomFull {
		t.Errorf("Bob in a full room the Admission let him into: close %d, error %+v; want %d and %d", code, e, wire.CloseTryAgainLater, wire.ErrCodeRoomFull)
	}
	if n := adm.asked.Load(); n != 2 {
		t.Errorf("the Admission was asked %d times, want 2 (Ann and Bob)", n)
	}
	if st, _ := roomStats(m, "arena-1"); st.Humans != 1 {
		t.Errorf("room holds %d humans, want its capacity, 1", st.Humans)
	}
}
