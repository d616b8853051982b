package sim

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// PublishInterval is the shortest time between two published frames.
const PublishInterval = 16 * time.Millisecond

// Engine runs one scenario at a time in the background and publishes
// Frames; Latest returns the newest. All methods are safe for concurrent use.
type Engine struct {
	mu       sync.Mutex
	cancel   context.CancelFunc
	done     chan struct{}
	latest   atomic.Pointer[Frame]
	paused   atomic.Bool
	tokens   atomic.Int64  // single steps granted while paused
	pace     atomic.Int64  // minimum duration of a step in ns (0: as fast as possible)
	wake     chan struct{} // nudges a paused run
	acc      *Accelerator
	lim      Limits // guarded by mu
	cacheDir string // trained networks ("": DefaultCacheDir()); guarded by mu
}

// SetCacheDir sets where later runs find and keep trained networks.
func (e *Engine) SetCacheDir(dir string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.cacheDir = dir
}

// SetLimits sets the limits every later Restart checks.
func (e *Engine) SetLimits(l Limits) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.lim = l
}

// SetPace makes every step last at least d (0: as fast as possible), so that
// a live display can follow a fast run.
func (e *Engine) SetPace(d time.Duration) { e.pace.Store(int64(max(d, 0))) }

// Pace returns the minimum step duration.
func (e *Engine) Pace() time.Duration { return time.Duration(e.pace.Load()) }

// NewEngine returns an idle engine with its own accelerator (the GPU is
// looked for the first time a scenario can use it).
func NewEngine() *Engine { return NewEngineWith(NewAccelerator()) }

// NewEngineWith returns an idle engine that shares acc (nil: CPU only) with
// other engines.
func NewEngineWith(acc *Accelerator) *Engine { return &Engine{wake: make(chan struct{}, 1), acc: acc} }

// Restart validates p and, if it is valid, cancels the run in flight (it
// stops within one step), waits for it, and starts p in the background. An
// invalid p returns an error naming the parameter and leaves the current run
// untouched. The run ends when ctx is cancelled or Stop is called.
func (e *Engine) Restart(ctx context.Context, p Params) error {
	e.mu.Lock()
	lim, cacheDir := e.lim, e.cacheDir
	e.mu.Unlock()
	sc, err := buildScenario(p, lim)
	if err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.stopLocked()
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	e.cancel, e.done = cancel, done
	obs := &engineObserver{e: e, sc: sc}
	start := make([]float64, 2*p.Particles)
	project(start, sc.start, p.Dim, sc.embed)
	if historyEvery(p.Particles, len(sc.grid)) > 0 {
		obs.hist = []Snapshot{{T: sc.grid[0], Positions: start}}
	}
	e.latest.Store(&Frame{Params: p, Total: len(sc.grid), Grid: sc.grid, T: sc.grid[0], Positions: start, Data: sc.data2d, History: obs.hist})
	go func() {
		defer close(done)
		res, err := safeExecute(rctx, sc, obs, Env{Acc: e.acc, Limits: lim, CacheDir: cacheDir, OnTrain: obs.training})
		obs.final(res, err)
	}()
	return nil
}

// Stop cancels the run in flight and waits for it to end.
func (e *Engine) Stop() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.stopLocked()
}

func (e *Engine) stopLocked() {
	if e.cancel != nil {
		e.cancel()
		<-e.done
		e.cancel, e.done = nil, nil
	}
}

// Latest returns the newest frame, or nil before the first Restart.
func (e *Engine) Latest() *Frame { return e.latest.Load() }

// SetPaused pauses or resumes the run (a paused run waits before its next step).
func (e *Engine) SetPaused(on bool) {
	e.paused.Store(on)
	e.nudge()
}

// Paused reports whether the engine is paused.
func (e *Engine) Paused() bool { return e.paused.Load() }

// StepOnce lets a paused run make one more step.
func (e *Engine) StepOnce() {
	e.tokens.Add(1)
	e.nudge()
}

func (e *Engine) nudge() {
	select {
	case e.wake <- struct{}{}:
	default:
	}
}

// engineObserver publishes frames of one run.
type engineObserver struct {
	e    *Engine
	sc   *scenario
	last time.Time
	t0   time.Time
	prev time.Time // start of the previous step (pacing)

	trainNet  string    // the network being trained
	trainLoss []float64 // its loss history

	hist []Snapshot // positions every histEvery rows (frames share a prefix)
}

func (o *engineObserver) wait(ctx context.Context) error {
	if o.t0.IsZero() {
		o.t0 = time.Now()
	}
	for o.e.paused.Load() {
		if o.e.tokens.Load() > 0 {
			o.e.tokens.Add(-1)
			return ctx.Err()
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-o.e.wake:
		}
	}
	if d := time.Duration(o.e.pace.Load()); d > 0 && !o.prev.IsZero() {
		if rest := d - time.Since(o.prev); rest > 0 {
			t := time.NewTimer(rest)
			select {
			case <-ctx.Done():
				t.Stop()
				return ctx.Err()
			case <-t.C:
			}
		}
	}
	o.prev = time.Now()
	return ctx.Err()
}

func (o *engineObserver) row(bt *Batch, rows []Row, backend, note string) {
	now := time.Now()
	var pos []float64
	// After row i the states are at grid[i+1]; the last row (no step) adds nothing.
	if every := historyEvery(bt.B, len(o.sc.grid)); every > 0 && len(rows) < len(o.sc.grid) &&
		(len(rows)%every == 0 || len(rows) == len(o.sc.grid)-1) {
		pos = make([]float64, 2*bt.B)
		project(pos, bt.X, bt.D, o.sc.embed)
		o.hist = append(o.hist, Snapshot{T: bt.Grid[min(len(rows), len(bt.Grid)-1)], Positions: pos})
	}
	if now.Sub(o.last) < PublishInterval && len(rows) < len(o.sc.grid) && !o.e.paused.Load() {
		return
	}
	o.last = now
	if pos == nil {
		pos = make([]float64, 2*bt.B)
		project(pos, bt.X, bt.D, o.sc.embed)
	}
	mv, qr := costs(rows)
	t := bt.Grid[min(len(rows), len(bt.Grid)-1)]
	o.e.latest.Store(&Frame{Params: o.sc.p, Backend: backend, Note: note, Rows: rows[:len(rows):len(rows)], Total: len(o.sc.grid), Grid: o.sc.grid,
		T: t, Positions: pos, Data: o.sc.data2d, MatVecs: mv, QRs: qr, Elapsed: now.Sub(o.t0), History: o.hist[:len(o.hist):len(o.hist)]})
}

// final publishes the last frame of a run: complete, or with its error.
func (o *engineObserver) final(res *Result, err error) {
	prev := o.e.latest.Load()
	f := *prev
	f.Done = true
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return // superseded or stopped: the next run publishes its own frames
		}
		f.Err = err.Error()
	} else {
		f.Rows = res.Rows
		f.Backend = res.Backend
		f.Note = res.Note
		f.Elapsed = res.Elapsed
	}
	o.e.latest.Store(&f)
}

// safeExecute is execute with panics turned into errors (see worker.safeRun).
func safeExecute(ctx context.Context, sc *scenario, obs observer, env Env) (res *Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			res, err = nil, fmt.Errorf("internal error: %v", r)
		}
	}()
	return execute(ctx, sc, obs, env)
}

// GPUUnavailable returns why backend=gpu cannot run on this engine ("" when
// a device is open). The first call looks for the GPU.
func (e *Engine) GPUUnavailable() string {
	if e.acc == nil {
		return "no accelerator attached"
	}
	_, st, err := e.acc.device()
	switch {
	case err != nil:
		return err.Error()
	case !st.Pass:
		return "GPU self-test failed: " + st.Reason
	}
	return ""
}

// training publishes the progress of the networks' training, at most once
// per PublishInterval (and at the end of each network).
func (o *engineObserver) training(tp TrainProgress) {
	if tp.Net != o.trainNet {
		o.trainNet, o.trainLoss = tp.Net, nil
	}
	o.trainLoss = append(o.trainLoss, tp.Loss) // beyond what published frames see
	now := time.Now()
	prev := o.e.latest.Load()
	if prev == nil || now.Sub(o.last) < PublishInterval && tp.Step < tp.Steps {
		return
	}
	o.last = now
	f := *prev
	n := len(o.trainLoss)
	f.Train = &Training{Net: tp.Net, Step: tp.Step, Steps: tp.Steps, Loss: o.trainLoss[:n:n], Elapsed: tp.Elapsed}
	o.e.latest.Store(&f)
}
