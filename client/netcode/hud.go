package netcode

import (
	"fmt"
	"slices"
	"time"

	"github.com/tickarena/tickarena/game/wire"
)

// Roster returns the room's scoreboard as last sent (about once a second),
// best score first. The slice is the client's: read it, do not keep it past
// the next Update.
func (c *Client) Roster() []wire.RosterLine { return c.roster }

// RoundEnd returns the result of the last finished round, and false before
// the first. The result is the client's: do not change it.
func (c *Client) RoundEnd() (wire.RoundEnd, bool) { return c.roundEnd, c.hasEnd }

// KillFeed returns the latest kill lines, oldest first.
func (c *Client) KillFeed() []KillLine { return c.killFeed }

// setRoster applies a roster (whole or a difference) to the client's copy
// and sorts the scoreboard. A difference that does not apply means the
// client missed something: it reconnects for a whole roster.
func (c *Client) setRoster(now time.Time, r *wire.Roster) {
	if err := c.rosterView.Apply(r); err != nil {
		c.resync(now, fmt.Sprintf("roster: %v", err))
		return
	}
	c.roster = append(c.roster[:0], c.rosterView.Lines...)
	slices.SortStableFunc(c.roster, func(a, b wire.RosterLine) int {
		if a.Score != b.Score {
			return int(b.Score - a.Score)
		}
		return int(int64(a.Ship) - int64(b.Ship))
	})
}

func (c *Client) setRoundEnd(r *wire.RoundEnd) {
	c.roundEnd.Round, c.roundEnd.EndTick, c.roundEnd.NextRound = r.Round, r.EndTick, r.NextRound
	c.roundEnd.Players = append(c.roundEnd.Players[:0], r.Players...)
	c.hasEnd = true
}

// addKill adds a kill feed line, naming ships from the mirror or the roster.
func (c *Client) addKill(tick, killer, victim uint32) {
	line := KillLine{Tick: tick, Killer: killer, Victim: victim, KillerName: c.shipName(killer), VictimName: c.shipName(victim)}
	if len(c.killFeed) >= c.opt.KillFeedLines {
		c.killFeed = append(c.killFeed[:0], c.killFeed[1:]...)
	}
	c.killFeed = append(c.killFeed, line)
}

// shipName returns the name of ship id, or "" when unknown.
func (c *Client) shipName(id uint32) string {
	if id == 0 {
		return ""
	}
	if e := c.mirror.Find(id); e != nil && e.Kind == wire.KindShip {
		return e.Name
	}
	for i := range c.roster {
		if c.roster[i].Ship == id {
			return c.roster[i].Name
		}
	}
	return ""
}
