package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/redis/go-redis/v9"

	"github.com/tickarena/tickarena/server/httpjson"
)

// Ship is a player with a ship in one of a node's rooms.
type Ship struct {
	RoomID   string
	PlayerID string
}

// Fleet is what a node's rooms tell the cluster about the players' ships;
// the real-time server implements it. Its methods must be quick and must
// not call back into the Node.
type Fleet interface {
	// Ships returns the players with a ship in one of the node's rooms.
	Ships() []Ship
	// Evict takes the player's ship out of the room and closes their
	// connection ("connected again elsewhere"), and reports whether the
	// room runs on this node.
	Evict(roomID, playerID string) bool
}

// Claim records in Redis that the player's ship is about to be in roomID,
// and asks the node that held it in another room, if another node, to take
// it out before the hello goes on; on this node the real-time server does
// that itself. It runs on the connection's goroutine. When Redis or the
// other node does not answer, the heartbeats of both nodes settle it within
// a Heartbeat: every node takes out the ships whose player is claimed by
// another room.
func (n *Seats) Claim(roomID, playerID string) error {
	ctx, cancel := context.WithTimeout(context.Background(), n.opts.AdmitTimeout)
	old, err := claimScript.Run(ctx, n.rdb, nil, n.opts.Prefix, roomID, playerID, n.opts.TTL.Milliseconds()).StringSlice()
	cancel()
	if err != nil {
		return fmt.Errorf("claim the ship of %s in %s: %w", playerID, roomID, err)
	}
	if len(old) != 3 || old[1] == "" || old[1] == n.opts.NodeID {
		return nil
	}
	ctx, cancel = context.WithTimeout(context.Background(), n.opts.EvictTimeout)
	defer cancel()
	body, _ := json.Marshal(evictRequest{Room: old[0], Player: playerID})
	var a evictAnswer
	if code, err := n.call(ctx, http.MethodPost, old[2], "/internal/evict", body, &a); err != nil && code != http.StatusNotFound {
		return fmt.Errorf("take %s's ship out of %s on node %s: %w", playerID, old[0], old[1], err)
	}
	n.log.Info("cluster: ship moved from another node", "player", playerID, "from", old[0], "node", old[1], "to", roomID)
	return nil
}

// checkShips renews the claims of this node's ships, and takes out the
// ships whose player is claimed by another room: a player has one ship in
// the cluster, in the room they said hello to last.
func (n *Node) checkShips(ctx context.Context) error {
	f := n.fleet
	if f == nil {
		return nil
	}
	ships := f.Ships()
	if len(ships) == 0 {
		return nil
	}
	args := make([]any, 0, 2+2*len(ships))
	args = append(args, n.opts.Prefix, n.opts.TTL.Milliseconds())
	for _, s := range ships {
		args = append(args, s.RoomID, s.PlayerID)
	}
	gone, err := shipsScript.Run(ctx, n.rdb, nil, args...).StringSlice()
	if err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("check ships: %w", err)
	}
	for i := 0; i+1 < len(gone); i += 2 {
		if f.Evict(gone[i], gone[i+1]) {
			n.log.Info("cluster: ship taken out, its player plays in another room", "room", gone[i], "player", gone[i+1])
		}
	}
	return nil
}

// evictRequest is the body of POST /internal/evict.
type evictRequest struct {
	Room   string `json:"room"`
	Player string `json:"player"`
}

type evictAnswer struct {
	Evicted bool `json:"evicted"`
}

// serveEvict takes a player's ship out of one of this node's rooms, once
// Redis confirms that the player is claimed by another room (a request that
// arrives after the player came back is refused with 409).
func (n *Node) serveEvict(w http.ResponseWriter, r *http.Request) {
	body, ok := n.signedBody(w, r)
	if !ok {
		return
	}
	var req evictRequest
	if err := json.Unmarshal(body, &req); err != nil || req.Room == "" || req.Player == "" {
		httpjson.WriteError(w, http.StatusBadRequest, "body must name a room and a player", "")
		return
	}
	if n.fleet == nil {
		httpjson.WriteError(w, http.StatusNotFound, "room not found", "")
		return
	}
	cur, err := n.rdb.Get(r.Context(), n.opts.Prefix+"ship:"+req.Player).Result()
	switch {
	case err != nil && !errors.Is(err, redis.Nil):
		httpjson.WriteError(w, http.StatusServiceUnavailable, "cannot read the player's claim", "")
		return
	case cur == req.Room:
		httpjson.WriteError(w, http.StatusConflict, "the player's ship is in that room", "")
		return
	}
	if !n.fleet.Evict(req.Room, req.Player) {
		httpjson.WriteError(w, http.StatusNotFound, "room not found", "")
		return
	}
	httpjson.Write(w, http.StatusOK, evictAnswer{Evicted: true})
}
