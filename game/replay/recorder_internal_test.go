package replay

import (
	"crypto/sha256"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tickarena/tickarena/game"
)

// TestRecorderRewritesFixtures records again, from their playback, the
// rounds kept in testdata/fixtures, and requires that the new recording
// plays the same round (Verify: the same world at every keyframe, the same
// hash and result at the end) and that its bytes have the SHA-256 sum kept
// for it in testdata/aim-rounds.txt: given the same world, changes and
// inputs, the recorder writes what it wrote before. The files themselves
// were written by an earlier recorder, which searched for the ship of every
// changed aim (aim.go's rests came later): they stay as they are, recordings
// made before a change of the recorder's choices that must still play
// (TestDeterminismReplayFixtures). -update rewrites the sums, only together
// with a change of those choices, of the format or of game.RulesVersion.
func TestRecorderRewritesFixtures(t *testing.T) {
	sums := readAimSums(t)
	if updating() {
		t.Cleanup(func() { writeAimSums(t, sums) })
	}
	paths, err := filepath.Glob(filepath.Join("testdata", "fixtures", "*.tkr"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no fixtures (%v)", err)
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			file, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			rp, err := Decode(file)
			if err != nil {
				t.Fatal(err)
			}
			body := rerecord(t, rp)
			again, err := Decode((&Recording{Meta: rp.Meta, Summary: rp.Summary, body: body}).Encode())
			if err != nil {
				t.Fatalf("the recording made again does not decode: %v", err)
			}
			if err := again.Verify(); err != nil {
				t.Fatalf("the recording made again does not play the round: %v", err)
			}
			key := "fixture " + filepath.Base(path)
			sum := fmt.Sprintf("%x", sha256.Sum256(body))
			if updating() {
				sums[key] = sum
			} else if want, ok := sums[key]; !ok || sum != want {
				t.Fatalf("recorded again (%d bytes, the file's %d): SHA-256 %s, want %q from testdata/aim-rounds.txt", len(body), len(file), sum, want)
			}
		})
	}
}

// rerecord plays rp and records a world that goes through the same changes,
// told to the recorder as a room tells them, and the same inputs as the
// playback's; it returns the recording's body.
func rerecord(t *testing.T, rp *Replay) []byte {
	t.Helper()
	p, err := rp.NewPlayer()
	if err != nil {
		t.Fatal(err)
	}
	w, err := game.RestoreWorld(rp.Meta.Rules, &rp.keyframes[0])
	if err != nil {
		t.Fatal(err)
	}
	rec := NewRecorder(Options{KeyframeSeconds: int(rp.Meta.KeyframeTicks) / int(w.TickRate)})
	rec.Start(w, Meta{StartedAt: rp.Meta.StartedAt, Room: rp.Meta.Room})
	for ev := 0; ; {
		for ; ev < len(rp.events) && rp.events[ev].tick == w.Tick; ev++ {
			if err := change(w, rec, &rp.events[ev]); err != nil {
				t.Fatalf("tick %d: %v", w.Tick, err)
			}
		}
		if err := p.Step(); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		game.Step(w, p.World().Applied)
		rec.Step(w)
	}
	r, err := rec.Finish(w)
	if err != nil {
		t.Fatal(err)
	}
	return r.body
}

// change makes the change e to w and tells rec.
func change(w *game.World, rec *Recorder, e *event) error {
	switch e.kind {
	case evJoin:
		if id := w.AddShip(e.name, e.flag); id != e.ship {
			return fmt.Errorf("ship %d joined as %d", e.ship, id)
		}
		rec.Joined(w, e.ship)
	case evLeave:
		if err := w.RemoveShip(e.ship); err != nil {
			return err
		}
		rec.Left(w, e.ship)
	case evIdle:
		if err := w.SetIdle(e.ship, e.flag); err != nil {
			return err
		}
		rec.Idle(w, e.ship, e.flag)
	case evSeqReset:
		w.Ship(e.ship).LastSeq = 0
		rec.SeqReset(w, e.ship)
	}
	return nil
}

// TestRecorderMatchesReference records long rounds of ships aiming in every
// way the aim model knows and requires the bytes the recorder wrote when its
// aim search was the exact test for every pair of ships, with the rests of
// aims that follow no ship (aim.go): their SHA-256 sums are kept in
// testdata/aim-rounds.txt; -update rewrites them, only together with a
// change of the recorder's choices, of the format or of game.RulesVersion. The rounds hold sweeping aims, slow and fast,
// mostly at no ship; aims that track a ship with a small offset, change it,
// switch ships or sit at the edge of maxOffset; aims that jump anywhere or
// stay; ships that shoot, die and respawn, join, leave, go idle and come
// back; inputs that are missing, doubled, out of order or numbered with a
// gap; several keyframes a round and several rounds on one Recorder.
func TestRecorderMatchesReference(t *testing.T) {
	sums := readAimSums(t)
	if updating() {
		t.Cleanup(func() { writeAimSums(t, sums) })
	}
	for _, tc := range []struct {
		seed            uint64
		ships           int
		keyframeSeconds int
	}{
		{1, 40, 1},
		{2, 12, 2},
		{3, 60, 3},
	} {
		t.Run(fmt.Sprint(tc.seed), func(t *testing.T) {
			m := newAimMatch(tc.seed, tc.ships, tc.keyframeSeconds)
			var modes [aimAbsolute + 1]int
			rounds := 0
			for rounds < 3 {
				m.step()
				if m.w.Result == nil {
					continue
				}
				m.compare(t, sums, &modes)
				rounds++
			}
			for mode, n := range modes {
				if n < 50 {
					t.Errorf("aim mode %d recorded %d times: the rounds do not exercise it", mode, n)
				}
			}
			if m.deaths == 0 || m.joins == 0 || m.leaves == 0 || m.idles == 0 {
				t.Errorf("%d deaths, %d joins, %d leaves, %d idle changes: the rounds do not exercise them all", m.deaths, m.joins, m.leaves, m.idles)
			}
		})
	}
}

// updating reports whether the test binary runs with -update (the flag of
// fixtures_test.go, in the package's external tests): rewrite what the
// recorder is compared with.
func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// aimSums is the file of the SHA-256 sums of TestRecorderMatchesReference's
// rounds, a line "seed S round R: sum" each.
var aimSums = filepath.Join("testdata", "aim-rounds.txt")

func readAimSums(t *testing.T) map[string]string {
	t.Helper()
	sums := map[string]string{}
	b, err := os.ReadFile(aimSums)
	if err != nil {
		if updating() {
			return sums
		}
		t.Fatalf("read the rounds' sums: %v (write them with -update)", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if key, sum, ok := strings.Cut(line, ": "); ok {
			sums[key] = sum
		}
	}
	return sums
}

func writeAimSums(t *testing.T, sums map[string]string) {
	t.Helper()
	lines := make([]string, 0, len(sums))
	for key, sum := range sums {
		lines = append(lines, key+": "+sum)
	}
	slices.Sort(lines)
	if err := os.WriteFile(aimSums, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}

// aimMatch is a world recorded round after round by one Recorder.
type aimMatch struct {
	w       *game.World
	rec     *Recorder
	seed    uint64
	rng     game.Rand
	players []aimPlayer
	inputs  []game.Input
	named   int
	// What the rounds held, to check that they exercise what they should.
	deaths, joins, leaves, idles int
}

// aimPlayer plays one ship with an aim of one kind at a time.
type aimPlayer struct {
	id      uint32
	seq     uint32
	buttons game.Buttons
	kind    int // sweepAim, trackAim, jumpAim or stillAim
	aim     game.Angle
	speed   int32  // a sweep's turn per tick
	target  uint32 // the ship a tracking aim follows
	off     int16
}

// Kinds of aimPlayer.
const (
	sweepAim = iota
	trackAim
	jumpAim
	stillAim
)

func newAimMatch(seed uint64, ships, keyframeSeconds int) *aimMatch {
	rules := game.Rules{Seed: seed, RoundSeconds: 60, IntermissionSeconds: 2, WorldSize: 2500}
	m := &aimMatch{
		w:    game.NewWorld(rules),
		rec:  NewRecorder(Options{KeyframeSeconds: keyframeSeconds}),
		seed: seed,
		rng:  game.NewRand(seed),
	}
	for range ships {
		m.join()
	}
	m.start()
	return m
}

func (m *aimMatch) start() {
	meta := Meta{StartedAt: 1_700_000_000_000, Room: Room{ID: "r", Name: "Reference"}}
	m.rec.Start(m.w, meta)
}

// compare finishes the recording, requires the sum of its bytes that
// sums holds for it (or, with -update, puts it there), counts the aim modes
// recorded and starts the next recording.
func (m *aimMatch) compare(t *testing.T, sums map[string]string, modes *[aimAbsolute + 1]int) {
	t.Helper()
	got, err := m.rec.Finish(m.w)
	if err != nil {
		t.Fatal(err)
	}
	key := fmt.Sprintf("seed %d round %d", m.seed, m.w.Round)
	sum := fmt.Sprintf("%x", sha256.Sum256(got.body))
	if updating() {
		sums[key] = sum
	} else if want, ok := sums[key]; !ok || sum != want {
		t.Fatalf("%s: the recording (%d bytes) has SHA-256 %s, want %q from testdata/aim-rounds.txt", key, len(got.body), sum, want)
	}
	rp, err := Decode(got.Encode())
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range rp.sec[secKinds] {
		if k&kindInput != 0 {
			modes[(k&kindAimMask)>>kindAimShift]++
		}
	}
	m.start()
}

func (m *aimMatch) join() {
	m.named++
	id := m.w.AddShip(fmt.Sprintf("p%d", m.named), false)
	m.rec.Joined(m.w, id)
	m.players = append(m.players, aimPlayer{id: id, kind: sweepAim, speed: 300})
	m.joins++
}

// step changes the cast now and then, then steps the world with every
// player's input and records the step.
func (m *aimMatch) step() {
	m.churn()
	m.inputs = m.inputs[:0]
	for i := range m.players {
		m.input(&m.players[i])
	}
	if m.rng.Intn(4) == 0 { // inputs out of roster order
		for i := len(m.inputs) - 1; i > 0; i-- {
			j := m.rng.Intn(int32(i + 1))
			m.inputs[i], m.inputs[j] = m.inputs[j], m.inputs[i]
		}
	}
	game.Step(m.w, m.inputs)
	for _, e := range m.w.Events {
		if e.Kind == game.Death {
			m.deaths++
		}
	}
	m.rec.Step(m.w)
}

// churn makes a player leave, join, or go idle and come back, at random.
func (m *aimMatch) churn() {
	switch m.rng.Intn(120) {
	case 0:
		if len(m.players) > 2 {
			i := int(m.rng.Intn(int32(len(m.players))))
			id := m.players[i].id
			if err := m.w.RemoveShip(id); err != nil {
				panic(err)
			}
			m.rec.Left(m.w, id)
			m.players = append(m.players[:i], m.players[i+1:]...)
			m.leaves++
		}
	case 1:
		m.join()
	case 2:
		p := &m.players[m.rng.Intn(int32(len(m.players)))]
		s := m.w.Ship(p.id)
		if err := m.w.SetIdle(p.id, !s.Idle); err != nil {
			panic(err)
		}
		m.rec.Idle(m.w, p.id, s.Idle)
		m.idles++
		if !s.Idle { // back on a new connection, numbering inputs from 1
			if err := m.w.Rejoin(p.id); err != nil {
				panic(err)
			}
			m.rec.SeqReset(m.w, p.id)
			p.seq = 0
		}
	}
}

// input appends p's input for the coming step, now and then changing how
// it plays; some inputs are missing, doubled or numbered with a gap.
func (m *aimMatch) input(p *aimPlayer) {
	rng := &m.rng
	if rng.Intn(40) == 0 {
		m.replan(p)
	}
	p.aim = m.aim(p)
	switch rng.Intn(30) {
	case 0: // lost on the way
		return
	case 1: // a gap in the sequence numbers
		p.seq += 2
	case 2: // an earlier input in the same message, with another aim
		p.seq++
		m.inputs = append(m.inputs, game.Input{Ship: p.id, Seq: p.seq, Buttons: p.buttons, Aim: game.Angle(rng.Uint64())})
	case 3: // a stale one, which the world ignores
		m.inputs = append(m.inputs, game.Input{Ship: p.id, Seq: p.seq, Aim: p.aim + 1})
	}
	p.seq++
	m.inputs = append(m.inputs, game.Input{Ship: p.id, Seq: p.seq, Buttons: p.buttons, Aim: p.aim})
}

// replan gives p a new kind of aim and new buttons.
func (m *aimMatch) replan(p *aimPlayer) {
	rng := &m.rng
	p.kind = int(rng.Intn(4))
	p.buttons = game.Buttons(rng.Intn(int32(game.AllButtons) + 1))
	speeds := [...]int32{1, 7, 100, 600, 1900, 6000}
	p.speed = speeds[rng.Intn(int32(len(speeds)))] * (1 - 2*rng.Intn(2))
	p.target = m.w.Ships[rng.Intn(int32(len(m.w.Ships)))].ID
	offs := [...]int16{0, 0, 3, -40, 300, maxOffset, -maxOffset, maxOffset + 1, -maxOffset - 1, 9000}
	p.off = offs[rng.Intn(int32(len(offs)))]
}

// aim returns p's aim for the coming step, from where the ships are now.
func (m *aimMatch) aim(p *aimPlayer) game.Angle {
	rng := &m.rng
	switch p.kind {
	case sweepAim:
		return p.aim + game.Angle(p.speed)
	case trackAim:
		me, t := m.w.Ship(p.id), m.w.Ship(p.target)
		if t == nil || t == me {
			p.kind = sweepAim
			return p.aim
		}
		if rng.Intn(10) == 0 { // a hand that wavers
			p.off += int16(rng.Intn(21) - 10)
		}
		return aimAt(me.X, me.Y, t.X, t.Y, p.off)
	case jumpAim:
		if rng.Intn(3) == 0 {
			return game.Angle(rng.Uint64())
		}
	}
	return p.aim
}
