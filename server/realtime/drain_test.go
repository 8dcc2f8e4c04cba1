package realtime

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/tickarena/tickarena/game/wire"
	"github.com/tickarena/tickarena/internal/servertest"
	"github.com/tickarena/tickarena/internal/testwait"
)

// Drain lets the round in play finish while it refuses new players and new
// rooms; a seated player may still reconnect.
func TestDrain(t *testing.T) {
	ended := make(chan RoundRecord, 4)
	m, url := startServer(t, Options{Bots: -1, RoundSeconds: 2, ReconnectGrace: time.Minute, OnRoundEnd: func(r RoundRecord) { ended <- r }})
	ann := servertest.MustDial(t, url)
	ann.Join(t, "tok-ann", "arena-1")
	testwait.Until(t, testwait.Default, "the room publishes its player", func() bool { return m.Rooms()[0].Humans == 1 })

	drained := make(chan error, 1)
	go func() { drained <- m.Drain(context.Background()) }()
	testwait.Until(t, testwait.Default, "the drain begins", m.Draining)

	bob := servertest.MustDial(t, url)
	bob.Hello("tok-bob", "arena-1")
	if code, e := bob.WaitClosed(t); code != wire.CloseTryAgainLater || e == nil || e.Code != wire.ErrCodeShutdown {
		t.Errorf("a new player during the drain got close %d, error %+v; want 1013 with ErrCodeShutdown", code, e)
	}
	if _, _, err := m.CreateRoom(RoomSpec{Name: "late"}); !errors.Is(err, ErrShutdown) {
		t.Errorf("CreateRoom during the drain: %v, want ErrShutdown", err)
	}

	ann.Drop() // a reload during the drain
	testwait.Until(t, testwait.Default, "the server notices the drop", func() bool { return m.Connections() == 0 })
	again := servertest.MustDial(t, url)
	again.Join(t, "tok-ann", "arena-1")

	select {
	case err := <-drained:
		if err != nil {
			t.Fatalf("Drain: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Drain did not return after the round ended")
	}
	select {
	case r := <-ended:
		if r.EndedEarly || len(r.Players) != 1 || r.Players[0].PlayerID != "p-ann" {
			t.Errorf("the round that finished during the drain was recorded as %+v", r)
		}
	case <-time.After(5 * time.Second):
		t.Error("the round in play was not recorded when it finished")
	}
}

// Drain gives up when its context ends before the round does.
func TestDrainDeadline(t *testing.T) {
	m, url := startServer(t, Options{Bots: -1, RoundSeconds: 600})
	servertest.MustDial(t, url).Join(t, "tok-ann", "arena-1")
	testwait.Until(t, testwait.Default, "the room publishes its player", func() bool { return m.Rooms()[0].Humans == 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if err := m.Drain(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Drain with a 10-minute round in play: %v, want the deadline", err)
	}
}
