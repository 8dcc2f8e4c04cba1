package wire

import (
	"testing"

	"github.com/tickarena/tickarena/game"
)

// A shot fired at the delta's tick by a ship in the view travels in short form
// (4 elements) and gets its origin back from the mirror; any other shot carries
// its origin.
func TestShotShortForm(t *testing.T) {
	owner := Entity{ID: 1024, Kind: KindShip, X: 32000, Y: 32000, HP: 100, Name: "a"}
	cur := View{Tick: 5, Round: RoundInfo{Round: 1}, Entities: []Entity{owner}}
	x, y := game.Muzzle(owner.X, owner.Y, 16384)
	tests := []struct {
		name  string
		ev    game.Event
		short bool
	}{
		{"fired now from the muzzle", game.Event{Kind: game.Shot, Tick: 5, A: 9, B: 1024, X: x, Y: y, Angle: 16384}, true},
		{"fired a tick ago", game.Event{Kind: game.Shot, Tick: 4, A: 9, B: 1024, X: x, Y: y, Angle: 16384}, false},
		{"owner out of view", game.Event{Kind: game.Shot, Tick: 5, A: 9, B: 2000, X: x, Y: y, Angle: 16384}, false},
		{"origin off the muzzle", game.Event{Kind: game.Shot, Tick: 5, A: 9, B: 1024, X: x + 1, Y: y, Angle: 16384}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var enc DeltaEncoder
			b := enc.Append(nil, nil, &cur, 0, []game.Event{tt.ev})
			var m ServerMsg
			if err := DecodeServer(b, &m); err != nil {
				t.Fatal(err)
			}
			if got := len(m.Delta.muzzleShots) == 1; got != tt.short {
				t.Errorf("short form used: %v, want %v", got, tt.short)
			}
			var mirror View
			if err := mirror.Apply(&m.Delta); err != nil {
				t.Fatal(err)
			}
			if got, want := m.Delta.Events[0], WireEvent(tt.ev); got != want {
				t.Errorf("event after apply = %+v, want %+v", got, want)
			}
		})
	}
}

// A short-form shot whose owner is not in the view cannot be resolved.
func TestShotShortFormNeedsOwner(t *testing.T) {
	owner := Entity{ID: 1024, Kind: KindShip, X: 32000, Y: 32000, Name: "a"}
	x, y := game.Muzzle(owner.X, owner.Y, 0)
	cur := View{Tick: 5, Round: RoundInfo{Round: 1}, Entities: []Entity{owner}}
	var enc DeltaEncoder
	b := enc.Append(nil, nil, &cur, 0, []game.Event{{Kind: game.Shot, Tick: 5, A: 1, B: 1024, X: x, Y: y}})
	var m ServerMsg
	if err := DecodeServer(b, &m); err != nil {
		t.Fatal(err)
	}
	m.Delta.Created = nil // as if the owner were not sent
	var mirror View
	if err := mirror.Apply(&m.Delta); err == nil {
		t.Fatal("a short-form shot without its owner was accepted")
	}
}
