package client

import (
	"math"
	"testing"
)

func TestReplayLayoutSeekBar(t *testing.T) {
	for _, sz := range []struct{ w, h int }{{1280, 800}, {1920, 1080}, {390, 844}} {
		s := NewScreen(sz.w, sz.h, 1)
		l := NewReplayLayout(s, 8)
		if l.Bar.X+l.Bar.W > s.Minimap.X || l.Bar.Y+l.Bar.H > float64(s.H) {
			t.Errorf("%v: the control bar %+v overlaps the minimap %+v or leaves the screen", sz, l.Bar, s.Minimap)
		}
		if l.Seek.X < l.Play.X+l.Play.W || l.Seek.X+l.Seek.W > l.Slower.X {
			t.Errorf("%v: the seek bar %+v overlaps the buttons", sz, l.Seek)
		}
		const d = 300.0
		tests := []struct{ x, want float64 }{
			{l.Seek.X, 0},
			{l.Seek.X + l.Seek.W/2, 150},
			{l.Seek.X + l.Seek.W, 300},
			{l.Seek.X - 50, 0},
			{l.Seek.X + l.Seek.W + 50, 300},
		}
		for _, tt := range tests {
			if got := l.SeekTime(tt.x, d); math.Abs(got-tt.want) > 1e-9 {
				t.Errorf("%v: SeekTime(%v) = %v; want %v", sz, tt.x, got, tt.want)
			}
		}
		for _, tm := range []float64{0, 95, 240, 300} {
			if got := l.SeekTime(l.SeekX(tm, d), d); math.Abs(got-tm) > 1e-9 {
				t.Errorf("%v: SeekTime(SeekX(%v)) = %v", sz, tm, got)
			}
		}
		cy := l.Seek.Y + l.Seek.H/2
		if !l.OnSeek(l.Seek.X+10, cy) || !l.OnSeek(l.Seek.X+10, l.Bar.Y+2) || l.OnSeek(l.Play.X+2, cy) {
			t.Errorf("%v: OnSeek does not match the track", sz)
		}
	}
}

func TestReplayLayoutBoardRows(t *testing.T) {
	s := NewScreen(1280, 800, 1)
	l := NewReplayLayout(s, 5)
	if l.Rows != 5 {
		t.Fatalf("rows %d; want 5", l.Rows)
	}
	for i := range 5 {
		y := l.BoardTop + (float64(i)+0.5)*l.RowH
		if got := l.BoardRow(l.Board.X+20, y); got != i {
			t.Errorf("row at y=%v: %d; want %d", y, got, i)
		}
	}
	if got := l.BoardRow(l.Board.X+20, l.BoardTop+5.5*l.RowH); got != -1 {
		t.Errorf("below the last row: %d; want -1", got)
	}
	if got := l.BoardRow(l.Board.X+l.Board.W+5, l.BoardTop+5); got != -1 {
		t.Errorf("right of the board: %d; want -1", got)
	}
	// Many pilots on a short screen: the rows fit above the control bar.
	l = NewReplayLayout(NewScreen(800, 500, 1), 60)
	if l.Board.Y+l.Board.H > l.Bar.Y || l.Rows < 1 {
		t.Errorf("on a short screen the board %+v (%d rows) reaches the bar %+v", l.Board, l.Rows, l.Bar)
	}
}

func TestElapsedAndWrap(t *testing.T) {
	for _, tt := range []struct {
		t    float64
		want string
	}{{0, "0:00"}, {95.9, "1:35"}, {-3, "0:00"}, {300, "5:00"}} {
		if got := Elapsed(tt.t); got != tt.want {
			t.Errorf("Elapsed(%v) = %q; want %q", tt.t, got, tt.want)
		}
	}
	got := Wrap("This replay was recorded by another version of the game and cannot be played here.", 40, 2)
	want := []string{"This replay was recorded by another", "version of the game and cannot be played…"}
	if len(got) != 2 || got[0] != want[0] || len([]rune(got[1])) > 40 {
		t.Errorf("Wrap = %q; want two lines like %q", got, want)
	}
}

func TestSentence(t *testing.T) {
	for in, want := range map[string]string{"": "", "this replay is damaged": "This replay is damaged.", "ok.": "Ok."} {
		if got := Sentence(in); got != want {
			t.Errorf("Sentence(%q) = %q; want %q", in, got, want)
		}
	}
}
