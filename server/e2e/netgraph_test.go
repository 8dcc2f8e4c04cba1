package e2e

import (
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/tickarena/tickarena/internal/browsertest"
	"github.com/tickarena/tickarena/internal/delayproxy"
	"github.com/tickarena/tickarena/internal/servertest"
)

// netFigures is window.tickarena.net (see wasm/hook_net.go).
type netFigures struct {
	Shown           bool    `json:"shown"`
	FPS             float64 `json:"fps"`
	RTT             float64 `json:"rtt"`
	RTTMin          float64 `json:"rttMin"`
	Jitter          float64 `json:"jitter"`
	UpdatesPerSec   float64 `json:"updatesPerSec"`
	TickRate        int     `json:"tickRate"`
	TickSpacing     int     `json:"tickSpacing"`
	BytesDownPerSec float64 `json:"bytesDownPerSec"`
	BytesUpPerSec   float64 `json:"bytesUpPerSec"`
	BytesDown       uint64  `json:"bytesDown"`
	Corrections     float64 `json:"corrections"`
	CorrectionMean  float64 `json:"correctionMean"`
	Underflows      float64 `json:"underflows"`
	InterpFrames    float64 `json:"interpFrames"`
	UnderflowPct    float64 `json:"underflowPct"`
	StallUnderflows float64 `json:"stallUnderflows"`
	InterpDelay     float64 `json:"interpDelay"`
	InterpDelayMean float64 `json:"interpDelayMean"`
}

// during returns the counters of f since earlier: the underflows, frames
// and corrections in between, and the mean delay over those frames.
func (f netFigures) during(earlier netFigures) netFigures {
	d := f
	d.Underflows -= earlier.Underflows
	d.InterpFrames -= earlier.InterpFrames
	d.Corrections -= earlier.Corrections
	d.StallUnderflows -= earlier.StallUnderflows
	d.UnderflowPct, d.InterpDelayMean = 0, 0
	if d.InterpFrames > 0 {
		d.UnderflowPct = 100 * d.Underflows / d.InterpFrames
		d.InterpDelayMean = (f.InterpDelayMean*f.InterpFrames - earlier.InterpDelayMean*earlier.InterpFrames) / d.InterpFrames
	}
	return d
}

func readNet(p *browsertest.Page) netFigures {
	return browsertest.Eval[netFigures](p, `(window.tickarena && window.tickarena.net) || {}`)
}

// injectedRTT is the round trip the proxy adds: 50 ms each way, ±10 ms.
const injectedRTT = 100 * time.Millisecond

// TestNetGraph plays through a proxy that delays every byte by 50 ms ± 10
// each way (100 ms ± 20 of round trip), turns the net graph on with N and
// checks that its figures are plausible: the round trip within 20% of the
// injected one, updates at the room's tick rate, bytes both ways, fewer
// than 1% of frames short of snapshots, and the bytes the server counts
// (its /metrics and /status) those the client received.
func TestNetGraph(t *testing.T) {
	requireClient(t)
	srv := startServer(t)
	proxy := delayproxy.Start(t, delayproxy.Options{Target: srv.Addr, Delay: injectedRTT / 2, Jitter: 10 * time.Millisecond})
	// A small canvas: SwiftShader draws more frames a second, and a page
	// handles a message only between two frames.
	b := browsertest.New(t, browsertest.Options{Width: 560, Height: 360, Timeout: browserOptions.Timeout})
	p := b.NewPage()
	enterFromLobby(t, p, proxy.URL(), "Net")
	if readNet(p).Shown {
		t.Error("the net graph is shown before it was asked for")
	}
	// A key is held until the game saw it: at a few frames a second, a
	// short press can fall between two frames.
	sendKeyDown(t, p, 'n')
	p.WaitFor(`window.tickarena.net.shown === true`)
	sendKeyUp(t, p, 'n')

	// The client pings every 2 s: give it a dozen round trips.
	p.WaitForWithin(`window.tickarena.net.rtt > 0 && window.tickarena.net.updatesPerSec > 0`, 20*time.Second)
	f0, sent0 := readNet(p), sentBytes(t, srv)
	time.Sleep(25 * time.Second)
	f := readNet(p)
	shot := p.Screenshot("net graph at 100 ms")
	t.Logf("net graph: %+v (screenshot %s)", f, shot)
	// Underflows and the delay over the 25 s of play, apart from the game's
	// first seconds (below).
	play := f.during(f0)
	netUnderflows := play.Underflows - play.StallUnderflows
	t.Logf("over %.0f frames of play: %.0f underflows (%.2f%%), %.0f of them after stalls of the page, %.0f corrections, mean delay %.1f ms; since the start: %.0f underflows in %.0f frames (%.2f%%), %.0f after stalls",
		play.InterpFrames, play.Underflows, play.UnderflowPct, play.StallUnderflows, play.Corrections, play.InterpDelayMean,
		f.Underflows, f.InterpFrames, f.UnderflowPct, f.StallUnderflows)

	// The lowest recent round trip is the path's: the mean also holds the
	// time a pong waited for the page to finish a frame (a few frames a
	// second in software GL).
	rttMs := float64(injectedRTT / time.Millisecond)
	if f.RTTMin < rttMs*0.8 || f.RTTMin > rttMs*1.2 {
		t.Errorf("RTT %.1f ms (mean %.1f), want within 20%% of the injected %.0f ms", f.RTTMin, f.RTT, rttMs)
	}
	if f.RTT < f.RTTMin || f.Jitter <= 0 {
		t.Errorf("mean RTT %.1f ms below the lowest %.1f, or jitter %.1f ms not above 0 with ±20 ms injected", f.RTT, f.RTTMin, f.Jitter)
	}
	// A server that sends every k ticks (a send rate below its tick
	// rate) sends a k-th of the updates, each spanning k ticks.
	if ticks := f.UpdatesPerSec * float64(f.TickSpacing); f.TickRate <= 0 || f.TickSpacing < 1 || ticks < 0.8*float64(f.TickRate) || ticks > 1.2*float64(f.TickRate) {
		t.Errorf("%.1f updates/s of %d ticks each, want the tick rate %d (±20%%)", f.UpdatesPerSec, f.TickSpacing, f.TickRate)
	}
	if f.BytesDownPerSec <= 0 || f.BytesUpPerSec <= 0 {
		t.Errorf("bytes down %.0f/s and up %.0f/s, want both above 0", f.BytesDownPerSec, f.BytesUpPerSec)
	}
	// The client's jitter buffer widens the delay when updates come late.
	// What no delay covers is the page itself stalling for longer (a busy
	// machine, the game compiling its shaders in its first seconds): the
	// browser runs no message handler meanwhile, so the frame after finds
	// the updates of that time still waiting. The client counts those
	// apart; the network's share is taken over the 25 s of play.
	if pct := 100 * netUnderflows / play.InterpFrames; play.InterpFrames < 20 || pct >= 1 {
		t.Errorf("%.0f underflows not after a stall of the page in %.0f frames of play (%.2f%%), want under 1%%", netUnderflows, play.InterpFrames, pct)
	}
	// The ticks an update spans and half a tick, plus the jitter, at most
	// 250 ms (a frame after a dry spell may be further behind, until drawn
	// time catches up).
	if least := (float64(f.TickSpacing) + 0.5) * 1000 / float64(f.TickRate); f.InterpDelay < least || play.InterpDelayMean < least || play.InterpDelayMean > 300 {
		t.Errorf("interpolation delay %.1f ms, over play %.1f ms on average, want from %.1f ticks (%.0f ms) to about 250 ms", f.InterpDelay, play.InterpDelayMean, float64(f.TickSpacing)+0.5, least)
	}

	// The server counts what it sent: this player is the only connection,
	// so over the 25 s it is what the client received (rounds of 8 s make
	// the rate of any one second uneven: compare totals over the same span).
	got, sent := float64(f.BytesDown-f0.BytesDown), sentBytes(t, srv)-sent0
	t.Logf("over the 25 s: the server sent %.0f B, the client received %.0f B", sent, got)
	if sent <= 0 || got < 0.8*sent || got > 1.2*sent {
		t.Errorf("the client received %.0f B while the server counted %.0f B sent, want them within 20%%", got, sent)
	}

	// /status shows the mean of the 5 whole seconds before the current one:
	// read it just after a second begins, 5 s after the counter was read
	// at the start of a second.
	time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second + 20*time.Millisecond)))
	before := sentBytes(t, srv)
	time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(5*time.Second + 20*time.Millisecond)))
	rate := statusSendRate(t, srv.URL)
	want := (sentBytes(t, srv) - before) / 5
	t.Logf("/status: %.0f B/s sent; the counter says %.0f B/s over the same 5 s", rate, want)
	if want <= 0 || rate < 0.75*want || rate > 1.25*want {
		t.Errorf("/status says %.0f B/s sent, want non-zero and near the %.0f B/s of the same 5 s", rate, want)
	}

	// N again hides it.
	sendKeyDown(t, p, 'n')
	p.WaitFor(`window.tickarena.net.shown === false`)
	sendKeyUp(t, p, 'n')
}

// sentBytes reads the WebSocket bytes the server has sent from /metrics.
func sentBytes(t *testing.T, srv *servertest.Proc) float64 {
	t.Helper()
	v, ok := srv.Metric(t, "tickarena_ws_sent_bytes_total")
	if !ok {
		t.Fatal("/metrics has no tickarena_ws_sent_bytes_total")
	}
	return v
}

// sendRateRE finds the send rate on the status page, "4.6 KB/s".
var sendRateRE = regexp.MustCompile(`<b>([0-9.]+) (B|KB|MB)/s</b><span>sent per second`)

// statusSendRate reads the bytes sent per second from the server's /status.
func statusSendRate(t *testing.T, base string) float64 {
	t.Helper()
	page := fetch(t, base+"/status")
	m := sendRateRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("/status shows no send rate:\n%s", page)
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		t.Fatalf("/status send rate %q: %v", m[0], err)
	}
	switch m[2] {
	case "KB":
		v *= 1 << 10
	case "MB":
		v *= 1 << 20
	}
	return v
}
