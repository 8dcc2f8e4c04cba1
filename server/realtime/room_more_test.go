package realtime

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/tickarena/tickarena/game"
	"github.com/tickarena/tickarena/game/wire"
	"github.com/tickarena/tickarena/internal/servertest"
	"github.com/tickarena/tickarena/internal/testwait"
)

// TestDroppedTicksCountAsDue: a room so far behind that it drops ticks counts
// every tick that fell due, run or dropped, so the late share the node's gate
// sees is a share of the ticks due: a host's log never reports more late ticks
// than ticks, and the node saturates because its room is late, not because the
// count went wrong.
func TestDroppedTicksCountAsDue(t *testing.T) {
	obs := &slowTickObserver{}
	var logs servertest.LogBuffer
	m, _ := startServer(t, Options{Observer: obs, SaturationWindow: time.Second, LateTickHold: time.Second, gateInterval: 250 * time.Millisecond,
		Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	type change struct {
		Msg       string
		Saturated bool
		LateTicks int64 `json:"late_ticks"`
		Ticks     int64
	}
	saturated := func() (change, bool) {
		for _, l := range strings.Split(logs.String(), "\n") {
			var c change
			if json.Unmarshal([]byte(l), &c) == nil && c.Msg == "realtime: saturation changed" && c.Saturated {
				return c, true
			}
		}
		return change{}, false
	}
	// Half a second a tick: at 30 Hz fifteen ticks fall due, MaxCatchUp (5)
	// run and ten are dropped.
	obs.sleep.Store(int64(500 * time.Millisecond))
	var c change
	testwait.Until(t, testwait.Default, "the log line of the node saturating while its room drops ticks", func() bool {
		var ok bool
		c, ok = saturated()
		return ok
	})
	obs.sleep.Store(0)
	if !m.Saturation().Full {
		t.Errorf("the node logged that it saturated but Saturation says it is not full")
	}
	if c.LateTicks <= 0 || c.Ticks < c.LateTicks {
		t.Fatalf("saturated with %d late ticks of %d due; want at least one late and no more late than due (dropped ticks are due too)", c.LateTicks, c.Ticks)
	}
}

// TestANewShipSpawnsOnce: when a player joins, the others in the room are
// told once that its ship spawned, where and whose: the client draws one
// burst for it, as for a ship that respawns in play.
func TestANewShipSpawnsOnce(t *testing.T) {
	// An area larger than the arena: every event is near everyone.
	_, url := startServer(t, Options{Bots: -1, Area: wire.Area{HalfW: 5000, HalfH: 5000}})
	ann := servertest.MustDial(t, url)
	ann.Join(t, "tok-ann", "arena-1")
	bob := servertest.MustDial(t, url)
	ship := bob.Join(t, "tok-bob", "arena-1").Ship
	spawns, after := 0, 0
	expired := testwait.Deadline(t, testwait.Default, fmt.Sprintf("ten deltas to Ann after the one telling her that Bob's ship %d spawned", ship))
	for after < 10 && !expired() {
		if spawns > 0 {
			after++
		}
		for _, ev := range ann.Next(t, wire.TypeDelta).Delta.Events {
			if ev.Kind == game.Spawn && ev.A == ship {
				spawns++
			}
		}
	}
	if spawns != 1 {
		t.Fatalf("Ann was told %d times that Bob's ship spawned; want once", spawns)
	}
}
