package ranking

import (
	"fmt"
	"slices"
	"testing"
)

// TestWholeBottomOvertakesTheTop: when every player of the bottom of a large
// board overtakes the whole top, one by one, the board stays in order at every
// step: ranks, positions and pages agree with a brute-force ranking.
func TestWholeBottomOvertakesTheTop(t *testing.T) {
	const n = 3 * blockSize
	tab := New(1)
	want := map[string]int64{}
	var ids []string
	var vals []int64
	for i := range n {
		id := fmt.Sprintf("p%05d", i)
		ids = append(ids, id)
		vals = append(vals, int64(n-i)) // p00000 leads
		want[id] = int64(n - i)
	}
	tab.Load(ids, vals)
	check := func(when string) {
		t.Helper()
		rows := bruteRows(want)
		if got := tab.Range(0, 0, tab.Len()); !slices.Equal(got, rows) {
			t.Fatalf("%s: the board differs from a brute-force ranking", when)
		}
		for _, from := range []int{0, blockSize - 1, blockSize, 2*blockSize + 7, n - 3} {
			if got := tab.Range(0, from, from+5); !slices.Equal(got, rows[from:min(from+5, n)]) {
				t.Fatalf("%s: page at %d = %v, want %v", when, from, got, rows[from:min(from+5, n)])
			}
		}
	}
	// The bottom third, last first, jumps above everyone.
	for i := n - 1; i >= 2*blockSize; i-- {
		id := ids[i]
		v := int64(2*n + (n - i))
		tab.Set(id, []int64{v})
		want[id] = v
		if pos, ok := tab.Position(id, 0); !ok || pos != 0 {
			t.Fatalf("%s set to the best value is at position %d, %v; want 0", id, pos, ok)
		}
	}
	check("after the bottom third overtook the rest")
}
