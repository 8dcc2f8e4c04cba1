package ranking

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// bruteRows orders a map of values the slow, obvious way.
func bruteRows(vals map[string]int64) []Row {
	rows := make([]Row, 0, len(vals))
	for id, v := range vals {
		rows = append(rows, Row{ID: id, Value: v})
	}
	slices.SortFunc(rows, func(a, b Row) int {
		if a.Value != b.Value {
			if a.Value > b.Value {
				return -1
			}
			return 1
		}
		return strings.Compare(a.ID, b.ID)
	})
	for i := range rows {
		rows[i].Position = i
		rows[i].Rank = i + 1
		if i > 0 && rows[i-1].Value == rows[i].Value {
			rows[i].Rank = rows[i-1].Rank
		}
	}
	return rows
}

func TestTableMatchesBruteForce(t *testing.T) {
	tests := []struct {
		name    string
		players int
		updates int
		spread  int64 // values are drawn from [0, spread): small spreads make many ties
		load    bool  // start from a bulk Load instead of Set
	}{
		{name: "few players many ties", players: 30, updates: 300, spread: 4},
		{name: "block splits", players: 3000, updates: 6000, spread: 50},
		{name: "bulk load then updates", players: 2500, updates: 2000, spread: 1000, load: true},
		{name: "negative values", players: 200, updates: 500, spread: 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, uint64(tt.players)))
			const cols = 2
			tab := New(cols)
			want := [cols]map[string]int64{{}, {}}
			draw := func() int64 {
				v := rng.Int64N(tt.spread)
				if tt.name == "negative values" {
					v -= tt.spread / 2
				}
				return v
			}
			if tt.load {
				var ids []string
				var vals []int64
				for i := range tt.players {
					id := fmt.Sprintf("p%05d", i)
					ids = append(ids, id)
					for c := range cols {
						v := draw()
						vals = append(vals, v)
						want[c][id] = v
					}
				}
				tab.Load(ids, vals)
			}
			for range tt.updates {
				id := fmt.Sprintf("p%05d", rng.IntN(tt.players))
				row := []int64{draw(), draw()}
				tab.Set(id, row)
				for c := range cols {
					want[c][id] = row[c]
				}
			}
			for c := range cols {
				rows := bruteRows(want[c])
				if got := tab.Range(c, 0, tab.Len()); !slices.Equal(got, rows) {
					t.Fatalf("column %d: full range differs from brute force", c)
				}
				for _, r := range rows {
					pos, ok := tab.Position(r.ID, c)
					if !ok || pos != r.Position {
						t.Fatalf("column %d: Position(%s) = %d, %v; want %d", c, r.ID, pos, ok, r.Position)
					}
					if got := tab.Rank(c, r.Value); got != r.Rank {
						t.Fatalf("column %d: Rank(%d) = %d; want %d", c, r.Value, got, r.Rank)
					}
				}
				// Windows that start in the middle of a run of ties keep the tied rank.
				for from := 0; from < len(rows); from += 1 + rng.IntN(37) {
					to := from + 1 + rng.IntN(20)
					if got, want := tab.Range(c, from, to), rows[from:min(to, len(rows))]; !slices.Equal(got, want) {
						t.Fatalf("column %d: Range(%d, %d) = %v; want %v", c, from, to, got, want)
					}
				}
			}
		})
	}
}

func TestTableEdges(t *testing.T) {
	tab := New(1)
	if got := tab.Range(0, 0, 10); got != nil {
		t.Errorf("empty table Range = %v; want nil", got)
	}
	if _, ok := tab.Position("nobody", 0); ok {
		t.Error("Position of a missing player reported ok")
	}
	if got := tab.Rank(0, 5); got != 1 {
		t.Errorf("Rank in an empty table = %d; want 1", got)
	}
	tab.Set("a", []int64{3})
	tab.Set("b", []int64{3})
	tab.Set("c", []int64{1})
	if got := tab.Rank(0, 2); got != 3 {
		t.Errorf("Rank of a value between entries = %d; want 3", got)
	}
	if got := tab.Range(0, 2, 99); len(got) != 1 || got[0].ID != "c" || got[0].Rank != 3 {
		t.Errorf("Range past the end = %v; want just c at rank 3", got)
	}
	if v, ok := tab.Values("b"); !ok || v[0] != 3 {
		t.Errorf("Values(b) = %v, %v; want [3], true", v, ok)
	}
}

func BenchmarkTable(b *testing.B) {
	const n = 1_000_000
	rng := rand.New(rand.NewPCG(7, 7))
	ids := make([]string, n)
	vals := make([]int64, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("player-%07d", i)
		vals[i] = rng.Int64N(100_000)
	}
	tab := New(1)
	tab.Load(ids, vals)
	b.Run("Set", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			tab.Set(ids[i%n], []int64{rng.Int64N(100_000)})
		}
	})
	b.Run("AroundMiddle", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			id, _ := tab.Range(0, n/2, n/2+1)[0], 0
			pos, _ := tab.Position(id.ID, 0)
			tab.Range(0, pos-10, pos+11)
		}
	})
}
