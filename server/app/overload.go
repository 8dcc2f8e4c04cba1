package app

import (
	"context"
	"fmt"

	"github.com/tickarena/tickarena/server/lobby"
	"github.com/tickarena/tickarena/server/metrics"
	"github.com/tickarena/tickarena/server/realtime"
)

// nodeGate lets the lobby refuse new seats while the real-time server is
// saturated or seats players faster than its SeatRate (see
// realtime.Manager.TakeSeat).
type nodeGate struct{ rt *realtime.Manager }

var _ lobby.Gate = nodeGate{}

func (g nodeGate) Full() string { return g.rt.TakeSeat().Reason }

// countRefusedFull counts every request the lobby answered 503 "full", on
// one node or in a cluster, by reason.
func countRefusedFull(m *metrics.Metrics) func(string) {
	return func(reason string) { m.RefusedFull.WithLabelValues(reason).Inc() }
}

// saturationReadyCheck makes a saturated node not ready, with the reason,
// so that a load balancer sends new players elsewhere; the players already
// in keep playing.
func (a *App) saturationReadyCheck() {
	a.metrics.GaugeFunc("tickarena_saturated", "1 while the node refuses new players because it is saturated, else 0.", func() float64 {
		if a.rt.Saturation().Full {
			return 1
		}
		return 0
	})
	a.metrics.GaugeFunc("tickarena_full_at_connections", "Connections the node held when it last turned saturated, within the last minute (past them it seats a tenth as fast), else 0.", func() float64 {
		return float64(a.rt.FullAt())
	})
	a.addReadyCheck(func(context.Context) error {
		if s := a.rt.Saturation(); s.Full {
			return fmt.Errorf("saturated: %s", s.Reason)
		}
		return nil
	})
}
