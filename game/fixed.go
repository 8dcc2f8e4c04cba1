package game

//go:generate go run ./internal/gentrig

// Angle is a direction in 1/65536 of a turn. Angle 0 points along +X (right on the
// screen) and angles grow toward +Y (down on the screen), so a quarter turn is 16384.
type Angle uint16

// TrigOne is the fixed-point scale of Sin and Cos: 1.0 is 1<<14.
const TrigOne = 1 << 14

// Sin returns the sine of a scaled by TrigOne, from a 4096-entry table.
func Sin(a Angle) int32 { return int32(sinTable[a>>4]) }

// Cos returns the cosine of a scaled by TrigOne, from a 4096-entry table.
func Cos(a Angle) int32 { return int32(sinTable[(a+16384)>>4]) }

// Atan2 returns the angle of the vector (x, y) using integer arithmetic only.
// Atan2(0, 0) is 0.
func Atan2(y, x int32) Angle {
	if x == 0 && y == 0 {
		return 0
	}
	ax, ay := int64(x), int64(y)
	if ax < 0 {
		ax = -ax
	}
	if ay < 0 {
		ay = -ay
	}
	// Angle within the first octant pair, 0..16384 (a quarter turn).
	var a int64
	if ax >= ay {
		a = int64(atanTable[ay*1024/ax])
	} else {
		a = 16384 - int64(atanTable[ax*1024/ay])
	}
	switch {
	case x >= 0 && y >= 0:
		return Angle(a)
	case x < 0 && y >= 0:
		return Angle(32768 - a)
	case x < 0 && y < 0:
		return Angle(32768 + a)
	default:
		return Angle(65536 - a)
	}
}

// isqrt returns the integer square root of n (the largest r with r*r <= n).
func isqrt(n int64) int64 {
	if n <= 0 {
		return 0
	}
	r := int64(1) << ((bitLen(uint64(n)) + 1) / 2)
	for {
		next := (r + n/r) / 2
		if next >= r {
			break
		}
		r = next
	}
	for r*r > n {
		r--
	}
	for (r+1)*(r+1) <= n {
		r++
	}
	return r
}

func bitLen(x uint64) int {
	n := 0
	for x != 0 {
		x >>= 1
		n++
	}
	return n
}

// Dist returns the integer distance between two points.
func Dist(x0, y0, x1, y1 int32) int32 {
	dx, dy := int64(x1-x0), int64(y1-y0)
	return int32(isqrt(dx*dx + dy*dy))
}

// dist2 returns the squared distance between two points.
func dist2(x0, y0, x1, y1 int32) int64 {
	dx, dy := int64(x1-x0), int64(y1-y0)
	return dx*dx + dy*dy
}
