package realtime

import (
	"testing"
	"time"

	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/replay"
	"github.com/tickarena/tickarena/game/wire"
	"github.com/tickarena/tickarena/internal/servertest"
	"github.com/tickarena/tickarena/internal/testwait"
)

// TestRoomRecordsRounds plays a round in a real room with bots and real
// players over WebSockets: one drops and reconnects, one leaves. The
// recording handed to OnRoundEnd must replay to the very result the room
// recorded, and with RecordReplays off there is none.
func TestRoomRecordsRounds(t *testing.T) {
	for _, on := range []bool{true, false} {
		t.Run(map[bool]string{true: "on", false: "off"}[on], func(t *testing.T) {
			records := make(chan RoundRecord, 4)
			m, url := startServer(t, Options{Bots: 3, RoundSeconds: 3, RecordReplays: on, ReconnectGrace: time.Minute,
				OnRoundEnd: func(r RoundRecord) {
					select {
					case records <- r:
					default:
					}
				}})
			ann := servertest.MustDial(t, url)
			ann.Join(t, "tok-ann", "arena-1")
			bob := servertest.MustDial(t, url)
			bob.Join(t, "tok-bob", "arena-1")
			cat := servertest.MustDial(t, url)
			cat.Join(t, "tok-cat", "arena-1")
			for i := range 10 {
				ann.Input(game.Right|game.Fire, game.Angle(i*3000))
				bob.Input(game.Down, 16384)
				cat.Input(game.Left|game.Up|game.Fire, 40000)
				ann.Next(t, wire.TypeDelta) // keeps the inputs a tick apart
			}
			cat.Send(wire.AppendLeave(nil))
			bob.Drop() // a reload: the ship is held, idle
			testwait.Until(t, testwait.Default, "the server to notice the drop and the leave", func() bool { return m.Connections() == 1 })
			bob = servertest.MustDial(t, url)
			bob.Join(t, "tok-bob", "arena-1") // back in the same ship, numbering inputs from 1
			for range 5 {
				bob.Input(game.Up|game.Fire, 100)
				ann.Next(t, wire.TypeDelta)
			}

			var rec RoundRecord
			select {
			case rec = <-records:
			case <-time.After(15 * time.Second):
				t.Fatal("no round ended within 15 s")
			}
			if !on {
				if rec.Replay != nil {
					t.Fatal("a round was recorded with RecordReplays off")
				}
				return
			}
			if rec.Replay == nil {
				t.Fatal("the round's record holds no replay")
			}
			rp, err := replay.Decode(rec.Replay.Encode())
			if err != nil {
				t.Fatalf("decode the room's recording: %v", err)
			}
			if err := rp.Verify(); err != nil {
				t.Fatalf("the room's recording does not replay its round: %v", err)
			}
			if got := rp.Summary.Players; len(got) != len(rec.Players) {
				t.Fatalf("replay has %d players, the round record %d", len(got), len(rec.Players))
			}
			for i, p := range rp.Summary.Players {
				l := rec.Players[i]
				if p.Name != l.Name || p.Score != l.Score || p.Kills != l.Kills || p.Deaths != l.Deaths {
					t.Errorf("line %d: replay %+v, round record %+v", i+1, p, l)
				}
			}
			if m := rp.Meta; m.Room.ID != "arena-1" || m.Room.Name != "Arena 1" || !m.Room.Public || m.Round != 1 {
				t.Errorf("replay meta %+v", m)
			}
		})
	}
}

// TestEveryRoundIsRecordedFromItsStart: a room records each round it plays,
// not only its first: the round after an intermission is handed to
// OnRoundEnd with a replay of that round (its number, from its first tick)
// that plays back to the round's result.
func TestEveryRoundIsRecordedFromItsStart(t *testing.T) {
	records := make(chan RoundRecord, 4)
	_, url := startServer(t, Options{Bots: 2, RoundSeconds: 1, RecordReplays: true,
		OnRoundEnd: func(r RoundRecord) {
			select {
			case records <- r:
			default:
			}
		}})
	ann := servertest.MustDial(t, url)
	ann.Join(t, "tok-ann", "arena-1")
	// A round of 1 s, an intermission of 8 s (the game's default), a round of 1 s.
	var rec RoundRecord
	expired := testwait.Deadline(t, 40*time.Second, "the record of the room's second round")
	for rec.Round < 2 && !expired() {
		select {
		case rec = <-records:
		case <-time.After(100 * time.Millisecond):
		}
	}
	if rec.Replay == nil {
		t.Fatal("the second round's record holds no replay")
	}
	rp, err := replay.Decode(rec.Replay.Encode())
	if err != nil {
		t.Fatalf("decode the second round's recording: %v", err)
	}
	if rp.Meta.Round != 2 {
		t.Errorf("the second round's replay says round %d", rp.Meta.Round)
	}
	if err := rp.Verify(); err != nil {
		t.Errorf("the second round's recording does not replay its round: %v", err)
	}
	// A round of 1 s at 30 ticks a second, recorded from its first tick.
	if span := rp.Summary.EndTick - rp.Meta.StartTick; span != 30 {
		t.Errorf("the second round's replay spans ticks %d to %d (%d ticks); want the whole round of 30", rp.Meta.StartTick, rp.Summary.EndTick, span)
	}
}
