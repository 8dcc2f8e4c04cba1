package main

import (
	"testing"

	"github.com/tickarena/tickarena/game/wire"
)

// TestLightClientReadsFoldedFrames holds what a light client must do with a
// version 2 tick frame (docs/protocol.md §7): find each message of the frame
// without decoding it, so that the delta is counted with its tick and the
// ping after it is found and answered.
func TestLightClientReadsFoldedFrames(t *testing.T) {
	var enc wire.DeltaEncoder
	cur := &wire.View{Tick: 4242, Entities: []wire.Entity{{ID: 7, Kind: wire.KindShip, Name: "pilot"}}}
	delta := enc.Append(nil, &wire.View{}, cur, 9, nil)
	roster := wire.AppendRoster(nil, wire.Roster{Tick: 4242, Lines: []wire.RosterLine{{Ship: 7, Name: "Ünïcödé pilot", Score: -3, Kills: 300, MapX: 200}}})
	ping := wire.AppendPing(nil, wire.Ping{Time: 1 << 40, RTT: 70000})
	pong := wire.AppendPong(nil, wire.Pong{Time: 99, Held: 12})
	frame := append(append(append(append([]byte(nil), delta...), roster...), ping...), pong...)

	var got []wire.Type
	for b := frame; len(b) > 0; {
		n, ok := skipValue(b)
		if !ok {
			t.Fatalf("skipValue failed with %d bytes of the frame left (types so far %v)", len(b), got)
		}
		got = append(got, wire.PeekType(b[:n]))
		if len(got) == 1 {
			if tick, ok := deltaTick(b[:n]); !ok || tick != 4242 {
				t.Errorf("deltaTick of the frame's delta = %d, %v; want 4242", tick, ok)
			}
		}
		b = b[n:]
	}
	want := []wire.Type{wire.TypeDelta, wire.TypeRoster, wire.TypePing, wire.TypePong}
	if len(got) != len(want) {
		t.Fatalf("messages found %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("message %d has type %d, want %d", i, got[i], want[i])
		}
	}
	for cut := 1; cut < len(delta); cut++ {
		if _, ok := skipValue(delta[:cut]); ok {
			t.Fatalf("skipValue accepted a delta cut at %d of %d bytes", cut, len(delta))
		}
	}
}
