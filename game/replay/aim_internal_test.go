package replay

import (
	"math/rand/v2"
	"testing"

	"github.com/tickarena/tickarena/game"
)

// TestConeAdmitsEveryCandidate checks that the recorder's quick test (cone) never
// rejects a ship the exact test (an offset of at most maxOffset from aimAt)
// accepts, so that it changes no recording: over every aim in steps of 7,
// targets on rings from one unit to the widest int32 differences, and the
// ship's own position. It also checks that the quick test rejects most of
// the other pairs, or it would save nothing.
func TestConeAdmitsEveryCandidate(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	checked, admitted := 0, 0
	for a := 0; a < 1<<16; a += 7 {
		aim := game.Angle(a)
		for _, r := range []int32{1, 2, 3, 17, 1000, 40000, 1 << 24, 1<<31 - 1} {
			for range 24 {
				// A point of the square ring of radius r; and one where
				// the subtraction wraps, as it may in aimAt.
				x, y := int32(rng.Int64N(int64(r)*2+1)-int64(r)), r
				if rng.IntN(2) == 0 {
					x, y = y, x
				}
				if rng.IntN(2) == 0 {
					x = -x
				}
				if rng.IntN(2) == 0 {
					y = -y
				}
				sx, sy := int32(rng.IntN(2001)-1000), int32(rng.IntN(2001)-1000)
				for _, p := range [][4]int32{{0, 0, x, y}, {sx, sy, sx + x, sy + y}, {sx, sy, sx, sy}} {
					exact := abs16(int16(aim-aimAt(p[0], p[1], p[2], p[3], 0))) <= maxOffset
					quick := newCone(aim).admits(int64(p[2]-p[0]), int64(p[3]-p[1])) == 1
					if exact && !quick {
						t.Fatalf("aim %d from (%d, %d) at (%d, %d): the exact test accepts, the quick one rejects", aim, p[0], p[1], p[2], p[3])
					}
					if p[0] == p[2] && p[1] == p[3] {
						continue // the own position: always admitted
					}
					checked++
					if quick {
						admitted++
					}
				}
			}
		}
	}
	if admitted*6 > checked { // about 48 degrees of 360 pass
		t.Fatalf("the quick test admits %d of %d pairs: it should reject most", admitted, checked)
	}
}
