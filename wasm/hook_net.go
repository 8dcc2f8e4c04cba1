//go:build js && wasm

package main

import "github.com/tickarena/tickarena/client"

// publishNet copies the net graph's figures into window.tickarena.net,
// whether the graph is shown or not.
func (h *hook) publishNet(s client.Status) {
	n := h.child("net")
	f := s.Net
	n.Set("shown", s.NetGraph)
	n.Set("fps", f.FPS)
	n.Set("rtt", f.RTT)
	n.Set("rttMin", f.RTTMin)
	n.Set("jitter", f.Jitter)
	n.Set("updatesPerSec", f.UpdatesPerSec)
	n.Set("tickRate", f.TickRate)
	n.Set("tickSpacing", f.TickSpacing)
	n.Set("bytesDownPerSec", f.BytesDownPerSec)
	n.Set("bytesUpPerSec", f.BytesUpPerSec)
	n.Set("bytesDown", f.BytesDown)
	n.Set("bytesUp", f.BytesUp)
	n.Set("corrections", f.Corrections)
	n.Set("correctionMean", f.CorrectionMean)
	n.Set("correctionMax", f.CorrectionMax)
	n.Set("underflows", f.Underflows)
	n.Set("interpFrames", f.InterpFrames)
	n.Set("underflowPct", f.UnderflowPct)
	n.Set("stallUnderflows", f.StallUnderflows)
	n.Set("interpDelay", f.InterpDelay)
	n.Set("interpDelayMean", f.InterpDelayMean)
}
