package netcode

import (
	"math"
	"time"

	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/wire"
)

type pendingInput struct {
	seq     uint32
	buttons game.Buttons
	aim     game.Angle
}

// prediction is the own ship's locally simulated motion: the server's last
// state of it plus the inputs it has not applied yet.
type prediction struct {
	seq     uint32 // last input sequence number sent; never reset, so that a reconnected ship accepts new inputs
	pending []pendingInput
	ok      bool        // cur is valid
	cur     game.Motion // after every input sent
	prev    game.Motion // one input earlier, for drawing between ticks
	aim     game.Angle  // the local aim
	// unsent counts the inputs made since the last input message; held are
	// the buttons of the last input (sent is false before the first input
	// of a connection).
	unsent int
	held   game.Buttons
	sent   bool
	// The drawn position is the predicted one plus an error that fades to zero
	// over BlendTime from corrAt.
	corrX, corrY float64 // Sub units
	corrAt       time.Time
}

func (p *prediction) reset() {
	p.pending = p.pending[:0]
	p.unsent, p.sent = 0, false
	p.ok = false
	p.corrX, p.corrY = 0, 0
}

// inputsPerMessage is how many inputs a client makes between two input
// messages while its buttons stay the same.
const inputsPerMessage = 2

// Tick makes one input and moves the predicted own ship by one tick. Call it
// the number of times InputsDue says, with the buttons held and the aim
// (the direction of the mouse) at that moment. Every second input, or at
// once when the buttons change, it sends an input message carrying the
// newest inputs the server has not acknowledged (docs/protocol.md §4.3). It
// does nothing unless the client is playing.
func (c *Client) Tick(buttons game.Buttons, aim game.Angle) {
	if c.state != StatePlaying {
		return
	}
	p := &c.pred
	buttons &= game.AllButtons
	p.seq++
	p.aim = aim
	if len(p.pending) >= c.opt.MaxPending {
		p.pending = append(p.pending[:0], p.pending[1:]...)
	}
	p.pending = append(p.pending, pendingInput{seq: p.seq, buttons: buttons, aim: aim})
	p.unsent++
	c.stats.InputsSent++
	if p.unsent >= inputsPerMessage || !p.sent || buttons != p.held {
		c.sendInputs()
	}
	p.held, p.sent = buttons, true
	if p.ok {
		p.prev = p.cur
		if !c.frozen() {
			c.tuning.Move(&p.cur, buttons)
		}
	}
}

// sendInputs sends the newest inputs not yet acknowledged, at most
// wire.MaxInputSteps: the pending ones, which are consecutive.
func (c *Client) sendInputs() {
	p := &c.pred
	n := min(len(p.pending), wire.MaxInputSteps)
	if n == 0 {
		return
	}
	last := p.pending[len(p.pending)-n:]
	in := wire.Input{Seq: last[n-1].seq, Ack: c.mirror.Tick, N: n}
	for i, pi := range last {
		in.Steps[i] = wire.InputStep{Buttons: pi.buttons, Aim: pi.aim}
	}
	c.send(wire.AppendInput(c.out[:0], in))
	c.stats.InputMessages++
	p.unsent = 0
}

// frozen reports whether the own ship cannot move: dead, or between rounds.
func (c *Client) frozen() bool {
	if c.mirror.Round.Phase == game.Intermission {
		return true
	}
	e := c.mirror.Find(c.welcome.Ship)
	return e == nil || e.Flags&wire.FlagDead != 0
}

// reconcile recomputes the prediction after a delta: the server's state of the
// own ship, with the inputs it acknowledged dropped and the others replayed
// once each. A difference from the previous prediction is a correction; it is
// blended in unless it is large or the ship respawned.
func (c *Client) reconcile(now time.Time, lastSeq uint32, respawned bool) {
	p := &c.pred
	drop := 0
	for drop < len(p.pending) && p.pending[drop].seq <= lastSeq {
		drop++
	}
	p.pending = append(p.pending[:0], p.pending[drop:]...)
	e := c.mirror.Find(c.welcome.Ship)
	if e == nil {
		p.ok = false
		return
	}
	m := e.Motion()
	prev := m
	if !c.frozen() {
		for _, in := range p.pending {
			prev = m
			c.tuning.Move(&m, in.buttons)
		}
	}
	if !p.ok || respawned {
		p.ok, p.cur, p.prev = true, m, prev
		p.corrX, p.corrY = 0, 0
		return
	}
	dx, dy := float64(p.cur.X-m.X), float64(p.cur.Y-m.Y)
	p.cur, p.prev = m, prev
	if dx == 0 && dy == 0 {
		return
	}
	size := math.Hypot(dx, dy) / game.Sub
	c.opt.Logger.Debug("prediction corrected", "tick", c.mirror.Tick, "ack", lastSeq, "pending", len(p.pending), "units", size)
	c.stats.Corrections++
	c.stats.CorrectionSum += size
	c.stats.CorrectionMax = max(c.stats.CorrectionMax, size)
	if size > c.opt.SnapDistance {
		c.stats.Snaps++
		p.corrX, p.corrY = 0, 0
		return
	}
	// Keep what is drawn where it was and let the error fade from there.
	rx, ry := p.remaining(now, c.opt.BlendTime)
	p.corrX, p.corrY, p.corrAt = rx+dx, ry+dy, now
}

// remaining returns the part of the blended error still shown at now.
func (p *prediction) remaining(now time.Time, blend time.Duration) (x, y float64) {
	if p.corrX == 0 && p.corrY == 0 {
		return 0, 0
	}
	f := 1 - float64(now.Sub(p.corrAt))/float64(blend)
	if f <= 0 {
		return 0, 0
	}
	f = min(f, 1)
	return p.corrX * f, p.corrY * f
}

// Predicted returns the own ship's predicted motion after every input sent,
// and false before the first snapshot that holds the ship.
func (c *Client) Predicted() (game.Motion, bool) { return c.pred.cur, c.pred.ok }

// PendingInputs returns the number of inputs sent but not yet acknowledged.
func (c *Client) PendingInputs() int { return len(c.pred.pending) }

// selfFrame fills f.Self with the own ship's drawn state at now.
func (c *Client) selfFrame(now time.Time, f *Frame) {
	p := &c.pred
	e := c.mirror.Find(c.welcome.Ship)
	f.HasSelf = p.ok && e != nil
	if !f.HasSelf {
		return
	}
	a := c.inputs.Alpha()
	x := float64(p.prev.X) + (float64(p.cur.X)-float64(p.prev.X))*a
	y := float64(p.prev.Y) + (float64(p.cur.Y)-float64(p.prev.Y))*a
	rx, ry := p.remaining(now, c.opt.BlendTime)
	f.Self = renderOf(e)
	f.Self.X, f.Self.Y = (x+rx)/game.Sub, (y+ry)/game.Sub
	f.Self.Aim = angleRadians(p.aim)
	f.Self.Self = true
}

func angleRadians(a game.Angle) float64 { return float64(a) * (2 * math.Pi / 65536) }
