package client

import (
	"fmt"
	"math"
	"strings"
	"unicode"
)

// replayLayout is where the replay viewer's controls and panels sit on a
// screen: a control bar along the bottom (play button, time, seek bar,
// speed buttons) left of the minimap, and the scoreboard down the left.
type replayLayout struct {
	// bar is the control bar; Play, Slower and Faster its buttons.
	bar, play, slower, faster rect
	// seek is the seek bar's track: its left edge is the start of the
	// recording and its right edge the end.
	seek rect
	// board is the scoreboard panel; its first row starts at BoardTop and
	// each takes RowH pixels. Rows is how many fit.
	board          rect
	boardTop, rowH float64
	rows           int
}

// maxBoardRows bounds the scoreboard's rows.
const maxBoardRows = 12

// newReplayLayout lays out the replay controls on s for a scoreboard of
// pilots lines.
func newReplayLayout(s screen, pilots int) replayLayout {
	ui := s.ui
	var l replayLayout
	m := 14 * ui
	h := 54 * ui
	right := s.minimap.x - m
	l.bar = rect{x: m, y: float64(s.h) - m - h, w: max(right-m, 200*ui), h: h}
	b := 38 * ui
	l.play = rect{x: l.bar.x + 8*ui, y: l.bar.y + (h-b)/2, w: b, h: b}
	l.faster = rect{x: l.bar.x + l.bar.w - 8*ui - b, y: l.play.y, w: b, h: b}
	l.slower = rect{x: l.faster.x - 58*ui - b, y: l.play.y, w: b, h: b}
	// The time's label sits between the play button and the track.
	x0 := l.play.x + l.play.w + 118*ui
	x1 := l.slower.x - 16*ui
	l.seek = rect{x: x0, y: l.bar.y + h/2 - 4*ui, w: max(x1-x0, 20*ui), h: 8 * ui}

	l.rowH = 26 * ui
	top := max(58*ui, 58*s.scale) // under the page's "Lobby" link
	avail := l.bar.y - m - top - 52*ui
	l.rows = min(max(pilots, 1), maxBoardRows, max(int(avail/l.rowH), 1))
	l.board = rect{x: m, y: top, w: 250 * ui, h: 46*ui + float64(l.rows)*l.rowH}
	l.boardTop = l.board.y + 40*ui
	return l
}

// seekTime returns the time, in seconds of a recording of duration seconds,
// that the screen x points at on the seek bar, clamped to the recording.
func (l replayLayout) seekTime(x, duration float64) float64 {
	if l.seek.w <= 0 {
		return 0
	}
	return clamp01((x-l.seek.x)/l.seek.w) * max(duration, 0)
}

// seekX returns where the time t of a recording of duration seconds is on
// the seek bar.
func (l replayLayout) seekX(t, duration float64) float64 {
	if duration <= 0 {
		return l.seek.x
	}
	return l.seek.x + clamp01(t/duration)*l.seek.w
}

// onSeek reports whether the point (x, y) grabs the seek bar: its track
// and a band around it tall enough for a finger.
func (l replayLayout) onSeek(x, y float64) bool {
	pad := math.Max(l.bar.h/2-l.seek.h/2, 0)
	return rect{x: l.seek.x - 8, y: l.seek.y - pad, w: l.seek.w + 16, h: l.seek.h + 2*pad}.contains(x, y)
}

// boardRow returns the scoreboard row under the point (x, y), or -1.
func (l replayLayout) boardRow(x, y float64) int {
	if !l.board.contains(x, y) || y < l.boardTop || l.rowH <= 0 {
		return -1
	}
	i := int((y - l.boardTop) / l.rowH)
	if i >= l.rows {
		return -1
	}
	return i
}

// hud reports whether the point (x, y) is on a control or a panel, rather
// than on the arena.
func (l replayLayout) hud(x, y float64) bool {
	return l.bar.contains(x, y) || l.board.contains(x, y)
}

// elapsed formats a playback time in seconds as minutes and seconds, "1:35",
// rounding down: the time shown is the time played.
func elapsed(t float64) string {
	s := int(math.Floor(max(t, 0)))
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// wrap breaks s at spaces into at most lines lines of at most n characters,
// the last cut short with "…" when s does not fit.
func wrap(s string, n, lines int) []string {
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
		out[i] = truncate(out[i], n)
	}
	if len(out) > lines {
		out = out[:lines]
		out[lines-1] = truncate(out[lines-1]+" …", n)
	}
	return out
}

// sentence turns an error message into a sentence for the screen: a capital
// first letter and a full stop.
func sentence(msg string) string {
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
