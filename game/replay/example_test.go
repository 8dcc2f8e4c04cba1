package replay_test

import (
	"fmt"
	"io"

	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/bot"
	"github.com/tickarena/tickarena/game/replay"
)

// Example records a short round of four bots the way a room does, then plays
// the file back and seeks in it.
func Example() {
	w := game.NewWorld(game.Rules{Seed: 9, RoundSeconds: 10, WorldSize: 1200, Pellets: 30})
	rec := replay.NewRecorder(replay.Options{KeyframeSeconds: 2})
	rec.Start(w, replay.Meta{Room: replay.Room{ID: "r1", Name: "Example"}})
	var brains []*bot.Brain
	for i := range 4 {
		id := w.AddShip(fmt.Sprintf("Bot %d", i+1), true)
		rec.Joined(w, id) // every change between steps is reported
		brains = append(brains, bot.New(id))
	}
	for w.Result == nil {
		var inputs []game.Input
		for _, b := range brains {
			inputs = append(inputs, b.Think(w))
		}
		game.Step(w, inputs)
		rec.Step(w) // after every step
	}
	r, err := rec.Finish(w)
	if err != nil {
		panic(err)
	}
	file := r.Encode() // compress: off the room's goroutine

	rp, err := replay.Decode(file)
	if err != nil {
		panic(err)
	}
	fmt.Println("ticks:", rp.Ticks(), "players:", len(rp.Summary.Players))
	p, err := rp.NewPlayer()
	if err != nil {
		panic(err)
	}
	if err := p.Seek(rp.Meta.StartTick + 150); err != nil { // through the keyframe at tick 120
		panic(err)
	}
	for {
		if err := p.Step(); err == io.EOF {
			break
		} else if err != nil {
			panic(err)
		}
	}
	fmt.Println("same end:", p.World().Hash() == rp.Summary.Hash)
	fmt.Println("verified:", rp.Verify() == nil)
	// Output:
	// ticks: 300 players: 4
	// same end: true
	// verified: true
}
