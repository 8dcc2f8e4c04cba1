package replay_test

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/replay"
)

var update = flag.Bool("update", false, "rewrite the recordings in testdata/fixtures")

// fixtures are the recorded rounds kept in testdata/fixtures: a rules change
// that would play them differently fails TestDeterminismReplayFixtures.
var fixtures = []struct {
	name  string
	s     setup
	ticks int // 0: until the round ends
}{
	{"round-30hz-churn", setup{rules: game.Rules{Seed: 101, RoundSeconds: 25, Pellets: 90, WorldSize: 2500}, players: 12, churn: true}, 0},
	{"round-20hz-second-round", setup{rules: game.Rules{Seed: 102, TickRate: 20, RoundSeconds: 30, IntermissionSeconds: 2, Pellets: 60, WorldSize: 2000}, players: 8, churn: true, warm: 640}, 0},
	{"cut-short-60hz", setup{rules: game.Rules{Seed: 103, TickRate: 60, Pellets: 40, WorldSize: 1500}, players: 6}, 1000},
}

// TestDeterminismReplayFixtures plays every recording under testdata/fixtures
// and checks that it reproduces its round: the same world at every keyframe,
// the same result for every player and the same final world hash. It runs
// natively and under GOOS=js GOARCH=wasm (make test-wasm), where the browser
// plays replays. Rewrite the files with go test -run TestDeterminismReplayFixtures
// ./game/replay/ -update, and only together with game.RulesVersion.
func TestDeterminismReplayFixtures(t *testing.T) {
	for _, fx := range fixtures {
		t.Run(fx.name, func(t *testing.T) {
			path := filepath.Join("testdata", "fixtures", fx.name+".tkr")
			if *update {
				tb := newTable(t, fx.s)
				max := fx.ticks
				if max == 0 {
					max = 1 << 20
				}
				if err := os.WriteFile(path, tb.playRound(t, max).Encode(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			file, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("read fixture: %v (write it with -update)", err)
			}
			rp, err := replay.Decode(file)
			if err != nil {
				t.Fatalf("decode %s: %v", path, err)
			}
			if err := rp.Verify(); err != nil {
				t.Fatalf("%s: %v\n(if the rules changed on purpose: bump game.RulesVersion and rewrite the fixtures with -update)", path, err)
			}
			if len(rp.Summary.Players) == 0 || rp.Ticks() < 500 {
				t.Fatalf("%s holds %d ticks and %d players: too little to prove anything", path, rp.Ticks(), len(rp.Summary.Players))
			}
		})
	}
}
