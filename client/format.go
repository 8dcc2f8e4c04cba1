package client

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/tickarena/tickarena/client/netcode"
)

// Clock formats a duration as minutes and seconds, "4:05", rounding up so
// that a countdown shows 0:00 only when it is over.
func Clock(d time.Duration) string {
	s := int(math.Ceil(d.Seconds()))
	if s < 0 {
		s = 0
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// Ping formats a round-trip time in milliseconds, "48 ms", or "– ms" when it
// is not measured yet.
func Ping(rtt time.Duration) string {
	if rtt <= 0 {
		return "– ms"
	}
	return strconv.Itoa(int(math.Round(float64(rtt)/float64(time.Millisecond)))) + " ms"
}

// PingColor returns the colour a round-trip time is shown in: good below
// 80 ms, warning below 180 ms, bad above.
func PingColor(rtt time.Duration) (c [3]uint8) {
	switch {
	case rtt <= 0:
		return [3]uint8{ColorMuted.R, ColorMuted.G, ColorMuted.B}
	case rtt < 80*time.Millisecond:
		return [3]uint8{ColorGood.R, ColorGood.G, ColorGood.B}
	case rtt < 180*time.Millisecond:
		return [3]uint8{ColorGold.R, ColorGold.G, ColorGold.B}
	}
	return [3]uint8{ColorDanger.R, ColorDanger.G, ColorDanger.B}
}

// Ordinal returns n with its English ordinal suffix: 1st, 2nd, 3rd, 11th, 22nd.
func Ordinal(n int) string {
	suffix := "th"
	if n%100 < 11 || n%100 > 13 {
		switch n % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return strconv.Itoa(n) + suffix
}

// Banner is what the connection line of the HUD says: a title, a detail line
// and whether the player should be offered the way back to the lobby.
type Banner struct {
	Title, Detail string
	BackToLobby   bool
}

// ConnectionBanner returns the banner for a connection state, or a zero
// Banner when the game is playing and nothing needs saying. reason is the
// client's last close reason.
func ConnectionBanner(s netcode.State, reason string) Banner {
	switch s {
	case netcode.StateIdle, netcode.StateConnecting, netcode.StateHelloSent:
		return Banner{Title: "Connecting…", Detail: "Joining the arena"}
	case netcode.StateReconnecting:
		d := "Connection lost"
		if reason != "" {
			d += ": " + reason
		}
		return Banner{Title: "Reconnecting…", Detail: d + ". Your ship is kept for you."}
	case netcode.StateClosed:
		if reason == "" {
			reason = "the connection ended"
		}
		return Banner{Title: "Disconnected", Detail: reason, BackToLobby: true}
	}
	return Banner{}
}

// Truncate shortens s to at most n characters, ending it with "…" when it was cut.
func Truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n || n < 1 {
		return s
	}
	return string(r[:n-1]) + "…"
}
