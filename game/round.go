package game

import "sort"

// Phase is the part of a round a world is in.
type Phase uint8

// The phases of a round.
const (
	// Playing: ships move, fight and score.
	Playing Phase = iota
	// Intermission: the round is over, results are shown, ships are frozen.
	Intermission
)

// PlayerResult is one ship's line in a round's result.
type PlayerResult struct {
	Ship   uint32
	Name   string
	Bot    bool
	Score  int32
	Kills  int32
	Deaths int32
	// Placement is 1 for the best score; equal scores share a placement (1, 1, 3).
	Placement int
}

// RoundResult is the outcome of one round, ordered by placement, then kills
// (more first), deaths (fewer first) and ship id.
type RoundResult struct {
	Round   uint32
	EndTick uint32
	Players []PlayerResult
}

// rankShips orders lines for a scoreboard or a result and fills in placements.
func rankShips(lines []PlayerResult) {
	sort.Slice(lines, func(i, j int) bool {
		a, b := lines[i], lines[j]
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		if a.Kills != b.Kills {
			return a.Kills > b.Kills
		}
		if a.Deaths != b.Deaths {
			return a.Deaths < b.Deaths
		}
		return a.Ship < b.Ship
	})
	for i := range lines {
		if i > 0 && lines[i].Score == lines[i-1].Score {
			lines[i].Placement = lines[i-1].Placement
		} else {
			lines[i].Placement = i + 1
		}
	}
}

// Standings returns the current round's scoreboard, ranked as a result would be.
func (w *World) Standings() []PlayerResult {
	lines := make([]PlayerResult, 0, len(w.Ships))
	for i := range w.Ships {
		s := &w.Ships[i]
		lines = append(lines, PlayerResult{Ship: s.ID, Name: s.Name, Bot: s.Bot, Score: s.Score, Kills: s.Kills, Deaths: s.Deaths})
	}
	rankShips(lines)
	return lines
}

// TicksLeft returns the ticks until the current phase ends.
func (w *World) TicksLeft() uint32 {
	if w.PhaseEnd <= w.Tick {
		return 0
	}
	return w.PhaseEnd - w.Tick
}
