package realtime

import (
	"io"
	"log/slog"
	"slices"
	"testing"

	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/wire"
)

// steps returns an input message carrying inputs first..last, oldest first,
// each with the aim set to its sequence number so that a test can tell them
// apart once queued.
func steps(first, last uint32) *wire.Input {
	in := &wire.Input{Seq: last, N: int(last - first + 1)}
	for i := range in.N {
		in.Steps[i] = wire.InputStep{Buttons: game.Right, Aim: game.Angle(first + uint32(i))}
	}
	return in
}

// inputRig is a joined client of a room that does not run: the test plays
// the room's ticks by hand.
type inputRig struct {
	t   *testing.T
	obs *countingObserver
	r   *room
	c   *client
}

func newInputRig(t *testing.T, perTick int) *inputRig {
	obs := newCountingObserver()
	m, err := New(Options{CPUCeiling: -1, Auth: testAuth, PublicRooms: -1, Bots: -1, MaxInputsPerTick: perTick, Observer: obs,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	r := newRoom(m, "rig", "RIG", RoomSpec{Name: "Rig", Capacity: 4}, false)
	p := r.seat("p-ann", "Ann")
	c := newClient(m, nil, "test")
	c.room, c.slot, c.playerID = r, p.slot, p.id
	return &inputRig{t: t, obs: obs, r: r, c: c}
}

// tick starts a new room tick and returns the input the room takes in it
// (seq 0 when none waits).
func (g *inputRig) tick() game.Input {
	g.r.tick.Add(1)
	ins := g.r.inbox.drain(nil, g.r.tick.Load())
	if len(ins) == 0 {
		return game.Input{}
	}
	return ins[0]
}

// TestInputStepsAppliedOnce: messages repeat the inputs not yet acknowledged;
// the server queues each sequence number once, in order, whatever the
// overlap, and counts nothing as replayed.
func TestInputStepsAppliedOnce(t *testing.T) {
	g := newInputRig(t, 4)
	var got []uint32
	for _, in := range []*wire.Input{steps(1, 2), steps(1, 4), steps(3, 5), steps(3, 6), steps(4, 7), nil, nil, nil} {
		if in != nil {
			g.c.input(in)
		}
		if in := g.tick(); in.Seq != 0 {
			if uint32(in.Aim) != in.Seq || in.Buttons != game.Right {
				t.Errorf("input %d queued with aim %d and buttons %d, want its own step", in.Seq, in.Aim, in.Buttons)
			}
			got = append(got, in.Seq)
		}
	}
	if want := []uint32{1, 2, 3, 4, 5, 6, 7}; !slices.Equal(got, want) {
		t.Errorf("the room took inputs %v, want %v: each once, in order, one per tick", got, want)
	}
	if n := g.obs.rejectedCount("replayed"); n != 0 {
		t.Errorf("%d messages counted as replayed, want 0: an overlap is not a replay", n)
	}
	// A message with nothing new is a replay.
	g.c.input(steps(4, 7))
	if n := g.obs.rejectedCount("replayed"); n != 1 {
		t.Errorf("a message with no new input counted %d times as replayed, want 1", n)
	}
	if in := g.tick(); in.Seq != 0 {
		t.Errorf("the replay queued input %d", in.Seq)
	}
}

// TestInputStepsOverTheTickLimitComeBack: the steps of one tick beyond
// MaxInputsPerTick are dropped, not queued out of order; the client's next
// message repeats them (they are still unacknowledged) and they are taken then.
func TestInputStepsOverTheTickLimitComeBack(t *testing.T) {
	g := newInputRig(t, 2)
	g.c.input(steps(1, 4)) // 1, 2 taken; 3, 4 over the limit
	if n := g.obs.rejectedCount("too many"); n != 1 {
		t.Errorf("a message with 2 steps over the limit counted %d times, want 1", n)
	}
	g.c.input(steps(1, 4)) // same tick: still over
	var got []uint32
	for range 2 {
		got = append(got, g.tick().Seq)
	}
	g.c.input(steps(1, 4)) // a new tick: 3 and 4 come back
	for range 3 {
		got = append(got, g.tick().Seq)
	}
	if want := []uint32{1, 2, 3, 4, 0}; !slices.Equal(got, want) {
		t.Errorf("the room took inputs %v, want %v", got, want)
	}
	// Skipping ahead is allowed: inputs a client could not repeat any more
	// (more than MaxInputSteps unacknowledged) are gone; the newer ones count.
	g.c.input(steps(9, 10))
	if a, b := g.tick().Seq, g.tick().Seq; a != 9 || b != 10 {
		t.Errorf("after a gap the room took %d, %d; want 9, 10", a, b)
	}
}
