package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
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
		if cfg.API != "" && !cfg.Floor {
			waitReady(ctx, cfg.API, cfg.Wait, cfg.Logger)
		}
	}
	// Connecting may take longer than the ramp on a loaded machine; it gets its
	// own bound, so that the measured window keeps its full duration.
	rampTime := time.Duration(float64(cfg.N) / cfg.Ramp * float64(time.Second))
	connectLimit := 2*rampTime + 30*time.Second
	ctx, cancel := context.WithTimeout(ctx, connectLimit+cfg.Duration+15*time.Second)
	defer cancel()

	// The server's own count of the seats it refused, by reason, from before
	// the first client (refusals come while connecting, before the window).
	var refusedBefore map[string]float64
	if cfg.API != "" && !cfg.Floor {
		refusedBefore = serverRefusals(cfg.API)
	}
	var verifiers *verifierProcess
	if cfg.apart() {
		exe, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("verifying clients apart: %w", err)
		}
		if verifiers, err = startVerifiers(ctx, cfg, exe); err != nil {
			return nil, err
		}
		defer verifiers.discard()
		cfg.N -= cfg.verifiers()
		cfg.lightOnly = true
	}
	var api *api
	if cfg.API != "" {
		api = newAPI(cfg.API, cfg.APITimeout)
	}
	rooms := &roomList{}
	var retry *retrier
	if cfg.RetryFull {
		retry = newRetrier(ctx, cfg, api, rooms)
		defer retry.stop()
	}
	sizes := &histogram{}
	players := make([]*player, cfg.N)
	for i := range players {
		p := &player{id: i, url: cfg.URL, token: fmt.Sprintf("%s-%d", cfg.Name, i), room: cfg.Room, mode: cfg.modeOf(i), sizes: sizes, retry: retry}
		p.brain.rng = game.NewRand(cfg.Seed*1_000_003 + uint64(i))
		if p.mode == modeVerify && cfg.API == "" {
			p.nc = netcode.New(cfg.netcodeOptions(p, cfg.URL, p.token, cfg.Room))
		}
		players[i] = p
	}

	rep := newReporter(cfg, players, sizes)
	rep.api, rep.retry = api, retry
	start := time.Now()
	var wg sync.WaitGroup
	tickCtx, stopTicks := context.WithCancel(ctx)
	wg.Add(2)
	go func() { defer wg.Done(); tickPlayers(tickCtx, players) }()
	go func() { defer wg.Done(); rep.progress(tickCtx, start) }()

	connectCtx, stopConnecting := context.WithTimeout(ctx, connectLimit)
	err = connectAll(connectCtx, cfg, api, players, rooms)
	stopConnecting()
	if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
		// Out of connecting time: measure the clients that got in.
		cfg.Logger.Warn("stopped connecting: the connect phase took too long", "err", err)
		err = nil
	}
	if err != nil {
		retry.stop()
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
	// The run has ended: the refused clients still waiting ask no more.
	retry.stop()
	sum := rep.summary(time.Now())
	if cfg.Sample > 0 {
		sum.Soak = <-soakDone
		sum.Soak.judge()
	}
	stopTicks()
	wg.Wait()
	closeAll(players)
	if cfg.Verify && verifiers == nil {
		sum.verify(players)
	}
	if verifiers != nil {
		v, err := verifiers.summary()
		if err != nil {
			return nil, err
		}
		sum.addVerifiers(v)
		if b := cfg.Baseline; b != nil {
			sum.VsFloor = compare(sum, b)
		}
		sum.judge(cfg.TickBudget)
	}
	if refusedBefore != nil {
		sum.ServerRefusals = refusalsSince(refusedBefore, serverRefusals(cfg.API))
	}
	return sum, nil
}

// maxSeating bounds the clients getting a session and a seat at once: the
// API calls of a ramp overlap, so that a slow answer delays one client, not
// every client after it.
const maxSeating = 256

// connectAll opens the players' connections at cfg.Ramp per second, getting
// sessions and seats from the API first when there is one. The first
// player is seated alone: its failure, unless a refusal or a time-out, is
// a misconfiguration and stops the run. Players left when ctx ends are
// marked as not started. With -retry-full, a player refused because the
// server is full asks again in the background (retry.go); rooms is the
// run's, which those retries share.
func connectAll(ctx context.Context, cfg config, a *api, players []*player, rooms *roomList) error {
	gap := time.Duration(float64(time.Second) / cfg.Ramp)
	if len(players) == 0 {
		return nil
	}
	first := players[0]
	switch err := seatFirst(ctx, cfg, a, first, rooms); {
	case err == nil:
		first.start(time.Now())
	case kindOf(err) == failHTTPError:
		return err
	case first.retry.seatRefused(first, err):
		// asks again after the Retry-After
	default:
		first.fail(kindOf(err), err)
	}
	sem := make(chan struct{}, maxSeating)
	var wg sync.WaitGroup
	defer wg.Wait()
	next := time.Now().Add(gap)
	for i, p := range players[1:] {
		if wait := time.Until(next); wait > 0 {
			select {
			case <-ctx.Done():
			case <-time.After(wait):
			}
		}
		if ctx.Err() != nil {
			for _, q := range players[1+i:] {
				q.fail(failNotStarted, fmt.Errorf("not started: the connect phase ran out of time: %w", ctx.Err()))
			}
			return fmt.Errorf("connecting client %d: %w", i+1, ctx.Err())
		}
		next = next.Add(gap)
		if a == nil {
			p.start(time.Now())
			continue
		}
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			continue // marked as not started above
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := seatPlayer(ctx, cfg, a, p, rooms); err != nil {
				if !p.retry.seatRefused(p, err) {
					p.fail(kindOf(err), err)
				}
				return
			}
			p.start(time.Now())
		}()
	}
	return nil
}

// seatFirst seats the first player when there is an API.
func seatFirst(ctx context.Context, cfg config, a *api, p *player, rooms *roomList) error {
	if a == nil {
		return nil
	}
	return seatPlayer(ctx, cfg, a, p, rooms)
}

// roomList is the rooms a run created (-rooms), shared by the seating
// goroutines.
type roomList struct {
	mu  sync.Mutex
	ids []string
}

// seatPlayer gets player p a session and a seat from the API, creating the
// run's rooms first when cfg.Rooms asks for them. A player that has a
// session already (asking again after a refusal) keeps it.
func seatPlayer(ctx context.Context, cfg config, a *api, p *player, rooms *roomList) error {
	p.firstAsk.CompareAndSwap(0, time.Now().UnixNano())
	p.mu.Lock()
	token := p.session
	p.mu.Unlock()
	if token == "" {
		var err error
		if token, err = a.session(ctx, fmt.Sprintf("%s%d", cfg.Name, p.id%100000)); err != nil {
			return fmt.Errorf("client %d: %w", p.id, err)
		}
		p.mu.Lock()
		p.session = token
		p.mu.Unlock()
	}
	room := cfg.Room
	if cfg.Rooms > 0 {
		rooms.mu.Lock()
		if len(rooms.ids) < cfg.Rooms {
			id, err := a.createRoom(ctx, token, fmt.Sprintf("%s room %d", cfg.Name, len(rooms.ids)+1))
			if err != nil {
				rooms.mu.Unlock()
				return fmt.Errorf("client %d: %w", p.id, err)
			}
			rooms.ids = append(rooms.ids, id)
		}
		room = rooms.ids[p.id%len(rooms.ids)]
		rooms.mu.Unlock()
	}
	s, err := a.play(ctx, token, room)
	if err != nil {
		return fmt.Errorf("client %d: %w", p.id, err)
	}
	p.mu.Lock()
	p.token, p.url, p.room = token, s.WSURL, s.ID
	if p.mode == modeVerify {
		p.nc = netcode.New(cfg.netcodeOptions(p, s.WSURL, token, s.ID))
	}
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
		for i, k := n, 1; i < len(players); i, k = i+tickSlots, k+1 {
			players[i].tick(now)
			if k%tickYield == 0 {
				// A slot of thousands of players' writes takes
				// milliseconds: let the read pollers in meanwhile.
				runtime.Gosched()
			}
		}
	}
}

// tickYield is how many players' inputs the ticker sends before it lets
// other goroutines run: about half a millisecond of writes on loopback.
const tickYield = 64

// waitConnected waits until every player is welcomed or has failed to get
// in, or at most limit, so that the measured window holds only playing time.
func waitConnected(ctx context.Context, players []*player, limit time.Duration) {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		all := true
		for _, p := range players {
			if !p.welcomed.Load() && failKind(p.failure.Load()) == failNone {
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
