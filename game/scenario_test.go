package game_test

import (
	"fmt"

	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/bot"
)

// scenario describes a reproducible match: rules, how many humans (driven by a
// seeded random script) and bots (driven by bot.Brain) play it.
type scenario struct {
	name   string
	rules  game.Rules
	humans int
	bots   int
	// churn makes humans leave, join and go idle during the match.
	churn bool
}

// match is a running scenario: the world and everything that feeds it inputs.
type match struct {
	sc     scenario
	w      *game.World
	rng    game.Rand
	humans []human
	brains []*bot.Brain
	inputs []game.Input
}

// human is a scripted player: it changes buttons and aim at random moments,
// and now and then sends a replayed or malformed input, as a real client might.
type human struct {
	id      uint32
	seq     uint32
	buttons game.Buttons
	aim     game.Angle
	idle    bool
}

func newMatch(sc scenario) *match {
	m := &match{sc: sc, w: game.NewWorld(sc.rules), rng: game.NewRand(sc.rules.Seed ^ 0x5eed)}
	for i := 0; i < sc.humans; i++ {
		m.addHuman()
	}
	for i := 0; i < sc.bots; i++ {
		m.brains = append(m.brains, bot.New(m.w.AddShip(fmt.Sprintf("bot%d", i), true)))
	}
	return m
}

func (m *match) addHuman() {
	id := m.w.AddShip(fmt.Sprintf("human%d", len(m.humans)), false)
	m.humans = append(m.humans, human{id: id})
}

// step plays one tick: it changes the cast when churn is on, gathers every
// player's input and steps the world.
func (m *match) step() {
	if m.sc.churn {
		m.churn()
	}
	m.inputs = m.inputs[:0]
	for i := range m.humans {
		m.inputs = m.humans[i].input(&m.rng, m.inputs)
	}
	for _, b := range m.brains {
		m.inputs = append(m.inputs, b.Think(m.w))
	}
	game.Step(m.w, m.inputs)
}

// churn removes, adds and idles humans at fixed ticks so that those paths are
// covered by the determinism checks too.
func (m *match) churn() {
	switch t := m.w.Tick; {
	case t%1500 == 700 && len(m.humans) > 1:
		if err := m.w.RemoveShip(m.humans[0].id); err != nil {
			panic(err)
		}
		m.humans = m.humans[1:]
	case t%1500 == 900:
		m.addHuman()
	case t%500 == 250 && len(m.humans) > 0:
		h := &m.humans[len(m.humans)-1]
		h.idle = !h.idle
		if err := m.w.SetIdle(h.id, h.idle); err != nil {
			panic(err)
		}
	}
}

func (h *human) input(rng *game.Rand, dst []game.Input) []game.Input {
	switch rng.Intn(64) {
	case 0: // a replayed input, which the world must ignore
		return append(dst, game.Input{Ship: h.id, Seq: h.seq, Buttons: game.AllButtons, Aim: game.Angle(rng.Uint64())})
	case 1: // an input with unknown buttons, which the world must ignore
		h.seq++
		return append(dst, game.Input{Ship: h.id, Seq: h.seq, Buttons: 0xe0 | game.Fire, Aim: h.aim})
	}
	if rng.Intn(6) == 0 {
		h.buttons = game.Buttons(rng.Intn(int32(game.AllButtons) + 1))
	}
	if rng.Intn(3) == 0 {
		h.aim += game.Angle(rng.Intn(8192) - 4096)
	}
	h.seq++
	return append(dst, game.Input{Ship: h.id, Seq: h.seq, Buttons: h.buttons, Aim: h.aim})
}
