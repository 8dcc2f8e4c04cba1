package cluster

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tickarena/tickarena/server/lobby"
)

// Node is this server's member of the cluster: the lobby's Directory over
// every node's rooms and the heartbeat that publishes them, built on the
// node's Seats (whose Admit and Claim it keeps). Make it with New; it is
// safe for concurrent use.
type Node struct {
	*Seats
	host  lobby.Host
	sat   Saturation // host, when it can be saturated; nil: never
	fleet Fleet      // nil: no player is kept to one ship across the cluster

	// beatMu serialises heartbeats, so that the set of published rooms
	// matches what Redis holds.
	beatMu    sync.Mutex
	published map[string]bool // guarded by beatMu
	cpu       cpuMeter        // guarded by beatMu
	// createMu serialises room creation on this node, so that MaxRooms holds.
	createMu sync.Mutex
	healthy  atomic.Bool
	draining atomic.Bool
	quickSeq atomic.Int64

	stop chan struct{}
	done chan struct{}
	once sync.Once
}

var (
	_ lobby.Directory = (*Node)(nil)
	_ lobby.Admission = (*Node)(nil)
)

// New returns the Node over seats that runs host's rooms; call Run to start
// publishing. fleet is host's rooms as the players' ships go (who has a
// ship where, and how to take one out); nil keeps no player to one ship
// across the cluster. When host implements Saturation, the node publishes
// its saturation and passes over itself while it is saturated. New fails
// when host is nil.
func New(seats *Seats, host lobby.Host, fleet Fleet) (*Node, error) {
	if seats == nil || host == nil {
		return nil, errors.New("cluster: New needs the node's Seats and its Host")
	}
	n := &Node{
		Seats:     seats,
		host:      host,
		fleet:     fleet,
		published: map[string]bool{},
		cpu:       newCPUMeter(),
		stop:      make(chan struct{}),
		done:      make(chan struct{}),
	}
	n.sat, _ = host.(Saturation)
	return n, nil
}

// Run publishes the node and its rooms now and then every Heartbeat, until
// Leave or ctx ends. It returns at once; a failed heartbeat is logged and
// retried at the next one.
func (n *Node) Run(ctx context.Context) {
	n.beat(ctx)
	go func() {
		defer close(n.done)
		t := time.NewTicker(n.opts.Heartbeat)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				n.beat(ctx)
			case <-n.stop:
				return
			case <-ctx.Done():
				return
			}
		}
	}()
}

// Leave stops the heartbeat and removes the node and its rooms from the
// directory at once, so that no player is sent to a node that is going
// away. Rooms already running keep playing. It is safe to call more than once.
func (n *Node) Leave(ctx context.Context) error {
	n.draining.Store(true)
	first := false
	n.once.Do(func() { close(n.stop); first = true })
	if first {
		select {
		case <-n.done:
		case <-ctx.Done():
		}
	}
	n.beatMu.Lock()
	defer n.beatMu.Unlock()
	args := []any{n.opts.Prefix, n.opts.NodeID}
	for id := range n.published {
		args = append(args, id)
	}
	for _, r := range n.host.Rooms() {
		if !n.published[r.ID] {
			args = append(args, r.ID)
		}
	}
	if err := leaveScript.Run(ctx, n.rdb, nil, args...).Err(); err != nil {
		return fmt.Errorf("leave cluster: %w", err)
	}
	clear(n.published)
	n.log.Info("cluster: node left the directory")
	return nil
}

// Ping reports whether Redis answers.
func (n *Node) Ping(ctx context.Context) error {
	if err := n.rdb.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("cluster redis: %w", err)
	}
	return nil
}

// beat publishes the node and its rooms once.
func (n *Node) beat(ctx context.Context) {
	if err := n.publish(ctx); err != nil {
		if n.healthy.Swap(false) {
			n.log.Error("cluster: heartbeat failed; this node's rooms leave the directory until Redis answers", "err", err)
		}
		return
	}
	if !n.healthy.Swap(true) {
		n.log.Info("cluster: heartbeat ok", "public_url", n.opts.PublicURL)
	}
}

// publish runs the heartbeat script with the host's rooms now.
func (n *Node) publish(ctx context.Context) error {
	n.beatMu.Lock()
	defer n.beatMu.Unlock()
	if n.draining.Load() {
		return nil
	}
	rooms := n.host.Rooms()
	humans := 0
	live := make(map[string]bool, len(rooms))
	roomArgs := make([]any, 0, 9*len(rooms))
	for _, r := range rooms {
		humans += r.Humans
		live[r.ID] = true
		code := ""
		if !r.Public {
			code = lobby.NormalizeCode(r.Code)
		}
		roomArgs = append(roomArgs, r.ID, r.Name, boolArg(r.Public), code, r.Humans, r.Bots, r.Capacity, r.RoundSecondsLeft, r.Spectators)
	}
	var gone []any
	for id := range n.published {
		if !live[id] {
			gone = append(gone, id)
		}
	}
	args := []any{n.opts.Prefix, n.opts.NodeID, n.opts.TTL.Milliseconds(), n.opts.PublicURL,
		humans, len(rooms), n.opts.MaxRooms, strconv.FormatFloat(n.cpu.sample(), 'f', 3, 64), boolArg(n.draining.Load()), n.saturated(), len(rooms)}
	args = append(args, roomArgs...)
	args = append(args, len(gone))
	args = append(args, gone...)
	if err := heartbeatScript.Run(ctx, n.rdb, nil, args...).Err(); err != nil {
		return fmt.Errorf("heartbeat: %w", err)
	}
	n.published = live
	if err := n.checkShips(ctx); err != nil {
		n.log.Warn("cluster: ships not checked; a player may keep two ships until the next heartbeat", "err", err)
	}
	return nil
}

// Saturation is implemented by a Host whose node can be saturated (see
// realtime.Manager.Saturation). Saturated reports why the node can seat no
// more players now, or "" when it can; it must answer at once, without I/O.
// The heartbeat publishes it; quick play and room creation pass over
// saturated nodes, and a saturated node's rooms take no new reservations.
// A Host without it is never saturated.
type Saturation interface {
	Saturated() string
}

// saturated returns why this node seats no more players now, or "".
func (n *Node) saturated() string {
	if n.sat == nil {
		return ""
	}
	return n.sat.Saturated()
}

func boolArg(b bool) string {
	if b {
		return "1"
	}
	return "0"
}
