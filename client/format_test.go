package client

import (
	"strings"
	"testing"
	"time"

	"github.com/tickarena/tickarena/client/netcode"
)

func TestClock(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "0:00"},
		{-time.Second, "0:00"},
		{100 * time.Millisecond, "0:01"}, // a countdown shows 0:00 only when over
		{59 * time.Second, "0:59"},
		{4*time.Minute + 5*time.Second, "4:05"},
		{61*time.Minute + 500*time.Millisecond, "61:01"},
	}
	for _, tt := range tests {
		t.Run(tt.d.String(), func(t *testing.T) {
			if got := clock(tt.d); got != tt.want {
				t.Errorf("Clock(%v) = %q, want %q", tt.d, got, tt.want)
			}
		})
	}
}

func TestPing(t *testing.T) {
	tests := []struct {
		rtt       time.Duration
		want      string
		wantColor [3]uint8
	}{
		{0, "– ms", [3]uint8{colorMuted.R, colorMuted.G, colorMuted.B}},
		{48400 * time.Microsecond, "48 ms", [3]uint8{colorGood.R, colorGood.G, colorGood.B}},
		{120 * time.Millisecond, "120 ms", [3]uint8{colorGold.R, colorGold.G, colorGold.B}},
		{400 * time.Millisecond, "400 ms", [3]uint8{colorDanger.R, colorDanger.G, colorDanger.B}},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := ping(tt.rtt); got != tt.want {
				t.Errorf("Ping(%v) = %q, want %q", tt.rtt, got, tt.want)
			}
			if got := pingColor(tt.rtt); got != tt.wantColor {
				t.Errorf("PingColor(%v) = %v, want %v", tt.rtt, got, tt.wantColor)
			}
		})
	}
}

func TestOrdinal(t *testing.T) {
	want := map[int]string{1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 11: "11th", 12: "12th", 13: "13th", 21: "21st", 22: "22nd", 101: "101st", 111: "111th"}
	for n, w := range want {
		if got := ordinal(n); got != w {
			t.Errorf("Ordinal(%d) = %q, want %q", n, got, w)
		}
	}
}

func TestConnectionBanner(t *testing.T) {
	tests := []struct {
		name     string
		state    netcode.State
		reason   string
		title    string
		detail   string
		backHint bool
	}{
		{"playing says nothing", netcode.StatePlaying, "", "", "", false},
		{"connecting", netcode.StateConnecting, "", "Connecting…", "Joining the arena", false},
		{"waiting for the welcome", netcode.StateHelloSent, "", "Connecting…", "Joining the arena", false},
		{"reconnecting says why and reassures", netcode.StateReconnecting, "connection lost", "Reconnecting…", "Connection lost: connection lost. Your ship is kept for you.", false},
		{"closed offers the lobby", netcode.StateClosed, "the room is full", "Disconnected", "the room is full", true},
		{"closed without a reason", netcode.StateClosed, "", "Disconnected", "the connection ended", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := connectionBanner(tt.state, tt.reason)
			if b.title != tt.title || b.detail != tt.detail || b.backToLobby != tt.backHint {
				t.Errorf("ConnectionBanner(%v, %q) = %+v, want {%q %q %v}", tt.state, tt.reason, b, tt.title, tt.detail, tt.backHint)
			}
		})
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		s    string
		n    int
		want string
	}{
		{"Ace", 16, "Ace"},
		{"exactly sixteen!", 16, "exactly sixteen!"},
		{"a much longer pilot name", 10, "a much lo…"},
		{"日本語のパイロット名です", 5, "日本語の…"},
	}
	for _, tt := range tests {
		t.Run(tt.s, func(t *testing.T) {
			got := truncate(tt.s, tt.n)
			if got != tt.want {
				t.Errorf("Truncate(%q, %d) = %q, want %q", tt.s, tt.n, got, tt.want)
			}
			if n := len([]rune(got)); n > tt.n {
				t.Errorf("Truncate(%q, %d) has %d characters", tt.s, tt.n, n)
			}
			if strings.HasSuffix(got, "…") == (got == tt.s) {
				t.Errorf("Truncate(%q, %d) = %q: an ellipsis must mark a cut, and only a cut", tt.s, tt.n, got)
			}
		})
	}
}
