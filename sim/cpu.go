package sim

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
)

// cpu is the CPU backend: W persistent workers with their own workspaces
// that take chunks of particles from a shared counter until none are left
// (a slower core takes fewer chunks). A particle's results do not depend on
// which worker takes it. Steps do not allocate.
type cpu struct {
	workers []*worker
	jobs    []chan job
	done    chan error
	wg      sync.WaitGroup
	next    atomic.Int64 // the first particle not yet taken in this step
}

type job struct {
	ctx    context.Context
	i      int
	finish bool
	next   *atomic.Int64 // shared by the workers of one step
}

func newCPU(bt *Batch, w int) *cpu {
	w = max(1, min(w, bt.B))
	c := &cpu{done: make(chan error, w)}
	for k := 0; k < w; k++ {
		wk := newWorker(bt)
		ch := make(chan job)
		c.workers = append(c.workers, wk)
		c.jobs = append(c.jobs, ch)
		c.wg.Add(1)
		go func() {
			defer c.wg.Done()
			for j := range ch {
				c.done <- wk.safeRun(j)
			}
		}()
	}
	return c
}

// Name implements Stepper.
func (c *cpu) Name() string {
	if len(c.workers) == 1 {
		return "cpu (1 core)"
	}
	return fmt.Sprintf("cpu (%d cores)", len(c.workers))
}

func (c *cpu) dispatch(j job) error {
	c.next.Store(0)
	j.next = &c.next
	for _, ch := range c.jobs {
		ch <- j
	}
	var first error
	for range c.jobs {
		if err := <-c.done; err != nil && first == nil {
			first = err
		}
	}
	return first
}

// Step implements Stepper.
func (c *cpu) Step(ctx context.Context, _ *Batch, i int) error {
	return c.dispatch(job{ctx: ctx, i: i})
}

// Finish implements Stepper.
func (c *cpu) Finish(ctx context.Context, _ *Batch, i int) error {
	return c.dispatch(job{ctx: ctx, i: i, finish: true})
}

// Close implements Stepper: it stops the workers and waits for them.
func (c *cpu) Close() {
	for _, ch := range c.jobs {
		close(ch)
	}
	c.wg.Wait()
}

// safeRun runs a job, turning a panic into an error so that a bug in the
// math ends the run with a message instead of killing the process (and, in
// the TUI, leaving the terminal in raw mode).
func (w *worker) safeRun(j job) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error at step %d: %v", j.i, r)
		}
	}()
	return w.run(j)
}
