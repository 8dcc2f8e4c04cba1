package wire

import (
	"bytes"
	"flag"
	"fmt"
	"slices"
	"testing"

	"github.com/vmihailenco/msgpack/v5"
)

// update rewrites the generated files the tests check: the fuzz seed corpora
// under testdata/fuzz and the hex examples in docs/protocol.md.
var update = flag.Bool("update", false, "rewrite testdata/fuzz seed corpora and the hex examples of docs/protocol.md")

// encodeClient re-encodes a decoded client message.
func encodeClient(m *ClientMsg) []byte {
	switch m.Type {
	case TypeHello:
		return AppendHello(nil, m.Hello)
	case TypeInput:
		return AppendInput(nil, m.Input)
	case TypePing:
		return AppendPing(nil, m.Ping)
	case TypePong:
		return AppendPong(nil, m.Pong)
	case TypeLeave:
		return AppendLeave(nil)
	case TypeFollow:
		return AppendFollow(nil, m.Follow)
	}
	panic(fmt.Sprintf("no client message of type %d", m.Type))
}

// sameClient reports whether two decoded client messages say the same thing.
func sameClient(a, b *ClientMsg) bool {
	if a.Type != b.Type {
		return false
	}
	switch a.Type {
	case TypeHello:
		return a.Hello == b.Hello
	case TypeInput:
		return a.Input == b.Input
	case TypePing:
		return a.Ping == b.Ping
	case TypePong:
		return a.Pong == b.Pong
	case TypeFollow:
		return a.Follow == b.Follow
	}
	return true
}

// encodeServer re-encodes a decoded server message. Deltas are written from
// their decoded form, field by field, as the protocol document describes them.
func encodeServer(m *ServerMsg) []byte {
	switch m.Type {
	case TypeWelcome:
		return AppendWelcome(nil, m.Welcome)
	case TypeDelta:
		return appendDeltaMsg(nil, &m.Delta)
	case TypePing:
		return AppendPing(nil, m.Ping)
	case TypePong:
		return AppendPong(nil, m.Pong)
	case TypeRoundEnd:
		return AppendRoundEnd(nil, m.RoundEnd)
	case TypeRoster:
		return AppendRoster(nil, m.Roster)
	case TypeError:
		return AppendError(nil, m.Error)
	case TypeSpectating:
		return AppendSpectating(nil, m.Spectating)
	}
	panic(fmt.Sprintf("no server message of type %d", m.Type))
}

// appendDeltaMsg encodes a decoded Delta again.
func appendDeltaMsg(dst []byte, d *Delta) []byte {
	dst = appendArray(dst, 9)
	dst = appendUint(dst, uint64(TypeDelta))
	dst = appendUint(dst, uint64(d.Tick))
	dst = appendUint(dst, uint64(d.Tick-d.Base))
	dst = appendUint(dst, uint64(d.LastSeq))
	if d.HasRound {
		dst = appendArray(dst, 3)
		dst = appendUint(dst, uint64(d.Round.Round))
		dst = appendUint(dst, uint64(d.Round.Phase))
		dst = appendUint(dst, uint64(d.Round.PhaseEnd))
	} else {
		dst = append(dst, 0xc0)
	}
	dst = appendArray(dst, len(d.Created))
	var prev uint32
	for i := range d.Created {
		dst = appendEntity(dst, &d.Created[i], d.Created[i].ID-prev)
		prev = d.Created[i].ID
	}
	var values []int64
	prev = 0
	for _, c := range d.Changed {
		values = append(values, int64(c.ID-prev), int64(c.Mask))
		if c.Mask&FieldPos != 0 {
			values = append(values, int64(c.DX), int64(c.DY))
		}
		if c.Mask&FieldVel != 0 {
			values = append(values, int64(c.DVX), int64(c.DVY))
		}
		if c.Mask&FieldAim != 0 {
			values = append(values, int64(int8(c.Aim)))
		}
		if c.Mask&FieldHP != 0 {
			values = append(values, int64(c.HP))
		}
		if c.Mask&FieldFlags != 0 {
			values = append(values, int64(c.Flags))
		}
		if c.Mask&FieldScore != 0 {
			values = append(values, int64(c.Score))
		}
		if c.Mask&FieldKD != 0 {
			values = append(values, int64(c.Kills), int64(c.Deaths))
		}
		prev = c.ID
	}
	dst = appendArray(dst, len(values))
	for _, v := range values {
		dst = appendInt(dst, v)
	}
	dst = appendArray(dst, len(d.Removed))
	prev = 0
	for _, id := range d.Removed {
		dst = appendUint(dst, uint64(id-prev))
		prev = id
	}
	dst = appendArray(dst, len(d.Events))
	var ids eventIDs
	for i := range d.Events {
		dst = appendEvent(dst, &d.Events[i], d.Tick, nil, &ids)
	}
	return dst
}

// sameDelta reports whether two deltas hold the same values; a nil list and
// an empty one are the same.
func sameDelta(a, b *Delta) bool {
	return a.Tick == b.Tick && a.Base == b.Base && a.LastSeq == b.LastSeq &&
		a.HasRound == b.HasRound && (!a.HasRound || a.Round == b.Round) &&
		slices.Equal(a.Created, b.Created) && slices.Equal(a.Changed, b.Changed) &&
		slices.Equal(a.Removed, b.Removed) && slices.Equal(a.Events, b.Events)
}

// sameServer reports whether two decoded server messages say the same thing.
func sameServer(a, b *ServerMsg) bool {
	if a.Type != b.Type {
		return false
	}
	switch a.Type {
	case TypeWelcome:
		return a.Welcome == b.Welcome
	case TypeDelta:
		return sameDelta(&a.Delta, &b.Delta)
	case TypePing:
		return a.Ping == b.Ping
	case TypePong:
		return a.Pong == b.Pong
	case TypeRoundEnd:
		x, y := a.RoundEnd, b.RoundEnd
		return x.Round == y.Round && x.EndTick == y.EndTick && x.NextRound == y.NextRound && slices.Equal(x.Players, y.Players)
	case TypeRoster:
		return a.Roster.Tick == b.Roster.Tick && a.Roster.Base == b.Roster.Base && slices.Equal(a.Roster.Lines, b.Roster.Lines) &&
			slices.Equal(a.Roster.Changes, b.Roster.Changes) && slices.Equal(a.Roster.Removed, b.Roster.Removed)
	case TypeError:
		return a.Error == b.Error
	case TypeSpectating:
		return a.Spectating == b.Spectating
	}
	return false
}

// tree decodes b with the reference implementation into nested []any values.
func tree(t testing.TB, b []byte) any {
	t.Helper()
	var v any
	dec := msgpack.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("reference cannot decode % x: %v", b, err)
	}
	if _, err := dec.DecodeInterface(); err == nil {
		t.Fatalf("% x holds more than one value", b)
	}
	return v
}

// marshal encodes a tree with the reference implementation.
func marshal(t testing.TB, v any) []byte {
	t.Helper()
	b, err := msgpack.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// clone deep-copies a tree.
func clone(v any) any {
	if a, ok := v.([]any); ok {
		c := make([]any, len(a))
		for i := range a {
			c[i] = clone(a[i])
		}
		return c
	}
	return v
}

// at returns a pointer to the slot at path in a tree; path indexes nested arrays.
func at(v any, path []int) *any {
	a := v.([]any)
	for _, i := range path[:len(path)-1] {
		a = a[i].([]any)
	}
	return &a[path[len(path)-1]]
}

// leaves returns the paths of every value of a tree that is not a non-empty array.
func leaves(v any, prefix []int, out [][]int) [][]int {
	a, ok := v.([]any)
	if !ok || len(a) == 0 {
		if len(prefix) == 0 {
			return out
		}
		return append(out, slices.Clone(prefix))
	}
	for i := range a {
		out = leaves(a[i], append(prefix, i), out)
	}
	return out
}

// arrays returns the paths of every non-empty array of a tree, the root as nil.
func arrays(v any, prefix []int, out [][]int) [][]int {
	a, ok := v.([]any)
	if !ok || len(a) == 0 {
		return out
	}
	out = append(out, slices.Clone(prefix))
	for i := range a {
		out = arrays(a[i], append(prefix, i), out)
	}
	return out
}
