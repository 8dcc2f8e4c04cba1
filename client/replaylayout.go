package client

import (
	"fmt"
	"math"
	"strings"
	"unicode"
)

// ReplayLayout is where the replay viewer's controls and panels sit on a
// screen: a control bar along the bottom (play button, time, seek bar,
// speed buttons) left of the minimap, and the scoreboard down the left.
type ReplayLayout struct {
	// Bar is the control bar; Play, Slower and Faster its buttons.
	Bar, Play, Slower, Faster Rect
	// Seek is the seek bar's track: its left edge is the start of the
	// recording and its right edge the end.
	Seek Rect
	// Board is the scoreboard panel; its first row starts at BoardTop and
	// each takes RowH pixels. Rows is how many fit.
	Board          Rect
	BoardTop, RowH float64
	Rows           int
}

// maxBoardRows bounds the scoreboard's rows.
const maxBoardRows = 12

// NewReplayLayout lays out the replay controls on s for a scoreboard of
// pilots lines.
func NewReplayLayout(s Screen, pilots int) ReplayLayout {
	ui := s.UI
	var l ReplayLayout
	m := 14 * ui
	h := 54 * ui
	right := s.Minimap.X - m
	l.Bar = Rect{X: m, Y: float64(s.H) - m - h, W: max(right-m, 200*ui), H: h}
	b := 38 * ui
	l.Play = Rect{X: l.Bar.X + 8*ui, Y: l.Bar.Y + (h-b)/2, W: b, H: b}
	l.Faster = Rect{X: l.Bar.X + l.Bar.W - 8*ui - b, Y: l.Play.Y, W: b, H: b}
	l.Slower = Rect{X: l.Faster.X - 58*ui - b, Y: l.Play.Y, W: b, H: b}
	// The time's label sits between the play button and the track.
	x0 := l.Play.X + l.Play.W + 118*ui
	x1 := l.Slower.X - 16*ui
	l.Seek = Rect{X: x0, Y: l.Bar.Y + h/2 - 4*ui, W: max(x1-x0, 20*ui), H: 8 * ui}

	l.RowH = 26 * ui
	top := max(58*ui, 58*s.Scale) // under the page's "Lobby" link
	avail := l.Bar.Y - m - top - 52*ui
	l.Rows = min(max(pilots, 1), maxBoardRows, max(int(avail/l.RowH), 1))
	l.Board = Rect{X: m, Y: top, W: 250 * ui, H: 46*ui + float64(l.Rows)*l.RowH}
	l.BoardTop = l.Board.Y + 40*ui
	return l
}

// SeekTime returns the time, in seconds of a recording of duration seconds,
// that the screen x points at on the seek bar, clamped to the recording.
func (l ReplayLayout) SeekTime(x, duration float64) float64 {
	if l.Seek.W <= 0 {
		return 0
	}
	return clamp01((x-l.Seek.X)/l.Seek.W) * max(duration, 0)
}

// SeekX returns where the time t of a recording of duration seconds is on
// the seek bar.
func (l ReplayLayout) SeekX(t, duration float64) float64 {
	if duration <= 0 {
		return l.Seek.X
	}
	return l.Seek.X + clamp01(t/duration)*l.Seek.W
}

// OnSeek reports whether the point (x, y) grabs the seek bar: its track
// and a band around it tall enough for a finger.
func (l ReplayLayout) OnSeek(x, y float64) bool {
	pad := math.Max(l.Bar.H/2-l.Seek.H/2, 0)
	return Rect{X: l.Seek.X - 8, Y: l.Seek.Y - pad, W: l.Seek.W + 16, H: l.Seek.H + 2*pad}.Contains(x, y)
}

// BoardRow returns the scoreboard row under the point (x, y), or -1.
func (l ReplayLayout) BoardRow(x, y float64) int {
	if !l.Board.Contains(x, y) || y < l.BoardTop || l.RowH <= 0 {
		return -1
	}
	i := int((y - l.BoardTop) / l.RowH)
	if i >= l.Rows {
		return -1
	}
	return i
}

// HUD reports whether the point (x, y) is on a control or a panel, rather
// than on the arena.
func (l ReplayLayout) HUD(x, y float64) bool {
	return l.Bar.Contains(x, y) || l.Board.Contains(x, y)
}

// Elapsed formats a playback time in seconds as minutes and seconds, "1:35",
// rounding down: the time shown is the time played.
func Elapsed(t float64) string {
	s := int(math.Floor(max(t, 0)))
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// Wrap breaks s at spaces into at most lines lines of at most n characters,
// the last cut short with "…" when s does not fit.
func Wrap(s string, n, lines int) []string {
	var out []string
	cur := ""
	for _, w := range strings.Fields(s) {
		switch {
		case cur == "":
			cur = w
		case len([]rune(cur))+1+len([]rune(w)) <= n:
			cur += " " + w
		default:
			out = append(out, cur)
			cur = w
		}
	}
	if cur != "" {
		out = append(out, cur)
	}
	for i := range out {
		out[i] = Truncate(out[i], n)
	}
	if len(out) > lines {
		out = out[:lines]
		out[lines-1] = Truncate(out[lines-1]+" …", n)
	}
	return out
}

// Sentence turns an error message into a sentence for the screen: a capital
// first letter and a full stop.
func Sentence(msg string) string {
	if msg == "" {
		return ""
	}
	r := []rune(msg)
	r[0] = unicode.ToUpper(r[0])
	if !strings.HasSuffix(msg, ".") {
		r = append(r, '.')
	}
	return string(r)
}
