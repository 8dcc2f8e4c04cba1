package client

import (
	"testing"

	"github.com/tickarena/tickarena/client/netcode"
	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/wire"
)

func TestOthersListNearestFirst(t *testing.T) {
	f := &netcode.Frame{HasSelf: true, Self: netcode.RenderEntity{ID: 1, X: 100, Y: 100}}
	for i := range 12 {
		f.Ships = append(f.Ships, netcode.RenderEntity{ID: uint32(2000 - i), X: 100 + float64(i*10) + 0.4, Y: 100})
	}
	got := othersList(f)
	want := "2000:100:100,1999:110:100,1998:120:100,1997:130:100,1996:140:100,1995:150:100,1994:160:100,1993:170:100"
	if got != want {
		t.Errorf("othersList = %q, want the %d nearest, nearest first:\n%q", got, maxOthers, want)
	}
	if got := othersList(&netcode.Frame{}); got != "" {
		t.Errorf("othersList of an empty frame = %q", got)
	}
}

func TestMapList(t *testing.T) {
	got := mapList([]wire.RosterLine{{Ship: 1024, MapX: 3, MapY: 250}, {Ship: 1030, MapX: 0, MapY: 0}})
	if want := "1024:3:250,1030:0:0"; got != want {
		t.Errorf("mapList = %q, want %q", got, want)
	}
}

func TestDeadList(t *testing.T) {
	tests := []struct {
		name  string
		lines []wire.RosterLine
		want  string
	}{
		{"empty roster", nil, ""},
		{"nobody dead", []wire.RosterLine{{Ship: 1024}, {Ship: 1025, Flags: wire.FlagBot | wire.FlagIdle}}, ""},
		{"the dead only", []wire.RosterLine{
			{Ship: 1024, Flags: wire.FlagDead | wire.FlagBot}, {Ship: 1025}, {Ship: 1027, Flags: wire.FlagDead | wire.FlagIdle},
		}, "1024,1027"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := deadList(tt.lines); got != tt.want {
				t.Errorf("deadList = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPhaseName(t *testing.T) {
	if phaseName(game.Playing) != "playing" || phaseName(game.Intermission) != "intermission" {
		t.Errorf("PhaseName gives %q and %q", phaseName(game.Playing), phaseName(game.Intermission))
	}
}

func BenchmarkOthersList(b *testing.B) {
	f := &netcode.Frame{HasSelf: true, Self: netcode.RenderEntity{ID: 1, X: 2000, Y: 2000}}
	for i := range 40 {
		f.Ships = append(f.Ships, netcode.RenderEntity{ID: uint32(1024 + i), X: 2000 + float64(i*37%500), Y: 2000 - float64(i*53%400)})
	}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		n = len(othersList(f))
	}
	b.ReportMetric(float64(n), "bytes/frame")
}
