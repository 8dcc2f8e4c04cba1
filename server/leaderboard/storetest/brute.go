package storetest

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/tickarena/tickarena/server/leaderboard"
)

// Brute computes boards the slow, obvious way from every round recorded, so
// that a store's rankings can be compared with it.
type Brute struct {
	rounds map[string]leaderboard.RoundResult
	order  []string // round ids in the order they were recorded
}

// NewBrute returns an empty brute-force board.
func NewBrute() *Brute { return &Brute{rounds: map[string]leaderboard.RoundResult{}} }

// Record adds a round unless its ID is already there, as a store does.
func (b *Brute) Record(r leaderboard.RoundResult) {
	if _, ok := b.rounds[r.ID]; !ok {
		b.rounds[r.ID] = r
		b.order = append(b.order, r.ID)
	}
}

// Board returns every entry of board bd in the period instance containing now,
// as Top returns them (with the round behind each).
func (b *Brute) Board(bd leaderboard.Board, p leaderboard.Period, now time.Time) []leaderboard.Entry {
	key := p.Key(now)
	vals := map[string]int64{}
	names := map[string]string{}
	latest := map[string]time.Time{}
	behind := map[string]string{}
	for _, id := range b.order {
		r := b.rounds[id]
		for _, l := range r.Players {
			if l.Bot {
				continue
			}
			if t, ok := latest[l.PlayerID]; !ok || !r.EndedAt.Before(t) {
				latest[l.PlayerID], names[l.PlayerID] = r.EndedAt, l.Name
			}
			if p.Key(r.EndedAt) != key {
				continue
			}
			v := l.Value(bd)
			if old, ok := vals[l.PlayerID]; ok {
				// The round behind: the better score, or any round that added.
				if bd == leaderboard.BoardScore && v > old || bd != leaderboard.BoardScore && v > 0 {
					behind[l.PlayerID] = r.ID
				}
				vals[l.PlayerID] = leaderboard.Aggregate(bd, old, v)
			} else {
				vals[l.PlayerID] = v
				behind[l.PlayerID] = r.ID
			}
		}
	}
	entries := make([]leaderboard.Entry, 0, len(vals))
	for id, v := range vals {
		entries = append(entries, leaderboard.Entry{PlayerID: id, Name: names[id], Value: v, RoundID: behind[id]})
	}
	slices.SortFunc(entries, func(x, y leaderboard.Entry) int {
		if c := cmp.Compare(y.Value, x.Value); c != 0 {
			return c
		}
		return cmp.Compare(x.PlayerID, y.PlayerID)
	})
	for i := range entries {
		entries[i].Rank = i + 1
		if i > 0 && entries[i-1].Value == entries[i].Value {
			entries[i].Rank = entries[i-1].Rank
		}
	}
	return entries
}

// RandomRounds returns n random rounds over a few days around Sunday, with
// bots, ties (small score range), name changes and repeated round ids.
func RandomRounds(seed uint64, n int) []leaderboard.RoundResult {
	rng := rand.New(rand.NewPCG(seed, 99))
	var rounds []leaderboard.RoundResult
	for i := range n {
		id := fmt.Sprintf("round-%d", i)
		if i > 0 && rng.IntN(10) == 0 {
			id = rounds[rng.IntN(len(rounds))].ID // a retry of an earlier round
		}
		at := Sunday.Add(time.Duration(rng.IntN(72*60)-36*60) * time.Minute)
		size := 2 + rng.IntN(8)
		perm := rng.Perm(40)[:size]
		lines := make([]leaderboard.PlayerResult, size)
		for j, who := range perm {
			l := Line(fmt.Sprintf("pl-%02d", who), fmt.Sprintf("Name%d-%d", who, rng.IntN(2)), rng.Int64N(20)-3, rng.IntN(4), j+1)
			if who >= 35 {
				l.Bot = true
			}
			lines[j] = l
		}
		rounds = append(rounds, Round(id, at, lines...))
	}
	return rounds
}

// CheckAgainst compares every board of s with b at the given instants:
// whole boards walked page by page, and Around for every player.
func CheckAgainst(t *testing.T, s leaderboard.Store, b *Brute, instants ...time.Time) {
	t.Helper()
	ctx := context.Background()
	for _, now := range instants {
		for _, bd := range leaderboard.Boards {
			for _, p := range leaderboard.Periods {
				want := b.Board(bd, p, now)
				var got []leaderboard.Entry
				for _, page := range walk(t, s, bd, p, now, 7) {
					got = append(got, page.Entries...)
				}
				if !slices.Equal(got, want) {
					t.Fatalf("%s/%s at %s:\n got  %s\n want %s", bd, p, now, withRounds(got), withRounds(want))
				}
				for i, e := range want {
					a, err := s.Around(ctx, bd, p, now, e.PlayerID, 2)
					if err != nil {
						t.Fatalf("Around(%s) on %s/%s: %v", e.PlayerID, bd, p, err)
					}
					// Around leaves out the round behind each entry.
					w := slices.Clone(want[max(i-2, 0):min(i+3, len(want))])
					for j := range w {
						w[j].RoundID = ""
					}
					if a.Rank != e.Rank || !slices.Equal(a.Entries, w) {
						t.Fatalf("Around(%s) on %s/%s = rank %d %s; want rank %d %s", e.PlayerID, bd, p, a.Rank, brief(a.Entries), e.Rank, brief(w))
					}
				}
			}
		}
	}
}

// Instants are the clocks CheckAgainst is run at: both sides of the
// midnight and ISO week boundary that RandomRounds straddles.
var Instants = []time.Time{Sunday.Add(-24 * time.Hour), Sunday, Sunday.Add(time.Hour), Sunday.Add(30 * time.Hour)}

func testBruteForce(t *testing.T, s leaderboard.Store) {
	b := NewBrute()
	for i, r := range RandomRounds(1, 300) {
		MustRecord(t, s, r)
		b.Record(r)
		if i == 150 {
			CheckAgainst(t, s, b, Sunday)
		}
	}
	CheckAgainst(t, s, b, Instants...)
}
