package client

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/tickarena/tickarena/client/netcode"
)

// clock formats a duration as minutes and seconds, "4:05", rounding up so
// that a countdown shows 0:00 only when it is over.
func clock(d time.Duration) string {
	s := int(math.Ceil(d.Seconds()))
	if s < 0 {
		s = 0
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// ping formats a round-trip time in milliseconds, "48 ms", or "– ms" when it
// is not measured yet.
func ping(rtt time.Duration) string {
	if rtt <= 0 {
		return "– ms"
	}
	return strconv.Itoa(int(math.Round(float64(rtt)/float64(time.Millisecond)))) + " ms"
}

// pingColor returns the colour a round-trip time is shown in: good below
// 80 ms, warning below 180 ms, bad above.
func pingColor(rtt time.Duration) (c [3]uint8) {
	switch {
	case rtt <= 0:
		return [3]uint8{colorMuted.R, colorMuted.G, colorMuted.B}
	case rtt < 80*time.Millisecond:
		return [3]uint8{colorGood.R, colorGood.G, colorGood.B}
	case rtt < 180*time.Millisecond:
		return [3]uint8{colorGold.R, colorGold.G, colorGold.B}
	}
	return [3]uint8{colorDanger.R, colorDanger.G, colorDanger.B}
}

// ordinal returns n with its English ordinal suffix: 1st, 2nd, 3rd, 11th, 22nd.
func ordinal(n int) string {
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

// banner is what the connection line of the HUD says: a title, a detail line
// and whether the player should be offered the way back to the lobby.
type banner struct {
	title, detail string
	backToLobby   bool
}

// connectionBanner returns the banner for a connection state, or a zero
// banner when the game is playing and nothing needs saying. reason is the
// client's last close reason.
func connectionBanner(s netcode.State, reason string) banner {
	switch s {
	case netcode.StateIdle, netcode.StateConnecting, netcode.StateHelloSent:
		return banner{title: "Connecting…", detail: "Joining the arena"}
	case netcode.StateReconnecting:
		d := "Connection lost"
		if reason != "" {
			d += ": " + reason
		}
		return banner{title: "Reconnecting…", detail: d + ". Your ship is kept for you."}
	case netcode.StateClosed:
		if reason == "" {
			reason = "the connection ended"
		}
		return banner{title: "Disconnected", detail: reason, backToLobby: true}
	}
	return banner{}
}

// truncate shortens s to at most n characters, ending it with "…" when it was cut.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n || n < 1 {
		return s
	}
	return string(r[:n-1]) + "…"
}
