package wire

import (
	"errors"
	"fmt"
	"testing"

	"github.com/tickarena/tickarena/game"
)

// TestDeltaWhereEverythingChangesDecodes: a delta in which thousands of ships
// change every field at once (a crowded arena after a long gap) is accepted by
// the decoder and brings a mirror exactly to the server's view: the bound on
// the list of changes counts values, up to MaxEntities changes of every field.
func TestDeltaWhereEverythingChangesDecodes(t *testing.T) {
	for _, ships := range []int{1, 600, 5000} {
		t.Run(fmt.Sprintf("%d ships", ships), func(t *testing.T) {
			base := View{Tick: 10, Round: RoundInfo{Round: 1, PhaseEnd: 900}}
			cur := View{Tick: 12, Round: base.Round}
			for i := range ships {
				id := uint32(1024 + i)
				name := fmt.Sprintf("s%d", i)
				base.Entities = append(base.Entities, Entity{ID: id, Kind: KindShip, X: 100, Y: 200, VX: 1, VY: -1,
					Aim: 3, HP: 100, Score: 10, Kills: 1, Deaths: 2, Name: name})
				cur.Entities = append(cur.Entities, Entity{ID: id, Kind: KindShip, X: 500, Y: 50, VX: -7, VY: 9,
					Aim: 250, HP: 40, Flags: FlagDead, Score: 110, Kills: 2, Deaths: 3, Name: name})
			}
			var enc DeltaEncoder
			var m ServerMsg
			if err := DecodeServer(enc.Append(nil, &base, &cur, 7, nil), &m); err != nil {
				t.Fatalf("a delta changing every field of %d ships: %v", ships, err)
			}
			if len(m.Delta.Changed) != ships {
				t.Fatalf("decoded %d changes, want %d", len(m.Delta.Changed), ships)
			}
			var mirror View
			mirror.CopyFrom(&base)
			if err := mirror.Apply(&m.Delta); err != nil || !mirror.Equal(&cur) {
				t.Fatalf("mirror after the delta differs from the server's view (err %v)", err)
			}
		})
	}
}

// TestDeltaIDsThatWrapAreMalformed: ids in a delta's lists are sent as
// differences from the previous id; a difference that would carry an id past
// 2^32-1 (and wrap around to a small id) makes the message malformed, in each
// list, instead of naming an entity the server never sent.
func TestDeltaIDsThatWrapAreMalformed(t *testing.T) {
	ship := func(id uint32) Entity { return Entity{ID: id, Kind: KindShip, HP: 100, Name: "s"} }
	tests := []struct {
		name string
		d    Delta
		ok   bool
	}{
		{"created", Delta{Created: []Entity{ship(1), ship(0)}}, false},
		{"changed", Delta{Changed: []Change{{ID: 1, Mask: FieldHP, HP: 1}, {ID: 0, Mask: FieldHP, HP: 2}}}, false},
		{"removed", Delta{Removed: []uint32{1, 0}}, false},
		{"created, up to 2^32-1 exactly", Delta{Created: []Entity{ship(1), ship(1<<32 - 1)}}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.d.Tick, tc.d.Base = 12, 10
			var m ServerMsg
			err := DecodeServer(appendDeltaMsg(nil, &tc.d), &m)
			switch {
			case tc.ok && err != nil:
				t.Fatalf("ids 1 then 2^32-1: %v", err)
			case !tc.ok && !errors.Is(err, ErrRange):
				t.Fatalf("id 1 then a difference of 2^32-1 (wrapping to 0): err = %v, want ErrRange", err)
			}
		})
	}
}

// TestEventWithTheWrongFieldCountIsMalformed: an event whose array claims
// more fields than its kind has is malformed, even when the bytes after it
// happen to read as a valid event: a decoder must not resynchronise on a
// guess.
func TestEventWithTheWrongFieldCountIsMalformed(t *testing.T) {
	d := Delta{Tick: 12, Base: 10}
	plain := appendDeltaMsg(nil, &d)
	d.Events = []game.Event{{Kind: game.Spawn, A: 1024, X: 5, Y: 6}, {Kind: game.Spawn, A: 1025, X: 7, Y: 8}}
	b := appendDeltaMsg(nil, &d)
	var m ServerMsg
	if err := DecodeServer(b, &m); err != nil || len(m.Delta.Events) != 2 {
		t.Fatalf("two spawns: %d events, err %v", len(m.Delta.Events), err)
	}
	// The events list starts where the event-less delta's empty list was.
	list := len(plain) - 1
	if b[list] != 0x92 || b[list+1] != 0x94 {
		t.Fatalf("unexpected layout % x", b[list:])
	}
	b[list+1] = 0x95 // the first spawn claims five fields; the second still reads as a spawn
	if err := DecodeServer(b, &m); !errors.Is(err, ErrMalformed) {
		t.Fatalf("a spawn event claiming five fields: err = %v, want ErrMalformed", err)
	}
}
