package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tickarena/tickarena/server/cpustat"
)

// TestStepTable: the largest count held is read from the summaries of a
// stepped run, for the server and the floor apart, and the runs not held
// say why.
func TestStepTable(t *testing.T) {
	dir := t.TempDir()
	runs := []*summary{
		{Mode: "floor", Clients: 1000, Connected: 1000, UpdatesP1: 30, ServerCPUs: "0", LoadgenCPUs: "1", MachineCPUs: "0-1"},
		{Mode: "game", Clients: 1000, Connected: 1000, UpdatesP1: 29.8, TickP99ms: 16, ServerCPUs: "0", LoadgenCPUs: "1", MachineCPUs: "0-1"},
		{Mode: "floor", Clients: 2000, Connected: 2000, UpdatesP1: 29.9},
		{Mode: "game", Clients: 2000, Connected: 1990, UpdatesP1: 25, TickP99ms: 66, TickP99Beyond: true, Failed: failures{HTTPRefused: 10}},
		{Mode: "floor", Clients: 3000, Connected: 3000, UpdatesP1: 20, ServerCPUTime: &cpustat.Shares{Busy: 0.7, Steal: 0.25, Idle: 0.05}},
		{Mode: "game", Clients: 3000, Connected: 3000, UpdatesP1: 29.9, ServerCPUTime: &cpustat.Shares{Busy: 0.9, Steal: 0.01, Idle: 0.09}},
	}
	var paths []string
	for i, s := range runs {
		s.judge(33 * time.Millisecond)
		p := filepath.Join(dir, fmt.Sprintf("run-%d.json", i))
		if err := s.writeJSON(p); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	var out strings.Builder
	game, floor, err := stepTable(&out, paths)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(out.String())
	if game != 1000 || floor != 2000 {
		t.Errorf("largest held: tickarena %d, floor %d; want 1000 and 2000", game, floor)
	}
	for _, want := range []string{
		"largest count held (server on CPU 0, load generator on CPU 1 of 0-1): tickarena 1000, floor 2000",
		"game at 2000 not held: 1990 of 2000 clients playing at the end",
		"10 refused", "tick p99 > 66.0 ms over the 33.0 ms budget",
		"floor at 3000 not held: updates/s p1 20.0 < 29.5",
		"25% of the server's CPU stolen by the hypervisor",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("step table lacks %q", want)
		}
	}
	if n := strings.Count(out.String(), "stolen"); n != 1 {
		t.Errorf("the step table names stolen CPU %d times, want once (1%% is not notable)", n)
	}
}
