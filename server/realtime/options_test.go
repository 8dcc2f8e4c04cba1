package realtime

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/tickarena/tickarena/game"
)

// TestNewRejectsTickRateOutsideTheGame: a tick rate the game cannot run at
// is refused, not silently brought within bounds.
func TestNewRejectsTickRateOutsideTheGame(t *testing.T) {
	for _, rate := range []int{game.MinTickRate - 1, game.MaxTickRate + 1} {
		m, err := New(Options{CPUCeiling: -1, Auth: mapAuth{}, TickRate: rate, PublicRooms: -1, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err == nil {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			_ = m.Shutdown(ctx)
			cancel()
			t.Errorf("New with TickRate %d: no error; want it refused (outside %d-%d)", rate, game.MinTickRate, game.MaxTickRate)
		}
	}
}

// TestDefaultOptions: zero means the default and a negative count none;
// DefaultOptions shows the defaults, and the game's for tick rate and round.
func TestDefaultOptions(t *testing.T) {
	d := DefaultOptions()
	rules := game.Default()
	if d.TickRate != int(rules.TickRate) || d.RoundSeconds != int(rules.RoundSeconds) || d.Bots != 10 ||
		d.MaxRooms != 200 || d.MaxConnectionsPerAddr != 64 || d.PublicRooms != 1 ||
		d.MaxSpectatorsPerRoom != 50 || d.MaxSpectators != 500 || d.SpectateDelay != 3*time.Second {
		t.Errorf("DefaultOptions() = %+v", d)
	}
	if d.Auth != nil || d.Logger != nil || d.Observer != nil || d.OnRoundEnd != nil {
		t.Error("DefaultOptions sets a hook; a configuration must leave them to the caller")
	}
	none := Options{Bots: -1, PublicRooms: -1, ReconnectGrace: -1}.withDefaults()
	if none.Bots >= 0 || none.PublicRooms >= 0 || none.ReconnectGrace >= 0 {
		t.Errorf("negative (none) became %d bots, %d public rooms, grace %s", none.Bots, none.PublicRooms, none.ReconnectGrace)
	}
	noSpectators := Options{MaxSpectatorsPerRoom: -1, MaxSpectators: -1, SpectateDelay: -1}.withDefaults()
	if noSpectators.MaxSpectatorsPerRoom != 0 || noSpectators.MaxSpectators != 0 || noSpectators.SpectateDelay != 0 {
		t.Errorf("negative (none) became %d spectators per room, %d per node, delay %s; want 0, 0 and no delay",
			noSpectators.MaxSpectatorsPerRoom, noSpectators.MaxSpectators, noSpectators.SpectateDelay)
	}
}

// TestEveryDefaultIsTheDocumentedOne: a host who sets nothing gets the
// values each Options field's documentation (and README's flag table)
// promises.
func TestEveryDefaultIsTheDocumentedOne(t *testing.T) {
	d := DefaultOptions()
	tests := []struct {
		field     string
		got, want any
	}{
		{"Capacity", d.Capacity, 50},
		{"PublicRoomName", d.PublicRoomName, "Arena %d"},
		{"EmptyRoomTimeout", d.EmptyRoomTimeout, 60 * time.Second},
		{"UnjoinedRoomTimeout", d.UnjoinedRoomTimeout, 60 * time.Second},
		{"MaxConnections", d.MaxConnections, 10000},
		{"HelloTimeout", d.HelloTimeout, 5 * time.Second},
		{"IdleTimeout", d.IdleTimeout, 10 * time.Second},
		{"PingInterval", d.PingInterval, 2 * time.Second},
		{"ReconnectGrace", d.ReconnectGrace, 15 * time.Second},
		{"WriteTimeout", d.WriteTimeout, 10 * time.Second},
		{"MaxInFlight", d.MaxInFlight, 8},
		{"SlowTimeout", d.SlowTimeout, 5 * time.Second},
		{"MaxAckLag", d.MaxAckLag, 5 * time.Second},
		{"MissedEvents", d.MissedEvents, 256},
		{"MaxInputsPerTick", d.MaxInputsPerTick, 16},
		{"FloodRate", d.FloodRate, 4},
		{"FloodSeconds", d.FloodSeconds, 2},
		{"MaxCatchUp", d.MaxCatchUp, 5},
		{"SaturationWindow", d.SaturationWindow, time.Second},
		{"SaturationClear", d.SaturationClear, 5 * time.Second},
		{"LateTickShare", d.LateTickShare, 0.5},
		{"LateTickHold", d.LateTickHold, 2 * time.Second},
		{"SchedLatency", d.SchedLatency, 20 * time.Millisecond},
		{"SlowSchedShare", d.SlowSchedShare, 0.1},
		{"CPUCeiling", d.CPUCeiling, 95},
		{"LateFrameShare", d.LateFrameShare, 0.1},
		{"SeatRate", d.SeatRate, 200},
		{"SendBuffer", d.SendBuffer, 64 << 10},
		{"gateInterval", d.gateInterval, 250 * time.Millisecond},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("default %s = %v, want %v", tc.field, tc.got, tc.want)
		}
	}
}

// TestDefaultSendRate: a node that sets no send rate sends a frame every
// second tick at an even tick rate of 20 or more (15 a second at the
// default 30), every tick otherwise, whatever tick rate it set.
func TestDefaultSendRate(t *testing.T) {
	for _, tc := range []struct{ tick, want int }{{30, 15}, {60, 30}, {20, 10}, {24, 12}, {15, 15}, {10, 10}, {25, 25}} {
		o := Options{TickRate: tc.tick}.withDefaults()
		if o.SendRate != tc.want || DefaultSendRate(tc.tick) != tc.want {
			t.Errorf("tick rate %d: send rate %d (DefaultSendRate %d), want %d", tc.tick, o.SendRate, DefaultSendRate(tc.tick), tc.want)
		}
		if o.ticksPerFrame()*uint32(o.SendRate) != uint32(tc.tick) {
			t.Errorf("tick rate %d: %d frames a second of %d ticks each do not cover it", tc.tick, o.SendRate, o.ticksPerFrame())
		}
	}
	if o := (Options{TickRate: 30, SendRate: 30}).withDefaults(); o.SendRate != 30 {
		t.Errorf("a send rate set to the tick rate became %d", o.SendRate)
	}
}

// TestSharesKeepTheirWholeRange: a share a host sets is kept anywhere in
// (0, 1], 1 included (every tick, frame or wake-up); zero, a negative share
// or one above 1 means the default.
func TestSharesKeepTheirWholeRange(t *testing.T) {
	const lateTicks, slowSched, lateFrames = 0.5, 0.1, 0.1 // the documented defaults
	for _, v := range []float64{1, 0.25, 0.001} {
		o := Options{LateTickShare: v, SlowSchedShare: v, LateFrameShare: v}.withSettingDefaults()
		if o.LateTickShare != v || o.SlowSchedShare != v || o.LateFrameShare != v {
			t.Errorf("shares set to %v became %v (late ticks), %v (slow wake-ups), %v (late frames)", v, o.LateTickShare, o.SlowSchedShare, o.LateFrameShare)
		}
	}
	for _, v := range []float64{0, -0.5, 1.01} {
		o := Options{LateTickShare: v, SlowSchedShare: v, LateFrameShare: v}.withSettingDefaults()
		if o.LateTickShare != lateTicks || o.SlowSchedShare != slowSched || o.LateFrameShare != lateFrames {
			t.Errorf("shares set to %v became %v, %v, %v; want the defaults %v, %v, %v", v,
				o.LateTickShare, o.SlowSchedShare, o.LateFrameShare, lateTicks, slowSched, lateFrames)
		}
	}
}
