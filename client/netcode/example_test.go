package netcode_test

import (
	"fmt"
	"time"

	"github.com/tickarena/tickarena/client/netcode"
	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/wire"
)

// loopback is a Transport whose far end is a tiny server: it answers a hello
// with a welcome and a first full snapshot, and counts the inputs it gets. A
// real program dials a WebSocket instead (the browser's, or a gws client).
type loopback struct {
	in     *netcode.Inbox
	inputs int
}

func (l *loopback) Send(msg []byte) error {
	var m wire.ClientMsg
	if err := wire.DecodeClient(msg, &m); err != nil {
		return err
	}
	switch m.Type {
	case wire.TypeHello:
		rules := game.Rules{TickRate: 30, WorldSize: 4000, RoundSeconds: 300, IntermissionSeconds: 8}
		l.in.Received(wire.AppendWelcome(nil, wire.Welcome{Ship: 1024, ServerTick: 1, Rules: rules, RoomID: "r1", RoomName: "Arena"}))
		first := wire.View{Tick: 1, Round: wire.RoundInfo{Round: 1, Phase: game.Playing, PhaseEnd: 9000},
			Entities: []wire.Entity{{ID: 1024, Kind: wire.KindShip, X: 32000, Y: 32000, HP: 100, Name: m.Hello.Token}}}
		var enc wire.DeltaEncoder
		l.in.Received(enc.Append(nil, nil, &first, 0, nil))
	case wire.TypeInput:
		l.inputs++
	}
	return nil
}

func (l *loopback) Close(code int, reason string) error { return nil }

// A Client driven by a game loop: start it, then call Update once per frame,
// send the inputs that are due and draw the frame.
func Example() {
	var server *loopback
	dial := func(url string, in *netcode.Inbox) (netcode.Transport, error) {
		server = &loopback{in: in}
		in.Opened() // a WebSocket reports this from its open event
		return server, nil
	}
	c := netcode.New(netcode.Options{URL: "ws://localhost:8080/ws", Token: "ann", Room: "r1", Dial: dial})

	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c.Start(now)
	for frame := 0; frame < 3; frame++ { // the game loop, one iteration per frame
		c.Update(now)
		for n := c.InputsDue(now); n > 0; n-- {
			c.Tick(game.Right, 0) // one input per server tick: fly right
		}
		_ = c.Frame(now) // what to draw
		now = now.Add(c.TickInterval())
	}
	w, _ := c.Welcome()
	fmt.Println("state:", c.State())
	fmt.Println("room:", w.RoomName, "ship:", c.Ship(), "tick rate:", w.Rules.TickRate)
	fmt.Println("ships in the mirror:", len(c.Mirror().Entities))
	fmt.Println("inputs sent:", server.inputs > 0)
	c.Leave()
	fmt.Println("after leave:", c.State(), "-", c.Reason())
	// Output:
	// state: playing
	// room: Arena ship: 1024 tick rate: 30
	// ships in the mirror: 1
	// inputs sent: true
	// after leave: closed - left the game
}
