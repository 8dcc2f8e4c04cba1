package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/tickarena/tickarena/client/netcode"
	"github.com/tickarena/tickarena/game"
)

// tickSlots is how many groups the ticker splits the players into, each
// served at its own moment of the tick, so that inputs spread across it.
const tickSlots = 8

// inputRate is the rate at which the ticker visits players; netcode's own
// accumulator sends inputs at the server's tick rate.
const inputRate = 30

// run connects the clients, plays for the configured time, and returns the
// summary. It stops by itself: the whole run is bounded by the ramp time,
// the duration and a few seconds of grace, or by ctx.
func run(ctx context.Context, cfg config) (*summary, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if cfg.Wait > 0 {
		target := cfg.URL
		if target == "" {
			target = cfg.API
		}
		if err := waitReachable(ctx, target, cfg.Wait); err != nil {
			return nil, err
		}
	}
	// Connecting may take longer than the ramp on a loaded machine; it gets its
	// own bound, so that the measured window keeps its full duration.
	rampTime := time.Duration(float64(cfg.N) / cfg.Ramp * float64(time.Second))
	connectLimit := 2*rampTime + 30*time.Second
	ctx, cancel := context.WithTimeout(ctx, connectLimit+cfg.Duration+15*time.Second)
	defer cancel()

	sizes := &histogram{}
	players := make([]*player, cfg.N)
	for i := range players {
		p := &player{id: i, url: cfg.URL, token: fmt.Sprintf("%s-%d", cfg.Name, i), room: cfg.Room, floor: cfg.Floor, sizes: sizes}
		p.brain.rng = game.NewRand(cfg.Seed*1_000_003 + uint64(i))
		if !cfg.Floor && cfg.API == "" {
			p.nc = netcode.New(netcode.Options{URL: cfg.URL, Token: p.token, Room: cfg.Room, Dial: p.dial, Logger: cfg.Logger, MirrorOnly: true, Seed: cfg.Seed + uint64(i)})
		}
		players[i] = p
	}

	rep := newReporter(cfg, players, sizes)
	start := time.Now()
	var wg sync.WaitGroup
	tickCtx, stopTicks := context.WithCancel(ctx)
	wg.Add(2)
	go func() { defer wg.Done(); tickPlayers(tickCtx, players) }()
	go func() { defer wg.Done(); rep.progress(tickCtx, start) }()

	var api *api
	if cfg.API != "" {
		api = newAPI(cfg.API)
	}
	connectCtx, stopConnecting := context.WithTimeout(ctx, connectLimit)
	err = connectAll(connectCtx, cfg, api, players)
	stopConnecting()
	if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
		// Out of connecting time: measure the clients that got in.
		cfg.Logger.Warn("stopped connecting: the connect phase took too long", "err", err)
		err = nil
	}
	if err != nil {
		stopTicks()
		wg.Wait()
		closeAll(players)
		return nil, err
	}
	waitConnected(ctx, players, 5*time.Second)
	rep.markWindow(time.Now())
	soakCtx, stopSoak := context.WithCancel(ctx)
	soakDone := make(chan *soakReport, 1)
	if cfg.Sample > 0 {
		go func() { soakDone <- rep.soak(soakCtx) }()
	}
	select {
	case <-ctx.Done():
	case <-time.After(cfg.Duration):
	}
	stopSoak()
	sum := rep.summary(time.Now())
	if cfg.Sample > 0 {
		sum.Soak = <-soakDone
		sum.Soak.judge()
	}
	stopTicks()
	wg.Wait()
	closeAll(players)
	if cfg.Verify {
		sum.verify(players)
	}
	return sum, nil
}

// connectAll opens the players' connections at cfg.Ramp per second, getting
// sessions and seats from the API first when there is one.
func connectAll(ctx context.Context, cfg config, a *api, players []*player) error {
	gap := time.Duration(float64(time.Second) / cfg.Ramp)
	var rooms []string
	next := time.Now()
	for i, p := range players {
		if wait := time.Until(next); wait > 0 {
			select {
			case <-ctx.Done():
				return fmt.Errorf("connecting client %d: %w", i, ctx.Err())
			case <-time.After(wait):
			}
		}
		next = next.Add(gap)
		if a != nil {
			if err := seatPlayer(ctx, cfg, a, p, &rooms); err != nil {
				if i == 0 {
					return err // the first failure is a misconfiguration: stop
				}
				p.dialErrs.Add(1)
				p.lastErr.Store(err.Error())
				continue
			}
		}
		p.start(time.Now())
	}
	return nil
}

// seatPlayer gets player p a session and a seat from the API, creating the
// run's rooms first when cfg.Rooms asks for them.
func seatPlayer(ctx context.Context, cfg config, a *api, p *player, rooms *[]string) error {
	token, err := a.session(ctx, fmt.Sprintf("%s%d", cfg.Name, p.id%100000))
	if err != nil {
		return fmt.Errorf("client %d: %w", p.id, err)
	}
	room := cfg.Room
	if cfg.Rooms > 0 {
		if len(*rooms) < cfg.Rooms {
			id, err := a.createRoom(ctx, token, fmt.Sprintf("%s room %d", cfg.Name, len(*rooms)+1))
			if err != nil {
				return fmt.Errorf("client %d: %w", p.id, err)
			}
			*rooms = append(*rooms, id)
		}
		room = (*rooms)[p.id%cfg.Rooms]
	}
	s, err := a.play(ctx, token, room)
	if err != nil {
		return fmt.Errorf("client %d: %w", p.id, err)
	}
	nc := netcode.New(netcode.Options{URL: s.WSURL, Token: token, Room: s.ID, Dial: p.dial, Logger: cfg.Logger, MirrorOnly: true, Seed: cfg.Seed + uint64(p.id)})
	p.mu.Lock()
	p.token, p.url, p.room, p.nc = token, s.WSURL, s.ID, nc
	p.mu.Unlock()
	return nil
}

// tickPlayers is the one goroutine that sends every player's inputs: each
// tick is split into slots and each slot serves its share of the players.
func tickPlayers(ctx context.Context, players []*player) {
	slot := time.Second / inputRate / tickSlots
	t := time.NewTicker(slot)
	defer t.Stop()
	for n := 0; ; n = (n + 1) % tickSlots {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		now := time.Now()
		for i := n; i < len(players); i += tickSlots {
			players[i].tick(now)
		}
	}
}

// waitConnected waits until every player is welcomed, or at most limit, so
// that the measured window holds only playing time.
func waitConnected(ctx context.Context, players []*player, limit time.Duration) {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		all := true
		for _, p := range players {
			if !p.welcomed.Load() {
				all = false
				break
			}
		}
		if all {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func closeAll(players []*player) {
	for _, p := range players {
		p.stop()
	}
}
