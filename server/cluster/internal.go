package cluster

import (
	"bytes"
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tickarena/tickarena/server/httpjson"
	"github.com/tickarena/tickarena/server/lobby"
)

// signatureHeader carries "t=<unix seconds>,v1=<hex HMAC-SHA256>".
const signatureHeader = "X-Tickarena-Signature"

// maxSkew is how old (or how far in the future) a signed request may be.
const maxSkew = time.Minute

// internalKey derives the key that signs internal requests from the shared
// session secret, so that the secret itself signs only sessions.
func internalKey(secret []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("tickarena internal requests v1"))
	return m.Sum(nil)
}

func (n *Seats) sign(method, path string, at time.Time, body []byte) string {
	m := hmac.New(sha256.New, n.key)
	fmt.Fprintf(m, "%s\n%s\n%d\n", method, path, at.Unix())
	m.Write(body)
	return "t=" + strconv.FormatInt(at.Unix(), 10) + ",v1=" + hex.EncodeToString(m.Sum(nil))
}

// verify reports whether a request carries a fresh, valid signature of body.
func (n *Seats) verify(r *http.Request, body []byte) bool {
	var ts, sig string
	for part := range strings.SplitSeq(r.Header.Get(signatureHeader), ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sig = v
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || sig == "" {
		return false
	}
	at := time.Unix(sec, 0)
	if d := time.Since(at); d > maxSkew || d < -maxSkew {
		return false
	}
	want := n.sign(r.Method, r.URL.Path, at, body)
	return hmac.Equal([]byte(want), []byte("t="+ts+",v1="+sig))
}

// Register adds the internal endpoints other nodes call to mux:
//
//	POST /internal/rooms                  create a room on this node
//	GET  /internal/rooms/{id}/scoreboard  live scoreboard of a room of this node
//	POST /internal/evict                  take a player's ship out of a room of this node
//
// They answer 401 unless signed with the cluster's key.
func (n *Node) Register(mux *http.ServeMux) {
	mux.HandleFunc("POST /internal/rooms", n.serveCreate)
	mux.HandleFunc("GET /internal/rooms/{id}/scoreboard", n.serveScoreboard)
	mux.HandleFunc("POST /internal/evict", n.serveEvict)
}

// createRequest is the body of POST /internal/rooms.
type createRequest struct {
	Name         string `json:"name"`
	Capacity     int    `json:"capacity"`
	Bots         int    `json:"bots"`
	RoundSeconds int    `json:"round_seconds"`
	Public       bool   `json:"public"`
}

// signedBody reads a node-to-node request's body and checks its signature,
// answering 413 or 401 itself when it returns false.
func (n *Node) signedBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, httpjson.MaxBody))
	if err != nil {
		httpjson.WriteError(w, http.StatusRequestEntityTooLarge, "body too large", "")
		return nil, false
	}
	if !n.verify(r, body) {
		httpjson.WriteError(w, http.StatusUnauthorized, "missing or invalid cluster signature", "")
		return nil, false
	}
	return body, true
}

// fullAnswer is the error of POST /internal/rooms on a saturated node.
const fullAnswer = "this node is full"

type createAnswer struct {
	Room lobby.RoomInfo `json:"room"`
}

type scoreboardAnswer struct {
	Scoreboard []lobby.ScoreLine `json:"scoreboard"`
}

func (n *Node) serveCreate(w http.ResponseWriter, r *http.Request) {
	body, ok := n.signedBody(w, r)
	if !ok {
		return
	}
	var req createRequest
	if err := json.Unmarshal(body, &req); err != nil {
		httpjson.WriteError(w, http.StatusBadRequest, "body is not a room spec: "+err.Error(), "")
		return
	}
	spec, err := n.opts.Limits.Check(lobby.RoomSpec{Name: req.Name, Capacity: req.Capacity, Bots: req.Bots, RoundSeconds: req.RoundSeconds, Public: req.Public})
	var info lobby.RoomInfo
	if err == nil {
		info, err = n.createLocal(r.Context(), spec)
	}
	var specErr *lobby.SpecError
	switch {
	case err == nil:
		httpjson.Write(w, http.StatusCreated, createAnswer{Room: info})
	case errors.As(err, &specErr):
		httpjson.WriteError(w, http.StatusBadRequest, specErr.Reason, specErr.Field)
	case errors.Is(err, lobby.ErrTooManyRooms):
		httpjson.WriteError(w, http.StatusServiceUnavailable, "this node runs as many rooms as it may", "")
	case errors.Is(err, lobby.ErrSaturated):
		httpjson.WriteError(w, http.StatusServiceUnavailable, fullAnswer, "")
	default:
		n.log.Error("cluster: create room for another node", "err", err)
		httpjson.WriteError(w, http.StatusServiceUnavailable, "cannot create a room now", "")
	}
}

func (n *Node) serveScoreboard(w http.ResponseWriter, r *http.Request) {
	if !n.verify(r, nil) {
		httpjson.WriteError(w, http.StatusUnauthorized, "missing or invalid cluster signature", "")
		return
	}
	lines, ok := n.host.Scoreboard(r.PathValue("id"))
	if !ok {
		httpjson.WriteError(w, http.StatusNotFound, "room not found", "")
		return
	}
	if lines == nil {
		lines = []lobby.ScoreLine{}
	}
	httpjson.Write(w, http.StatusOK, scoreboardAnswer{Scoreboard: lines})
}

// call makes a signed request to another node and decodes its JSON answer.
func (n *Seats) call(ctx context.Context, method, base, path string, body []byte, out any) (int, error) {
	u, err := url.JoinPath(base, path)
	if err != nil {
		return 0, fmt.Errorf("node URL %q: %w", base, err)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set(signatureHeader, n.sign(method, req.URL.Path, time.Now(), body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := n.opts.HTTPClient.Do(req)
	if err != nil {
		return 0, fmt.Errorf("%s %s: %w", method, u, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		var e struct {
			Error string `json:"error"`
		}
		_ = json.NewDecoder(io.LimitReader(resp.Body, 4096)).Decode(&e)
		return resp.StatusCode, fmt.Errorf("%s %s: %d %s", method, u, resp.StatusCode, e.Error)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return resp.StatusCode, fmt.Errorf("%s %s: decode answer: %w", method, u, err)
	}
	return resp.StatusCode, nil
}

func (n *Node) remoteScoreboard(ctx context.Context, base, id string) ([]lobby.ScoreLine, error) {
	var a scoreboardAnswer
	code, err := n.call(ctx, http.MethodGet, base, "/internal/rooms/"+url.PathEscape(id)+"/scoreboard", nil, &a)
	switch {
	case code == http.StatusNotFound:
		return nil, fmt.Errorf("scoreboard of %q: %w", id, lobby.ErrNotFound)
	case err != nil:
		return nil, fmt.Errorf("scoreboard of %q: %w: %w", id, lobby.ErrUnavailable, err)
	}
	return a.Scoreboard, nil
}

// nodeLoad is what a node publishes about itself.
type nodeLoad struct {
	id, url         string
	humans, rooms   int
	maxRooms        int
	cpu             float64
	draining, local bool
	saturated       string // why it seats nobody new, or ""
}

// nodes reads the live nodes, least loaded first: fewest humans, then
// least CPU, then fewest rooms, then this node, then by id.
func (n *Node) nodes(ctx context.Context) ([]nodeLoad, error) {
	res, err := nodesScript.Run(ctx, n.rdb, nil, n.opts.Prefix).Slice()
	if err != nil {
		return nil, err
	}
	var out []nodeLoad
	for i := 0; i+1 < len(res); i += 2 {
		id, _ := res[i].(string)
		flat, _ := res[i+1].([]any)
		h := map[string]string{}
		for j := 0; j+1 < len(flat); j += 2 {
			k, _ := flat[j].(string)
			v, _ := flat[j+1].(string)
			h[k] = v
		}
		l := nodeLoad{id: id, url: h["url"], draining: h["draining"] == "1", local: id == n.opts.NodeID, saturated: h["saturated"]}
		if l.local {
			l.saturated = n.saturated() // this node knows better than its last heartbeat
		}
		l.humans, _ = strconv.Atoi(h["humans"])
		l.rooms, _ = strconv.Atoi(h["rooms"])
		l.maxRooms, _ = strconv.Atoi(h["max_rooms"])
		l.cpu, _ = strconv.ParseFloat(h["cpu"], 64)
		out = append(out, l)
	}
	slices.SortFunc(out, func(a, b nodeLoad) int {
		return cmp.Or(cmp.Compare(a.humans, b.humans), cmp.Compare(cpuBand(a.cpu), cpuBand(b.cpu)),
			cmp.Compare(a.rooms, b.rooms), boolOrder(b.local, a.local), cmp.Compare(a.id, b.id))
	})
	return out, nil
}

// cpuBand rounds a CPU share to tenths, so that noise between idle nodes
// does not decide placement.
func cpuBand(c float64) int { return int(c * 10) }

func boolOrder(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// place creates a room on the least-loaded live node that accepts it,
// passing over saturated nodes. When saturation alone kept every live node
// from taking it, it fails with lobby.ErrSaturated.
func (n *Node) place(ctx context.Context, spec lobby.RoomSpec) (lobby.RoomInfo, error) {
	nodes, err := n.nodes(ctx)
	if err != nil {
		return lobby.RoomInfo{}, unavailable("create room", err)
	}
	var errs []error
	saturated, tried := 0, 0
	for _, l := range nodes {
		if l.draining || l.rooms >= l.maxRooms {
			continue
		}
		if l.saturated != "" {
			saturated++
			continue
		}
		tried++
		var info lobby.RoomInfo
		if l.local {
			info, err = n.createLocal(ctx, spec)
		} else {
			info, err = n.createRemote(ctx, l, spec)
		}
		if err == nil {
			return info, nil
		}
		if errors.Is(err, lobby.ErrSaturated) {
			saturated++ // it became saturated since its last heartbeat
			tried--
			continue
		}
		errs = append(errs, err)
		if errors.Is(err, lobby.ErrUnavailable) && l.local {
			break
		}
	}
	if len(errs) > 0 {
		n.log.Warn("cluster: no node took the room", "err", errors.Join(errs...))
	}
	if saturated > 0 && tried == 0 {
		return lobby.RoomInfo{}, fmt.Errorf("create room: %w (%d live nodes, every one full)", lobby.ErrSaturated, len(nodes))
	}
	return lobby.RoomInfo{}, fmt.Errorf("create room: %w (%d live nodes)", lobby.ErrTooManyRooms, len(nodes))
}

// createLocal starts a room on this node and publishes it before returning.
func (n *Node) createLocal(ctx context.Context, spec lobby.RoomSpec) (lobby.RoomInfo, error) {
	n.createMu.Lock()
	defer n.createMu.Unlock()
	if n.draining.Load() {
		return lobby.RoomInfo{}, fmt.Errorf("create room: node is leaving: %w", lobby.ErrTooManyRooms)
	}
	if why := n.saturated(); why != "" {
		return lobby.RoomInfo{}, fmt.Errorf("create room: node is full (%s): %w", why, lobby.ErrSaturated)
	}
	if count := len(n.host.Rooms()); count >= n.opts.MaxRooms {
		return lobby.RoomInfo{}, fmt.Errorf("create room: %w (%d running)", lobby.ErrTooManyRooms, count)
	}
	id, _, err := n.host.CreateRoom(spec)
	if err != nil {
		return lobby.RoomInfo{}, fmt.Errorf("create room: %w", err)
	}
	n.log.Info("room created", "room", id, "name", spec.Name, "public", spec.Public, "capacity", spec.Capacity, "bots", spec.Bots)
	if err := n.publish(ctx); err != nil {
		return lobby.RoomInfo{}, unavailable("publish new room", err)
	}
	return n.Get(ctx, id)
}

func (n *Node) createRemote(ctx context.Context, l nodeLoad, spec lobby.RoomSpec) (lobby.RoomInfo, error) {
	body, err := json.Marshal(createRequest{Name: spec.Name, Capacity: spec.Capacity, Bots: spec.Bots, RoundSeconds: spec.RoundSeconds, Public: spec.Public})
	if err != nil {
		return lobby.RoomInfo{}, err
	}
	var a createAnswer
	code, err := n.call(ctx, http.MethodPost, l.url, "/internal/rooms", body, &a)
	if code == http.StatusServiceUnavailable && strings.HasSuffix(err.Error(), fullAnswer) {
		return lobby.RoomInfo{}, fmt.Errorf("create room on node %s: %w: %w", l.id, lobby.ErrSaturated, err)
	}
	if err != nil {
		return lobby.RoomInfo{}, fmt.Errorf("create room on node %s: %w", l.id, err)
	}
	return a.Room, nil
}
