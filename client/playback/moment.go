package playback

import (
	"math"
	"net/url"
	"strconv"
	"strings"

	"github.com/tickarena/tickarena/game"
)

// Moment is a point of a replay that a link shares: the time and the
// followed ship, carried in the page's query as ?t=95&follow=12.
type Moment struct {
	// T is the time in seconds since the recording's start; Set says whether
	// the query gave one.
	T   float64
	Set bool
	// Follow names the followed ship: its id, or a pilot's name in a link
	// written by hand. Empty for the free camera.
	Follow string
}

// maxMomentSeconds bounds a time read from a link: far longer than a round.
const maxMomentSeconds = 24 * 3600

// ParseMoment reads a moment from a page's query string (with or without its
// leading "?"). A time that is not a number of seconds (95, 95.5, or 1:35)
// is ignored; a negative one is 0.
func ParseMoment(query string) Moment {
	q, _ := url.ParseQuery(strings.TrimPrefix(query, "?"))
	var m Moment
	if t, ok := parseSeconds(q.Get("t")); ok {
		m.T, m.Set = t, true
	}
	m.Follow = strings.TrimSpace(q.Get("follow"))
	if len(m.Follow) > 64 {
		m.Follow = ""
	}
	return m
}

// parseSeconds reads "95", "95.5", "95s" or "1:35" as seconds.
func parseSeconds(s string) (float64, bool) {
	s = strings.TrimSuffix(strings.TrimSpace(s), "s")
	if s == "" {
		return 0, false
	}
	var t float64
	if mm, ss, ok := strings.Cut(s, ":"); ok {
		m, err1 := strconv.ParseUint(mm, 10, 32)
		sec, err2 := strconv.ParseFloat(ss, 64)
		if err1 != nil || err2 != nil || sec < 0 || sec >= 60 {
			return 0, false
		}
		t = float64(m)*60 + sec
	} else {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return 0, false
		}
		t = v
	}
	if math.IsNaN(t) || math.IsInf(t, 0) {
		return 0, false
	}
	return min(max(t, 0), maxMomentSeconds), true
}

// Query returns the moment as a query string with its leading "?": the time
// in whole tenths of a second, and the followed ship when there is one.
func (m Moment) Query() string {
	v := url.Values{}
	v.Set("t", strconv.FormatFloat(math.Floor(max(m.T, 0)*10)/10, 'f', -1, 64))
	if m.Follow != "" {
		v.Set("follow", m.Follow)
	}
	return "?" + v.Encode()
}

// ShipOf returns the ship that follow names in w: a ship id first, else the
// first ship with that name (case-insensitive), else 0.
func ShipOf(w *game.World, follow string) uint32 {
	if follow == "" {
		return 0
	}
	if id, err := strconv.ParseUint(follow, 10, 32); err == nil {
		if s := w.Ship(uint32(id)); s != nil {
			return s.ID
		}
	}
	for i := range w.Ships {
		if strings.EqualFold(w.Ships[i].Name, follow) {
			return w.Ships[i].ID
		}
	}
	return 0
}
