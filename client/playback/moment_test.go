package playback_test

import (
	"strconv"
	"testing"

	"github.com/tickarena/tickarena/client/playback"
	"github.com/tickarena/tickarena/game"
)

func TestParseMoment(t *testing.T) {
	tests := []struct {
		query string
		want  playback.Moment
	}{
		{"", playback.Moment{}},
		{"?t=95", playback.Moment{T: 95, Set: true}},
		{"t=95.5&follow=12", playback.Moment{T: 95.5, Set: true, Follow: "12"}},
		{"?t=1:35", playback.Moment{T: 95, Set: true}},
		{"?t=95s", playback.Moment{T: 95, Set: true}},
		{"?t=-4", playback.Moment{T: 0, Set: true}},
		{"?t=1e9", playback.Moment{T: 24 * 3600, Set: true}},
		{"?t=NaN", playback.Moment{}},
		{"?t=abc&follow=Ace%20Pilot", playback.Moment{Follow: "Ace Pilot"}},
		{"?t=1:75", playback.Moment{}},
		{"?follow=+", playback.Moment{}},
	}
	for _, tt := range tests {
		if got := playback.ParseMoment(tt.query); got != tt.want {
			t.Errorf("ParseMoment(%q) = %+v; want %+v", tt.query, got, tt.want)
		}
	}
}

func TestMomentQueryRoundTrips(t *testing.T) {
	tests := []struct {
		m    playback.Moment
		want string
	}{
		{playback.Moment{T: 95}, "?t=95"},
		{playback.Moment{T: 95.57, Follow: "12"}, "?follow=12&t=95.5"},
		{playback.Moment{T: 3, Follow: "Ace & Co"}, "?follow=Ace+%26+Co&t=3"},
	}
	for _, tt := range tests {
		q := tt.m.Query()
		if q != tt.want {
			t.Errorf("%+v.Query() = %q; want %q", tt.m, q, tt.want)
		}
		back := playback.ParseMoment(q)
		if back.Follow != tt.m.Follow || back.T > tt.m.T || tt.m.T-back.T >= 0.1 {
			t.Errorf("ParseMoment(%q) = %+v; want %+v to a tenth of a second", q, back, tt.m)
		}
	}
}

func TestShipOf(t *testing.T) {
	w := game.NewWorld(game.Rules{Seed: 1, WorldSize: 1000})
	a := w.AddShip("Ace", false)
	b := w.AddShip("42", true)
	tests := []struct {
		follow string
		want   uint32
	}{
		{"", 0},
		{"ace", a},
		{"42", b}, // no ship 42: the name
		{strconv.Itoa(int(a)), a},
		{"Nobody", 0},
	}
	for _, tt := range tests {
		if got := playback.ShipOf(w, tt.follow); got != tt.want {
			t.Errorf("ShipOf(%q) = %d; want %d", tt.follow, got, tt.want)
		}
	}
}
