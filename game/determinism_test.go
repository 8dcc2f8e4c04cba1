package game_test

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tickarena/tickarena/game"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const (
	determinismTicks = 10000
	checkpointEvery  = 250
	goldenPath       = "testdata/determinism.golden"
)

// determinismScenarios are the matches whose final hash is pinned in the golden
// file. Their names are the golden file's keys.
var determinismScenarios = []scenario{
	{name: "seed1-30hz", rules: game.Rules{Seed: 1}, humans: 8, bots: 24, churn: true},
	{name: "seed42-10hz", rules: game.Rules{Seed: 42, TickRate: 10}, humans: 6, bots: 20, churn: true},
	{name: "seed7-60hz-small", rules: game.Rules{Seed: 7, TickRate: 60, WorldSize: 1500, Pellets: 60}, humans: 4, bots: 16},
	{name: "seed99-short-rounds", rules: game.Rules{Seed: 99, RoundSeconds: 30, IntermissionSeconds: 2, Pellets: 120}, humans: 5, bots: 12, churn: true},
}

// TestDeterminism plays every scenario twice side by side and checks that both
// worlds hash the same at every checkpoint, then compares the final hash with the
// golden file, which pins it across code changes and platforms (GOOS=js GOARCH=wasm
// must agree with native).
func TestDeterminism(t *testing.T) {
	golden := readGolden(t)
	got := make(map[string]uint64)
	for _, sc := range determinismScenarios {
		t.Run(sc.name, func(t *testing.T) {
			a, b := newMatch(sc), newMatch(sc)
			for tick := 1; tick <= determinismTicks; tick++ {
				a.step()
				b.step()
				if tick%checkpointEvery != 0 {
					continue
				}
				if ha, hb := a.w.Hash(), b.w.Hash(); ha != hb {
					t.Fatalf("tick %d: hashes differ: %#016x vs %#016x", tick, ha, hb)
				}
			}
			h := a.w.Hash()
			got[sc.name] = h
			if *update {
				return
			}
			want, ok := golden[sc.name]
			switch {
			case !ok:
				t.Fatalf("no golden hash for %q in %s; run go test -run TestDeterminism ./game/ -update", sc.name, goldenPath)
			case h != want:
				t.Errorf("hash after %d ticks = %#016x, golden %#016x: the rules changed (or are not deterministic on this platform); if intended, run go test -run TestDeterminism ./game/ -update", determinismTicks, h, want)
			}
		})
	}
	if *update {
		writeGolden(t, got)
	}
}

// TestDeterminismScenariosPlay guards the golden test against vacuity: the pinned
// scenarios must contain fighting, deaths, pickups and at least one round change.
func TestDeterminismScenariosPlay(t *testing.T) {
	if testing.Short() {
		t.Skip("plays a full scenario")
	}
	m := newMatch(determinismScenarios[0])
	count := map[game.EventKind]int{}
	rounds := 0
	for tick := 0; tick < determinismTicks; tick++ {
		m.step()
		for _, e := range m.w.Events {
			count[e.Kind]++
		}
		if m.w.Result != nil {
			rounds++
		}
	}
	for _, k := range []game.EventKind{game.Shot, game.Hit, game.Death, game.Pickup, game.Spawn} {
		if count[k] == 0 {
			t.Errorf("no events of kind %d in %d ticks", k, determinismTicks)
		}
	}
	if rounds == 0 {
		t.Errorf("no round ended in %d ticks", determinismTicks)
	}
}

func readGolden(t *testing.T) map[string]uint64 {
	t.Helper()
	golden := make(map[string]uint64)
	f, err := os.Open(goldenPath)
	if err != nil {
		if *update && os.IsNotExist(err) {
			return golden
		}
		t.Fatalf("open golden file: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		var name string
		var h uint64
		if _, err := fmt.Sscanf(line, "%s %x", &name, &h); err != nil {
			t.Fatalf("golden line %q: %v", line, err)
		}
		golden[name] = h
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("read golden file: %v", err)
	}
	return golden
}

func writeGolden(t *testing.T, got map[string]uint64) {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "# World.Hash after %d ticks of each scenario in determinism_test.go.\n", determinismTicks)
	b.WriteString("# Rewrite with: go test -run TestDeterminism ./game/ -update\n")
	for _, sc := range determinismScenarios {
		fmt.Fprintf(&b, "%s %016x\n", sc.name, got[sc.name])
	}
	if err := os.MkdirAll(filepath.Dir(goldenPath), 0o755); err != nil {
		t.Fatalf("create testdata: %v", err)
	}
	if err := os.WriteFile(goldenPath, []byte(b.String()), 0o644); err != nil {
		t.Fatalf("write golden file: %v", err)
	}
}
