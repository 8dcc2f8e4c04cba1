package replay_test

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/replay"
)

// TestReplayReproducesRound records rounds with joins, leaves, idle players,
// reconnects, sequence jumps and stale inputs, then plays each file back: the
// result of every player and the final world hash must be those recorded.
func TestReplayReproducesRound(t *testing.T) {
	tests := []struct {
		name string
		s    setup
	}{
		{"from a new world", setup{rules: game.Rules{Seed: 11, RoundSeconds: 40, Pellets: 120}, players: 14, churn: true}},
		{"a later round", setup{rules: game.Rules{Seed: 12, RoundSeconds: 20, IntermissionSeconds: 2, Pellets: 90, TickRate: 20}, players: 10, churn: true, warm: 500}},
		{"60 Hz, small arena", setup{rules: game.Rules{Seed: 13, RoundSeconds: 15, TickRate: 60, WorldSize: 1500, Pellets: 40}, players: 8}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tb := newTable(t, tc.s)
			rec := tb.playRound(t, 1<<20)
			if !rec.Summary.Ended {
				t.Fatal("the round did not end")
			}
			file := rec.Encode()
			rp, err := replay.Decode(file)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if rp.Meta != rec.Meta {
				t.Errorf("meta %+v, recorded %+v", rp.Meta, rec.Meta)
			}
			if err := rp.Verify(); err != nil {
				t.Fatal(err)
			}
			// The summary must be the live world's, not just self-consistent.
			res := tb.w.Result.Players
			if len(rp.Summary.Players) != len(res) || rp.Summary.Hash != tb.w.Hash() {
				t.Fatalf("summary %d players hash %#x; live world %d players hash %#x", len(rp.Summary.Players), rp.Summary.Hash, len(res), tb.w.Hash())
			}
			kills := 0
			for _, p := range res {
				kills += int(p.Kills)
			}
			if kills == 0 {
				t.Error("nobody scored a kill: the round proves little")
			}
			t.Logf("%d ticks, %d players, %d kills: %d bytes", rp.Ticks(), len(res), kills, len(file))
		})
	}
}

// TestReplayCutShort records a round that is cut short between steps (a
// server shutting down), with a player joining after the last step: the
// standings at that moment, that player included, are the result.
func TestReplayCutShort(t *testing.T) {
	tb := newTable(t, setup{rules: game.Rules{Seed: 21, Pellets: 60}, players: 6, churn: true})
	for range 700 {
		tb.step()
	}
	tb.join()
	rec, err := tb.rec.Finish(tb.w)
	if err != nil {
		t.Fatalf("finish: %v", err)
	}
	if rec.Summary.Ended {
		t.Fatal("a 700-tick cut of a 300 s round says it ended")
	}
	if got, want := len(rec.Summary.Players), len(tb.w.Ships); got != want {
		t.Fatalf("%d players in the result, %d ships in the world", got, want)
	}
	rp, err := replay.Decode(rec.Encode())
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	if err := rp.Verify(); err != nil {
		t.Fatal(err)
	}
}

// TestSeekMatchesPlay seeks to many ticks, keyframe boundaries included, and
// compares each world with the one reached by playing from the start.
func TestSeekMatchesPlay(t *testing.T) {
	tb := newTable(t, setup{rules: game.Rules{Seed: 31, RoundSeconds: 30, Pellets: 80}, players: 12, churn: true})
	rp, err := replay.Decode(tb.playRound(t, 1<<20).Encode())
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	p, err := rp.NewPlayer()
	if err != nil {
		t.Fatal(err)
	}
	hashes := map[uint32]uint64{p.Tick(): p.World().Hash()}
	for {
		if err := p.Step(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		hashes[p.Tick()] = p.World().Hash()
	}
	k := rp.Meta.KeyframeTicks
	start, end := rp.Meta.StartTick, rp.Summary.EndTick
	ticks := []uint32{start, start + 1, start + k - 1, start + k, start + k + 1, start + 3*k + 17, end - 1, start + 2*k, start + 5}
	s, err := rp.NewPlayer()
	if err != nil {
		t.Fatal(err)
	}
	for _, tick := range ticks {
		if err := s.Seek(tick); err != nil {
			t.Fatalf("seek %d: %v", tick, err)
		}
		if got := s.World().Hash(); s.Tick() != tick || got != hashes[tick] {
			t.Fatalf("seek %d: at tick %d hash %#x, playing from the start gives %#x", tick, s.Tick(), got, hashes[tick])
		}
	}
	if err := s.Seek(end + 1); err == nil {
		t.Error("seek past the end succeeded")
	}
}

// TestOtherVersionsAreRefused changes the versions in a file's header: the
// error must say which version the file has and which this build wants.
func TestOtherVersionsAreRefused(t *testing.T) {
	tb := newTable(t, setup{rules: game.Rules{Seed: 41, Pellets: 30}, players: 3})
	file := tb.playRound(t, 50).Encode()
	tests := []struct {
		name string
		at   int
		want error
		msg  string
	}{
		{"format", 4, replay.ErrVersion, "replay: unsupported version: replay format version 2, this build reads version 1"},
		{"rules", 6, replay.ErrVersion, "replay: unsupported version: recorded under rules version 2, this build plays rules version 1"},
		{"magic", 0, replay.ErrCorrupt, `replay: corrupt recording: not a tickarena replay (no "TKRP" header)`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := append([]byte(nil), file...)
			b[tc.at]++
			_, err := replay.Decode(b)
			if !errors.Is(err, tc.want) || err.Error() != tc.msg {
				t.Fatalf("Decode = %v, want %q", err, tc.msg)
			}
		})
	}
}

// TestRecorderNoticesMissedSteps drives a recorder the wrong way: a step it
// was not told about would make a recording that plays another round, so
// Finish must refuse it with a message rather than return it.
func TestRecorderNoticesMissedSteps(t *testing.T) {
	tests := []struct {
		name  string
		wrong func(tb *table)
	}{
		{"a step not recorded", func(tb *table) {
			game.Step(tb.w, nil)
			tb.step()
		}},
		{"the world stepped after the last recorded step", func(tb *table) {
			tb.step()
			game.Step(tb.w, nil)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tb := newTable(t, setup{rules: game.Rules{Seed: 51, Pellets: 30}, players: 4})
			for range 20 {
				tb.step()
			}
			tc.wrong(tb)
			rec, err := tb.rec.Finish(tb.w)
			if err == nil || !strings.Contains(err.Error(), "recorded") {
				t.Fatalf("Finish = %v, %v; want an error about an unrecorded step", rec, err)
			}
		})
	}
}
