package main

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
)

// step is one client count of a stepped load test: the floor's run and the
// server's at that count, either possibly missing.
type step struct {
	clients     int
	floor, game *summary
}

// stepTable reads the summaries of a stepped run (written with -json) and
// prints one line per client count, the server beside the floor, then the
// largest count each held (see summary.Held). It returns the two counts, 0
// when none was held.
func stepTable(w io.Writer, paths []string) (gameHeld, floorHeld int, err error) {
	byCount := map[int]*step{}
	for _, path := range paths {
		s, err := readSummary(path)
		if err != nil {
			return 0, 0, err
		}
		st := byCount[s.Clients]
		if st == nil {
			st = &step{clients: s.Clients}
			byCount[s.Clients] = st
		}
		if s.Mode == "floor" {
			st.floor = s
		} else {
			st.game = s
		}
	}
	steps := make([]*step, 0, len(byCount))
	for _, st := range byCount {
		steps = append(steps, st)
	}
	slices.SortFunc(steps, func(a, b *step) int { return cmp.Compare(a.clients, b.clients) })
	fmt.Fprintf(w, "%8s | %-132s | %s\n", "clients", "tickarena", "floor")
	for _, st := range steps {
		fmt.Fprintf(w, "%8d | %-132s | %s\n", st.clients, stepCell(st.game), stepCell(st.floor))
		if st.game != nil && st.game.Held {
			gameHeld = max(gameHeld, st.clients)
		}
		if st.floor != nil && st.floor.Held {
			floorHeld = max(floorHeld, st.clients)
		}
	}
	for _, st := range steps {
		for _, s := range []*summary{st.game, st.floor} {
			if s != nil && !s.Held {
				fmt.Fprintf(w, "  %s at %d not held: %s\n", s.Mode, st.clients, strings.Join(s.NotHeld, "; "))
			}
		}
	}
	cpus := "the same CPUs"
	for _, st := range steps {
		if s := cmp.Or(st.game, st.floor); s != nil && s.ServerCPUs != "" {
			cpus = fmt.Sprintf("server on CPU %s, load generator on CPU %s of %s", s.ServerCPUs, orDash(s.LoadgenCPUs), orDash(s.MachineCPUs))
			break
		}
	}
	fmt.Fprintf(w, "largest count held (%s): tickarena %s, floor %s\n", cpus, heldText(gameHeld), heldText(floorHeld))
	return gameHeld, floorHeld, nil
}

// stepCell is one run's part of a line of the step table.
func stepCell(s *summary) string {
	if s == nil {
		return "-"
	}
	verdict := "held"
	if !s.Held {
		verdict = "NOT held"
	}
	cell := fmt.Sprintf("%s: p1 %.1f/s, %.2f cores (load generator %.2f", verdict, s.UpdatesP1, s.ServerCores, s.LoadgenCores)
	if s.LoadgenWaitP99ms >= loadgenBusy {
		cell += fmt.Sprintf(", busy: its goroutines waited p99 %s ms", fmtMS(s.LoadgenWaitP99ms))
	}
	cell += ")"
	if c := s.ServerCPUTime; c != nil && c.Steal >= stealNotable {
		cell += fmt.Sprintf(", %.0f%% of the server's CPU stolen by the hypervisor", 100*c.Steal)
	}
	if s.Mode == "game" && s.SendRate > 0 && s.SendRate < heldTickRate {
		cell += fmt.Sprintf(" at a send rate of %g (ticks p1 %.1f/s)", s.SendRate, s.TicksP1)
	}
	if s.Mode == "game" {
		cell += fmt.Sprintf(", tick p99 %s%s ms, per verifying client and minute %.1f corrections, %.1f underflows",
			bound(s.TickP99Beyond), fmtMS(s.TickP99ms), s.CorrectionsPerMin, s.UnderflowsPerMin)
	}
	return cell
}

func heldText(n int) string {
	if n == 0 {
		return "none of the counts tried"
	}
	return fmt.Sprint(n)
}
