package app

import (
	"context"
	"fmt"
	"math"
	"net"
	"net/http"
	"os"
	"strings"
	"sync/atomic"

	"github.com/tickarena/tickarena/server/cpustat"
	"github.com/tickarena/tickarena/server/lobby"
	"github.com/tickarena/tickarena/server/metrics"
	"github.com/tickarena/tickarena/server/pacedaccept"
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

// acceptWhileFull paces ln's Accept by a timer while the node is saturated
// (see package pacedaccept): a full node's processors always have rooms to
// run, and a connection woken only by the network would wait for one of
// them to ask the poller, which is what made a full node's 503s slow.
func (a *App) acceptWhileFull(ln net.Listener) net.Listener {
	return pacedaccept.New(ln, pacedaccept.Options{Busy: func() bool { return a.rt.Saturation().Full }})
}

// closeWhileFull makes h end each connection after its answer while the
// node is saturated (Connection: close), so that a client's next request,
// a refused player's retry after Retry-After, comes as a new connection,
// which acceptWhileFull takes up on time, instead of on a kept one, which
// waits for the poller. A connection idle when the node turns full is left
// open (closing it could race a request the client is sending on it) and
// ends after its next answer. WebSocket upgrades are left alone, and so is
// a node that terminates TLS itself: a TLS handshake per retry is CPU that
// a full node does not have.
func (a *App) closeWhileFull(h http.Handler) http.Handler {
	if a.tls != nil {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a.rt.Saturation().Full && !strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			w.Header().Set("Connection", "close")
		}
		h.ServeHTTP(w, r)
	})
}

// stolenCPUMetric exports the time the hypervisor gave the CPUs the node may
// run on (its affinity when it started) to other guests, where Linux says
// (/proc/stat "steal"): on a virtual machine, a node that turns full at less
// CPU than usual has often had a share of its core taken.
func (a *App) stolenCPUMetric() {
	read, _, err := cpustat.StealOf(os.Getpid())
	if err != nil {
		return
	}
	var last atomic.Uint64 // float64 bits of the last reading, kept when a read fails
	a.metrics.CounterFunc("tickarena_cpu_stolen_seconds_total",
		"Time the hypervisor gave the CPUs the node may run on to other guests (Linux steal time, all processes there).",
		func() float64 {
			if d, err := read(); err == nil {
				last.Store(math.Float64bits(d.Seconds()))
			}
			return math.Float64frombits(last.Load())
		})
}
