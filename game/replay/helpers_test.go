package replay_test

import (
	"fmt"
	"testing"

	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/bot"
	"github.com/tickarena/tickarena/game/replay"
)

// table is a recorded match: a world, its players and a recorder that sees
// every change, the way a server's room drives them.
type table struct {
	w      *game.World
	rec    *replay.Recorder
	brains []*bot.Brain // one per ship, humans included (they play like bots)
	rng    game.Rand
	inputs []game.Input
	churn  bool
	named  int
}

// setup describes a recorded match.
type setup struct {
	rules   game.Rules
	players int  // ships, steered by bot brains
	churn   bool // players leave, join, go idle and reconnect
	// warm is how many ticks the world plays before the recording starts.
	warm int
}

func newTable(t testing.TB, s setup) *table {
	t.Helper()
	tb := &table{w: game.NewWorld(s.rules), rec: replay.NewRecorder(replay.Options{KeyframeSeconds: 5}), rng: game.NewRand(s.rules.Seed), churn: s.churn}
	for range s.players {
		tb.join()
	}
	for range s.warm {
		tb.step()
	}
	tb.rec.Start(tb.w, replay.Meta{StartedAt: 1_700_000_000_000, Room: replay.Room{ID: "r1", Name: "Test arena", Public: true, Capacity: 64, Bots: 10}})
	return tb
}

func (tb *table) join() {
	tb.named++
	id := tb.w.AddShip(fmt.Sprintf("player %d", tb.named), tb.named%5 == 0)
	tb.rec.Joined(tb.w, id)
	tb.brains = append(tb.brains, bot.New(id))
}

// step plays one tick: first the cast changes (with churn), then every brain
// thinks and the world steps; a few inputs are stale or doubled, as from a
// real network.
func (tb *table) step() {
	w := tb.w
	if tb.churn {
		tb.churnCast()
	}
	tb.inputs = tb.inputs[:0]
	for i, b := range tb.brains {
		in := b.Think(w)
		switch tb.rng.Intn(97) {
		case 0: // a jump in the sequence numbers (inputs lost on the way)
			in.Seq += 3
		case 1: // a stale input after the fresh one: ignored by the world
			tb.inputs = append(tb.inputs, in)
			in.Seq--
		}
		if i%7 == 3 && w.Tick%40 < 20 { // a player holding still, aiming by hand
			in.Aim = game.Angle(tb.rng.Uint64())
		}
		tb.inputs = append(tb.inputs, in)
	}
	game.Step(w, tb.inputs)
	tb.rec.Step(w)
}

// churnCast makes players leave, join, drop and reconnect at fixed ticks.
func (tb *table) churnCast() {
	w := tb.w
	switch t := w.Tick; {
	case t%211 == 100 && len(tb.brains) > 2:
		id := tb.brains[1].Ship
		if err := w.RemoveShip(id); err != nil {
			panic(err)
		}
		tb.rec.Left(w, id)
		tb.brains = append(tb.brains[:1], tb.brains[2:]...)
	case t%173 == 50:
		tb.join()
	case t%97 == 7 && len(tb.brains) > 0:
		b := tb.brains[len(tb.brains)-1]
		s := w.Ship(b.Ship)
		if err := w.SetIdle(b.Ship, !s.Idle); err != nil {
			panic(err)
		}
		tb.rec.Idle(w, b.Ship, s.Idle)
		if !s.Idle { // back: a new connection numbers inputs from 1
			s.LastSeq = 0
			tb.rec.SeqReset(w, b.Ship)
			tb.brains[len(tb.brains)-1] = bot.New(b.Ship)
		}
	}
}

// playRound plays until the round ends (or max ticks) and finishes the recording.
func (tb *table) playRound(t testing.TB, max int) *replay.Recording {
	t.Helper()
	for range max {
		tb.step()
		if tb.w.Result != nil {
			break
		}
	}
	rec, err := tb.rec.Finish(tb.w)
	if err != nil {
		t.Fatalf("finish: %v", err)
	}
	return rec
}
