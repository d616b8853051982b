package tui

import (
	"context"
	"sync"
	"time"

	"fisherscope/sim"
)

// Source is where frames come from: *sim.Engine, or a fake in tests.
type Source interface {
	Restart(ctx context.Context, p sim.Params) error
	Latest() *sim.Frame
	SetPaused(bool)
	Paused() bool
	StepOnce()
	SetPace(time.Duration)
	Pace() time.Duration
	Stop()
}

// restarter applies restarts on its own goroutine so that Update never waits
// for the run in flight to stop. Requests coalesce: only the newest pending
// one is applied.
type restarter struct {
	mu      sync.Mutex
	pending *sim.Params
	applied *sim.Params // the last restart that succeeded
	lastErr error
	wake    chan struct{}
	done    chan struct{}
}

func newRestarter(ctx context.Context, src Source) *restarter {
	r := &restarter{wake: make(chan struct{}, 1), done: make(chan struct{})}
	go r.loop(ctx, src)
	return r
}

func (r *restarter) loop(ctx context.Context, src Source) {
	defer close(r.done)
	for {
		select {
		case <-ctx.Done():
			return
		case <-r.wake:
		}
		r.mu.Lock()
		p := r.pending
		r.pending = nil
		r.mu.Unlock()
		if p == nil {
			continue
		}
		err := src.Restart(ctx, *p)
		r.mu.Lock()
		r.lastErr = err
		if err == nil {
			r.applied = p
		}
		r.mu.Unlock()
	}
}

// request asks for a restart with p, replacing any request not yet applied.
func (r *restarter) request(p sim.Params) {
	r.mu.Lock()
	r.pending = &p
	r.lastErr = nil
	r.mu.Unlock()
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// err returns the error of the last applied restart, once, with the
// parameters of the last restart that succeeded (nil if none did).
func (r *restarter) err() (error, *sim.Params) {
	r.mu.Lock()
	defer r.mu.Unlock()
	err := r.lastErr
	r.lastErr = nil
	return err, r.applied
}
