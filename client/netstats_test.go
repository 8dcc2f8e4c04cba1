package client

import (
	"math"
	"testing"
	"time"

	"github.com/tickarena/tickarena/client/netcode"
)

func TestNetMeter(t *testing.T) {
	var m netMeter
	t0 := time.Unix(1000, 0)
	var st netcode.Stats
	// Two seconds at 50 frames a second, with 30 deltas of 200 bytes and
	// 30 inputs of 20 bytes a second, one correction of 3 units and one
	// underflow; the interpolation delay 60 ms for the first half, 100 ms
	// for the second.
	for i := 0; i <= 100; i++ {
		now := t0.Add(time.Duration(i) * 20 * time.Millisecond)
		if i%5 < 3 && i > 0 {
			st.Deltas++
			st.BytesIn += 200
			st.InputsSent++
			st.BytesOut += 20
		}
		st.Frames++
		delay := 60 * time.Millisecond
		if i > 50 {
			delay = 100 * time.Millisecond
		}
		st.DelaySum += delay
		if i == 50 {
			st.Corrections, st.CorrectionSum, st.CorrectionMax = 1, 3, 3
			st.Underflows, st.StallUnderflows = 1, 1
		}
		m.frame(now, 0.020, st, 98*time.Millisecond, 91*time.Millisecond, 6*time.Millisecond, delay, 30, 2)
	}
	f := m.figures
	near := func(name string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > want*0.02 {
			t.Errorf("%s = %.2f, want %.2f", name, got, want)
		}
	}
	near("FPS", f.FPS, 50)
	near("updates/s", f.UpdatesPerSec, 30)
	near("bytes down/s", f.BytesDownPerSec, 6000)
	near("bytes up/s", f.BytesUpPerSec, 600)
	near("RTT", f.RTT, 98)
	near("jitter", f.Jitter, 6)
	near("RTT min", f.RTTMin, 91)
	near("correction mean", f.CorrectionMean, 3)
	near("underflow %", f.UnderflowPct, 100.0/101)
	near("interpolation delay", f.InterpDelay, 100)
	near("mean interpolation delay", f.InterpDelayMean, (51*60+50*100)/101.0)
	if f.Corrections != 1 || f.Underflows != 1 || f.StallUnderflows != 1 || f.TickRate != 30 || f.TickSpacing != 2 {
		t.Errorf("corrections %d, underflows %d, tick rate %d, tick spacing %d; want 1, 1, 30, 2", f.Corrections, f.Underflows, f.TickRate, f.TickSpacing)
	}
	// 60 deltas and inputs over the two seconds, counted whole.
	if f.BytesDown != 60*200 || f.BytesUp != 60*20 {
		t.Errorf("bytes down %d and up %d since the start, want %d and %d", f.BytesDown, f.BytesUp, 60*200, 60*20)
	}
	if got := m.frameTime(0); got != 0.020 {
		t.Errorf("newest frame time %v, want 0.020", got)
	}
}

func TestUpdatesLine(t *testing.T) {
	for _, tc := range []struct {
		f    NetFigures
		want string
	}{
		{NetFigures{UpdatesPerSec: 30, TickRate: 30, TickSpacing: 1}, "updates 30/s of 30"},
		{NetFigures{UpdatesPerSec: 29.6, TickRate: 30}, "updates 30/s of 30"},
		{NetFigures{UpdatesPerSec: 15, TickRate: 30, TickSpacing: 2}, "updates 15/s of 30, 2 ticks each"},
		{NetFigures{UpdatesPerSec: 10, TickRate: 30, TickSpacing: 3}, "updates 10/s of 30, 3 ticks each"},
	} {
		if got := updatesLine(&tc.f); got != tc.want {
			t.Errorf("updatesLine(%+v) = %q, want %q", tc.f, got, tc.want)
		}
	}
}
