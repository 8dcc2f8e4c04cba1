package client

import (
	"math"
	"testing"
)

func TestReplayLayoutSeekBar(t *testing.T) {
	for _, sz := range []struct{ w, h int }{{1280, 800}, {1920, 1080}, {390, 844}} {
		s := newScreen(sz.w, sz.h, 1)
		l := newReplayLayout(s, 8)
		if l.bar.x+l.bar.w > s.minimap.x || l.bar.y+l.bar.h > float64(s.h) {
			t.Errorf("%v: the control bar %+v overlaps the minimap %+v or leaves the screen", sz, l.bar, s.minimap)
		}
		if l.seek.x < l.play.x+l.play.w || l.seek.x+l.seek.w > l.slower.x {
			t.Errorf("%v: the seek bar %+v overlaps the buttons", sz, l.seek)
		}
		const d = 300.0
		tests := []struct{ x, want float64 }{
			{l.seek.x, 0},
			{l.seek.x + l.seek.w/2, 150},
			{l.seek.x + l.seek.w, 300},
			{l.seek.x - 50, 0},
			{l.seek.x + l.seek.w + 50, 300},
		}
		for _, tt := range tests {
			if got := l.seekTime(tt.x, d); math.Abs(got-tt.want) > 1e-9 {
				t.Errorf("%v: SeekTime(%v) = %v; want %v", sz, tt.x, got, tt.want)
			}
		}
		for _, tm := range []float64{0, 95, 240, 300} {
			if got := l.seekTime(l.seekX(tm, d), d); math.Abs(got-tm) > 1e-9 {
				t.Errorf("%v: SeekTime(SeekX(%v)) = %v", sz, tm, got)
			}
		}
		cy := l.seek.y + l.seek.h/2
		if !l.onSeek(l.seek.x+10, cy) || !l.onSeek(l.seek.x+10, l.bar.y+2) || l.onSeek(l.play.x+2, cy) {
			t.Errorf("%v: OnSeek does not match the track", sz)
		}
	}
}

func TestReplayLayoutBoardRows(t *testing.T) {
	s := newScreen(1280, 800, 1)
	l := newReplayLayout(s, 5)
	if l.rows != 5 {
		t.Fatalf("rows %d; want 5", l.rows)
	}
	for i := range 5 {
		y := l.boardTop + (float64(i)+0.5)*l.rowH
		if got := l.boardRow(l.board.x+20, y); got != i {
			t.Errorf("row at y=%v: %d; want %d", y, got, i)
		}
	}
	if got := l.boardRow(l.board.x+20, l.boardTop+5.5*l.rowH); got != -1 {
		t.Errorf("below the last row: %d; want -1", got)
	}
	if got := l.boardRow(l.board.x+l.board.w+5, l.boardTop+5); got != -1 {
		t.Errorf("right of the board: %d; want -1", got)
	}
	// Many pilots on a short screen: the rows fit above the control bar.
	l = newReplayLayout(newScreen(800, 500, 1), 60)
	if l.board.y+l.board.h > l.bar.y || l.rows < 1 {
		t.Errorf("on a short screen the board %+v (%d rows) reaches the bar %+v", l.board, l.rows, l.bar)
	}
}

func TestElapsedAndWrap(t *testing.T) {
	for _, tt := range []struct {
		t    float64
		want string
	}{{0, "0:00"}, {95.9, "1:35"}, {-3, "0:00"}, {300, "5:00"}} {
		if got := elapsed(tt.t); got != tt.want {
			t.Errorf("Elapsed(%v) = %q; want %q", tt.t, got, tt.want)
		}
	}
	got := wrap("This replay was recorded by another version of the game and cannot be played here.", 40, 2)
	want := []string{"This replay was recorded by another", "version of the game and cannot be played…"}
	if len(got) != 2 || got[0] != want[0] || len([]rune(got[1])) > 40 {
		t.Errorf("Wrap = %q; want two lines like %q", got, want)
	}
}

func TestSentence(t *testing.T) {
	for in, want := range map[string]string{"": "", "this replay is damaged": "This replay is damaged.", "ok.": "Ok."} {
		if got := sentence(in); got != want {
			t.Errorf("Sentence(%q) = %q; want %q", in, got, want)
		}
	}
}
