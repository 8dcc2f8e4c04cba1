package leaderboard

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Errors returned by Writer.Enqueue.
var (
	// ErrQueueFull means the write queue is at capacity; the result was not taken.
	ErrQueueFull = errors.New("leaderboard write queue full")
	// ErrWriterClosed means Close was called; the result was not taken.
	ErrWriterClosed = errors.New("leaderboard writer closed")
)

// Recorder is the part of a Store a Writer needs.
type Recorder interface {
	Record(ctx context.Context, r RoundResult) error
}

// WriterOptions configures NewWriter. The zero value works.
type WriterOptions struct {
	// QueueSize is how many results may wait to be written. Default 1024.
	QueueSize int
	// MinBackoff is the wait after the first failed write. Default 100ms.
	MinBackoff time.Duration
	// MaxBackoff caps the wait between retries, which doubles each time. Default 10s.
	MaxBackoff time.Duration
	// WriteTimeout bounds one Record call. Default 30s.
	WriteTimeout time.Duration
	// Logger receives failed writes. Default slog.Default().
	Logger *slog.Logger
	// MaxQueuedRecordings bounds the results waiting with a recording not
	// yet encoded (each holds the round's uncompressed inputs, up to a few
	// MB): past it, a result is queued without its recording and recorded
	// without a replay. Default 64.
	MaxQueuedRecordings int
	// Health learns of permanent store failures (IsPermanent); once it is
	// failed the writer takes no more results and drops those queued instead
	// of retrying writes that cannot succeed. Default: a Health of the
	// writer's own that logs the failure.
	Health *Health
}

func (o WriterOptions) withDefaults() WriterOptions {
	if o.QueueSize <= 0 {
		o.QueueSize = 1024
	}
	if o.MinBackoff <= 0 {
		o.MinBackoff = 100 * time.Millisecond
	}
	if o.MaxBackoff < o.MinBackoff {
		o.MaxBackoff = max(10*time.Second, o.MinBackoff)
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = 30 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.MaxQueuedRecordings <= 0 {
		o.MaxQueuedRecordings = 64
	}
	if o.Health == nil {
		log := o.Logger
		o.Health = NewHealth(func(err error) {
			log.Error("leaderboard store failed: round results are no longer recorded", "err", err)
		})
	}
	return o
}

// Writer records round results in the background so that a room goroutine
// never waits on storage. Results wait in a bounded queue drained by one
// goroutine, which retries transiently failed writes (a locked database, the
// network) with exponential backoff until they succeed, are rejected as
// invalid, or Close gives up. A permanent failure (IsPermanent: read-only,
// corrupt, disk full) is not retried: it fails the writer's Health, the
// results waiting are dropped, and Enqueue refuses new ones.
type Writer struct {
	rec  Recorder
	opts WriterOptions

	mu     sync.RWMutex // guards closed against sends on queue
	closed bool
	queue  chan RoundResult

	stopping  chan struct{} // closed by Close: drain and exit
	abort     chan struct{} // closed when Close's context ends: give up
	abortOnce sync.Once
	done      chan struct{} // closed when the goroutine exits

	pending     atomic.Int64 // queued + being written
	lastLatency atomic.Int64 // nanoseconds
	written     atomic.Int64
	dropped     atomic.Int64
	failures    atomic.Int64
	recordings  atomic.Int64 // queued results holding a Recording
	noReplay    atomic.Int64 // recordings left out: queue of recordings full, or too large
}

// NewWriter starts a writer that records into rec.
func NewWriter(rec Recorder, opts WriterOptions) *Writer {
	opts = opts.withDefaults()
	w := &Writer{
		rec:      rec,
		opts:     opts,
		queue:    make(chan RoundResult, opts.QueueSize),
		stopping: make(chan struct{}),
		abort:    make(chan struct{}),
		done:     make(chan struct{}),
	}
	go w.run()
	return w
}

// Enqueue hands a result to the writer. It never blocks: it returns
// ErrQueueFull when the queue is at capacity, ErrWriterClosed after Close, and
// the store's failure (errors.Is ErrStoreFailed) once the store has failed.
func (w *Writer) Enqueue(r RoundResult) error {
	w.mu.RLock()
	defer w.mu.RUnlock()
	if w.closed {
		return ErrWriterClosed
	}
	if err := w.opts.Health.Err(); err != nil {
		w.dropped.Add(1)
		return err
	}
	if r.Recording != nil && w.recordings.Add(1) > int64(w.opts.MaxQueuedRecordings) {
		w.recordings.Add(-1)
		r.Recording, r.recordingDropped = nil, true
	}
	// Count first so that Depth never sees the writer finish a result it
	// has not counted yet.
	w.pending.Add(1)
	select {
	case w.queue <- r:
		return nil
	default:
		w.pending.Add(-1)
		if r.Recording != nil {
			w.recordings.Add(-1)
		}
		return ErrQueueFull
	}
}

// Close stops taking results and waits until every queued result is
// written. When ctx ends first it abandons the rest and returns an error
// saying how many results were not written.
func (w *Writer) Close(ctx context.Context) error {
	w.mu.Lock()
	already := w.closed
	w.closed = true
	w.mu.Unlock()
	if !already {
		close(w.stopping)
	}
	select {
	case <-w.done:
		return nil
	case <-ctx.Done():
	}
	w.abortOnce.Do(func() { close(w.abort) })
	<-w.done
	if n := w.dropped.Load(); n > 0 {
		return fmt.Errorf("leaderboard writer: %d results not written: %w", n, ctx.Err())
	}
	return nil
}

// Depth returns the number of results queued or being written.
func (w *Writer) Depth() int { return int(w.pending.Load()) }

// LastLatency returns how long the last successful Record call took.
func (w *Writer) LastLatency() time.Duration { return time.Duration(w.lastLatency.Load()) }

// Written returns the number of results recorded so far.
func (w *Writer) Written() int64 { return w.written.Load() }

// Failures returns the number of failed Record calls, retried or not.
func (w *Writer) Failures() int64 { return w.failures.Load() }

// ReplaysLeftOut returns the number of results recorded without their
// recording: too many were waiting (MaxQueuedRecordings), or the file was
// over MaxReplaySize.
func (w *Writer) ReplaysLeftOut() int64 { return w.noReplay.Load() }

// Dropped returns the number of results given up on: rejected as invalid,
// refused or dropped because the store failed, or abandoned when Close's
// context ended.
func (w *Writer) Dropped() int64 { return w.dropped.Load() }

func (w *Writer) run() {
	defer close(w.done)
	for {
		select {
		case r := <-w.queue:
			w.write(r)
		case <-w.stopping:
			for {
				select {
				case r := <-w.queue:
					w.write(r)
				default:
					return
				}
			}
		}
	}
}

// write records r, retrying until it succeeds, is invalid, or Close aborts.
func (w *Writer) write(r RoundResult) {
	defer w.pending.Add(-1)
	w.encodeReplay(&r)
	backoff := w.opts.MinBackoff
	for attempt := 1; ; attempt++ {
		select {
		case <-w.abort:
			w.dropped.Add(1)
			w.opts.Logger.Error("leaderboard result abandoned at shutdown", "round", r.ID)
			return
		default:
		}
		if w.opts.Health.Err() != nil {
			// Logged once, when the store failed; the write cannot succeed.
			w.dropped.Add(1)
			return
		}
		err := w.record(r)
		if err == nil {
			w.written.Add(1)
			return
		}
		w.failures.Add(1)
		if errors.Is(err, ErrInvalidResult) {
			w.dropped.Add(1)
			w.opts.Logger.Error("leaderboard result rejected", "round", r.ID, "err", err)
			return
		}
		if w.opts.Health.Report(err) {
			w.dropped.Add(1)
			return
		}
		w.opts.Logger.Warn("leaderboard write failed, retrying", "round", r.ID, "attempt", attempt, "backoff", backoff, "err", err)
		t := time.NewTimer(backoff)
		select {
		case <-t.C:
		case <-w.abort:
			t.Stop()
		}
		backoff = min(2*backoff, w.opts.MaxBackoff)
	}
}

// record makes one Record call, cancelled if Close aborts.
func (w *Writer) record(r RoundResult) error {
	ctx, cancel := context.WithTimeout(context.Background(), w.opts.WriteTimeout)
	defer cancel()
	go func() {
		select {
		case <-w.abort:
			cancel()
		case <-ctx.Done():
		}
	}()
	start := time.Now()
	err := w.rec.Record(ctx, r)
	if err == nil {
		w.lastLatency.Store(int64(time.Since(start)))
	}
	return err
}

// encodeReplay compresses r's recording into r.Replay, here on the writer's
// goroutine rather than on the room's. A replay too large to keep is left
// out: the result is still recorded, saying it has none.
func (w *Writer) encodeReplay(r *RoundResult) {
	rec := r.Recording
	r.Recording = nil
	if r.recordingDropped {
		w.noReplay.Add(1)
		w.opts.Logger.Warn("round recorded without its replay: too many recordings waiting to be written", "round", r.ID, "limit", w.opts.MaxQueuedRecordings)
	}
	if rec == nil {
		return
	}
	w.recordings.Add(-1)
	b := rec.Encode()
	if len(b) > MaxReplaySize {
		w.noReplay.Add(1)
		w.opts.Logger.Warn("round replay too large to keep; recording the result without it", "round", r.ID, "bytes", len(b), "limit", MaxReplaySize)
		return
	}
	r.Replay = b
	if rate := rec.Meta.Rules.TickRate; rate > 0 {
		r.ReplayDuration = time.Duration(rec.Ticks()) * time.Second / time.Duration(rate)
	}
}
