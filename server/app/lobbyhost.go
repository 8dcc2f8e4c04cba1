package app

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/tickarena/tickarena/server/cluster"
	"github.com/tickarena/tickarena/server/lobby"
	"github.com/tickarena/tickarena/server/realtime"
	"github.com/tickarena/tickarena/server/session"
)

// lobbyHost lets the lobby create and list the real-time server's rooms. Its
// manager is set after both exist, since each needs the other; rooms may
// read it (roomKind) from their goroutines meanwhile, hence the atomic.
type lobbyHost struct {
	mgr atomic.Pointer[realtime.Manager]
}

func (h *lobbyHost) m() *realtime.Manager { return h.mgr.Load() }

var _ lobby.Host = (*lobbyHost)(nil)

func (h *lobbyHost) CreateRoom(s lobby.RoomSpec) (string, string, error) {
	bots := s.Bots
	if bots == 0 {
		bots = -1 // realtime reads 0 as "its default"
	}
	id, code, err := h.m().CreateRoom(realtime.RoomSpec{Name: s.Name, Capacity: s.Capacity, Bots: bots, RoundSeconds: s.RoundSeconds, Public: s.Public})
	if errors.Is(err, realtime.ErrTooManyRooms) {
		err = lobby.ErrTooManyRooms
	}
	return id, code, err
}

// Expect keeps a room that nobody has joined yet open while a reserved seat
// in it is live (see lobby.Expecter).
func (h *lobbyHost) Expect(id string, until time.Time) { h.m().Expect(id, until) }

var _ lobby.Expecter = (*lobbyHost)(nil)

func (h *lobbyHost) Rooms() []lobby.RoomStats {
	rs := h.m().Rooms()
	out := make([]lobby.RoomStats, len(rs))
	for i, r := range rs {
		out[i] = lobby.RoomStats{ID: r.ID, Name: r.Name, Public: r.Public, Code: r.Code, Humans: r.Humans, Bots: r.Bots, Capacity: r.Capacity, RoundSecondsLeft: r.RoundSecondsLeft, Spectators: r.Spectators}
	}
	return out
}

func (h *lobbyHost) Scoreboard(id string) ([]lobby.ScoreLine, bool) {
	b, err := h.m().Scoreboard(id)
	if err != nil {
		return nil, false
	}
	out := make([]lobby.ScoreLine, len(b))
	for i, s := range b {
		out[i] = lobby.ScoreLine{Name: s.Name, Score: s.Score, Kills: s.Kills, Deaths: s.Deaths, Bot: s.Bot}
		if !s.Bot {
			out[i].PlayerID = s.PlayerID
		}
	}
	return out, true
}

// roomKind labels a room's tick metrics: "public" or "private".
func (h *lobbyHost) roomKind(id string) string {
	if h.m() == nil {
		return "public"
	}
	for _, r := range h.m().Rooms() {
		if r.ID == id && !r.Public {
			return "private"
		}
	}
	return "public"
}

// lobbyAdmission lets the lobby's seats (one node's, or the cluster's)
// decide the real-time server's hellos, turning the lobby's refusals into the
// real-time server's.
type lobbyAdmission struct{ a lobby.Admission }

func (l lobbyAdmission) Admit(roomID, playerID string, humans, capacity int, open bool) error {
	err := l.a.Admit(roomID, playerID, humans, capacity, open)
	switch {
	case errors.Is(err, lobby.ErrNotFound):
		return fmt.Errorf("%w: %w", realtime.ErrNoRoom, err)
	case errors.Is(err, lobby.ErrRoomFull):
		return fmt.Errorf("%w: %w", realtime.ErrRoomFull, err)
	}
	return err
}

// fleet tells the cluster where the node's players have their ships, and
// takes out a ship whose player went to a room of another node.
type fleet struct{ h *lobbyHost }

var _ cluster.Fleet = fleet{}

func (f fleet) Ships() []cluster.Ship {
	m := f.h.m()
	if m == nil {
		return nil
	}
	seats := m.Players()
	out := make([]cluster.Ship, len(seats))
	for i, s := range seats {
		out[i] = cluster.Ship{RoomID: s.RoomID, PlayerID: s.PlayerID}
	}
	return out
}

func (f fleet) Evict(roomID, playerID string) bool {
	m := f.h.m()
	return m != nil && m.Evict(roomID, playerID)
}

// privateRoundID turns the id of a round played in a private room into one
// that does not contain the room's id, yet is the same every time it is
// made from the same round, so that recording it twice stays a no-op.
func privateRoundID(id string) string {
	sum := sha256.Sum256([]byte(id))
	return "private-" + hex.EncodeToString(sum[:12])
}

// issuerAuth adapts the session issuer to the real-time server's hello check.
type issuerAuth struct{ iss *session.Issuer }

func (a issuerAuth) Verify(token string) (string, string, error) {
	s, err := a.iss.Verify(token)
	return s.PlayerID, s.Name, err
}
