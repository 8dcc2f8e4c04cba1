package wire

import (
	"bytes"
	"errors"
	"math"
	"runtime"
	"strings"
	"testing"

	"github.com/tickarena/tickarena/game"
)

func TestClientMessagesRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		msg  ClientMsg
	}{
		{"hello", ClientMsg{Type: TypeHello, Hello: Hello{Version: Version, Token: "tok", Room: "r1"}}},
		{"hello empty strings", ClientMsg{Type: TypeHello, Hello: Hello{}}},
		{"hello longest strings", ClientMsg{Type: TypeHello, Hello: Hello{Version: math.MaxUint16,
			Token: strings.Repeat("t", MaxTokenLen), Room: strings.Repeat("r", MaxRoomLen)}}},
		{"input", ClientMsg{Type: TypeInput, Input: Input{Seq: 1, Ack: 2, N: 1, Steps: [MaxInputSteps]InputStep{{game.Left | game.Down, 40000}}}}},
		{"input four steps", ClientMsg{Type: TypeInput, Input: Input{Seq: 9, Ack: 2, N: 4, Steps: [MaxInputSteps]InputStep{
			{game.Up, 1}, {game.Up | game.Fire, 2}, {0, 65535}, {game.AllButtons, 0}}}}},
		{"input extremes", ClientMsg{Type: TypeInput, Input: Input{Seq: math.MaxUint32, Ack: math.MaxUint32, N: MaxInputSteps,
			Steps: [MaxInputSteps]InputStep{{game.AllButtons, math.MaxUint16}, {game.AllButtons, math.MaxUint16}, {game.AllButtons, math.MaxUint16}, {game.AllButtons, math.MaxUint16}}}}},
		{"input first", ClientMsg{Type: TypeInput, Input: Input{Seq: 1, N: 1}}},
		{"ping", ClientMsg{Type: TypePing, Ping: Ping{Time: 1700000000123, RTT: 42}}},
		{"ping negative time", ClientMsg{Type: TypePing, Ping: Ping{Time: math.MinInt64, RTT: math.MaxUint32}}},
		{"pong", ClientMsg{Type: TypePong, Pong: Pong{Time: math.MaxInt64, Held: math.MaxUint32}}},
		{"leave", ClientMsg{Type: TypeLeave}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := encodeClient(&tc.msg)
			var got ClientMsg
			if err := DecodeClient(b, &got); err != nil {
				t.Fatalf("decode % x: %v", b, err)
			}
			if !sameClient(&got, &tc.msg) {
				t.Fatalf("got %+v, want %+v", got, tc.msg)
			}
			if PeekType(b) != tc.msg.Type {
				t.Fatalf("PeekType = %d, want %d", PeekType(b), tc.msg.Type)
			}
		})
	}
}

func TestServerMessagesRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		msg  ServerMsg
	}{
		{"welcome", ServerMsg{Type: TypeWelcome, Welcome: Welcome{Ship: 1024, ServerTick: 77,
			Rules: game.Rules{TickRate: 30, WorldSize: 4000, RoundSeconds: 300, IntermissionSeconds: 8}, RoomID: "r1", RoomName: "Arena"}}},
		{"welcome 60 Hz", ServerMsg{Type: TypeWelcome, Welcome: Welcome{Ship: math.MaxUint32, ServerTick: math.MaxUint32,
			Rules: game.Rules{TickRate: 60, WorldSize: 1 << 20, RoundSeconds: 1, IntermissionSeconds: 1}, RoomName: strings.Repeat("n", MaxNameLen)}}},
		{"ping", ServerMsg{Type: TypePing, Ping: Ping{Time: -5, RTT: 0}}},
		{"pong", ServerMsg{Type: TypePong, Pong: Pong{Time: 12345678901, Held: 33000}}},
		{"round end", ServerMsg{Type: TypeRoundEnd, RoundEnd: RoundEnd{Round: 3, EndTick: 27000, NextRound: 27240, Players: []game.PlayerResult{
			{Ship: 1024, Name: "ann", Score: 120, Kills: 1, Placement: 1},
			{Ship: 1030, Name: "bot", Bot: true, Score: 120, Kills: 1, Deaths: 4, Placement: 1},
			{Ship: 1031, Name: "zed", Score: -5, Kills: 0, Deaths: 9, Placement: 3},
		}}}},
		{"round end nobody", ServerMsg{Type: TypeRoundEnd, RoundEnd: RoundEnd{Round: 1}}},
		{"roster", ServerMsg{Type: TypeRoster, Roster: Roster{Tick: 9, Lines: []RosterLine{
			{Ship: 1024, Name: "ann", Flags: FlagDead | FlagBot | FlagIdle, Score: 1, Kills: 2, Deaths: 3, MapX: 255, MapY: 0},
		}}}},
		{"roster difference", ServerMsg{Type: TypeRoster, Roster: Roster{Tick: 39, Base: 9, Lines: []RosterLine{
			{Ship: 1030, Name: "new"}, {Ship: math.MaxUint32, Name: "last", Score: math.MinInt32},
		}, Changes: []RosterChange{
			{Ship: 1024, Mask: RosterMap, MapX: 3, MapY: 255},
			{Ship: 1025, Mask: allRosterFields, Flags: FlagBot, Score: -7, Kills: math.MaxInt32, Deaths: 1, MapX: 128, MapY: 1},
			{Ship: math.MaxUint32, Mask: RosterScore, Score: 5},
		}, Removed: []uint32{1, 1026, math.MaxUint32}}}},
		{"error", ServerMsg{Type: TypeError, Error: Error{Code: ErrCodeRoomFull, Reason: strings.Repeat("x", MaxReasonLen)}}},
		{"delta", ServerMsg{Type: TypeDelta, Delta: Delta{Tick: 102, Base: 100, LastSeq: 57,
			Created: []Entity{{ID: 9, Kind: KindPellet, X: 1, Y: -1}, {ID: 5000, Kind: KindShip, X: math.MaxInt32, Y: math.MinInt32, VX: -3, VY: 4, Aim: 255, HP: 100, Flags: FlagBot, Score: -1, Kills: 2, Deaths: 3, Name: "ünï"}},
			Changed: []Change{{ID: 10, Mask: FieldPos, DX: -1, DY: 70000}, {ID: 11, Mask: allFields, DX: 1, DY: 2, DVX: 3, DVY: 4, Aim: 5, HP: 6, Flags: FlagIdle, Score: 7, Kills: 8, Deaths: 9}},
			Removed: []uint32{1, 2, math.MaxUint32},
			Events:  []game.Event{WireEvent(exampleEvents[0]), WireEvent(exampleEvents[1]), {Kind: game.Death, A: 1, B: 0, X: -3, Y: 4}},
		}}},
		{"delta full snapshot", ServerMsg{Type: TypeDelta, Delta: Delta{Tick: 1, HasRound: true, Round: RoundInfo{Round: 2, Phase: game.Intermission, PhaseEnd: math.MaxUint32}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := encodeServer(&tc.msg)
			var got ServerMsg
			if err := DecodeServer(b, &got); err != nil {
				t.Fatalf("decode % x: %v", b, err)
			}
			if !sameServer(&got, &tc.msg) {
				t.Fatalf("got %+v\nwant %+v", got, tc.msg)
			}
			// A reused ServerMsg gives the same result: no state leaks between decodes.
			if err := DecodeServer(b, &got); err != nil || !sameServer(&got, &tc.msg) {
				t.Fatalf("second decode into the same message differs: %v", err)
			}
		})
	}
}

func TestDeltaEncoderOutputDecodesToExpectedDelta(t *testing.T) {
	var enc DeltaEncoder
	b := enc.Append(nil, &exampleBase, &exampleCur, exampleLastSeq, exampleEvents)
	var m ServerMsg
	if err := DecodeServer(b, &m); err != nil {
		t.Fatal(err)
	}
	want := Delta{Tick: 102, Base: 100, LastSeq: 57,
		Created: []Entity{exampleCur.Entities[0], exampleCur.Entities[3]},
		Changed: []Change{
			{ID: 1024, Mask: FieldPos | FieldAim | FieldScore, DX: 3, Aim: 6, Score: 10}, // aim 64 → 70
			{ID: 1025, Mask: FieldHP, HP: 80},
		},
		Removed: []uint32{7},
	}
	for _, ev := range exampleEvents {
		want.Events = append(want.Events, WireEvent(ev))
	}
	if !sameDelta(&m.Delta, &want) {
		t.Fatalf("got  %+v\nwant %+v", m.Delta, want)
	}
	var mirror View
	mirror.CopyFrom(&exampleBase)
	if err := mirror.Apply(&m.Delta); err != nil || !mirror.Equal(&exampleCur) {
		t.Fatalf("applied delta gives %+v, %v", mirror, err)
	}
}

// Every message is one MessagePack array whose first element is its type, as
// any MessagePack library sees it.
func TestEveryMessageIsOneArrayStartingWithItsType(t *testing.T) {
	wantType := map[string]Type{"hello": TypeHello, "welcome": TypeWelcome, "input": TypeInput, "delta-full": TypeDelta,
		"delta": TypeDelta, "ping": TypePing, "pong": TypePong, "roster": TypeRoster, "roster-difference": TypeRoster, "roundEnd": TypeRoundEnd,
		"leave": TypeLeave, "error": TypeError, "hello-spectate": TypeHello, "follow": TypeFollow, "spectating": TypeSpectating}
	for _, ex := range docExamples() {
		t.Run(ex.name, func(t *testing.T) {
			a, ok := tree(t, ex.b).([]any)
			if !ok || len(a) == 0 {
				t.Fatalf("not a non-empty array: %#v", tree(t, ex.b))
			}
			if got, ok := asInt(a[0]); !ok || got != int64(wantType[ex.name]) {
				t.Fatalf("first element %#v, want type %d", a[0], wantType[ex.name])
			}
			// The reference encoder writes the same tree with other integer
			// widths; our decoder reads it to the same message.
			wider := marshal(t, a)
			if ex.client {
				var m1, m2 ClientMsg
				if err := DecodeClient(ex.b, &m1); err != nil {
					t.Fatal(err)
				}
				if err := DecodeClient(wider, &m2); err != nil || !sameClient(&m1, &m2) {
					t.Fatalf("reference re-encoding % x decodes to %+v, %v", wider, m2, err)
				}
				return
			}
			var m1, m2 ServerMsg
			if err := DecodeServer(ex.b, &m1); err != nil {
				t.Fatal(err)
			}
			if err := DecodeServer(wider, &m2); err != nil || !sameServer(&m1, &m2) {
				t.Fatalf("reference re-encoding % x decodes to %+v, %v", wider, m2, err)
			}
		})
	}
}

func asInt(v any) (int64, bool) {
	switch n := v.(type) {
	case int8:
		return int64(n), true
	case int16:
		return int64(n), true
	case int32:
		return int64(n), true
	case int64:
		return n, true
	case uint8:
		return int64(n), true
	case uint16:
		return int64(n), true
	case uint32:
		return int64(n), true
	case uint64:
		return int64(n), true
	}
	return 0, false
}

// decodeAny decodes b as a client or server message.
func decodeAny(b []byte, client bool) error {
	if client {
		var m ClientMsg
		return DecodeClient(b, &m)
	}
	var m ServerMsg
	return DecodeServer(b, &m)
}

func wantMalformed(t *testing.T, b []byte, client bool) {
	t.Helper()
	err := decodeAny(b, client)
	if !errors.Is(err, ErrMalformed) {
		t.Fatalf("decode % x: err = %v, want one wrapping ErrMalformed", b, err)
	}
}

func TestTruncatedAtEveryOffset(t *testing.T) {
	for _, ex := range docExamples() {
		t.Run(ex.name, func(t *testing.T) {
			for i := range len(ex.b) {
				wantMalformed(t, ex.b[:i], ex.client)
			}
		})
	}
}

func TestTrailingBytes(t *testing.T) {
	for _, ex := range docExamples() {
		t.Run(ex.name, func(t *testing.T) {
			for _, tail := range [][]byte{{0x00}, {0xc0}, {0x90}, ex.b} {
				wantMalformed(t, append(bytes.Clone(ex.b), tail...), ex.client)
			}
		})
	}
}

// Every value of every example replaced by one of another MessagePack family is
// rejected: floats (NaN included) where integers belong, integers where strings
// belong, maps, binaries, booleans and nil.
func TestWrongTypeForEachField(t *testing.T) {
	others := []struct {
		name string
		v    any
	}{
		{"float64", float64(3)},
		{"float32 NaN", float32(math.NaN())},
		{"float64 NaN", math.NaN()},
		{"float64 +Inf", math.Inf(1)},
		{"string", "7"},
		{"int", int64(7)},
		{"map", map[string]any{}},
		{"bin", []byte{7}},
		{"bool", true},
		{"nil", nil},
		{"array", []any{int64(7)}},
	}
	for _, ex := range docExamples() {
		t.Run(ex.name, func(t *testing.T) {
			root := tree(t, ex.b)
			for _, path := range leaves(root, nil, nil) {
				orig := *at(root, path)
				for _, o := range others {
					if sameFamily(orig, o.v) {
						continue
					}
					mod := clone(root)
					*at(mod, path) = o.v
					b := marshal(t, mod)
					if err := decodeAny(b, ex.client); !errors.Is(err, ErrMalformed) {
						t.Errorf("%s at %v: decode % x: err = %v, want ErrMalformed", o.name, path, b, err)
					}
				}
			}
		})
	}
}

// sameFamily reports whether a replacement value could be valid where orig is.
func sameFamily(orig, repl any) bool {
	_, oi := asInt(orig)
	_, ri := asInt(repl)
	switch o := orig.(type) {
	case string:
		_, ok := repl.(string)
		return ok
	case bool:
		_, ok := repl.(bool)
		return ok
	case nil:
		// Only the round of a delta is nil; a round array could be valid there.
		_, ok := repl.([]any)
		return repl == nil || ok
	case []any:
		// An empty list: any list could be valid there.
		_, ok := repl.([]any)
		return ok && len(o) == 0
	}
	return oi && ri
}

func TestWrongArrayLengths(t *testing.T) {
	for _, ex := range docExamples() {
		t.Run(ex.name, func(t *testing.T) {
			root := tree(t, ex.b)
			for _, path := range arrays(root, nil, nil) {
				if isList(ex.name, path) {
					continue
				}
				var slot *any
				mod := clone(root)
				if path == nil {
					slot = &mod
				} else {
					slot = at(mod, path)
				}
				a := (*slot).([]any)
				// A hello of four elements is a player's, of five a spectator's:
				// each grows or shrinks into the other (spectate.go).
				*slot = append(append([]any(nil), a...), int64(0))
				if err := decodeAny(marshal(t, mod), ex.client); !errors.Is(err, ErrMalformed) && (ex.name != "hello" || path != nil) {
					t.Errorf("array at %v with one more element: err = %v", path, err)
				}
				*slot = a[:len(a)-1]
				if err := decodeAny(marshal(t, mod), ex.client); !errors.Is(err, ErrMalformed) && (ex.name != "hello-spectate" || path != nil) {
					t.Errorf("array at %v with one element less: err = %v", path, err)
				}
			}
		})
	}
}

// isList reports whether the array at path in an example message is a list
// (whose length may vary) rather than a fixed-size record.
func isList(name string, path []int) bool {
	if len(path) != 1 {
		return false
	}
	switch name {
	case "delta", "delta-full":
		return path[0] >= 5
	case "roster", "roster-difference":
		return path[0] >= 3
	case "roundEnd":
		return path[0] == 4
	}
	return false
}

func TestOutOfRangeValues(t *testing.T) {
	tests := []struct {
		example string
		path    []int
		v       any
	}{
		{"hello", []int{1}, int64(math.MaxUint16 + 1)},
		{"hello", []int{1}, int64(-1)},
		{"input", []int{1}, int64(math.MaxUint32 + 1)},
		{"input", []int{1}, int64(-1)},
		{"input", []int{2}, int64(-1)},
		{"input", []int{1}, int64(1)}, // two steps cannot end at seq 1
		{"input", []int{1}, int64(0)},
		{"input", []int{3, 0}, int64(game.AllButtons + 1)},
		{"input", []int{3, 2}, int64(255)},
		{"input", []int{3, 1}, int64(65536)},
		{"input", []int{3, 3}, int64(-1)},
		{"input", []int{3}, []any{}},                             // no step
		{"input", []int{3}, []any{int64(1), int64(2), int64(3)}}, // half a step
		{"input", []int{3}, []any{int64(1), int64(2), int64(1), int64(2), int64(1), int64(2),
			int64(1), int64(2), int64(1), int64(2)}}, // five steps
		{"ping", []int{1}, uint64(math.MaxUint64)},
		{"ping", []int{2}, int64(-1)},
		{"pong", []int{1}, uint64(math.MaxInt64 + 1)},
		{"pong", []int{2}, int64(-1)},
		{"welcome", []int{3}, int64(0)},
		{"welcome", []int{4}, int64(1<<20 + 1)},
		{"welcome", []int{5}, int64(-300)},
		{"delta", []int{1}, int64(-1)},
		{"delta-full", []int{4, 1}, int64(2)}, // phase
		{"delta-full", []int{4, 1}, int64(-1)},
		{"delta-full", []int{5, 0, 0}, int64(0)},         // id difference 0
		{"delta-full", []int{5, 1, 0}, int64(0)},         // a repeated id
		{"delta-full", []int{5, 1, 0}, int64(1 << 32)},   // past uint32
		{"delta-full", []int{5, 1, 0}, int64(1<<32 - 1)}, // 7 + this overflows uint32
		{"delta-full", []int{5, 0, 1}, int64(3)},         // unknown kind
		{"delta-full", []int{5, 1, 1}, int64(2)},         // a pellet with 13 fields
		{"delta-full", []int{5, 0, 1}, int64(1)},         // a ship with 4 fields
		{"delta-full", []int{5, 1, 2}, int64(math.MaxInt32 + 1)},
		{"delta-full", []int{5, 1, 6}, int64(256)},     // aim
		{"delta-full", []int{5, 1, 7}, int64(-1)},      // hp
		{"delta-full", []int{5, 1, 8}, int64(8)},       // unknown flag
		{"delta", []int{6, 1}, int64(0)},               // empty mask
		{"delta", []int{6, 1}, int64(128)},             // unknown field
		{"delta", []int{6, 7}, int64(allFields)},       // the mask needs more values than the list has
		{"delta", []int{6, 8}, int64(256)},             // hp
		{"delta", []int{6, 6}, int64(0)},               // id difference 0
		{"delta", []int{6, 4}, int64(128)},             // aim difference past int8
		{"delta", []int{7, 0}, int64(0)},               // removed id difference 0
		{"delta", []int{8, 0, 0}, int64(0)},            // event kind
		{"delta", []int{8, 0, 0}, int64(6)},            // event kind
		{"delta", []int{8, 0, 0}, int64(game.Hit)},     // fields of another kind
		{"delta", []int{8, 1, 5}, int64(65536)},        // shot angle
		{"roster", []int{3, 0, 2}, int64(8)},           // flags
		{"roster", []int{3, 0, 6}, int64(256)},         // map x
		{"roster", []int{3, 1, 0}, int64(1024)},        // lines out of ship order
		{"roster-difference", []int{4, 0}, int64(0)},   // ship difference 0
		{"roster-difference", []int{4, 1}, int64(0)},   // empty mask
		{"roster-difference", []int{4, 1}, int64(16)},  // unknown field
		{"roster-difference", []int{4, 1}, int64(15)},  // the mask needs more values than the list has
		{"roster-difference", []int{4, 2}, int64(256)}, // map x
		{"roster-difference", []int{5, 0}, int64(0)},   // removed difference 0
		{"roundEnd", []int{4, 0, 6}, int64(0)},         // placement
		{"error", []int{1}, int64(65536)},              // code
	}
	examples := map[string]docExample{}
	for _, ex := range docExamples() {
		examples[ex.name] = ex
	}
	for _, tc := range tests {
		ex := examples[tc.example]
		mod := clone(tree(t, ex.b))
		*at(mod, tc.path) = tc.v
		b := marshal(t, mod)
		if err := decodeAny(b, ex.client); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s with %v at %v: err = %v, want ErrMalformed", tc.example, tc.v, tc.path, err)
		}
	}
}

func TestUnknownTypes(t *testing.T) {
	tests := []struct {
		name   string
		b      []byte
		client bool
	}{
		{"client type 0", []byte{0x91, 0x00}, true},
		{"client type 11", []byte{0x91, 0x0b}, true},
		{"client sends a welcome", AppendWelcome(nil, Welcome{Rules: game.Default(), RoomID: "r"}), true},
		{"client sends a delta", docExamples()[3].b, true},
		{"client type 300", []byte{0x91, 0xcd, 0x01, 0x2c}, true},
		{"server type 0", []byte{0x91, 0x00}, false},
		{"server sends a hello", AppendHello(nil, Hello{Version: 1}), false},
		{"server sends an input", AppendInput(nil, Input{Seq: 1, N: 1}), false},
		{"server sends a leave", AppendLeave(nil), false},
		{"server type 255", []byte{0x91, 0xcc, 0xff}, false},
		{"not an array", []byte{0x03}, true},
		{"empty array", []byte{0x90}, true},
		{"empty", nil, false},
		{"map", []byte{0x81, 0x01, 0x03}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantMalformed(t, tc.b, tc.client)
		})
	}
}

func TestOversizedStringsAndMessages(t *testing.T) {
	long := func(n int) string { return strings.Repeat("a", n) }
	var enc DeltaEncoder
	ship := View{Tick: 1, Entities: []Entity{{ID: 1024, Kind: KindShip, Name: long(MaxNameLen + 1)}}}
	tests := []struct {
		name   string
		b      []byte
		client bool
	}{
		{"token", AppendHello(nil, Hello{Version: 1, Token: long(MaxTokenLen + 1)}), true},
		{"room", AppendHello(nil, Hello{Version: 1, Room: long(MaxRoomLen + 1)}), true},
		{"client message over MaxClientMessage", append(AppendPing(nil, Ping{}), make([]byte, MaxClientMessage)...), true},
		{"room id", AppendWelcome(nil, Welcome{Rules: game.Default(), RoomID: long(MaxRoomLen + 1)}), false},
		{"room name", AppendWelcome(nil, Welcome{Rules: game.Default(), RoomName: long(MaxNameLen + 1)}), false},
		{"ship name", enc.Append(nil, nil, &ship, 0, nil), false},
		{"roster name", AppendRoster(nil, Roster{Lines: []RosterLine{{Name: long(MaxNameLen + 1)}}}), false},
		{"player name", AppendRoundEnd(nil, RoundEnd{Players: []game.PlayerResult{{Name: long(MaxNameLen + 1), Placement: 1}}}), false},
		{"reason", AppendError(nil, Error{Reason: long(MaxReasonLen + 1)}), false},
		{"string header past the end", []byte{0x94, 0x01, 0x01, 0xdb, 0xff, 0xff, 0xff, 0xff}, true},
		{"server message over MaxServerMessage", append(AppendPong(nil, Pong{}), make([]byte, MaxServerMessage)...), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantMalformed(t, tc.b, tc.client)
		})
	}
}

// Array headers that claim up to 2^32-1 elements are rejected before anything
// is allocated for them.
func TestHugeArrayHeadersDoNotAllocate(t *testing.T) {
	huge := []byte{0xdd, 0xff, 0xff, 0xff, 0xff}
	// A delta (tick 2, base 1, last input 0, no round change) up to its lists.
	delta := []byte{0x99, 0x04, 0x02, 0x01, 0x00, 0xc0}
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	tests := []struct {
		name   string
		b      []byte
		client bool
	}{
		{"client message", huge, true},
		{"server message", huge, false},
		{"created list", cat(delta, huge), false},
		{"changed list", cat(delta, []byte{0x90}, huge), false},
		{"removed list", cat(delta, []byte{0x90, 0x90}, huge), false},
		{"events list", cat(delta, []byte{0x90, 0x90, 0x90}, huge), false},
		{"entity fields", cat(delta, []byte{0x91}, huge), false},
		{"round end players", cat([]byte{0x95, 0x07, 0x01, 0x02, 0x03}, huge), false},
		{"roster lines", cat([]byte{0x96, 0x08, 0x01, 0x00}, huge), false},
		{"roster changes", cat([]byte{0x96, 0x08, 0x01, 0x00, 0x90}, huge), false},
		{"roster removed", cat([]byte{0x96, 0x08, 0x01, 0x00, 0x90, 0x90}, huge), false},
		{"array16 header", cat(delta, []byte{0xdc, 0xff, 0xff}), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantMalformed(t, tc.b, tc.client)
			var m ServerMsg
			var c ClientMsg
			decode := func() {
				if tc.client {
					_ = DecodeClient(tc.b, &c)
				} else {
					_ = DecodeServer(tc.b, &m)
				}
			}
			decode()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			const runs = 100
			for range runs {
				decode()
			}
			runtime.ReadMemStats(&after)
			// An error value is a few small allocations; a list sized from the
			// header would be gigabytes.
			if per := (after.TotalAlloc - before.TotalAlloc) / runs; per > 1024 {
				t.Fatalf("decoding allocates %d bytes per message", per)
			}
		})
	}
}

func TestDecodeAllocations(t *testing.T) {
	ex := docExamples()
	var m ServerMsg
	delta := ex[4].b
	if err := DecodeServer(delta, &m); err != nil {
		t.Fatal(err)
	}
	// Ship names are strings and allocate; the rest reuses m's memory.
	if n := testing.AllocsPerRun(50, func() { _ = DecodeServer(delta, &m) }); n > 1 {
		t.Errorf("decoding the example delta into a reused message allocates %v times, want at most 1 (the name)", n)
	}
	var c ClientMsg
	input := ex[2].b
	if n := testing.AllocsPerRun(50, func() { _ = DecodeClient(input, &c) }); n != 0 {
		t.Errorf("decoding an input allocates %v times, want 0", n)
	}
}

// TestServerFrameOfSeveralMessages: a server frame holds messages back to
// back; DecodeServerNext reads them one by one, DecodeServer only a frame of
// exactly one, and a frame that ends inside a message is malformed.
func TestServerFrameOfSeveralMessages(t *testing.T) {
	b := exampleFrame()
	var m ServerMsg
	rest, err := DecodeServerNext(b, &m)
	if err != nil || m.Type != TypeDelta || m.Delta.Tick != 102 {
		t.Fatalf("first message: type %d, tick %d, err %v; want the delta for tick 102", m.Type, m.Delta.Tick, err)
	}
	rest, err = DecodeServerNext(rest, &m)
	if err != nil || m.Type != TypePing || m.Ping.RTT != 42 || len(rest) != 0 {
		t.Fatalf("second message: type %d, %+v, %d bytes left, err %v; want the ping and nothing after", m.Type, m.Ping, len(rest), err)
	}
	if err := DecodeServer(b, &m); !errors.Is(err, ErrTrailing) {
		t.Errorf("DecodeServer of a frame of two: err %v, want ErrTrailing", err)
	}
	if _, err := DecodeServerNext(b[:len(b)-1], &m); err != nil {
		t.Errorf("the first message of a cut frame: err %v, want it read", err)
	}
	rest, _ = DecodeServerNext(b[:len(b)-1], &m)
	if _, err := DecodeServerNext(rest, &m); !errors.Is(err, ErrMalformed) {
		t.Errorf("a message cut short at the end of a frame: err %v, want ErrMalformed", err)
	}
}
