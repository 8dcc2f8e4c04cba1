package cluster

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tickarena/tickarena/server/lobby"
)

// room is a published room with its live seat counts.
type room struct {
	lobby.RoomInfo
	url       string // base URL of the node that runs it
	arriving  int
	saturated bool // its node seats no new players now
}

// taken counts the seats reserve counts: humans, reservations and arrivals.
func (r room) taken() int { return r.Humans + r.Reserved + r.arriving }

// rooms reads the live rooms, or only the room with id when id is not "".
func (n *Node) rooms(ctx context.Context, id string) ([]room, error) {
	res, err := roomsScript.Run(ctx, n.rdb, nil, n.opts.Prefix, id).Slice()
	if err != nil {
		return nil, err
	}
	out := make([]room, 0, len(res)/3)
	for i := 0; i+2 < len(res); i += 3 {
		flat, _ := res[i].([]any)
		h := make(map[string]string, len(flat)/2)
		for j := 0; j+1 < len(flat); j += 2 {
			k, _ := flat[j].(string)
			v, _ := flat[j+1].(string)
			h[k] = v
		}
		reserved, _ := res[i+1].(int64)
		arriving, _ := res[i+2].(int64)
		r := room{url: h["url"], arriving: int(arriving), saturated: h["saturated"] == "1"}
		r.ID, r.Name, r.Public, r.Node = h["id"], h["name"], h["public"] == "1", h["node"]
		r.Code = h["code"]
		r.Humans, _ = strconv.Atoi(h["humans"])
		r.Bots, _ = strconv.Atoi(h["bots"])
		r.Capacity, _ = strconv.Atoi(h["capacity"])
		r.RoundSecondsLeft, _ = strconv.Atoi(h["left"])
		r.Spectators, _ = strconv.Atoi(h["spectators"])
		r.Reserved = int(reserved)
		r.WSURL = wsURL(r.url, r.ID)
		out = append(out, r)
	}
	return out, nil
}

// wsURL is the WebSocket URL of a room on the node at base.
func wsURL(base, roomID string) string {
	u, err := url.Parse(base)
	if err != nil {
		return ""
	}
	switch u.Scheme {
	case "https":
		u.Scheme = "wss"
	default:
		u.Scheme = "ws"
	}
	u.Path = strings.TrimSuffix(u.Path, "/") + "/ws"
	u.RawQuery = url.Values{"room": {roomID}}.Encode()
	return u.String()
}

// List returns the public rooms of every live node.
func (n *Node) List(ctx context.Context) ([]lobby.RoomInfo, error) {
	rooms, err := n.rooms(ctx, "")
	if err != nil {
		return nil, unavailable("list rooms", err)
	}
	out := make([]lobby.RoomInfo, 0, len(rooms))
	for _, r := range rooms {
		if r.Public {
			out = append(out, r.RoomInfo)
		}
	}
	return out, nil
}

// Get returns the room with the given id on any node, or lobby.ErrNotFound.
func (n *Node) Get(ctx context.Context, id string) (lobby.RoomInfo, error) {
	r, err := n.get(ctx, id)
	return r.RoomInfo, err
}

func (n *Node) get(ctx context.Context, id string) (room, error) {
	if id == "" {
		return room{}, fmt.Errorf("get room: %w", lobby.ErrNotFound)
	}
	rooms, err := n.rooms(ctx, id)
	if err != nil {
		return room{}, unavailable("get room", err)
	}
	if len(rooms) == 0 {
		return room{}, fmt.Errorf("get room %q: %w", id, lobby.ErrNotFound)
	}
	return rooms[0], nil
}

// ByCode returns the private room with the given join code, on any node.
func (n *Node) ByCode(ctx context.Context, code string) (lobby.RoomInfo, error) {
	code = lobby.NormalizeCode(code)
	if code == "" {
		return lobby.RoomInfo{}, fmt.Errorf("room by code: %w", lobby.ErrNotFound)
	}
	id, err := n.rdb.Get(ctx, n.opts.Prefix+"code:"+code).Result()
	if errors.Is(err, redis.Nil) {
		return lobby.RoomInfo{}, fmt.Errorf("room by code: %w", lobby.ErrNotFound)
	}
	if err != nil {
		return lobby.RoomInfo{}, unavailable("room by code", err)
	}
	r, err := n.Get(ctx, id)
	if err == nil && (r.Public || r.Code != code) {
		err = fmt.Errorf("room by code: %w", lobby.ErrNotFound)
	}
	return r, err
}

// Create starts a room from spec on the least-loaded live node that can
// take one, this one included.
func (n *Node) Create(ctx context.Context, spec lobby.RoomSpec) (lobby.RoomInfo, error) {
	spec, err := n.opts.Limits.Check(spec)
	if err != nil {
		return lobby.RoomInfo{}, fmt.Errorf("create room: %w", err)
	}
	return n.place(ctx, spec)
}

// Reserve holds a seat for the player in a room of any node.
func (n *Node) Reserve(ctx context.Context, roomID, playerID string, ttl time.Duration) (lobby.RoomInfo, error) {
	if ttl <= 0 {
		ttl = n.opts.ReservationTTL
	}
	got, err := reserveScript.Run(ctx, n.rdb, nil, n.opts.Prefix, roomID, playerID, ttl.Milliseconds()).Int()
	if err != nil {
		return lobby.RoomInfo{}, unavailable("reserve", err)
	}
	switch got {
	case reserveNotFound:
		return lobby.RoomInfo{}, fmt.Errorf("reserve in room %q: %w", roomID, lobby.ErrNotFound)
	case reserveFull:
		return lobby.RoomInfo{}, fmt.Errorf("reserve in room %q: %w", roomID, lobby.ErrRoomFull)
	case reserveSaturated:
		return lobby.RoomInfo{}, fmt.Errorf("reserve in room %q: its node is full: %w", roomID, lobby.ErrSaturated)
	}
	info, err := n.Get(ctx, roomID)
	if errors.Is(err, lobby.ErrNotFound) {
		// The room's node died just now; the seat expires with the room.
		return lobby.RoomInfo{}, fmt.Errorf("reserve in room %q: %w", roomID, lobby.ErrNotFound)
	}
	return info, err
}

// QuickPlay reserves a seat for the player in the fullest public room of
// the cluster with a free seat, or in a new public room on the
// least-loaded node when none has one. Rooms and nodes that are saturated
// are passed over; when every node is, it fails with lobby.ErrSaturated. A
// player who already holds a reservation in a public room keeps it.
func (n *Node) QuickPlay(ctx context.Context, playerID string) (lobby.RoomInfo, error) {
	held, err := n.rdb.Get(ctx, n.opts.Prefix+"held:"+playerID).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return lobby.RoomInfo{}, unavailable("quick play", err)
	}
	if held != "" {
		if info, err := n.Reserve(ctx, held, playerID, 0); err == nil && info.Public {
			return info, nil
		}
	}
	if info, ok, err := n.reserveAny(ctx, playerID); err != nil || ok {
		return info, err
	}
	// Every seat is taken: one node at a time makes a room, so that a burst
	// of quick plays fills one new room instead of opening one each.
	unlock, err := n.lock(ctx)
	if err != nil {
		return lobby.RoomInfo{}, err
	}
	defer unlock()
	for range 3 {
		if info, ok, err := n.reserveAny(ctx, playerID); err != nil || ok {
			return info, err
		}
		spec := n.opts.QuickPlay
		spec.Name = fmt.Sprintf("%s %d", spec.Name, n.quickSeq.Add(1))
		spec, err := n.opts.Limits.Check(spec)
		if err != nil {
			return lobby.RoomInfo{}, fmt.Errorf("quick play spec: %w", err)
		}
		info, err := n.place(ctx, spec)
		if err != nil {
			return lobby.RoomInfo{}, fmt.Errorf("quick play: %w", err)
		}
		info, err = n.Reserve(ctx, info.ID, playerID, 0)
		if !errors.Is(err, lobby.ErrRoomFull) {
			return info, err
		}
	}
	return lobby.RoomInfo{}, fmt.Errorf("quick play: %w", lobby.ErrRoomFull)
}

// reserveAny reserves a seat in the fullest public room that has one, on
// a node that is not saturated.
func (n *Node) reserveAny(ctx context.Context, playerID string) (lobby.RoomInfo, bool, error) {
	rooms, err := n.rooms(ctx, "")
	if err != nil {
		return lobby.RoomInfo{}, false, unavailable("quick play", err)
	}
	rooms = slices.DeleteFunc(rooms, func(r room) bool { return !r.Public || r.saturated || r.taken() >= r.Capacity })
	slices.SortFunc(rooms, func(a, b room) int {
		return cmp.Or(cmp.Compare(b.taken(), a.taken()), cmp.Compare(a.ID, b.ID))
	})
	for _, r := range rooms {
		info, err := n.Reserve(ctx, r.ID, playerID, 0)
		switch {
		case err == nil:
			return info, true, nil
		case errors.Is(err, lobby.ErrUnavailable):
			return lobby.RoomInfo{}, false, err
		}
	}
	return lobby.RoomInfo{}, false, nil
}

// lock takes the cluster's room-creation lock, waiting up to 3 s for it;
// past that it goes on without it (the lock only avoids extra rooms).
func (n *Node) lock(ctx context.Context) (func(), error) {
	key, token := n.opts.Prefix+"lock:create", n.opts.NodeID+"-"+strconv.FormatInt(time.Now().UnixNano(), 36)
	deadline := time.Now().Add(3 * time.Second)
	for {
		ok, err := n.rdb.SetNX(ctx, key, token, 3*time.Second).Result()
		if err != nil {
			return nil, unavailable("quick play lock", err)
		}
		if ok {
			return func() { _ = unlockScript.Run(context.WithoutCancel(ctx), n.rdb, []string{key}, token).Err() }, nil
		}
		if time.Now().After(deadline) {
			return func() {}, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("quick play: %w", ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// Scoreboard returns the live scoreboard of a room on any node.
func (n *Node) Scoreboard(ctx context.Context, id string) ([]lobby.ScoreLine, error) {
	r, err := n.get(ctx, id)
	if err != nil {
		return nil, err
	}
	if r.Node == n.opts.NodeID {
		lines, ok := n.host.Scoreboard(id)
		if !ok {
			return nil, fmt.Errorf("scoreboard of %q: %w", id, lobby.ErrNotFound)
		}
		return lines, nil
	}
	return n.remoteScoreboard(ctx, r.url, id)
}
