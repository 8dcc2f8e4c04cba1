package main

// With -retry-full a client that the server refused because it is full
// does what a player's lobby page does (assets/static/lobby.js, retryLater):
// it waits the Retry-After the server gave and asks again, until it is
// seated or the run ends. Without the flag it is counted as refused and
// never asks again.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tickarena/tickarena/client/netcode"
)

const (
	// retryFullDefault is the wait of a refusal that gives no readable
	// Retry-After (a close 1013 gives none): the lobby's own Retry-After
	// for a full node (lobby.RetryFullSeconds).
	retryFullDefault = 5 * time.Second
	// retryAfterMin and retryAfterMax bound the wait, as the lobby page
	// bounds its countdown.
	retryAfterMin = time.Second
	retryAfterMax = 60 * time.Second
	// retryJitter is the largest share of the wait added to it at random,
	// so that clients refused together do not come back together.
	retryJitter = 0.10
	// minRatedPlay is the least time in the measured window that a client
	// seated there after a retry must have played for its frame rates to
	// count: over less, its first frames weigh too much.
	minRatedPlay = 2 * time.Second
)

// retryAfter returns the wait that the Retry-After header h of a refusal or
// a rate limit asks for, read at now: delay-seconds, or an HTTP date.
// Missing or unreadable, it is retryFullDefault; it is kept within
// retryAfterMin and retryAfterMax.
func retryAfter(h string, now time.Time) time.Duration {
	h = strings.TrimSpace(h)
	d := retryFullDefault
	if secs, err := strconv.Atoi(h); err == nil {
		if secs >= 0 {
			d = time.Duration(min(secs, int(retryAfterMax/time.Second))) * time.Second
		}
	} else if at, err := http.ParseTime(h); err == nil {
		d = at.Sub(now)
	}
	return min(max(d, retryAfterMin), retryAfterMax)
}

// jittered returns d lengthened by up to retryJitter of it; u, from 0 to 1,
// says how far.
func jittered(d time.Duration, u float64) time.Duration {
	u = min(max(u, 0), 1)
	return d + time.Duration(float64(d)*retryJitter*u)
}

// retrier seats again the clients the server refused (-retry-full): each
// refused client gets a goroutine that waits the Retry-After, with jitter,
// and asks again, until the client is seated or the run ends.
type retrier struct {
	ctx    context.Context // ends with the run: it cancels waits and requests
	cancel context.CancelFunc
	cfg    config
	api    *api // nil without -api: a refused client dials its URL again
	rooms  *roomList

	mu      sync.Mutex // guards stopped, and wg's Add against its Wait
	stopped bool
	wg      sync.WaitGroup

	retries    atomic.Uint64 // times a refused client asked again
	wsRefusals atomic.Uint64 // refusals on the WebSocket: upgrades answered 503 or 429, closes 1013
}

// newRetrier returns the retrier of a run that ends with ctx.
func newRetrier(ctx context.Context, cfg config, a *api, rooms *roomList) *retrier {
	r := &retrier{cfg: cfg, api: a, rooms: rooms}
	r.ctx, r.cancel = context.WithCancel(ctx)
	return r
}

// stop ends the waits and requests of the clients still asking and returns
// once none is left: the run has ended. Refusals after it are counted, and
// not retried. Safe on a nil retrier, and more than once.
func (r *retrier) stop() {
	if r == nil {
		return
	}
	r.mu.Lock()
	r.stopped = true
	r.mu.Unlock()
	r.cancel()
	r.wg.Wait()
}

// seatRefused takes over client p whose seating failed with err when err is
// a 503 and the run retries them, and reports whether it did; the caller
// otherwise records the failure. Safe on a nil retrier (no -retry-full).
func (r *retrier) seatRefused(p *player, err error) bool {
	var he *httpError
	if r == nil || !errors.As(err, &he) || he.status != http.StatusServiceUnavailable {
		return false
	}
	r.again(p, failHTTPRefused, he.retryAfter, err, false)
	return true
}

// wsRefused retries client p whose connection the server refused before the
// welcome, after retryAfterHeader (the refused upgrade's Retry-After; empty
// for a close). Safe on a nil retrier, where it does nothing.
func (r *retrier) wsRefused(p *player, retryAfterHeader string, err error) {
	if r == nil {
		return
	}
	r.wsRefusals.Add(1)
	r.again(p, failWSRefused, retryAfterHeader, err, true)
}

// again records the refusal of p and starts its retry loop unless one runs
// already or the run has ended; ws says that a connection was refused, to
// be closed and replaced.
func (r *retrier) again(p *player, k failKind, header string, err error, ws bool) {
	p.refused.Store(true)
	p.setFailure(k, err)
	if !p.retrying.CompareAndSwap(false, true) {
		return
	}
	r.mu.Lock()
	if r.stopped {
		r.mu.Unlock()
		p.retrying.Store(false)
		return
	}
	r.wg.Add(1)
	r.mu.Unlock()
	go func() {
		defer r.wg.Done()
		r.loop(p, header, ws)
	}()
}

// loop waits the Retry-After given in header and asks again for p, until p
// is seated, refused for another reason than a full server, or the run
// ends. A client still out at the end keeps the last reason it was given.
// It lets go of p (retrying) before it starts p's new connection, whose
// refusal starts a loop of its own.
func (r *retrier) loop(p *player, header string, ws bool) {
	started := false
	defer func() {
		if !started {
			p.retrying.Store(false)
		}
	}()
	if ws {
		// The refused connection's late events are no longer the client's.
		p.connGen.Add(1)
		p.stop()
	}
	for {
		t := time.NewTimer(jittered(retryAfter(header, time.Now()), rand.Float64()))
		select {
		case <-r.ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		p.retries.Add(1)
		r.retries.Add(1)
		err := r.reseat(p)
		if r.ctx.Err() != nil {
			return // the run ended meanwhile: the client did not get in
		}
		if err == nil {
			p.failure.Store(int32(failNone))
			started = true
			p.retrying.Store(false)
			p.start(time.Now())
			return
		}
		var he *httpError
		if !errors.As(err, &he) || he.status != http.StatusServiceUnavailable {
			p.setFailure(kindOf(err), err)
			return
		}
		p.setFailure(failHTTPRefused, err)
		header = he.retryAfter
	}
}

// reseat asks the API for a seat for p again, with the session it has; a
// client without the API dials its URL again, with a new netcode client
// when it verifies. The netcode client it replaces never played: the
// counters the measured window subtracts are zero in it.
func (r *retrier) reseat(p *player) error {
	if r.api != nil {
		return seatPlayer(r.ctx, r.cfg, r.api, p, r.rooms)
	}
	if p.mode == modeVerify {
		p.mu.Lock()
		p.nc = netcode.New(r.cfg.netcodeOptions(p, p.url, p.token, r.cfg.Room))
		p.mu.Unlock()
	}
	return nil
}

// seatedLate reports whether p was seated after a retry less than
// minRatedPlay before end: too late to be rated, or to be blamed for
// having no delta yet.
func (p *player) seatedLate(end time.Time) bool {
	at := p.welcomedAt.Load()
	return p.refused.Load() && at != 0 && end.Sub(time.Unix(0, at)) < minRatedPlay
}

// ratedOver returns the seconds over which p's frame rates in the window
// from winStart to now, secs long, count, and whether they count: a client
// seated after a retry during the window is rated over its own time in it,
// once it has played minRatedPlay there.
func ratedOver(p *player, winStart, now time.Time, secs float64) (float64, bool) {
	at := p.welcomedAt.Load()
	if !p.refused.Load() || at <= winStart.UnixNano() {
		return secs, true
	}
	if p.seatedLate(now) {
		return 0, false
	}
	return now.Sub(time.Unix(0, at)).Seconds(), true
}

// retryReport is what -retry-full adds to a summary.
type retryReport struct {
	// Seated is the clients that were refused and then seated (welcomed
	// into a room) after asking again: they count among the clients
	// playing as any other.
	Seated int `json:"seated_after_retry"`
	// Unseated is the clients refused at least once that were not seated
	// by the end of the run; the failures say why they were out at the
	// end (refused, or what came of their last retry).
	Unseated int `json:"unseated_at_end"`
	// Retries is the times a refused client asked again, in all.
	Retries uint64 `json:"retries"`
	// SeatMsP50, SeatMsP99 and SeatMsMax are, over the clients seated after
	// a retry, the time from a client's first request to its welcome, in
	// milliseconds.
	SeatMsP50 float64 `json:"seat_ms_p50"`
	SeatMsP99 float64 `json:"seat_ms_p99"`
	SeatMsMax float64 `json:"seat_ms_max"`
	// HTTPRefusals is every 503 answer to an API call (FullAnswers: the
	// first refusals and the retries' alike), and WSRefusals every
	// refusal on the WebSocket (an upgrade answered 503 or 429, a close
	// 1013 before the welcome).
	HTTPRefusals int    `json:"http_503_answers"`
	WSRefusals   uint64 `json:"ws_refusals"`
}

// report sums up the retries of the run's players; a is the API client
// (nil without -api), which counted the 503 answers.
func (r *retrier) report(players []*player, a *api) *retryReport {
	rep := &retryReport{Retries: r.retries.Load(), WSRefusals: r.wsRefusals.Load()}
	if a != nil {
		rep.HTTPRefusals = a.full.count()
	}
	var waits []float64
	for _, p := range players {
		if !p.refused.Load() {
			continue
		}
		if !p.everWelcomed() {
			rep.Unseated++
			continue
		}
		rep.Seated++
		waits = append(waits, float64(p.welcomedAt.Load()-p.firstAsk.Load())/float64(time.Millisecond))
	}
	if len(waits) > 0 {
		rep.SeatMsP50, rep.SeatMsP99, rep.SeatMsMax = percentile(waits, 0.5), percentile(waits, 0.99), percentile(waits, 1)
	}
	return rep
}

// progress is the end of a progress line with -retry-full: the retries so
// far, the clients they seated, and the 503 answers received.
func (r *retrier) progress(players []*player, a *api) string {
	var seated int
	for _, p := range players {
		if p.refused.Load() && p.everWelcomed() {
			seated++
		}
	}
	var answers int
	if a != nil {
		answers = a.full.count()
	}
	return fmt.Sprintf("  retries %d  seated after a retry %d  503 answers %d", r.retries.Load(), seated, answers)
}

// add folds the retries of the verifying clients' process (v) into the
// light clients' (r): the counts add up, the p50 stays the light clients'
// (nearly all of them) unless none of them was seated after a retry, and
// the p99 and the largest are the larger of the two.
func (r *retryReport) add(v *retryReport) {
	if r.Seated == 0 {
		r.SeatMsP50 = v.SeatMsP50
	}
	r.SeatMsP99, r.SeatMsMax = max(r.SeatMsP99, v.SeatMsP99), max(r.SeatMsMax, v.SeatMsMax)
	r.Seated += v.Seated
	r.Unseated += v.Unseated
	r.Retries += v.Retries
	r.HTTPRefusals += v.HTTPRefusals
	r.WSRefusals += v.WSRefusals
}

// print writes the retries for people: every refusal received, so that a
// client seated after a retry hides none, and how the refused fared.
func (r *retryReport) print(w io.Writer) {
	fmt.Fprintf(w, "  retry-full: refused %d times in all (%d answers 503, %d on the WebSocket), %d retries; %d clients seated only after a retry, %d still unseated at the end\n",
		r.HTTPRefusals+int(r.WSRefusals), r.HTTPRefusals, r.WSRefusals, r.Retries, r.Seated, r.Unseated)
	if r.Seated > 0 {
		fmt.Fprintf(w, "    first request to seat, clients seated after a retry: p50 %.0f ms  p99 %.0f ms  max %.0f ms\n", r.SeatMsP50, r.SeatMsP99, r.SeatMsMax)
	}
}
