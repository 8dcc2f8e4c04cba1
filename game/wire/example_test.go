package wire_test

import (
	"fmt"

	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/wire"
)

// A client's first message, encoded into a reusable buffer and decoded as the
// server decodes it.
func ExampleAppendHello() {
	buf := make([]byte, 0, wire.MaxClientMessage)
	buf = wire.AppendHello(buf[:0], wire.Hello{Version: wire.Version, Token: "tok", Room: "r1"})
	fmt.Printf("% x\n", buf)

	var m wire.ClientMsg
	if err := wire.DecodeClient(buf, &m); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.Type == wire.TypeHello, m.Hello.Token, m.Hello.Room)
	// Output:
	// 94 01 02 a3 74 6f 6b a2 72 31
	// true tok r1
}

// An input message: inputs 56 and 57 (seq numbers the player's inputs, one
// per client tick), oldest first; the server applies those it has not yet.
func ExampleAppendInput() {
	in := wire.Input{Seq: 57, Ack: 100, N: 2}
	in.Steps[0] = wire.InputStep{Buttons: game.Up, Aim: 17920}
	in.Steps[1] = wire.InputStep{Buttons: game.Up | game.Fire, Aim: 17920}
	b := wire.AppendInput(nil, in)
	fmt.Printf("% x\n", b)
	// Output:
	// 94 03 39 64 94 01 cd 46 00 11 cd 46 00
}

// The error a server sends just before its close frame.
func ExampleAppendError() {
	b := wire.AppendError(nil, wire.Error{Code: wire.ErrCodeNoRoom, Reason: "no such room"})
	var m wire.ServerMsg
	if err := wire.DecodeServer(b, &m); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(b), "bytes:", m.Error.Code, m.Error.Reason)
	// Output:
	// 18 bytes: 4004 no such room
}

// The server encodes each client a delta from the view it sent last; the
// client decodes it and applies it to its mirror, which then equals the
// server's view.
func ExampleDeltaEncoder_Append() {
	round := wire.RoundInfo{Round: 1, Phase: game.Playing, PhaseEnd: 9000}
	base := wire.View{Tick: 100, Round: round, Entities: []wire.Entity{
		{ID: 1024, Kind: wire.KindShip, X: 32000, Y: 32000, VX: 10, HP: 100, Name: "ann"},
	}}
	cur := wire.View{Tick: 101, Round: round, Entities: []wire.Entity{
		{ID: 1024, Kind: wire.KindShip, X: 32010, Y: 32000, VX: 10, HP: 80, Name: "ann"},
	}}

	// Server side: one encoder per room, reused for every client and tick.
	var enc wire.DeltaEncoder
	full := enc.Append(nil, nil, &base, 0, nil) // a new client: full snapshot
	delta := enc.Append(nil, &base, &cur, 57, nil)
	fmt.Println("full snapshot:", len(full), "bytes; delta:", len(delta), "bytes")

	// Client side: decode each message and apply it to the mirror.
	var mirror wire.View
	var m wire.ServerMsg
	for _, msg := range [][]byte{full, delta} {
		if err := wire.DecodeServer(msg, &m); err != nil {
			fmt.Println(err)
			return
		}
		if err := mirror.Apply(&m.Delta); err != nil {
			fmt.Println(err) // wire.ErrBase: reconnect for a full snapshot
			return
		}
	}
	fmt.Println("mirror at tick", mirror.Tick, "equals the server's view:", mirror.Equal(&cur))
	fmt.Println("last input applied:", m.Delta.LastSeq, "hp:", mirror.Find(1024).HP)
	// Output:
	// full snapshot: 38 bytes; delta: 15 bytes
	// mirror at tick 101 equals the server's view: true
	// last input applied: 57 hp: 80
}
