package netcode

import (
	"io"
	"log/slog"
	"time"

	"github.com/tickarena/tickarena/game"
)

// frameInterval is the display's frame time: 60 FPS.
const frameInterval = time.Second / 60

// sim runs one client against the test server in virtual time.
type sim struct {
	net    *simNet
	srv    *testServer
	client *Client
	// buttons and aim give the player's controls for input seq.
	buttons func(seq uint32) (game.Buttons, game.Angle)
	// predicted records the client's prediction right after each input.
	predicted map[uint32]game.Motion
	// onFrame is called after every rendered frame.
	onFrame   func(f *Frame)
	nextFrame time.Time
	// frameEvery is the time between frames. Default frameInterval.
	frameEvery time.Duration
	// stalled, when set, says when the page draws no frame.
	stalled func(t time.Time) bool
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func newSim(latency, jitter time.Duration, rules game.Rules, opt Options) *sim {
	n := newSimNet(latency, jitter, 7)
	srv := newTestServer(n, rules)
	opt.Dial = srv.dial
	if opt.Token == "" {
		opt.Token = "player-one"
	}
	opt.Logger = quietLogger()
	s := &sim{net: n, srv: srv, client: New(opt), predicted: map[uint32]game.Motion{}}
	s.buttons = func(uint32) (game.Buttons, game.Angle) { return 0, 0 }
	s.nextFrame = n.now
	s.client.Start(n.now)
	return s
}

// run advances virtual time by d in 1 ms steps: deliveries, server ticks and
// 60 FPS client frames, each at its time.
func (s *sim) run(d time.Duration) {
	end := s.net.now.Add(d)
	for s.net.now.Before(end) {
		t := s.net.now.Add(time.Millisecond)
		s.net.advance(t)
		s.srv.run()
		if !t.Before(s.nextFrame) {
			every := s.frameEvery
			if every == 0 {
				every = frameInterval
			}
			s.nextFrame = s.nextFrame.Add(every)
			if s.stalled == nil || !s.stalled(t) {
				s.frame(t)
			}
		}
	}
}

func (s *sim) frame(now time.Time) {
	c := s.client
	c.Update(now)
	for n := c.InputsDue(now); n > 0; n-- {
		b, a := s.buttons(c.pred.seq + 1)
		c.Tick(b, a)
		if m, ok := c.Predicted(); ok {
			s.predicted[c.pred.seq] = m
		}
	}
	f := c.Frame(now)
	if s.onFrame != nil {
		s.onFrame(f)
	}
}

// roam is a deterministic input stream: still for the first second, then a
// new direction every half second, firing a third of the time, aim turning.
func roam(seq uint32) (game.Buttons, game.Angle) {
	if seq <= 30 {
		return 0, 0
	}
	dirs := [...]game.Buttons{game.Up, game.Up | game.Right, game.Right, game.Down | game.Right, game.Down, game.Down | game.Left, game.Left, game.Up | game.Left}
	b := dirs[(seq/15)%8]
	if (seq/20)%3 == 0 {
		b |= game.Fire
	}
	return b, game.Angle(seq * 700)
}
