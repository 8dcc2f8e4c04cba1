package main

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/tickarena/tickarena/client/netcode"
	"github.com/tickarena/tickarena/server/cpustat"
)

// reporter prints a progress line every second and computes the summary.
type reporter struct {
	cfg     config
	players []*player
	sizes   *histogram
	// counters at the last progress line, and at the start of the window
	prevUpd, prevDown []uint64
	winUpd, winDown   []uint64
	prevTicks, winTck []uint64
	winUp             []uint64
	winStart          time.Time
	winSet            chan struct{}
	cpuStart          time.Duration // the server's CPU time at winStart
	selfCPUStart      time.Duration // the load generator's CPU time at winStart
	// cpuRead and selfCPURead say that those were read: a process may have
	// used less than a clock tick by then, and a start of 0 is a reading.
	cpuRead, selfCPURead bool
	selfWait             schedWait       // the load generator's scheduling latencies at winStart
	serverStart          *serverFigures  // the server's /metrics figures at winStart; nil: unread
	winStats             []netcode.Stats // the verifying clients' counters at winStart
	api                  *api            // the API client, for its latencies; nil without -api
	retry                *retrier        // the refused clients' retries; nil without -retry-full
	// cpuTimesStart is every CPU's times at winStart; nil: unread.
	cpuTimesStart map[int]cpustat.Times
}

func newReporter(cfg config, players []*player, sizes *histogram) *reporter {
	n := len(players)
	return &reporter{
		cfg: cfg, players: players, sizes: sizes,
		prevUpd: make([]uint64, n), prevDown: make([]uint64, n),
		winUpd: make([]uint64, n), winDown: make([]uint64, n), winUp: make([]uint64, n),
		prevTicks: make([]uint64, n), winTck: make([]uint64, n),
		winStats: make([]netcode.Stats, n),
		winSet:   make(chan struct{}),
	}
}

// markWindow starts the measured window: every client has been started.
func (r *reporter) markWindow(now time.Time) {
	for i, p := range r.players {
		r.winUpd[i], r.winDown[i], r.winUp[i] = p.updates.Load(), p.bytesDown.Load(), p.bytesUp.Load()
		r.winTck[i] = p.ticks.Load()
		r.winStats[i], _ = p.stats()
	}
	r.winStart = now
	r.cpuTimesStart, _ = cpustat.Read()
	if cpu, err := processCPU(os.Getpid()); err == nil {
		r.selfCPUStart, r.selfCPURead = cpu, true
	}
	r.selfWait.begin()
	if r.cfg.API != "" && !r.cfg.Floor {
		if f, err := readServerFigures(context.Background(), r.cfg.API); err == nil {
			r.serverStart = &f
		} else {
			r.cfg.Logger.Warn("no server tick figures", "err", err)
		}
	}
	if r.cfg.PID > 0 {
		if cpu, err := processCPU(r.cfg.PID); err == nil {
			r.cpuStart, r.cpuRead = cpu, true
		} else {
			r.cfg.Logger.Warn("no server cpu figures", "err", err)
		}
	}
	close(r.winSet)
}

func (r *reporter) progress(ctx context.Context, start time.Time) {
	if r.cfg.Progress == nil {
		return
	}
	t := time.NewTicker(time.Second)
	defer t.Stop()
	last := start
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			r.line(r.cfg.Progress, now.Sub(start), now.Sub(last))
			last = now
		}
	}
}

// line prints one progress line over the last dt.
func (r *reporter) line(w io.Writer, elapsed, dt time.Duration) {
	secs := dt.Seconds()
	var connected int
	var ups, tks, kbs, rtts []float64
	var errs uint64
	var f failures
	for i, p := range r.players {
		u, d, tk := p.updates.Load(), p.bytesDown.Load(), p.ticks.Load()
		errs += p.dialErrs.Load() + p.closes.Load()
		f.add(failKind(p.failure.Load()))
		if p.welcomed.Load() {
			connected++
			ups = append(ups, float64(u-r.prevUpd[i])/secs)
			tks = append(tks, float64(tk-r.prevTicks[i])/secs)
			kbs = append(kbs, float64(d-r.prevDown[i])/secs/1024)
			if rtt := p.rttNanos.Load(); rtt > 0 {
				rtts = append(rtts, float64(rtt)/1e6)
			}
		}
		r.prevUpd[i], r.prevDown[i], r.prevTicks[i] = u, d, tk
	}
	var retries string
	if r.retry != nil {
		retries = r.retry.progress(r.players, r.api)
	}
	fmt.Fprintf(w, "%5.0fs connected %d/%d  updates/s/client p50 %.1f p1 %.1f  ticks/s/client p50 %.1f p1 %.1f  down %.2f KB/s/client  rtt p50 %.1f ms p99 %.1f ms  refused %d  timed out %d  errors %d%s\n",
		elapsed.Seconds(), connected, len(r.players), percentile(ups, 0.5), percentile(ups, 0.01), percentile(tks, 0.5), percentile(tks, 0.01),
		mean(kbs), percentile(rtts, 0.5), percentile(rtts, 0.99), f.HTTPRefused+f.WSRefused, f.HTTPTimeouts+f.WSTimeouts, errs, retries)
}

// summary is the result of a run, printed and written as JSON.
type summary struct {
	Mode      string  `json:"mode"` // "game" or "floor"
	Clients   int     `json:"clients"`
	Connected int     `json:"connected"` // playing at the end
	Seconds   float64 `json:"seconds"`   // the measured window
	// Updates (frames: deltas, or floor tick messages) per second per
	// client over the window.
	UpdatesP50  float64 `json:"updates_per_client_p50"`
	UpdatesP1   float64 `json:"updates_per_client_p1"`
	UpdatesMin  float64 `json:"updates_per_client_min"`
	UpdatesMean float64 `json:"updates_per_client_mean"`
	// Ticks per second per client over the window: the ticks the deltas
	// covered (each delta's tick advance over the one before), so that a
	// server sending a frame every k ticks (-send-rate) still shows
	// whether its clients' state keeps pace. Equal to the updates at one
	// frame a tick.
	TicksP50  float64 `json:"ticks_per_client_p50"`
	TicksP1   float64 `json:"ticks_per_client_p1"`
	TicksMin  float64 `json:"ticks_per_client_min"`
	TicksMean float64 `json:"ticks_per_client_mean"`
	// SendRate is the server's frames per second per client the held
	// criterion asks of the updates (game runs), and SendRateFrom where
	// it came from: "-send-rate", "tick spacing of the first clients" (see
	// sendRate), or "tick spacing" (the median ticks
	// per frame observed, at 30 ticks/s).
	SendRate     float64 `json:"send_rate,omitempty"`
	SendRateFrom string  `json:"send_rate_from,omitempty"`
	// Bytes per second per client, down and up.
	DownBytesPerClient float64 `json:"down_bytes_per_client_per_s"`
	UpBytesPerClient   float64 `json:"up_bytes_per_client_per_s"`
	// Size of one update (delta or floor message), 8-byte buckets.
	UpdateBytesP50 float64 `json:"update_bytes_p50"`
	UpdateBytesP99 float64 `json:"update_bytes_p99"`
	RTTP50ms       float64 `json:"rtt_ms_p50"`
	RTTP99ms       float64 `json:"rtt_ms_p99"`
	// Failed counts the clients that never got to play, by cause: refusals
	// (503/429, close 1013) apart from time-outs, on HTTP and WebSocket.
	Failed failures `json:"failed"`
	// ServerRefusals is the server's own count of the seats it refused with
	// 503 "full" over the run, by the reason it gave (its
	// tickarena_lobby_refused_full_total): which saturation signal, or the
	// seat rate, turned the clients away.
	ServerRefusals map[string]float64 `json:"server_refused_by_reason,omitempty"`
	// Retry is set with -retry-full: the clients refused that asked again,
	// how many got a seat that way and after how long, and every refusal
	// received. A client seated after a retry counts in Connected and the
	// figures as any other, and not in Failed; one still out at the end
	// counts in Failed by the last reason it was given.
	Retry *retryReport `json:"retry_full,omitempty"`
	// FailedExample holds the error of one client per cause of Failed.
	FailedExample map[string]string `json:"failed_example,omitempty"`
	// HTTPMsP50, HTTPMsP99 and HTTPMsMax are the durations of the answered
	// API calls (sessions, seats), in milliseconds.
	HTTPMsP50 float64 `json:"http_ms_p50,omitempty"`
	HTTPMsP99 float64 `json:"http_ms_p99,omitempty"`
	HTTPMsMax float64 `json:"http_ms_max,omitempty"`
	// FullMsP50, FullMsP99 and FullMsMax are those of the 503 answers alone
	// (a node saying it is full), and FullAnswers their number.
	FullAnswers  int     `json:"full_answers,omitempty"`
	FullMsP50    float64 `json:"full_ms_p50,omitempty"`
	FullMsP99    float64 `json:"full_ms_p99,omitempty"`
	FullMsMax    float64 `json:"full_ms_max,omitempty"`
	DialErrors   uint64  `json:"dial_errors"`
	Drops        uint64  `json:"drops"`
	Resyncs      uint64  `json:"resyncs"`
	DecodeErrors uint64  `json:"decode_errors"`
	Reconnects   uint64  `json:"reconnects"`
	// Verifying is the number of clients that ran the full netcode; the
	// netcode figures below are theirs.
	Verifying int `json:"verifying_clients"`
	// Prediction corrections of the own ship, per verifying client per
	// minute over the window, and the largest.
	CorrectionsPerMin float64 `json:"corrections_per_client_per_min"`
	CorrectionMax     float64 `json:"correction_max_units"`
	// UnderflowsPerMin is the interpolation underflows (frames with no
	// snapshot newer than the render time) per verifying client per minute,
	// frames drawn at the input rate (30/s); UnderflowShare is their share of
	// the frames.
	UnderflowsPerMin float64 `json:"underflows_per_client_per_min"`
	UnderflowShare   float64 `json:"underflow_share"`
	// StallUnderflowsPerMin is the part of UnderflowsPerMin on frames that
	// the load generator itself drew late (longer than the interpolation
	// delay after the previous one: its own CPU stalled them), which no
	// server or network could have avoided.
	StallUnderflowsPerMin float64 `json:"stall_underflows_per_client_per_min"`
	// LateInputTicksPerMin is, per client and minute over the window, the
	// ticks in which the server ran a client's ship on its previous input
	// because the next one had not arrived (its
	// tickarena_inputs_late_ticks_total; every client counts, not only the
	// verifying ones). Each costs a predicting client a correction unless
	// its ship stood still. -1 when the server does not say.
	LateInputTicksPerMin float64 `json:"late_input_ticks_per_client_per_min"`
	// ServerCPUs, LoadgenCPUs and MachineCPUs are the CPUs the server and the
	// load generator may run on (their affinity, as taskset sets it) and the
	// machine's online CPUs, in Linux's list format ("0", "1-3").
	ServerCPUs string `json:"server_cpus,omitempty"`
	// ServerCPUTime is how the server's CPUs spent the window, all
	// processes together (/proc/stat): time the hypervisor stole from them
	// makes a slow spell, and interrupt time on loopback is mostly network
	// work for the processes there (their own CPU time includes part of
	// it). Nil when unknown (not Linux, or the server may run on every
	// CPU).
	ServerCPUTime *cpustat.Shares `json:"server_cpu_time,omitempty"`
	// LoadgenCores is the load generator's own CPU time over the window as
	// a number of cores: below 1, one core drove the clients.
	LoadgenCores float64 `json:"loadgen_cores,omitempty"`
	// LoadgenWaitP50ms and LoadgenWaitP99ms are how long the load
	// generator's goroutines waited for its CPU once runnable over the window
	// (Go's scheduling latency, by histogram bucket): tens of milliseconds
	// mean its own delays are in the frame rates, round trips and netcode
	// figures it reports.
	LoadgenWaitP50ms float64 `json:"loadgen_sched_wait_ms_p50,omitempty"`
	LoadgenWaitP99ms float64 `json:"loadgen_sched_wait_ms_p99,omitempty"`
	LoadgenCPUs      string  `json:"loadgen_cpus,omitempty"`
	MachineCPUs      string  `json:"machine_cpus,omitempty"`
	// ServerCPU is the server's CPU time over the window as a number of
	// cores, and per 1,000 clients (with -pid).
	ServerCores        float64 `json:"server_cores,omitempty"`
	ServerCoresPer1000 float64 `json:"server_cores_per_1000_clients,omitempty"`
	// ServerRSSMB and ServerPeakRSSMB are the server's resident memory at the
	// end and its peak, in MiB (with -pid).
	ServerRSSMB     float64 `json:"server_rss_mib,omitempty"`
	ServerPeakRSSMB float64 `json:"server_peak_rss_mib,omitempty"`
	// TickP50ms and TickP99ms are the server's tick durations over the window,
	// from its /metrics histogram (upper bucket bounds), in milliseconds (with -api).
	TickP50ms float64 `json:"tick_ms_p50,omitempty"`
	TickP99ms float64 `json:"tick_ms_p99,omitempty"`
	// TickP50Beyond and TickP99Beyond are set when that quantile fell in
	// the histogram's last (+Inf) bucket: the figure above is then the
	// largest finite bound, which the ticks exceeded (JSON has no +Inf).
	TickP50Beyond bool `json:"tick_ms_p50_beyond_last_bucket,omitempty"`
	TickP99Beyond bool `json:"tick_ms_p99_beyond_last_bucket,omitempty"`
	// NetWaitP50ms and NetWaitP99ms are how long what the network woke
	// waited to run on the server over the window — at least what a lobby
	// request, its 503 "full" included, waits there — from its /metrics
	// histogram (upper bucket bounds; NetWaitP99Beyond: past the last), in
	// milliseconds (with -api, against a server that measures it).
	NetWaitP50ms     float64 `json:"network_wait_ms_p50,omitempty"`
	NetWaitP99ms     float64 `json:"network_wait_ms_p99,omitempty"`
	NetWaitP99Beyond bool    `json:"network_wait_ms_p99_beyond_last_bucket,omitempty"`
	LastError        string  `json:"last_error,omitempty"`
	// TickBudgetMS is the tick p99 up to which the run counts as held.
	TickBudgetMS float64 `json:"tick_budget_ms,omitempty"`
	// Held is set when the server held every client: all of them playing at
	// the end at p1 ≥ 29.5 updates/s (a game server at p1 ≥ 29.5 ticks/s
	// and ≥ 29.5/30 of its send rate in updates/s), nobody refused, timed out or dropped,
	// and (for the game) the tick p99 within the budget. NotHeld says why not.
	Held    bool     `json:"held"`
	NotHeld []string `json:"not_held,omitempty"`
	VsFloor *ratios  `json:"vs_floor,omitempty"`
	// Soak holds the readings taken every -sample and the RSS verdict.
	Soak *soakReport `json:"soak,omitempty"`
	// Verified is set with -verify when every client's mirror stayed consistent.
	Verified       *bool    `json:"verified,omitempty"`
	VerifyFailures []string `json:"verify_failures,omitempty"`
	// VerifiersApart is set when the verifying clients ran in a process of
	// their own (-verify-apart); VerifierCores and VerifierWait are that
	// process's CPU and its goroutines' waits for it, as LoadgenCores and
	// LoadgenWait are the light clients'.
	VerifiersApart    bool    `json:"verifiers_apart,omitempty"`
	VerifierCores     float64 `json:"verifier_cores,omitempty"`
	VerifierWaitP50ms float64 `json:"verifier_sched_wait_ms_p50,omitempty"`
	VerifierWaitP99ms float64 `json:"verifier_sched_wait_ms_p99,omitempty"`
	VerifierNice      int     `json:"verifier_nice,omitempty"`
	// VerifierFullAnswers and VerifierFullMs are the 503 "full" answers
	// the verifying clients' process got (its refused clients' retries
	// included) and their durations: that process is not kept waiting by
	// the light clients' load, so these say how fast the node answered,
	// where FullMs also holds the light clients' process's own delays.
	VerifierFullAnswers int     `json:"verifier_full_answers,omitempty"`
	VerifierFullMsP50   float64 `json:"verifier_full_ms_p50,omitempty"`
	VerifierFullMsP99   float64 `json:"verifier_full_ms_p99,omitempty"`
	VerifierFullMsMax   float64 `json:"verifier_full_ms_max,omitempty"`
	// Nice is the nice value this process ran at, when it set one (-nice).
	Nice int `json:"nice,omitempty"`
}

func (r *reporter) summary(now time.Time) *summary {
	<-r.winSet
	secs := now.Sub(r.winStart).Seconds()
	s := &summary{Mode: "game", Clients: len(r.players), Seconds: secs, Nice: r.cfg.Nice}
	if r.cfg.Floor {
		s.Mode = "floor"
	}
	var ups, tks, rtts []float64
	var down, up float64
	var corrections, underflows, stalls, frames uint64
	for i, p := range r.players {
		down += float64(p.bytesDown.Load()-r.winDown[i]) / secs
		up += float64(p.bytesUp.Load()-r.winUp[i]) / secs
		if p.welcomed.Load() {
			s.Connected++
			over, rated := secs, true
			if r.retry != nil {
				over, rated = ratedOver(p, r.winStart, now, secs)
			}
			if rated {
				ups = append(ups, float64(p.updates.Load()-r.winUpd[i])/over)
				tks = append(tks, float64(p.ticks.Load()-r.winTck[i])/over)
			}
		}
		if rtt := p.rttNanos.Load(); rtt > 0 {
			rtts = append(rtts, float64(rtt)/1e6)
		}
		s.DialErrors += p.dialErrs.Load()
		s.Drops += p.closes.Load()
		if p.started.Load() && !p.everWelcomed() {
			// Neither welcomed nor refused by the end of the window: the
			// server did not answer the upgrade or the hello in time.
			p.fail(failWSTimeout, fmt.Errorf("client %d: no welcome by the end of the run", p.id))
		}
		k := failKind(p.failure.Load())
		s.Failed.add(k)
		e, _ := p.lastErr.Load().(string)
		if e != "" {
			s.LastError = e
		}
		if k != failNone && e != "" {
			if s.FailedExample == nil {
				s.FailedExample = map[string]string{}
			}
			if _, seen := s.FailedExample[k.String()]; !seen {
				s.FailedExample[k.String()] = e
			}
		}
		if st, ok := p.stats(); ok {
			w := r.winStats[i]
			s.Verifying++
			s.Resyncs += st.Resyncs
			s.DecodeErrors += st.DecodeErrors
			s.Reconnects += st.Reconnects
			corrections += st.Corrections - w.Corrections
			underflows += st.Underflows - w.Underflows
			stalls += st.StallUnderflows - w.StallUnderflows
			frames += st.Frames - w.Frames
			s.CorrectionMax = max(s.CorrectionMax, st.CorrectionMax)
		}
	}
	n := float64(len(r.players))
	s.UpdatesMean = mean(ups)
	s.UpdatesP50, s.UpdatesP1, s.UpdatesMin = percentile(ups, 0.5), percentile(ups, 0.01), percentile(ups, 0)
	s.TicksMean = mean(tks)
	s.TicksP50, s.TicksP1, s.TicksMin = percentile(tks, 0.5), percentile(tks, 0.01), percentile(tks, 0)
	if !r.cfg.Floor {
		s.SendRate, s.SendRateFrom = sendRate(r.cfg.SendRate, earlySpacing(r.players), s.TicksP50, s.UpdatesP50)
	}
	s.DownBytesPerClient, s.UpBytesPerClient = down/n, up/n
	s.UpdateBytesP50, s.UpdateBytesP99 = r.sizes.quantile(0.5), r.sizes.quantile(0.99)
	s.RTTP50ms, s.RTTP99ms = percentile(rtts, 0.5), percentile(rtts, 0.99)
	if elapsed := now.Sub(r.winStart).Minutes(); elapsed > 0 && s.Verifying > 0 {
		s.CorrectionsPerMin = float64(corrections) / float64(s.Verifying) / elapsed
		s.UnderflowsPerMin = float64(underflows) / float64(s.Verifying) / elapsed
		s.StallUnderflowsPerMin = float64(stalls) / float64(s.Verifying) / elapsed
	}
	if frames > 0 {
		s.UnderflowShare = float64(underflows) / float64(frames)
	}
	if r.retry != nil {
		s.Retry = r.retry.report(r.players, r.api)
	}
	if r.api != nil {
		s.HTTPMsP50, s.HTTPMsP99, s.HTTPMsMax = r.api.lat.quantiles()
		s.FullAnswers = r.api.full.count()
		s.FullMsP50, s.FullMsP99, s.FullMsMax = r.api.full.quantiles()
	}
	s.LoadgenCPUs, _ = cpustat.Allowed(os.Getpid())
	if cpu, err := processCPU(os.Getpid()); err == nil && r.selfCPURead {
		s.LoadgenCores = (cpu - r.selfCPUStart).Seconds() / secs
	}
	s.LoadgenWaitP50ms, s.LoadgenWaitP99ms = r.selfWait.quantilesMS()
	s.MachineCPUs = cpustat.Online()
	if r.cfg.PID > 0 {
		if cpu, err := processCPU(r.cfg.PID); err == nil && r.cpuRead {
			s.ServerCores = (cpu - r.cpuStart).Seconds() / secs
			s.ServerCoresPer1000 = s.ServerCores / n * 1000
		}
		if rss, peak, err := processMemory(r.cfg.PID); err == nil {
			s.ServerRSSMB, s.ServerPeakRSSMB = float64(rss)/(1<<20), float64(peak)/(1<<20)
		}
		s.ServerCPUs, _ = cpustat.Allowed(r.cfg.PID)
		s.ServerCPUTime = r.serverCPUShares(s.ServerCPUs)
	}
	s.LateInputTicksPerMin = -1
	if before := r.serverStart; before != nil {
		if after, err := readServerFigures(context.Background(), r.cfg.API); err == nil {
			if before.late >= 0 && after.late >= 0 && secs > 0 {
				s.LateInputTicksPerMin = (after.late - before.late) / n / (secs / 60)
			}
			s.TickP50ms, s.TickP50Beyond = tickQuantileMS(before.ticks, after.ticks, 0.5)
			s.TickP99ms, s.TickP99Beyond = tickQuantileMS(before.ticks, after.ticks, 0.99)
			if len(before.netWait) > 0 {
				s.NetWaitP50ms, _ = tickQuantileMS(before.netWait, after.netWait, 0.5)
				s.NetWaitP99ms, s.NetWaitP99Beyond = tickQuantileMS(before.netWait, after.netWait, 0.99)
			}
		}
	}
	if b := r.cfg.Baseline; b != nil {
		s.VsFloor = compare(s, b)
	}
	s.judge(r.cfg.TickBudget)
	return s
}

// heldUpdates is the p1 of updates per second per client a held run
// reaches at a frame every tick, and the p1 of ticks per second per client
// at any send rate.
const heldUpdates = 29.5

// heldTickRate is the tick rate heldUpdates is for: the server's default.
const heldTickRate = 30

// sendRate returns the frames per second per client a game server sends,
// and where it comes from: flag when set (-send-rate); else heldTickRate
// over the ticks per delta of the first clients' first deltas (early, see
// earlySpacing), when there are any; else over the median ticks per client
// and second over the median frames, rounded to whole ticks per frame.
//
// The window's own spacing is no measure of the server's send rate: a
// server that falls behind skips frames, its deltas then cover more ticks
// each, and a send rate learned from them would excuse the very frames
// it failed to send.
func sendRate(flag int, early, ticksP50, updatesP50 float64) (float64, string) {
	if flag > 0 {
		return float64(flag), "-send-rate"
	}
	if early > 0 {
		// Half-tick spacings are real (a send rate that does not divide
		// the tick rate alternates two gaps); anything else is rounding.
		return heldTickRate / max(math.Round(early*2)/2, 1), "tick spacing of the first clients"
	}
	k := 1.0
	if updatesP50 > 0 && ticksP50 > updatesP50 {
		k = math.Round(ticksP50 / updatesP50)
	}
	return heldTickRate / k, "tick spacing"
}

// earlySpacing returns the ticks per delta of the first deltas of the first
// clients welcomed (a twentieth of them, at least one): the server's send
// spacing while it served few players, before the load the run measures.
// 0 when none of them got earlyDeltas deltas.
func earlySpacing(players []*player) float64 {
	var first []*player
	for _, p := range players {
		if p.everWelcomed() && p.earlyDeltas.Load() >= earlyDeltas {
			first = append(first, p)
		}
	}
	if len(first) == 0 {
		return 0
	}
	slices.SortFunc(first, func(a, b *player) int { return cmp.Compare(a.welcomedAt.Load(), b.welcomedAt.Load()) })
	first = first[:max(len(first)/20, 1)]
	var ticks, deltas float64
	for _, p := range first {
		ticks += float64(p.earlyTicks.Load())
		deltas += float64(p.earlyDeltas.Load())
	}
	return ticks / deltas
}

// judge decides whether the run held its clients (see summary.Held).
func (s *summary) judge(budget time.Duration) {
	var why []string
	if s.Connected < s.Clients {
		why = append(why, fmt.Sprintf("%d of %d clients playing at the end", s.Connected, s.Clients))
	}
	switch {
	case s.Connected == 0:
	case s.SendRate == 0: // the floor, one frame a tick: frames alone
		if s.UpdatesP1 < heldUpdates {
			why = append(why, fmt.Sprintf("updates/s p1 %.1f < %.1f", s.UpdatesP1, heldUpdates))
		}
	default:
		// The state keeps pace (ticks), and the frames come at the send
		// rate: heldUpdates/heldTickRate of it, as at one frame a tick.
		if s.TicksP1 < heldUpdates {
			why = append(why, fmt.Sprintf("ticks/s p1 %.1f < %.1f", s.TicksP1, heldUpdates))
		}
		if want := heldUpdates * s.SendRate / heldTickRate; s.UpdatesP1 < want {
			why = append(why, fmt.Sprintf("updates/s p1 %.1f < %.2f (send rate %g/s, %s)", s.UpdatesP1, want, s.SendRate, s.SendRateFrom))
		}
	}
	f := s.Failed
	if refused := f.HTTPRefused + f.WSRefused; refused > 0 {
		why = append(why, fmt.Sprintf("%d refused", refused))
	}
	if s.Retry != nil && s.Retry.Seated > 0 {
		why = append(why, fmt.Sprintf("%d seated only after a retry", s.Retry.Seated))
	}
	if timeouts := f.HTTPTimeouts + f.WSTimeouts; timeouts > 0 {
		why = append(why, fmt.Sprintf("%d timed out", timeouts))
	}
	if errs := f.HTTPErrors + f.WSErrors + f.NotStarted; errs > 0 {
		why = append(why, fmt.Sprintf("%d failed to connect", errs))
	}
	if s.Drops > 0 {
		why = append(why, fmt.Sprintf("%d dropped", s.Drops))
	}
	if s.Mode == "game" {
		s.TickBudgetMS = float64(budget) / float64(time.Millisecond)
		switch {
		case s.TickP99ms == 0:
			why = append(why, "no server tick figures")
		case s.TickP99Beyond || s.TickP99ms > s.TickBudgetMS:
			why = append(why, fmt.Sprintf("tick p99 %s %.1f ms over the %.1f ms budget", bound(s.TickP99Beyond), s.TickP99ms, s.TickBudgetMS))
		}
	}
	s.Held, s.NotHeld = len(why) == 0, why
}

// ratios are a run's figures divided by the same figures of a floor run.
type ratios struct {
	// CPU is server cores per 1,000 clients over the floor's (with -pid on both).
	CPU float64 `json:"cpu,omitempty"`
	// Updates is the median updates per client per second over the floor's.
	Updates float64 `json:"updates"`
	// Down is bytes down per client over the floor's.
	Down float64 `json:"down_bytes"`
	// RTT is the median RTT over the floor's.
	RTT float64 `json:"rtt,omitempty"`
}

func compare(s, floor *summary) *ratios {
	div := func(a, b float64) float64 {
		if b == 0 {
			return 0
		}
		return a / b
	}
	return &ratios{
		CPU:     div(s.ServerCoresPer1000, floor.ServerCoresPer1000),
		Updates: div(s.UpdatesP50, floor.UpdatesP50),
		Down:    div(s.DownBytesPerClient, floor.DownBytesPerClient),
		RTT:     div(s.RTTP50ms, floor.RTTP50ms),
	}
}

// readSummary reads a summary written with -json.
func readSummary(path string) (*summary, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read summary: %w", err)
	}
	var s summary
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("read summary %s: %w", path, err)
	}
	return &s, nil
}

// verify checks every client's mirror: no delta failed to apply, every
// message decoded, and the own ship is in the mirror. A client seated
// after a retry at the very end of the run (-retry-full) may have had no
// delta yet: that is not held against it.
func (s *summary) verify(players []*player) {
	ok := true
	end := time.Now()
	for _, p := range players {
		if p.nc == nil || failKind(p.failure.Load()) != failNone {
			continue // a light client, or one that never got in (counted apart)
		}
		p.mu.Lock()
		st := p.nc.Stats()
		ship := p.nc.Ship()
		found := p.nc.Mirror().Find(ship) != nil
		deltas := st.Deltas
		p.mu.Unlock()
		var why string
		switch {
		case st.Resyncs > 0:
			why = fmt.Sprintf("%d deltas did not apply to the mirror", st.Resyncs)
		case st.DecodeErrors > 0:
			why = fmt.Sprintf("%d messages did not decode", st.DecodeErrors)
		case deltas == 0 && p.seatedLate(end):
		case deltas == 0:
			why = "no delta received"
		case !found:
			why = fmt.Sprintf("own ship %d missing from the mirror", ship)
		}
		if why != "" {
			ok = false
			if len(s.VerifyFailures) < 20 {
				s.VerifyFailures = append(s.VerifyFailures, fmt.Sprintf("client %d: %s", p.id, why))
			}
		}
	}
	s.Verified = &ok
}

// print writes the summary for people.
func (s *summary) print(w io.Writer) {
	fmt.Fprintf(w, "summary (%s): %d/%d clients connected over %.1f s\n", s.Mode, s.Connected, s.Clients, s.Seconds)
	fmt.Fprintf(w, "  updates/s per client: p50 %.1f  p1 %.1f  min %.1f  mean %.1f\n", s.UpdatesP50, s.UpdatesP1, s.UpdatesMin, s.UpdatesMean)
	fmt.Fprintf(w, "  ticks/s per client (covered by the deltas): p50 %.1f  p1 %.1f  min %.1f  mean %.1f\n", s.TicksP50, s.TicksP1, s.TicksMin, s.TicksMean)
	if s.SendRate > 0 {
		fmt.Fprintf(w, "  send rate: %g frames/s per client (%s)\n", s.SendRate, s.SendRateFrom)
	}
	fmt.Fprintf(w, "  per client: down %.0f B/s  up %.0f B/s;  update size p50 %.0f B  p99 %.0f B\n", s.DownBytesPerClient, s.UpBytesPerClient, s.UpdateBytesP50, s.UpdateBytesP99)
	fmt.Fprintf(w, "  rtt p50 %.1f ms  p99 %.1f ms\n", s.RTTP50ms, s.RTTP99ms)
	f := s.Failed
	fmt.Fprintf(w, "  not in: http refused %d  http timed out %d  http errors %d  ws refused %d  ws timed out %d  ws errors %d  not started %d\n",
		f.HTTPRefused, f.HTTPTimeouts, f.HTTPErrors, f.WSRefused, f.WSTimeouts, f.WSErrors, f.NotStarted)
	if len(s.ServerRefusals) > 0 {
		reasons := slices.Sorted(maps.Keys(s.ServerRefusals))
		parts := make([]string, len(reasons))
		for i, r := range reasons {
			parts[i] = fmt.Sprintf("%s %.0f", r, s.ServerRefusals[r])
		}
		fmt.Fprintf(w, "    the server refused, by the reason it gave: %s\n", strings.Join(parts, ", "))
	}
	for _, k := range []failKind{failHTTPRefused, failHTTPTimeout, failHTTPError, failWSRefused, failWSTimeout, failWSError, failNotStarted} {
		if e, ok := s.FailedExample[k.String()]; ok {
			fmt.Fprintf(w, "    %s, e.g.: %s\n", k, e)
		}
	}
	if s.Retry != nil {
		s.Retry.print(w)
	}
	if s.HTTPMsMax > 0 {
		fmt.Fprintf(w, "  http answers: p50 %.1f ms  p99 %.1f ms  max %.1f ms\n", s.HTTPMsP50, s.HTTPMsP99, s.HTTPMsMax)
	}
	if s.FullAnswers > 0 {
		fmt.Fprintf(w, "    of which 503 full: %d, p50 %.1f ms  p99 %.1f ms  max %.1f ms\n", s.FullAnswers, s.FullMsP50, s.FullMsP99, s.FullMsMax)
	}
	if s.VerifierFullAnswers > 0 {
		fmt.Fprintf(w, "    503 full to the verifying clients' process (nice %d, not kept waiting by the light clients): %d, p50 %.1f ms  p99 %.1f ms  max %.1f ms\n",
			s.VerifierNice, s.VerifierFullAnswers, s.VerifierFullMsP50, s.VerifierFullMsP99, s.VerifierFullMsMax)
	}
	fmt.Fprintf(w, "  errors: dial %d  drops %d  resyncs %d  decode %d  reconnects %d\n", s.DialErrors, s.Drops, s.Resyncs, s.DecodeErrors, s.Reconnects)
	if s.Mode == "game" {
		fmt.Fprintf(w, "  netcode (%d verifying clients): %.2f corrections/min/client, largest %.1f units; %.2f interpolation underflows/min/client (%.2f%% of frames; %.2f on frames the load generator drew late)\n",
			s.Verifying, s.CorrectionsPerMin, s.CorrectionMax, s.UnderflowsPerMin, 100*s.UnderflowShare, s.StallUnderflowsPerMin)
		if s.VerifiersApart {
			fmt.Fprintf(w, "    the verifying clients ran in a process of their own (nice %d): %.2f cores, waits for its CPU p50 %s ms  p99 %s ms%s\n",
				s.VerifierNice, s.VerifierCores, fmtMS(s.VerifierWaitP50ms), fmtMS(s.VerifierWaitP99ms), loadgenBusyNote(s.VerifierWaitP99ms))
		}
		if s.LateInputTicksPerMin >= 0 {
			fmt.Fprintf(w, "  inputs late at the server: %.2f ticks/min/client ran on the previous input\n", s.LateInputTicksPerMin)
		}
	}
	if s.ServerCPUs != "" || s.LoadgenCPUs != "" {
		fmt.Fprintf(w, "  cpus: server %s, load generator %s (using %.2f cores), machine %s\n", orDash(s.ServerCPUs), orDash(s.LoadgenCPUs), s.LoadgenCores, orDash(s.MachineCPUs))
	}
	if c := s.ServerCPUTime; c != nil {
		fmt.Fprintf(w, "    the server's CPUs over the window, every process: running %.0f%%  interrupts %.0f%%  stolen by the hypervisor %.0f%%  idle %.0f%%%s\n",
			100*c.Busy, 100*c.IRQ, 100*c.Steal, 100*c.Idle, stealNote(c))
	}
	if s.LoadgenWaitP99ms > 0 {
		fmt.Fprintf(w, "  load generator's own waits for its CPU: p50 %s ms  p99 %s ms%s\n", fmtMS(s.LoadgenWaitP50ms), fmtMS(s.LoadgenWaitP99ms), loadgenBusyNote(s.LoadgenWaitP99ms))
	}
	if s.ServerCores > 0 {
		fmt.Fprintf(w, "  server cpu: %.3f cores, %.3f cores per 1000 clients\n", s.ServerCores, s.ServerCoresPer1000)
	}
	if s.ServerRSSMB > 0 {
		fmt.Fprintf(w, "  server memory: rss %.1f MiB, peak %.1f MiB\n", s.ServerRSSMB, s.ServerPeakRSSMB)
	}
	if s.TickP99ms > 0 {
		fmt.Fprintf(w, "  server tick: p50 %s %.2f ms  p99 %s %.2f ms\n", bound(s.TickP50Beyond), s.TickP50ms, bound(s.TickP99Beyond), s.TickP99ms)
	}
	if s.NetWaitP99ms > 0 {
		fmt.Fprintf(w, "  server's network waits (what a lobby request or an input waits to run there): p50 ≤ %.1f ms  p99 %s %.1f ms\n", s.NetWaitP50ms, bound(s.NetWaitP99Beyond), s.NetWaitP99ms)
	}
	if v := s.VsFloor; v != nil {
		fmt.Fprintf(w, "  vs floor: cpu ×%.2f  updates ×%.2f  bytes down ×%.2f  rtt ×%.2f\n", v.CPU, v.Updates, v.Down, v.RTT)
	}
	if s.LastError != "" {
		fmt.Fprintf(w, "  last error: %s\n", s.LastError)
	}
	if s.Held {
		fmt.Fprintf(w, "  held: yes\n")
	} else {
		fmt.Fprintf(w, "  held: no (%s)\n", strings.Join(s.NotHeld, "; "))
	}
	if s.Soak != nil {
		s.Soak.print(w)
	}
	if s.Verified != nil {
		fmt.Fprintf(w, "  verify: %v\n", *s.Verified)
		for _, f := range s.VerifyFailures {
			fmt.Fprintf(w, "    %s\n", f)
		}
	}
}

// errors is the number of client-visible failures of the run: connections
// refused or dropped, deltas that did not apply, messages that did not decode.
func (s *summary) errors() uint64 {
	return s.DialErrors + s.Failed.total() + s.Drops + s.Resyncs + s.DecodeErrors
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// soakFailed reports why a soak run failed, or "" when it passed or was no soak.
func (s *summary) soakFailed() string {
	switch {
	case s.Soak == nil:
		return ""
	case !s.Soak.RSSFlat:
		return fmt.Sprintf("server RSS not flat within ±%.0f%% after the warm-up", rssTolerance*100)
	case s.errors() > 0:
		return fmt.Sprintf("%d errors", s.errors())
	}
	return ""
}

// bound is how the text report qualifies a tick quantile: at most the
// bucket's bound, or beyond the last finite bound.
func bound(beyond bool) string {
	if beyond {
		return ">"
	}
	return "≤"
}

// writeJSON writes the summary to path.
func (s *summary) writeJSON(path string) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("encode summary: %w", err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write summary: %w", err)
	}
	return nil
}

func mean(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	var s float64
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

// serverCPUShares is how the server's CPUs (list, Linux's format) spent the
// window, or nil when unknown or when the server may run on every CPU of
// the machine: what the load generator does there would be in the figures.
func (r *reporter) serverCPUShares(list string) *cpustat.Shares {
	if r.cpuTimesStart == nil || list == "" || list == cpustat.Online() {
		return nil
	}
	cpus, err := cpustat.ParseList(list)
	if err != nil {
		return nil
	}
	now, err := cpustat.Read()
	if err != nil {
		return nil
	}
	s, ok := cpustat.Between(r.cpuTimesStart, now, cpus)
	if !ok {
		return nil
	}
	return &s
}

// stealNotable is the share of the server's CPUs stolen by the hypervisor
// from which a report calls the run a slow spell.
const stealNotable = 0.05

// stealNote flags a window in which the hypervisor took a notable share of
// the server's CPUs.
func stealNote(c *cpustat.Shares) string {
	if c == nil || c.Steal < stealNotable {
		return ""
	}
	return fmt.Sprintf(" (a slow spell: the hypervisor gave %.0f%% of their time to others)", 100*c.Steal)
}
