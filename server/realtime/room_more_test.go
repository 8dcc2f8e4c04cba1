package realtime

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
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

// TestBotsAreNumberedFromOne: the bots a room fills its seats with are named
// "Bot 1", "Bot 2", … on its scoreboard, and a bot that comes back after a
// human left gets a new number rather than another bot's name.
func TestBotsAreNumberedFromOne(t *testing.T) {
	m, url := startServer(t, Options{Bots: 2, Capacity: 2})
	names := func() []string {
		board, err := m.Scoreboard("arena-1")
		if err != nil {
			t.Fatalf("scoreboard: %v", err)
		}
		var bots []string
		for _, l := range board {
			if l.Bot {
				bots = append(bots, l.Name)
			}
		}
		slices.Sort(bots)
		return bots
	}
	if got := names(); !slices.Equal(got, []string{"Bot 1", "Bot 2"}) {
		t.Fatalf("bots of a new room: %q, want Bot 1 and Bot 2", got)
	}
	ann := servertest.MustDial(t, url)
	ann.Join(t, "tok-ann", "arena-1") // takes Bot 2's seat
	ann.Send(wire.AppendLeave(nil))
	// The room refills its seat within a second (its chores run once a second).
	var got []string
	testwait.Until(t, testwait.Default, "the room to seat a bot again after Ann left", func() bool {
		got = names()
		return len(got) == 2
	})
	if !slices.Equal(got, []string{"Bot 1", "Bot 3"}) {
		t.Fatalf("bots after a human left: %q, want Bot 1 and the new Bot 3", got)
	}
}

// lateReportObserver is a slowTickObserver that keeps the late-tick reports.
type lateReportObserver struct {
	slowTickObserver
	mu      sync.Mutex
	reports [][2]int // late, dropped
}

func (o *lateReportObserver) LateTicks(_ string, late, dropped int) {
	o.mu.Lock()
	o.reports = append(o.reports, [2]int{late, dropped})
	o.mu.Unlock()
}

// TestLateTicksAreReportedAsRunAndDropped: a host's metrics count a late
// room's catch-up as it happened: the ticks run back to back after the one
// that was due (at most MaxCatchUp−1 at a time) and the ticks dropped beyond
// MaxCatchUp, never more catch-up ticks than the room can run.
func TestLateTicksAreReportedAsRunAndDropped(t *testing.T) {
	const maxCatchUp = 5
	obs := &lateReportObserver{}
	startServer(t, Options{Observer: obs, MaxCatchUp: maxCatchUp})
	// Half a second a tick: at 30 Hz about fifteen ticks fall due at once.
	obs.sleep.Store(int64(500 * time.Millisecond))
	var reports [][2]int
	testwait.Until(t, testwait.Default, "a late room to report ticks it dropped", func() bool {
		obs.mu.Lock()
		reports = slices.Clone(obs.reports)
		obs.mu.Unlock()
		return slices.ContainsFunc(reports, func(r [2]int) bool { return r[1] > 0 })
	})
	obs.sleep.Store(0)
	for _, r := range reports {
		if r[0] < 0 || r[0] > maxCatchUp-1 || r[1] < 0 {
			t.Fatalf("reports (late, dropped) %v: want at most %d late ticks at a time (MaxCatchUp %d, the one due included)", reports, maxCatchUp-1, maxCatchUp)
		}
		if r[1] > 0 && r[0] != maxCatchUp-1 {
			t.Fatalf("reports (late, dropped) %v: a room that dropped ticks ran %d late ones, want %d", reports, r[0], maxCatchUp-1)
		}
	}
}

// TestRoomThatRunsOneTickAtATimeCountsDroppedTicks: with MaxCatchUp 1 a late
// room runs one tick and drops the rest of its backlog; the dropped ticks
// are late ticks all the same, so the node saturates as it would with a
// longer catch-up.
func TestRoomThatRunsOneTickAtATimeCountsDroppedTicks(t *testing.T) {
	obs := &slowTickObserver{}
	m, _ := startServer(t, Options{Observer: obs, MaxCatchUp: 1, SaturationWindow: time.Second, LateTickHold: time.Second, gateInterval: 250 * time.Millisecond})
	obs.sleep.Store(int64(200 * time.Millisecond)) // six ticks due at 30 Hz, one run, five dropped
	testwait.Until(t, testwait.Default, "the node to saturate while its room, running one tick at a time, drops ticks", func() bool { return m.Saturation().Full })
	obs.sleep.Store(0)
}
