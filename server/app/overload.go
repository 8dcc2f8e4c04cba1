package app

import (
	"context"
	"fmt"

	"github.com/tickarena/tickarena/server/lobby"
	"github.com/tickarena/tickarena/server/metrics"
	"github.com/tickarena/tickarena/server/realtime"
)

// nodeGate lets the lobby refuse new seats while the real-time server is
// saturated (see realtime.Manager.Saturation), counting every refusal.
type nodeGate struct {
	rt *realtime.Manager
	m  *metrics.Metrics
}

var _ lobby.Gate = nodeGate{}

func (g nodeGate) Full() string {
	s := g.rt.Saturation()
	if !s.Full {
		return ""
	}
	g.m.RefusedFull.WithLabelValues(s.Reason).Inc()
	return s.Reason
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
	a.addReadyCheck(func(context.Context) error {
		if s := a.rt.Saturation(); s.Full {
			return fmt.Errorf("saturated: %s", s.Reason)
		}
		return nil
	})
}
