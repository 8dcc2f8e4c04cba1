package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/tickarena/tickarena/server/httpjson"
)

// readyTimeout bounds the checks of one readiness answer.
const readyTimeout = 2 * time.Second

// errDraining is the reason a draining node gives for not being ready.
var errDraining = errors.New("draining")

// readyCheck is one condition of readiness: it returns nil while the
// condition holds, or an error whose message tells the host why the node
// should get no new players.
type readyCheck func(ctx context.Context) error

// addReadyCheck adds a condition to the node's readiness. /readyz and /status
// both answer from readiness, so a part of the node that can make it unfit
// (a store that failed for good, say) adds its check here and nowhere else.
func (a *App) addReadyCheck(c readyCheck) { a.readyChecks = append(a.readyChecks, c) }

// readiness is the one answer to "should this node get new players?": nil
// when every check holds, else the first failing check's reason. Checks are
// added in New, before the node serves, and only read afterwards.
func (a *App) readiness(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	for _, c := range a.readyChecks {
		if err := c(ctx); err != nil {
			return err
		}
	}
	return nil
}

// baseReadyChecks are the checks every node has: not draining, a store that
// has not failed for good (results are no longer recorded), store reachable.
func (a *App) baseReadyChecks() {
	a.addReadyCheck(func(context.Context) error {
		if a.draining.Load() {
			return errDraining
		}
		return nil
	})
	a.addReadyCheck(func(ctx context.Context) error {
		if err := a.health.Err(); err != nil {
			return fmt.Errorf("store failed: %w", err)
		}
		if err := a.store.Ping(ctx); err != nil {
			if a.health.Report(err) {
				return fmt.Errorf("store failed: %w", err)
			}
			return fmt.Errorf("store unreachable: %w", err)
		}
		return nil
	})
}

// readyz answers 200 {"status":"ready"} or 503 {"status":"not ready",
// "reason": ...}, from the same readiness as /status.
func (a *App) readyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if err := a.readiness(r.Context()); err != nil {
		httpjson.Write(w, http.StatusServiceUnavailable, map[string]string{"status": "not ready", "reason": err.Error()})
		return
	}
	httpjson.Write(w, http.StatusOK, map[string]string{"status": "ready"})
}
